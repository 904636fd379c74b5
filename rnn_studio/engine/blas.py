"""Keep BLAS to one thread: the engine's matrices are tiny, so threads only add overhead.

With OpenBLAS's default thread pool on a busy two-core machine, training a small model ran
about 20 times slower than on one thread (0.57 s against 13 s for the same 200 updates),
because every small matrix product woke and synchronised the pool. Setting
``OPENBLAS_NUM_THREADS=1`` before NumPy is imported fixes it; :func:`limit_blas_threads` does
the same at run time for the OpenBLAS that NumPy's wheels bundle (``threadpoolctl`` is used
instead when it is installed).
"""

from __future__ import annotations

import ctypes
import glob
import os
from pathlib import Path

import numpy as np

_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def limit_blas_threads(threads: int = 1) -> bool:
    """Ask NumPy's BLAS to use ``threads`` threads; return True if it could be done.

    Safe to call any number of times, from any thread; does nothing (returns False) for a
    BLAS it does not recognise.
    """
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        threadpool_limits(limits=threads, user_api="blas")
        return True
    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    candidates = glob.glob(os.fspath(libs / "*openblas*"))
    for path in candidates:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(ctypes.c_int(threads))
                return True
    return False
