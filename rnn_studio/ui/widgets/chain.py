"""The unrolled network: one cell per time step, drawn lazily so 1,000 steps cost nothing.

A single :class:`ChainItem` covers the whole chain and paints only the cells inside the
exposed rectangle, so scrolling or moving the cursor repaints a few cells, not the sequence.
Every copy carries the same ``W_xh`` and ``W_hh`` labels: that is weight sharing.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from rnn_studio.ui.theme import FOREGROUND, HIGHLIGHT, HIGHLIGHT_FILL, MUTED

PITCH = 92.0  # horizontal distance between cells
MARGIN = 64.0  # room on the left for h_{-1} = 0
BOX_WIDTH = 58.0
BOX_TOP = 30.0
BOX_HEIGHT = 38.0
INPUT_BOTTOM = 96.0
HEIGHT = 118.0


class ChainItem(QGraphicsItem):
    """The chain of cells; :attr:`cursor` is highlighted, later steps are greyed out."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.tokens: tuple[str, ...] = ()
        self.cell_label = "RNN"
        self.cell_colour = QColor(FOREGROUND)
        self.cursor = 0
        self.on_clicked = None  # set by the view: called with the clicked step

    def set_chain(self, tokens: tuple[str, ...], cell_label: str, colour: str) -> None:
        """Draw ``tokens`` under a chain of ``cell_label`` cells."""
        self.prepareGeometryChange()
        self.tokens = tokens
        self.cell_label = cell_label
        self.cell_colour = QColor(colour)
        self.cursor = min(self.cursor, max(len(tokens) - 1, 0))
        self.update()

    def set_cursor(self, t: int) -> None:
        """Highlight step ``t`` and repaint only the cells whose look changed."""
        old, self.cursor = self.cursor, t
        low, high = min(old, t), max(old, t)
        self.update(QRectF(cell_x(low) - PITCH, 0.0, (high - low + 2) * PITCH, HEIGHT))

    def boundingRect(self) -> QRectF:
        return QRectF(0.0, 0.0, MARGIN + len(self.tokens) * PITCH + 8.0, HEIGHT)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        exposed = option.exposedRect
        first = max(0, math.floor((exposed.left() - MARGIN) / PITCH) - 1)
        last = min(len(self.tokens) - 1, math.ceil((exposed.right() - MARGIN) / PITCH) + 1)
        small = QFont(painter.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.8, 6.0))
        if first == 0 and self.tokens:
            self._paint_start(painter, small)
        for t in range(first, last + 1):
            self._paint_cell(painter, t, small)

    def _paint_start(self, painter: QPainter, small: QFont) -> None:
        painter.setPen(QPen(QColor(MUTED)))
        painter.setFont(small)
        middle = BOX_TOP + BOX_HEIGHT / 2
        painter.drawText(
            QRectF(0.0, middle - 22, MARGIN, 16), Qt.AlignmentFlag.AlignCenter, "h₋₁ = 0"
        )
        _arrow(painter, QPointF(8.0, middle), QPointF(cell_x(0), middle), QColor(MUTED))

    def _paint_cell(self, painter: QPainter, t: int, small: QFont) -> None:
        left = cell_x(t)
        future = t > self.cursor
        current = t == self.cursor
        ink = QColor(MUTED if future else FOREGROUND)
        if future:
            ink.setAlpha(110)
        box = QRectF(left, BOX_TOP, BOX_WIDTH, BOX_HEIGHT)
        if current:
            painter.setBrush(QBrush(QColor(HIGHLIGHT_FILL)))
            pen = QPen(QColor(HIGHLIGHT), 3.0)
        else:
            painter.setBrush(QBrush(QColor("#FFFFFF")))
            pen = QPen(self.cell_colour if not future else ink, 1.5)
        painter.setPen(pen)
        painter.drawRoundedRect(box, 6.0, 6.0)
        painter.setPen(QPen(ink))
        font = QFont(painter.font())
        font.setBold(current)
        painter.setFont(font)
        painter.drawText(box.adjusted(0, 2, 0, -14), Qt.AlignmentFlag.AlignCenter, self.cell_label)
        painter.setFont(small)
        painter.drawText(box.adjusted(0, 18, 0, 0), Qt.AlignmentFlag.AlignCenter, f"t={t}")
        middle = BOX_TOP + BOX_HEIGHT / 2
        centre = left + BOX_WIDTH / 2
        # Hidden state flowing right into the next copy, through the shared W_hh.
        if t + 1 < len(self.tokens):
            _arrow(painter, QPointF(left + BOX_WIDTH, middle), QPointF(cell_x(t + 1), middle), ink)
            gap = QRectF(left + BOX_WIDTH, middle - 17, PITCH - BOX_WIDTH, 14)
            painter.drawText(gap, Qt.AlignmentFlag.AlignCenter, "W_hh")
            painter.drawText(gap.translated(0, 18), Qt.AlignmentFlag.AlignCenter, f"h{_sub(t)}")
        # Input from below through the shared W_xh, output h_t above.
        _arrow(
            painter, QPointF(centre, INPUT_BOTTOM - 2), QPointF(centre, BOX_TOP + BOX_HEIGHT), ink
        )
        painter.drawText(
            QRectF(centre + 3, BOX_TOP + BOX_HEIGHT + 4, 40, 14), Qt.AlignmentFlag.AlignLeft, "W_xh"
        )
        _arrow(painter, QPointF(centre, BOX_TOP), QPointF(centre, 8.0), ink)
        painter.drawText(QRectF(centre + 3, 4, 40, 14), Qt.AlignmentFlag.AlignLeft, f"h{_sub(t)}")
        token_font = QFont(painter.font())
        token_font.setPointSizeF(small.pointSizeF() / 0.8)
        token_font.setBold(current)
        painter.setFont(token_font)
        painter.setPen(QPen(QColor(HIGHLIGHT) if current else ink))
        metrics = QFontMetricsF(token_font)
        token = metrics.elidedText(self.tokens[t], Qt.TextElideMode.ElideRight, PITCH - 6)
        painter.drawText(
            QRectF(centre - PITCH / 2, INPUT_BOTTOM, PITCH, HEIGHT - INPUT_BOTTOM),
            Qt.AlignmentFlag.AlignCenter,
            token,
        )

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        t = step_at(event.pos().x())
        if self.on_clicked is not None and 0 <= t < len(self.tokens):
            self.on_clicked(t)


def cell_x(t: int) -> float:
    """Left edge of the cell of step ``t``."""
    return MARGIN + t * PITCH


def step_at(x: float) -> int:
    """The step whose column contains scene x-coordinate ``x``."""
    return math.floor((x - MARGIN + (PITCH - BOX_WIDTH) / 2) / PITCH)


def _sub(t: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(t))


def _arrow(painter: QPainter, start: QPointF, end: QPointF, colour: QColor) -> None:
    painter.setPen(QPen(colour, 1.4))
    painter.drawLine(start, end)
    direction = end - start
    length = math.hypot(direction.x(), direction.y()) or 1.0
    unit = QPointF(direction.x() / length, direction.y() / length)
    normal = QPointF(-unit.y(), unit.x())
    head = QPainterPath(end)
    head.lineTo(end - unit * 7 + normal * 3.5)
    head.lineTo(end - unit * 7 - normal * 3.5)
    head.closeSubpath()
    painter.fillPath(head, colour)


class ChainView(QGraphicsView):
    """A horizontally scrolling view of a :class:`ChainItem`; emits :attr:`step_clicked`."""

    step_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chain = ChainItem()
        self.chain.on_clicked = self.step_clicked.emit
        scene = QGraphicsScene(self)
        scene.addItem(self.chain)
        self.setScene(scene)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setMinimumHeight(int(HEIGHT) + 4)

    def set_chain(self, tokens: tuple[str, ...], cell_label: str, colour: str) -> None:
        """Show a new chain (a new trace)."""
        self.chain.set_chain(tokens, cell_label, colour)
        self.scene().setSceneRect(self.chain.boundingRect())

    def set_cursor(self, t: int) -> None:
        """Highlight step ``t`` and scroll so it stays in view."""
        self.chain.set_cursor(t)
        # Keep the current cell a third of the way in: stepping scrolls by one cell, which Qt
        # does by moving the pixels already drawn and painting only the newly exposed cell.
        third = self.viewport().width() / 3
        self.horizontalScrollBar().setValue(int(max(cell_x(t) - third, 0.0)))
