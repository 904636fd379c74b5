"""Write files so a crash never leaves half of one, and move unreadable ones aside.

Standard library only, so that every layer (the engine's model files included) writes
through the same code: a temporary file in the target's folder, flushed to disk, then
:func:`os.replace` over the target.

File modes follow the usual rules of a desktop program: a new file gets ``0o666`` minus the
umask (``0o644`` under the common umask ``022``), a file being replaced keeps its mode, and
the private stores (learner progress, settings) pass ``private=True`` for ``0o600``.
A temporary file left behind by a killed process (``.<name>.<random>.tmp``) is removed by
:func:`clean_stale_temporaries` at start-up.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Suffix of the temporary files :func:`atomic_write_bytes` writes before the rename.
TEMP_SUFFIX = ".tmp"
#: A temporary file older than this (seconds) belongs to no live write.
STALE_TEMP_SECONDS = 600.0


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows it."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no other way: set and restore at once
    os.umask(mask)
    return mask


def _mode_for(target: Path, private: bool) -> int:
    if private:
        return 0o600
    try:
        return stat.S_IMODE(target.stat().st_mode)  # keep the mode of the file replaced
    except OSError:
        return 0o666 & ~current_umask()


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same folder, are flushed to disk, and replace the
    target with :func:`os.replace`, which is atomic on POSIX and Windows. A failure (a full
    disk, a read-only folder) raises :class:`OSError` and leaves the old file as it was.

    Parameters
    ----------
    path : path-like
        The file to write.
    data : bytes
        Its new contents.
    private : bool
        Write the file ``0o600`` (the learner's own stores); otherwise a new file follows the
        umask and a replaced file keeps its mode.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(target, private)
    fd, tmp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as error:
        Path(tmp_name).unlink(missing_ok=True)
        # Name the file the user asked for, never the temporary one (a full disk).
        raise OSError(error.errno, error.strerror or str(error), str(target)) from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def check_writable_target(path: str | os.PathLike[str]) -> Path:
    """Check that ``path`` can be written, before the work that produces it is done.

    The folder must exist and accept a new file (a temporary one is made and removed), and
    the target, if it exists, must be an ordinary file. Returns the path.

    Raises
    ------
    OSError
        With a message naming the path and what is wrong.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OSError(f"the folder {str(folder)!r} for {target.name} does not exist")
    if target.exists() and not target.is_file():
        raise OSError(f"{str(target)!r} exists and is not an ordinary file")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise OSError(
            f"cannot write {target.name} in {str(folder)!r}: {error.strerror or error}"
        ) from None
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, *, private: bool = False) -> None:
    """Write UTF-8 text atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), private=private)


def atomic_write_json(path: str | os.PathLike[str], data: Any, *, private: bool = False) -> None:
    """Write ``data`` as indented UTF-8 JSON atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    atomic_write_text(path, text, private=private)


def backup_corrupt(path: str | os.PathLike[str]) -> Path:
    """Move an unreadable file aside as ``<name>.corrupt-<timestamp>`` and return the new path.

    Nothing is deleted: the learner (or a developer) can still recover data from the backup.
    """
    source = Path(path)
    backup = unused_name(source, "corrupt")
    os.replace(source, backup)
    return backup


def unused_name(path: Path, label: str) -> Path:
    """``<name>.<label>-<timestamp>`` next to ``path``, with a counter if it is taken."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
        counter += 1
    return candidate


def clean_stale_temporaries(
    folder: str | os.PathLike[str], older_than: float = STALE_TEMP_SECONDS
) -> list[Path]:
    """Delete the temporary files of writes that never finished (a killed process).

    Only files named like :func:`atomic_write_bytes`'s (``.<name>.<random>.tmp``) and older
    than ``older_than`` seconds are removed, so a write in progress in another window is
    left alone. Returns the files removed.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` while the block runs (other processes wait).

    Stores that several windows share (scenes, recent files) read, change and write their
    file inside this lock, so one window's change is never overwritten by another's stale
    copy. Where there is no ``fcntl`` (Windows) the block runs unlocked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    lock_path = Path(f"{os.fspath(path)}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
