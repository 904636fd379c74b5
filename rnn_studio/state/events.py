"""A tiny Qt-free signal: the state layer announces changes, the views subscribe.

The session must not import Qt (see docs/ARCHITECTURE.md), so its events are plain Python
callables kept in a list. :mod:`rnn_studio.ui.qt_bridge` forwards them to Qt signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Callback = Callable[..., Any]


class Signal:
    """A list of callbacks called in order by :meth:`emit`.

    Parameters
    ----------
    name : str
        The event's name (``trace_changed``, ``cursor_changed``...), shown in ``repr``.

    Examples
    --------
    >>> seen = []
    >>> changed = Signal("cursor_changed")
    >>> changed.connect(seen.append)
    >>> changed.emit(3)
    >>> seen
    [3]
    """

    __slots__ = ("_callbacks", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self._callbacks: list[Callback] = []

    def connect(self, callback: Callback) -> None:
        """Call ``callback`` on every :meth:`emit`; connecting twice calls it once."""
        if not callable(callback):
            raise TypeError(f"{self.name}: {callback!r} is not callable")
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callback) -> None:
        """Stop calling ``callback``; a callback that was never connected raises ValueError."""
        try:
            self._callbacks.remove(callback)
        except ValueError:
            raise ValueError(f"{self.name}: {callback!r} is not connected") from None

    def emit(self, *args: Any) -> None:
        """Call every connected callback with ``args``, in the order they were connected."""
        # Iterate over a copy: a callback may disconnect itself while being called.
        for callback in tuple(self._callbacks):
            callback(*args)

    def __len__(self) -> int:
        return len(self._callbacks)

    def __repr__(self) -> str:
        return f"Signal({self.name!r}, {len(self._callbacks)} connected)"
