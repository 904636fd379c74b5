"""Write files so a crash never leaves half of one, and move unreadable ones aside.

Standard library only, so that every layer (the engine's model files included) writes
through the same code: a temporary file in the target's folder, flushed to disk, then
:func:`os.replace` over the target.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same folder, are flushed to disk, and replace the
    target with :func:`os.replace`, which is atomic on POSIX and Windows.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON atomically."""
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def backup_corrupt(path: str | os.PathLike[str]) -> Path:
    """Move an unreadable file aside as ``<name>.corrupt-<timestamp>`` and return the new path.

    Nothing is deleted: the learner (or a developer) can still recover data from the backup.
    """
    source = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = source.with_name(f"{source.name}.corrupt-{stamp}")
    counter = 1
    while backup.exists():
        backup = source.with_name(f"{source.name}.corrupt-{stamp}-{counter}")
        counter += 1
    os.replace(source, backup)
    return backup
