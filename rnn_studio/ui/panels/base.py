"""What every studio panel shares: its hint line, glossary links and the session bridge."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.widgets.hint import HintLabel


class StudioPanel(QWidget):
    """A panel: a "how to read this" hint on top, the panel's own content below.

    Subclasses set :attr:`panel_id` and :attr:`title`, build their widgets into
    :attr:`body` and subscribe to :attr:`bridge` signals. They never change their widgets
    from the session except inside :func:`rnn_studio.ui.qt_bridge.blocked`.

    Parameters
    ----------
    bridge : SessionBridge
        The session's Qt signals; the session itself is ``bridge.session``.
    """

    panel_id = "panel"
    title = "Panel"
    glossary_requested = Signal(str)

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.session = bridge.session
        self.setObjectName(f"{self.panel_id}_panel")
        self.setAccessibleName(f"{self.title} panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        self.hint = HintLabel(self.panel_id, self)
        self.hint.glossary_requested.connect(self.glossary_requested)
        layout.addWidget(self.hint)
        self.body = layout

    def highlighted_step(self) -> int | None:
        """The time step this panel currently highlights (None if it shows no step)."""
        return None
