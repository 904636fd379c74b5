"""What the app's process sets before it loads anything big: BLAS threads, the garbage collector.

Standard library only, and nothing imported at module level beyond it, so that
``rnn_studio.__main__`` can call it first (before the command-line parser loads NumPy).

**One BLAS thread.** The engine's matrices are tiny: with OpenBLAS's thread pool, training on
a busy two-core machine ran about 20 times slower (:mod:`rnn_studio.engine.blas`). Set in the
environment before NumPy is first imported, OpenBLAS starts without a pool, and the app need
not load ``threadpoolctl`` to shrink one at start-up (:func:`blas_started_with_one_thread`).

**No cyclic garbage collection until the first frame.** Python's cyclic collector runs after
every 700 net allocations; a start allocates some 120,000 tracked objects (modules, classes,
PySide's enums, widgets), almost all of them kept for the app's lifetime, and ~1,000 of them
garbage in cycles. The collector ran ~180 times before the first paint, re-scanning the same
long-lived objects: about a tenth of the start's CPU (``benchmarks/startup.py``). Reference
counting still frees everything not in a cycle. :func:`pause_collection` stops the collector;
:func:`resume_collection` (called once the window has painted) moves what was made meanwhile
into the oldest generation without scanning it, and turns the collector back on: the start's
few cyclic leftovers go at the next full collection, as they would have.
"""

from __future__ import annotations

import gc
import os
import sys

#: The environment variables OpenBLAS and OpenMP read for their thread count when loaded.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")

_state = {"paused": False, "blas_set_before_numpy": False}


def limit_blas_threads_early() -> None:
    """Ask for a one-thread BLAS through the environment, before NumPy is first imported.

    A value the user set is kept. Whether NumPy was still unloaded (so that the BLAS it
    loads reads these values) is remembered for :func:`blas_started_with_one_thread`.
    """
    for variable in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    if "numpy" not in sys.modules:
        _state["blas_set_before_numpy"] = True


def blas_started_with_one_thread() -> bool:
    """Whether NumPy's BLAS was loaded after both variables read 1 (so it has one thread).

    False when NumPy was already loaded when :func:`limit_blas_threads_early` ran, or when
    the user asked for another number: then :func:`rnn_studio.engine.blas.limit_blas_threads`
    sets the number at run time.
    """
    return _state["blas_set_before_numpy"] and all(
        os.environ.get(variable) == "1" for variable in BLAS_THREAD_VARIABLES
    )


def pause_collection() -> None:
    """Stop cyclic garbage collection until :func:`resume_collection`.

    Does nothing if the collector is already off (someone else turned it off: they turn it
    back on, not :func:`resume_collection`).
    """
    if gc.isenabled():
        gc.disable()
        _state["paused"] = True


def collection_paused() -> bool:
    """Whether :func:`pause_collection` has stopped the collector and it is still stopped."""
    return _state["paused"]


def resume_collection() -> None:
    """Turn the collector back on after :func:`pause_collection` (else do nothing).

    The objects made while it was off would all be in the youngest generation, and the next
    collections would scan them two or three times over as they aged (~60 ms each on the
    development machine, just after the first paint). ``gc.freeze`` + ``gc.unfreeze`` move
    every tracked object into the oldest generation without scanning it; the next full
    collection (whose timing Python decides as usual) looks at them once.
    """
    if not _state["paused"]:
        return
    _state["paused"] = False
    gc.freeze()
    gc.unfreeze()
    gc.enable()
