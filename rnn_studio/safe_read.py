"""Read files that may come from anyone: bounded, regular files only, JSON that cannot explode.

Standard library only, so that every layer (the engine's model files included) reads through
the same checks:

* :func:`read_file_bytes` refuses FIFOs, devices, folders and symlinks to them *before*
  opening (a FIFO would block for good, ``/dev/zero`` would never end) and refuses a file
  larger than the caller's limit before reading it;
* :func:`decode_text` turns bytes into text with a message for people, not a codec error;
* :func:`loads_json` parses JSON without letting ``RecursionError`` (deep nesting),
  ``OverflowError`` or a 5,000-digit integer escape, and refuses ``NaN``, ``Infinity`` and
  numbers that overflow to infinity (``1e400``).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

#: Longest integer literal accepted in JSON (seeds are below 2**64, 20 digits).
MAX_INT_DIGITS = 40


class ReadRefusedError(OSError):
    """A file that is not read at all (not a regular file, or too large); says why."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "the file was not read"


class BadJSONError(ValueError):
    """JSON text that cannot be used; the message says why in plain words."""


def describe_size(count: int) -> str:
    """``count`` bytes as people say it: ``"512 bytes"``, ``"3.2 MB"``."""
    if count < 1000:
        return f"{count} bytes"
    if count < 1_000_000:
        return f"{count / 1000:.0f} KB"
    if count < 1_000_000_000:
        return f"{count / 1e6:.1f} MB"
    return f"{count / 1e9:.1f} GB"


def check_regular_file(path: str | os.PathLike[str], max_bytes: int | None = None) -> int:
    """Return the size of ``path`` if it is a regular file no larger than ``max_bytes``.

    Symlinks are followed, so a link to a FIFO or device is refused like the thing itself.

    Raises
    ------
    ReadRefusedError
        A FIFO, device, socket or folder, or a file over the limit.
    OSError
        The file cannot be looked at (missing, no permission).
    """
    info = os.stat(path)
    return _check_info(info, Path(path).name, max_bytes)


def _check_info(info: os.stat_result, name: str, max_bytes: int | None) -> int:
    if stat.S_ISDIR(info.st_mode):
        raise ReadRefusedError(f"{name} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ReadRefusedError(f"{name} is not an ordinary file (a device, pipe or socket)")
    if max_bytes is not None and info.st_size > max_bytes:
        raise ReadRefusedError(
            f"{name} is {describe_size(info.st_size)}; "
            f"RNN Studio opens files of at most {describe_size(max_bytes)} here"
        )
    return info.st_size


def read_file_bytes(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """Read a regular file of at most ``max_bytes`` bytes (see :func:`check_regular_file`).

    The file is opened without blocking and checked again through the open handle, so a file
    swapped for a FIFO between the check and the open cannot hang the app; a file that grows
    past the limit while it is read is refused too.
    """
    check_regular_file(path, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        _check_info(os.fstat(handle.fileno()), Path(path).name, max_bytes)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ReadRefusedError(
            f"{Path(path).name} grew past {describe_size(max_bytes)} while it was read"
        )
    return data


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (a byte-order mark is allowed); a message names the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise BadJSONError(
            f"{name} is not UTF-8 text (unreadable byte at position {problem.start})"
        ) from None


def read_text_file(path: str | os.PathLike[str], max_bytes: int) -> str:
    """:func:`read_file_bytes` then :func:`decode_text`."""
    return decode_text(read_file_bytes(path, max_bytes), Path(path).name)


def _refuse_constant(name: str) -> Any:
    raise BadJSONError(f"{name} is not a number JSON files may hold here")


def _parse_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise BadJSONError(f"the number {text[:20]}{'…' if len(text) > 20 else ''} is too large")
    return value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadJSONError(f"a whole number with {len(text.lstrip('-'))} digits is too long")
    return int(text)


def loads_json(text: str, name: str = "the file") -> Any:
    """Parse JSON text for data files; every problem is a :class:`BadJSONError` naming ``name``.

    Refuses nesting deeper than Python's recursion limit (the parser's ``RecursionError``
    becomes a message), integers longer than :data:`MAX_INT_DIGITS` digits,
    ``NaN``/``Infinity`` and floats that overflow.
    """
    try:
        return json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except BadJSONError as problem:
        message = str(problem)
        raise BadJSONError(message if message.startswith(name) else f"{name}: {message}") from None
    except json.JSONDecodeError as problem:
        raise BadJSONError(
            f"{name}: not valid JSON ({problem.msg} at line {problem.lineno}, "
            f"column {problem.colno})"
        ) from None
    except RecursionError:
        raise BadJSONError(f"{name}: the data is nested too deeply to be read") from None
    except (MemoryError, OverflowError, ValueError) as problem:
        raise BadJSONError(f"{name}: the data cannot be read ({type(problem).__name__})") from None
