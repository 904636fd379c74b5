"""The unrolled chain with stacked layers and both directions: one row of cells per layer and
direction (:mod:`rnn_studio.state.layer_rows`), one column per time step.

Each column is one graphics item (:class:`LayerColumnItem`), like the one-row chain's cells:
per layer a light band holds the forward row (state flowing right) and, when bidirectional,
the backward row above it (state flowing left, from step t+1 to step t). The input x_t goes
into the bottom band, each band's states go up together into the next layer, and the top
band's go out as the output y_t. Every cell shows its hidden state h^{l,d}_t as a strip of
coloured squares, one per unit (the first :data:`MAX_UNITS_SHOWN`), in the theme's diverging
colours clipped to [−1, 1]; the column's tooltip gives the numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from rnn_studio.state.backward_flow import flow_level
from rnn_studio.state.layer_rows import LayerRow
from rnn_studio.studio_core.numbers import format_number

#: Squares drawn per cell (the first units); the tooltip lists the values.
MAX_UNITS_SHOWN = 12
#: Values listed per row in a column's tooltip.
MAX_UNITS_LISTED = 8
ROW_BOX = 26.0  # height of one cell box
ROW_GAP = 8.0  # between the forward and backward rows of one layer
LAYER_GAP = 22.0  # between layers: the arrow up
TOP = 24.0  # above the top band: the output arrow and the step label
BOTTOM = 40.0  # below the bottom band: the input arrow and the token
BAND_PAD = 4.0
STRIP_HEIGHT = 14.0


@dataclass(frozen=True)
class StackLayout:
    """Where each row's box sits (item y coordinates) and how tall the chain is."""

    row_tops: tuple[float, ...]
    height: float

    def band(self, rows: tuple[LayerRow, ...], layer: int) -> tuple[float, float]:
        """Top and bottom (y) of ``layer``'s band."""
        tops = [top for top, row in zip(self.row_tops, rows, strict=True) if row.layer == layer]
        return min(tops) - BAND_PAD, max(tops) + ROW_BOX + BAND_PAD


def stack_layout(rows: tuple[LayerRow, ...]) -> StackLayout:
    """Row positions, top row first (rows come top to bottom from ``layer_rows``)."""
    tops = []
    y = TOP + BAND_PAD
    for index, row in enumerate(rows):
        if index > 0:
            y += ROW_BOX + (ROW_GAP if row.layer == rows[index - 1].layer else LAYER_GAP)
        tops.append(y)
    return StackLayout(tuple(tops), y + ROW_BOX + BAND_PAD + BOTTOM)


def unit_rect(top: float, box_width: float, units: int, unit: int) -> QRectF:
    """The bar of ``unit`` (0-based, < ``units`` shown) in a box at ``top``."""
    inner = box_width - 8.0
    width = min(inner / units, STRIP_HEIGHT)
    left = (box_width - width * units) / 2
    return QRectF(left + unit * width, top + (ROW_BOX - STRIP_HEIGHT) / 2, width, STRIP_HEIGHT)


def state_position(value: float, scale: float = 1.0) -> float:
    """Where ``value`` sits on the diverging map: −scale → 0, 0 → ½, scale → 1 (clipped;
    NaN → ½)."""
    if not np.isfinite(value):
        return 1.0 if value > 0 else 0.0 if value < 0 else 0.5
    return (min(max(float(value) / scale, -1.0), 1.0) + 1.0) / 2.0


def column_tip(rows: tuple[LayerRow, ...], t: int, gradients: tuple[np.ndarray, ...] = ()) -> str:
    """The numbers behind column ``t``: each row's first units of h_t (and ‖∂L/∂h_t‖)."""
    lines = [f"step t = {t}"]
    for index, row in enumerate(rows):
        values = row.states[t]
        shown = ", ".join(format_number(float(v), 2) for v in values[:MAX_UNITS_LISTED])
        more = ", …" if len(values) > MAX_UNITS_LISTED else ""
        line = f"{row.label}: h = [{shown}{more}]"
        if gradients:
            line += f"; ‖∂L/∂h‖ = {format_number(float(gradients[index][t]), 3)}"
        lines.append(line)
    return "\n".join(lines)


def gradient_stripe(top: float, box_width: float, width: float) -> tuple[QPointF, QPointF]:
    """Ends of the gradient stripe under a box at ``top`` drawn with a pen ``width`` wide."""
    y = top + ROW_BOX + 1.0 + width / 2
    return QPointF(6.0, y), QPointF(box_width - 6.0, y)


class LayerColumnItem(QGraphicsItem):
    """Step ``t`` of every layer and direction (see the module docstring)."""

    def __init__(self, t: int, state, on_clicked: Callable[[int], None], x: float) -> None:
        super().__init__()
        self.t = t
        self.state = state
        self.on_clicked = on_clicked
        self.setPos(x, 0.0)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        from rnn_studio.ui.widgets.chain import BOX_WIDTH, PITCH

        return QRectF((BOX_WIDTH - PITCH) / 2, 0.0, PITCH + (PITCH - BOX_WIDTH) / 2, self.height)

    @property
    def height(self) -> float:
        """Height of the whole column."""
        return float(self.state.height)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        paint_column(painter, self.t, self.state)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.on_clicked(self.t)


def paint_column(painter: QPainter, t: int, state) -> None:
    """Draw step ``t`` of every row (item coordinates: the boxes start at x = 0)."""
    from rnn_studio.ui.widgets.chain import (
        BASE_POINT_SIZE,
        BOX_WIDTH,
        PITCH,
        _arrow,
        _sub,
        paint_token,
    )

    rows: tuple[LayerRow, ...] = state.rows
    layout: StackLayout = state.layout
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = QFont(painter.font())
    font.setPointSizeF(BASE_POINT_SIZE)
    small = QFont(font)
    small.setPointSizeF(BASE_POINT_SIZE * 0.8)
    current = t == state.cursor
    ink = QColor(state.ink)
    centre = BOX_WIDTH / 2
    steps = len(state.tokens)
    layers = sorted({row.layer for row in rows})
    # Layer bands, and the arrows between them: layer l's states go up into layer l+1.
    for layer in layers:
        top, bottom = state.layout.band(rows, layer)
        painter.setPen(QPen(state.muted, 1.0, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(
            QRectF(-BAND_PAD, top, BOX_WIDTH + 2 * BAND_PAD, bottom - top), 5, 5
        )
        below = layout.band(rows, layer - 1)[0] if layer - 1 in layers else None
        if below is not None:
            _arrow(painter, QPointF(centre, below), QPointF(centre, bottom), ink)
    bottom_band = layout.band(rows, layers[0])[1]
    top_band = layout.band(rows, layers[-1])[0]
    input_top = layout.height - BOTTOM
    _arrow(painter, QPointF(centre, input_top + 12), QPointF(centre, bottom_band), ink)
    _arrow(painter, QPointF(centre, top_band), QPointF(centre, 6.0), ink)
    painter.setFont(small)
    painter.setPen(QPen(ink))
    painter.drawText(QRectF(centre + 3, 0, 44, 14), Qt.AlignmentFlag.AlignLeft, f"y{_sub(t)}")
    painter.drawText(
        QRectF(centre + 3, input_top, 44, 14), Qt.AlignmentFlag.AlignLeft, f"x{_sub(t)}"
    )
    # The cells: a box per row with its state's squares, and the state flowing along the row.
    for index, (row, top) in enumerate(zip(rows, layout.row_tops, strict=True)):
        box = QRectF(0.0, top, BOX_WIDTH, ROW_BOX)
        if current:
            painter.setBrush(QBrush(state.current_fill))
            painter.setPen(QPen(state.current_edge, 3.0))
        else:
            painter.setBrush(QBrush(state.box_fill))
            painter.setPen(QPen(state.cell_colour, 1.5))
        painter.drawRoundedRect(box, 5.0, 5.0)
        values = row.states[t]
        units = min(len(values), MAX_UNITS_SHOWN)
        painter.setPen(Qt.PenStyle.NoPen)
        for unit in range(units):
            painter.setBrush(QBrush(state.unit_colour(float(values[unit]))))
            painter.drawRect(unit_rect(top, BOX_WIDTH, units, unit))
        if state.row_gradients:
            pen = gradient_pen(state, index, t)
            if pen is not None:
                stripe = QPen(pen[0], pen[1])
                stripe.setCapStyle(Qt.PenCapStyle.FlatCap)
                painter.setPen(stripe)
                painter.drawLine(*gradient_stripe(top, BOX_WIDTH, pen[1]))
        middle = top + ROW_BOX / 2
        if t + 1 < steps:
            start, end = QPointF(BOX_WIDTH, middle), QPointF(PITCH, middle)
            _arrow(painter, *((end, start) if row.reverse else (start, end)), ink)
        elif row.reverse:  # the backward row starts from zeros after the last step
            painter.setFont(small)
            painter.setPen(QPen(state.muted))
            zero = QRectF(BOX_WIDTH + 20, middle - 8, 16, 16)
            painter.drawText(zero, Qt.AlignmentFlag.AlignCenter, "0")
            _arrow(
                painter, QPointF(BOX_WIDTH + 20, middle), QPointF(BOX_WIDTH, middle), state.muted
            )
    # The token under the column, and the step above it.
    paint_token(
        painter,
        state.tokens[t],
        font,
        current,
        state.current_token if current else ink,
        QRectF(centre - PITCH / 2, input_top + 12, PITCH, BOTTOM - 12),
    )
    painter.setFont(small)
    painter.setPen(QPen(ink))
    painter.drawText(QRectF(centre - 40, 0, 40 - 4, 14), Qt.AlignmentFlag.AlignRight, f"t={t}")


def gradient_pen(state, row: int, t: int) -> tuple[QColor, float] | None:
    """Colour and width of the gradient stripe of ``row`` (index in ``state.rows``) at ``t``
    (None before Backprop, or without a gradient there)."""
    from rnn_studio.ui.widgets.chain import flow_pen

    if not state.row_gradients:
        return None
    level = flow_level(float(state.row_gradients[row][t]))
    if level is None:
        return None
    return flow_pen(level, state.flow_hidden, state.background)


def paint_row_labels(painter: QPainter, state, margin: float) -> None:
    """Name every row in the left margin; forward rows start from h = 0 there."""
    from rnn_studio.ui.widgets.chain import BASE_POINT_SIZE, _arrow

    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    small = QFont(painter.font())
    small.setPointSizeF(BASE_POINT_SIZE * 0.8)
    painter.setFont(small)
    for row, top in zip(state.rows, state.layout.row_tops, strict=True):
        middle = top + ROW_BOX / 2
        painter.setPen(QPen(state.ink))
        shown_cell = QFont(small)  # layer 1 forward: the cell every other panel shows
        shown_cell.setBold(row.layer == 0 and not row.reverse)
        painter.setFont(shown_cell)
        name = f"L{row.layer + 1} {'←' if row.reverse else '→'}"
        painter.drawText(QRectF(0.0, middle - 8, margin - 26, 16), Qt.AlignmentFlag.AlignLeft, name)
        if not row.reverse:
            painter.setFont(small)
            painter.setPen(QPen(state.muted))
            painter.drawText(
                QRectF(margin - 26, middle - 8, 10, 16), Qt.AlignmentFlag.AlignCenter, "0"
            )
            _arrow(painter, QPointF(margin - 15, middle), QPointF(margin, middle), state.muted)
