"""A label for text that changes at every step without relayouting the window.

``QLabel.setText`` asks the layout to recompute (the text's size may have changed); on a
window of docks that relayout and repaint everything at every frame while playing. This
widget keeps a constant size hint (a number of lines of the current font) and only repaints
itself, eliding or wrapping the text to fit.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class StatusText(QWidget):
    """Text of at most ``lines`` lines, wrapped at word boundaries (or elided on one line).

    Parameters
    ----------
    lines : int
        Height in lines of the widget's font.
    colour : str, optional
        Text colour (the palette's text colour by default).
    """

    def __init__(self, lines: int = 1, colour: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.lines = lines
        self.colour = QColor(colour) if colour else None
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 4)

    def text(self) -> str:
        """The text shown."""
        return self._text

    def setText(self, text: str) -> None:
        """Show ``text``; repaints this widget only."""
        if text != self._text:
            self._text = text
            self.setAccessibleDescription(text)
            self.setToolTip(text)
            self.update()

    def clear(self) -> None:
        """Show nothing."""
        self.setText("")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # e.g. presenter mode's larger font
            self.setFixedHeight(self.fontMetrics().lineSpacing() * self.lines + 4)

    def sizeHint(self) -> QSize:
        return QSize(120, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(40, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.colour or self.palette().color(self.foregroundRole()))
        rect = self.rect().adjusted(1, 2, -1, -2)
        if self.lines == 1:
            elided = self.fontMetrics().elidedText(
                self._text, Qt.TextElideMode.ElideRight, rect.width()
            )
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided
            )
        else:
            flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
            painter.drawText(rect, int(flags) | int(Qt.TextFlag.TextWordWrap), self._text)
