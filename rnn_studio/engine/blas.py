"""Keep BLAS to one thread: the engine's matrices are tiny, so threads only add overhead.

With OpenBLAS's default thread pool on a busy two-core machine, training a small model ran
about 20 times slower than on one thread (0.57 s against 13 s for the same 200 updates),
because every small matrix product woke and synchronised the pool. Setting
``OPENBLAS_NUM_THREADS=1`` before NumPy is imported fixes it (``rnn_studio.ui.app`` does that
at start-up); :func:`limit_blas_threads` does the same at run time, for a NumPy already
loaded, through ``threadpoolctl``, which finds the BLAS NumPy really uses (OpenBLAS, MKL,
BLIS, ...) on every platform instead of guessing a wheel's library file names.
"""

from __future__ import annotations

import numpy as np  # noqa: F401  (loaded first, so that threadpoolctl sees NumPy's BLAS)
from threadpoolctl import threadpool_info, threadpool_limits


def limit_blas_threads(threads: int = 1) -> bool:
    """Ask every BLAS loaded in this process to use ``threads`` threads.

    Parameters
    ----------
    threads : int
        Threads per BLAS call, at least 1.

    Returns
    -------
    bool
        True if a BLAS was found and limited; False if none is loaded (nothing to do).

    Notes
    -----
    Safe to call any number of times, from any thread. The limit stays until changed again
    (it is not undone when the call returns).
    """
    if not any(entry.get("user_api") == "blas" for entry in threadpool_info()):
        return False
    threadpool_limits(limits=threads, user_api="blas")
    return True


def blas_threads() -> list[int]:
    """Threads each loaded BLAS currently uses (for tests and ``--self-check`` reports)."""
    return [
        int(entry["num_threads"]) for entry in threadpool_info() if entry.get("user_api") == "blas"
    ]
