"""Stopping a long pass between two blocks of steps, when its caller no longer wants it.

The forward and backward loops and the spectral radii look at :func:`checkpoint` once per
block of steps (a few milliseconds of work at hidden 256) and once per eigenvalue problem.
Outside :func:`interruptible` that look is free and does nothing; inside it, it asks the
caller's ``stop()`` and raises :class:`Interrupted` when the answer is True, so a caller
whose result went stale (a newer setting) gets its thread back within one block instead
of at the end of the pass. The stop function belongs to the thread that entered the
``with``: other threads' passes are not affected. Nothing half-computed escapes: the
exception leaves the pass before it returns anything.

Usage::

    with engine.interruptible(lambda: generation != current):
        trace = engine.forward(cell, xs)      # raises engine.Interrupted when stale
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Interrupted(Exception):  # noqa: N818 (not an error: the caller asked to stop)
    """A pass stopped at a :func:`checkpoint` because its caller's ``stop()`` said so."""


_LOCAL = threading.local()


@contextmanager
def interruptible(stop: Callable[[], bool]) -> Iterator[None]:
    """Within the block, this thread's passes ask ``stop()`` at every :func:`checkpoint`.

    Nested blocks: the innermost ``stop`` is asked (the outer one again after the block).
    """
    previous = getattr(_LOCAL, "stop", None)
    _LOCAL.stop = stop
    try:
        yield
    finally:
        _LOCAL.stop = previous


def checkpoint() -> None:
    """Raise :class:`Interrupted` when this thread is inside :func:`interruptible` and its
    ``stop()`` answers True; else return at once."""
    stop = getattr(_LOCAL, "stop", None)
    if stop is not None and stop():
        raise Interrupted
