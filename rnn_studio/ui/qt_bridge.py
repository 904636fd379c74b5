"""Forward the Qt-free session's events to Qt signals, and keep view updates from looping.

The session (:class:`rnn_studio.state.session.StudioSession`) emits plain-Python events; a
:class:`SessionBridge` re-emits each as a Qt signal of the same name, so panels connect the
Qt way (automatic disconnection when a panel is deleted, queued delivery across threads).

A panel that reflects the session in its controls wraps the update in :func:`blocked`, so
setting a spin box's value does not fire ``valueChanged`` and call back into the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QSignalBlocker, Signal

from rnn_studio.state.session import StudioSession

EVENT_NAMES = (
    "controls_changed",
    "trace_changed",
    "cursor_changed",
    "error_changed",
    "warning_changed",
    "gradients_changed",
    "view_cell_changed",
    "demo_applied",
    "jacobian_changed",
    "radii_changed",
)


class SessionBridge(QObject):
    """Qt signals mirroring the events of one :class:`StudioSession`.

    Parameters
    ----------
    session : StudioSession
        The session to observe; available as :attr:`session`.
    """

    controls_changed = Signal()
    trace_changed = Signal(object)
    cursor_changed = Signal(int)
    error_changed = Signal(str)
    warning_changed = Signal(str)
    gradients_changed = Signal(object)
    view_cell_changed = Signal(str)
    demo_applied = Signal(object)
    jacobian_changed = Signal(object)
    radii_changed = Signal(object)

    def __init__(self, session: StudioSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._forwarders = []
        for name in EVENT_NAMES:
            qt_signal = getattr(self, name)
            forwarder = qt_signal.emit
            getattr(session, name).connect(forwarder)
            self._forwarders.append((name, forwarder))

    def detach(self) -> None:
        """Stop forwarding the session's events (before the bridge goes away)."""
        for name, forwarder in self._forwarders:
            getattr(self.session, name).disconnect(forwarder)
        self._forwarders.clear()


@contextmanager
def blocked(*objects: QObject) -> Iterator[None]:
    """Block the signals of ``objects`` while the body runs (see :class:`QSignalBlocker`)."""
    blockers = [QSignalBlocker(obj) for obj in objects]
    try:
        yield
    finally:
        for blocker in blockers:
            blocker.unblock()
