"""What every studio panel shares: its hint line, glossary links and the session bridge."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout, QWidget

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
    #: Lines of the font the panel's own content gets before a long hint is shown whole:
    #: plots come first, and the hint collapses to one line when there is not room for both.
    hint_reserve_lines = 0
    #: Whether a row of :attr:`wrapping_rows` goes side by side when its widgets' least
    #: widths fit (True), or only when their preferred widths do (False).
    wrap_at_least_width = False
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
        # Re-deciding the hint inside a resize would relayout during the layout pass.
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_hint)
        #: Rows of controls side by side when the panel's room fits them, else stacked
        #: (a large text size): a row wider than the dock scrolled the panel sideways.
        self.wrapping_rows: list[QBoxLayout] = []

    def minimumSizeHint(self) -> QSize:
        """The smallest size with the hint collapsed to one line.

        Docks and the window are sized from this, so a panel never demands room for its
        whole hint: it shows the whole hint only when it has that room (:meth:`fit_hint`).
        """
        size = super().minimumSizeHint()
        if not self.hint.collapsed and not self.hint.isHidden():  # presenter mode hides it
            size.setHeight(size.height() - (self.hint.minimumHeight() - self.hint.line_height()))
        return size

    def fit_hint(self) -> None:
        """Show the whole hint if the panel has room for it beyond its minimum, else one line."""
        collapsed_minimum = self.minimumSizeHint().height()
        width = self.hint.width() if self.hint.width() > 40 else self.width() - 12
        extra = self.hint.full_height(width) - self.hint.line_height()
        reserve = self.hint_reserve_lines * self.fontMetrics().lineSpacing()
        self.hint.set_collapsed(self.height() < collapsed_minimum + extra + reserve)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_timer.start()
        self.arrange_rows()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # A theme (style sheet) or font change alters the hint's metrics: fit it again.
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit_timer.start()
        if event.type() == QEvent.Type.FontChange:
            self.arrange_rows()

    def event(self, event: QEvent) -> bool:
        parent = self.parentWidget()
        if event.type() == QEvent.Type.ParentChange and parent is not None:
            parent.installEventFilter(self)  # its width decides the rows' directions
        return super().event(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.arrange_rows()
        return super().eventFilter(watched, event)

    def row_width(self, row: QBoxLayout) -> int:
        """Pixels the widgets of ``row`` need side by side, with the panel's margins."""
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        sides = margins.left() + margins.right() if margins is not None else 0
        items = [row.itemAt(i) for i in range(row.count())]
        widgets = [item.widget() for item in items if item is not None]
        shown = [
            (widget.minimumSizeHint() if self.wrap_at_least_width else widget.sizeHint()).width()
            for widget in widgets
            if widget is not None
        ]
        return sum(shown) + row.spacing() * max(len(shown) - 1, 0) + sides

    def arrange_rows(self) -> None:
        """Each of :attr:`wrapping_rows` side by side if the room (the scroll area's
        viewport, else the panel) fits it, else stacked."""
        parent = self.parentWidget()
        room = parent.width() if parent is not None else self.width()
        for row in getattr(self, "wrapping_rows", ()):
            direction = (
                QBoxLayout.Direction.LeftToRight
                if room >= self.row_width(row)
                else QBoxLayout.Direction.TopToBottom
            )
            if row.direction() != direction:
                row.setDirection(direction)

    def highlighted_step(self) -> int | None:
        """The time step this panel currently highlights (None if it shows no step)."""
        return None
