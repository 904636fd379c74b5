"""A label for text that changes at every step without relayouting the window.

``QLabel.setText`` asks the layout to recompute (the text's size may have changed); on a
window of docks that relayout and repaint everything at every frame while playing. This
widget keeps a constant size hint (a number of lines of the current font) and only repaints
itself, eliding or wrapping the text to fit.

With ``wrap`` it shows the whole text instead of eliding it: it takes as many lines as the
text needs at its width (a narrow column at a large text size). Its height then only grows
while its width and font stay the same, so playing through a sequence relayouts the window
at most when a longer text first needs another line, not at every step.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

#: Room above and below the text, in pixels.
PADDING = 2


def wrap_flags(metrics: QFontMetrics, text: str, width: int) -> int:
    """Qt text flags that wrap ``text`` at ``width`` pixels: at word boundaries, or anywhere
    when one word alone is wider (a long token, a very large text size)."""
    widest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
    wrap = Qt.TextFlag.TextWrapAnywhere if widest > width else Qt.TextFlag.TextWordWrap
    return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(wrap)


def wrapped_lines(metrics: QFontMetrics, text: str, width: int) -> int:
    """Lines ``text`` takes wrapped at ``width`` pixels (1 for an empty text)."""
    if not text or width <= 0 or metrics.horizontalAdvance(text) <= width:
        return 1
    box = metrics.boundingRect(QRect(0, 0, width, 1 << 20), wrap_flags(metrics, text, width), text)
    # The first line is the font's height, each further one a line spacing (which may be
    # less: a negative leading).
    return 1 + max(0, round((box.height() - metrics.height()) / metrics.lineSpacing()))


def fitted_lines(
    metrics: QFontMetrics, text: str, width: int, least: int, now: int, grow_only: bool
) -> int:
    """Lines to show ``text`` whole at ``width``: at least ``least``, and no fewer than
    ``now`` if ``grow_only`` (while playing, a line is not taken back at the next step)."""
    needed = max(wrapped_lines(metrics, text, width), least)
    return max(needed, now) if grow_only else needed


def lines_height(metrics: QFontMetrics, lines: int) -> int:
    """Pixels ``lines`` lines of text take (without padding)."""
    if lines <= 1:
        return metrics.lineSpacing()
    return (lines - 1) * metrics.lineSpacing() + max(metrics.height(), metrics.lineSpacing())


class StatusText(QWidget):
    """Text of at most ``lines`` lines, wrapped at word boundaries (or elided on one line).

    Parameters
    ----------
    lines : int
        Height in lines of the widget's font (the least height with ``wrap``).
    colour : str, optional
        Text colour (the palette's text colour by default).
    wrap : bool, optional
        Take more lines when the text needs them at the widget's width, so that it is shown
        whole (not elided); the height grows, and shrinks again only when the width grows or
        the font changes.
    """

    def __init__(
        self,
        lines: int = 1,
        colour: str | None = None,
        parent: QWidget | None = None,
        *,
        wrap: bool = False,
    ):
        super().__init__(parent)
        self.lines = lines
        self.wrap = wrap
        #: Lines the widget is high: ``lines``, or more for a wrapped text.
        self.shown_lines = lines
        self.colour = QColor(colour) if colour else None
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._set_height()

    def text(self) -> str:
        """The text shown."""
        return self._text

    def setText(self, text: str) -> None:
        """Show ``text``; repaints this widget only (relayouts only if it needs a new line)."""
        if text != self._text:
            self._text = text
            self.setAccessibleDescription(text)
            self.setToolTip(text)
            self._fit_lines(grow_only=True)
            self.update()

    def clear(self) -> None:
        """Show nothing."""
        self.setText("")

    def text_width(self) -> int:
        """Pixels across the text is drawn in."""
        return self.width() - 2

    def _set_height(self) -> None:
        metrics = self.fontMetrics()
        if self.shown_lines == self.lines:  # (as many lines as asked for: as ever)
            height = metrics.lineSpacing() * self.lines
        else:
            height = lines_height(metrics, self.shown_lines)
        self.setFixedHeight(height + 2 * PADDING)

    def _fit_lines(self, grow_only: bool) -> None:
        """With ``wrap``: as many lines as the text needs at the width (no fewer than now if
        ``grow_only``)."""
        if not self.wrap:
            return
        metrics, width = self.fontMetrics(), self.text_width()
        needed = fitted_lines(metrics, self._text, width, self.lines, self.shown_lines, grow_only)
        if needed != self.shown_lines:
            self.shown_lines = needed
            self._set_height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            # Narrower: perhaps another line. Wider: back to the lines the text needs.
            self._fit_lines(grow_only=event.size().width() < event.oldSize().width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # e.g. presenter mode's larger font
            self.shown_lines = self.lines
            self._set_height()
            self._fit_lines(grow_only=False)

    def sizeHint(self) -> QSize:
        return QSize(120, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(40, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.colour or self.palette().color(self.foregroundRole()))
        rect = self.rect().adjusted(1, PADDING, -1, -PADDING)
        metrics = self.fontMetrics()
        if self.shown_lines == 1 and (
            not self.wrap or wrapped_lines(metrics, self._text, rect.width()) == 1
        ):
            elided = metrics.elidedText(self._text, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided
            )
        else:
            painter.drawText(rect, wrap_flags(metrics, self._text, rect.width()), self._text)
