"""Read ``.npz`` archives that may come from anyone, within a memory budget.

``numpy.load`` trusts an archive: it allocates whatever shape an array's header declares and
decompresses whatever a member holds, so a 7.5 KB file can ask for gigabytes (a header of
10¹² elements raises ``MemoryError``; a 1 MiB zip bomb inflates to 1 GiB). :func:`read_npz`
checks everything it can *before* allocating or decompressing:

1. the archive's directory: at most ``max_members`` members, each a ``.npy``, not encrypted,
   stored or deflated (other compressions are refused by name), and the sum of the sizes
   the directory declares within ``max_bytes``;
2. each member's ``.npy`` header (read from the first bytes of the stream): a plain numeric
   or text dtype (never objects, so never pickle), and a shape whose element count times
   the item size is exactly the member's declared size;
3. only then the data, read in one bounded call; a member that inflates to more or less
   than it declared (a lie in the directory) fails the zip CRC/size check and is refused.
"""

from __future__ import annotations

import io
import math
import zipfile
import zlib

import numpy as np

from rnn_studio.engine.errors import EngineError

#: Default cap on the bytes an archive's arrays may hold once decompressed (256 MiB).
MAX_NPZ_BYTES = 256 * 1024 * 1024
#: Largest ``.npy`` header accepted (NumPy's own default limit).
MAX_HEADER_BYTES = 10_000
#: dtype kinds an archive may hold: floats, signed/unsigned ints, booleans, text.
ALLOWED_KINDS = "fiubU"


def read_npz(
    data: bytes, name: str, *, max_bytes: int = MAX_NPZ_BYTES, max_members: int = 64
) -> dict[str, np.ndarray]:
    """Return the arrays of an ``.npz`` archive, by name, after checking it (module docstring).

    Parameters
    ----------
    data : bytes
        The archive.
    name : str
        What to call it in messages (a file name, or ``weights.npz``).
    max_bytes : int
        Most bytes the arrays may hold in memory, all together.
    max_members : int
        Most arrays the archive may hold.

    Raises
    ------
    EngineError
        A message for people naming ``name`` and what is wrong; never ``MemoryError``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        message = f"{name} is truncated or corrupt (not a readable .npz archive)."
        raise EngineError(message) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_members:
            raise EngineError(f"{name} holds {len(infos)} arrays; at most {max_members} are read.")
        declared = 0
        for info in infos:
            _check_member(info, name)
            declared += info.file_size
            if declared > max_bytes:
                raise EngineError(
                    f"{name} declares {_mib(declared)} of arrays; RNN Studio reads at most "
                    f"{_mib(max_bytes)}."
                )
        arrays = {}
        for info in infos:
            key = info.filename[: -len(".npy")]
            try:
                arrays[key] = _read_member(archive, info, name)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
                raise EngineError(f"{name}: {key} is truncated or corrupt.") from None
        return arrays


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    if info.flag_bits & 0x1:
        raise EngineError(f"{name} is encrypted; RNN Studio cannot read encrypted archives.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise EngineError(
            f"{name}: {info.filename} uses a compression RNN Studio does not read "
            "(only stored or deflated members)."
        )
    if not info.filename.endswith(".npy") or info.is_dir():
        raise EngineError(f"{name}: {info.filename} is not an array (.npy) member.")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> np.ndarray:
    key = info.filename[: -len(".npy")]
    with archive.open(info) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                header = np.lib.format.read_array_header_1_0(stream, MAX_HEADER_BYTES)
            elif version in ((2, 0), (3, 0)):
                header = np.lib.format.read_array_header_2_0(stream, MAX_HEADER_BYTES)
            else:
                raise ValueError(f"unknown .npy version {version}")
        except (ValueError, SyntaxError, TypeError, OverflowError, RecursionError):
            raise EngineError(f"{name}: {key} does not start with a valid array header.") from None
        shape, fortran_order, dtype = header
        if dtype.hasobject or dtype.kind not in ALLOWED_KINDS or dtype.fields is not None:
            raise EngineError(f"{name}: {key} holds {dtype} data, which cannot be read safely.")
        count = math.prod(shape)  # Python ints: no overflow
        size = count * dtype.itemsize
        header_bytes = stream.tell()
        if header_bytes + size != info.file_size:
            raise EngineError(
                f"{name}: {key} declares shape {shape} ({count} values) but the archive "
                f"holds {max(info.file_size - header_bytes, 0)} bytes for it."
            )
        raw = stream.read(size)
        if len(raw) != size:
            raise EngineError(f"{name}: {key} is truncated.")
    array = np.frombuffer(raw, dtype=dtype)
    return array.reshape(shape, order="F" if fortran_order else "C").copy()


def _mib(count: int) -> str:
    return f"{count / 2**20:.1f} MiB" if count < 2**30 else f"{count / 2**30:.1f} GiB"
