"""Where user files live and how they are written: atomically, with backups, no pickle.

Every file the app writes for the user (settings, learner progress, sessions, autosaves) goes
through :func:`atomic_write_bytes` so that a crash mid-write never leaves a half-written file,
and a file that cannot be read is moved aside with :func:`backup_corrupt` rather than lost.

Set the environment variable ``RNN_STUDIO_HOME`` to redirect every user folder (tests do).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

APP_NAME = "rnn-studio"
HOME_VARIABLE = "RNN_STUDIO_HOME"


def user_data_dir() -> Path:
    """Return (and create) the folder for learner progress, sessions and autosaves."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        folder = Path(override) / "data"
    else:
        from platformdirs import user_data_path

        folder = user_data_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def user_config_dir() -> Path:
    """Return (and create) the folder for settings."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        folder = Path(override) / "config"
    else:
        from platformdirs import user_config_path

        folder = user_config_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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
