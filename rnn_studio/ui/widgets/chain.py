"""The unrolled network: one cell per time step, each its own small graphics item.

Moving the cursor repaints the cells whose look changed and scrolling by one cell paints only
the newly exposed one. Every copy carries the same ``W_xh`` and ``W_hh`` labels: that is
weight sharing.

With more than one layer or both directions (``set_chain(..., rows=...)``) each step is a
column of cells instead, one row per layer and direction (:mod:`.chain_layers`).

After Backprop the chain also shows the gradient going back (:meth:`ChainView.set_flow`): under
each recurrent arrow a second arrow points left, its colour and thickness growing with
log ‖∂L/∂h_t‖ (:func:`flow_pen`), so a vanishing gradient fades and an exploding one swells
along the chain; for the LSTM a separate arrow above the cells shows the gradient carried
back through the cell state. While it plays, only the arrows the gradient has reached show.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QResizeEvent,
    QTransform,
)
from PySide6.QtWidgets import (
    QAbstractSlider,
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QScrollBar,
    QStyle,
    QStyleOptionGraphicsItem,
    QStyleOptionSlider,
    QWidget,
)

from rnn_studio.state.backward_flow import BackwardFlow
from rnn_studio.state.layer_rows import LayerRow
from rnn_studio.studio_core.numbers import format_number
from rnn_studio.ui.accessibility import text_floor_px
from rnn_studio.ui.theme import (
    OKABE_ITO,
    Palette,
    current_palette,
    diverging_colour_map,
    graphic_colour,
    step_text_colour,
    symmetric_levels,
)
from rnn_studio.ui.widgets.chain_layers import (
    LayerColumnItem,
    StackLayout,
    column_tip,
    paint_row_labels,
    stack_layout,
    state_position,
)

PITCH = 92.0  # horizontal distance between cells
MARGIN = 64.0  # room on the left for h_{-1} = 0
BOX_WIDTH = 58.0
BOX_TOP = 30.0
BOX_HEIGHT = 38.0
INPUT_BOTTOM = 96.0
HEIGHT = 118.0
#: The chain is drawn at this font size and the whole view is scaled with the app's font, so a
#: larger font (a projector) enlarges boxes, arrows and text together.
BASE_POINT_SIZE = 9.0
#: The smallest label drawn (the gradient numbers: 0.8 × 0.9 of the base size), in points.
SMALLEST_POINT_SIZE = BASE_POINT_SIZE * 0.8 * 0.9
#: A short view shrinks the chain down to this fraction of the font's zoom.
MIN_ZOOM_FRACTION = 0.6
#: The same for a chain of several rows (layers, directions), which is taller to begin with.
STACKED_MIN_ZOOM_FRACTION = 0.4


#: Gradient arrows: thinnest and thickest pen (level 0 and 1), and the least opacity.
FLOW_THIN, FLOW_THICK, FLOW_FLOOR = 0.8, 6.0, 0.12


def flow_pen(level: float, colour: QColor, background: QColor) -> tuple[QColor, float]:
    """Colour and width of a gradient arrow at ``level`` (0 … 1, see ``flow_level``).

    The colour runs from nearly the background (a vanishing gradient fades out) to the full
    ``colour``; both its distance from the background and the width grow with the level.
    """
    level = min(max(level, 0.0), 1.0)
    share = FLOW_FLOOR + (1.0 - FLOW_FLOOR) * level
    mixed = QColor.fromRgbF(
        background.redF() + (colour.redF() - background.redF()) * share,
        background.greenF() + (colour.greenF() - background.greenF()) * share,
        background.blueF() + (colour.blueF() - background.blueF()) * share,
    )
    return mixed, FLOW_THIN + (FLOW_THICK - FLOW_THIN) * level


def _base_font(font: QFont) -> QFont:
    base = QFont(font)
    base.setPointSizeF(BASE_POINT_SIZE)
    return base


class CellFonts:
    """The fonts a cell is drawn with, made from the painter's font (kept per font: making
    them, and eliding the tokens, at every paint was a good part of a cell's paint time)."""

    #: Tokens elided per font before the memo starts afresh.
    MAX_ELIDED = 4096

    def __init__(self, font: QFont) -> None:
        self.base = _base_font(font)
        self.bold = QFont(self.base)
        self.bold.setBold(True)
        self.small = QFont(self.base)
        self.small.setPointSizeF(BASE_POINT_SIZE * 0.8)
        self.tiny = QFont(self.small)
        self.tiny.setPointSizeF(self.small.pointSizeF() * 0.9)
        # The token's font: the small size / 0.8, i.e. the base size (bold at the cursor).
        self.token = QFont(self.small)
        self.token.setPointSizeF(self.small.pointSizeF() / 0.8)
        self.token_bold = QFont(self.token)
        self.token_bold.setBold(True)
        self._metrics = (QFontMetricsF(self.token), QFontMetricsF(self.token_bold))
        self._elided: dict[tuple[str, bool], str] = {}

    def elided(self, token: str, bold: bool) -> str:
        """``token`` elided to the cell's pitch in the token font (bold or not)."""
        key = (token, bold)
        shown = self._elided.get(key)
        if shown is None:
            if len(self._elided) >= self.MAX_ELIDED:
                self._elided.clear()
            metrics = self._metrics[bold]
            shown = metrics.elidedText(token, Qt.TextElideMode.ElideRight, PITCH - 6)
            self._elided[key] = shown
        return shown


_CELL_FONTS: dict[str, CellFonts] = {}


def cell_fonts(font: QFont) -> CellFonts:
    """The :class:`CellFonts` made from ``font`` (made once per font)."""
    key = font.key()
    fonts = _CELL_FONTS.get(key)
    if fonts is None:
        if len(_CELL_FONTS) > 16:  # a few app fonts in a session; never grows without end
            _CELL_FONTS.clear()
        fonts = _CELL_FONTS[key] = CellFonts(font)
    return fonts


class ChainState:
    """What every cell item reads when it paints: tokens, label, colours and the cursor."""

    def __init__(self) -> None:
        self.tokens: tuple[str, ...] = ()
        self.cell_label = "RNN"
        self.cursor = 0
        #: The gradient going back (None before Backprop), and how far it has travelled:
        #: arrows into steps ≥ ``flow_front`` are drawn (None: all of them).
        self.flow: BackwardFlow | None = None
        self.flow_front: int | None = None
        #: Stacked layers / both directions: the rows (top first) and where they sit.
        self.rows: tuple[LayerRow, ...] = ()
        self.layout: StackLayout | None = None
        #: |h| drawn in the darkest colours (one scale for every row).
        self.scale = 1.0
        #: After Backprop: each row's ‖∂L/∂h_t‖ (T,), in the order of ``rows``.
        self.row_gradients: tuple[np.ndarray, ...] = ()
        self.apply_palette(current_palette())
        self.cell_colour = QColor(self.ink)

    @property
    def height(self) -> float:
        """Height of the chain: one row, or every layer and direction."""
        return HEIGHT if self.layout is None else self.layout.height

    def unit_colour(self, value: float) -> QColor:
        """The colour a hidden unit with state ``value`` is drawn in (diverging map, ±scale)."""
        position = state_position(value, self.scale)
        return self.unit_colours[round(position * (len(self.unit_colours) - 1))]

    def apply_palette(self, palette: Palette) -> None:
        """Take the box, ink and highlight colours from ``palette``."""
        self.box_fill = QColor(palette.base)
        self.ink = QColor(palette.text)
        self.muted = QColor(palette.muted_text)
        self.current_fill = QColor(palette.spotlight_background)
        self.current_ink = QColor(palette.spotlight_text)
        self.current_edge = QColor(palette.current_step)
        self.current_token = QColor(step_text_colour(palette))
        self.background = QColor(palette.plot_background)
        self.flow_hidden = QColor(graphic_colour(OKABE_ITO["vermillion"], palette))
        self.flow_cell = QColor(graphic_colour(OKABE_ITO["blue"], palette))
        # Sampled once per palette: painting a square then costs one list lookup.
        self.unit_colours = [
            QColor(*(int(c) for c in rgba))
            for rgba in diverging_colour_map(palette).map(np.linspace(0.0, 1.0, 257), mode="byte")
        ]


#: The box, the arrow to the next cell and the token centred under the box, in item
#: coordinates.
CELL_RECT = QRectF((BOX_WIDTH - PITCH) / 2, 0.0, PITCH + (PITCH - BOX_WIDTH) / 2, HEIGHT)
#: A cell's bounding rectangle, which also clips its painting: :data:`CELL_RECT` and a unit
#: round it, as much as Qt's item cache kept round it (its pixmap covered the bounds and
#: a device pixel more each side) when the cells were cached, so that the LSTM's
#: cell-state gradient arrow, whose tail reaches into the next cell, is cut where it was.
CELL_BOUNDS = CELL_RECT.adjusted(-1.0, -1.0, 1.0, 1.0)


class CellItem(QGraphicsRectItem):
    """One copy of the cell (step ``t``): its box, arrows, weight labels and token.

    One item per step, so that moving the cursor or scrolling by a cell repaints only the
    cells whose look changed, not the whole visible chain.

    A rectangle item (with no pen or brush of its own) so that its bounding rectangle,
    :data:`CELL_BOUNDS`, is Qt's: the view asks for it about 300 times a frame while playing,
    and a Python ``boundingRect`` cost ~0.5 ms of every frame.

    Painted directly, clipped to its bounds. A device-coordinate cache copied the cells
    (118 rows at the least zoom) from pixmaps instead, and Qt's raster engine hands a copy
    of 96 rows or more to its thread pool and waits for it: ~14 hand-offs a frame while
    playing, each a wait on another thread (long ones on a busy machine), and more of the
    GUI thread's time than drawing the few cells a step exposes.
    """

    def __init__(self, t: int, state: ChainState, on_clicked) -> None:
        super().__init__(CELL_BOUNDS)
        self.setPen(Qt.PenStyle.NoPen)
        self.t = t
        self.state = state
        self.on_clicked = on_clicked
        self.setPos(cell_x(t), 0.0)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsToShape, True)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        _paint_cell(painter, self.t, self.state, cell_fonts(painter.font()))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.on_clicked(self.t)


class StartItem(QGraphicsItem):
    """``h₋₁ = 0`` flowing into the first cell."""

    def __init__(self, state: ChainState) -> None:
        super().__init__()
        self.state = state

    def boundingRect(self) -> QRectF:
        return QRectF(0.0, 0.0, MARGIN, self.state.height)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.state.rows:
            painter.setFont(_base_font(painter.font()))
            paint_row_labels(painter, self.state, MARGIN)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        small = _base_font(painter.font())
        small.setPointSizeF(BASE_POINT_SIZE * 0.8)
        painter.setPen(QPen(self.state.muted))
        painter.setFont(small)
        middle = BOX_TOP + BOX_HEIGHT / 2
        painter.drawText(
            QRectF(0.0, middle - 22, MARGIN, 16), Qt.AlignmentFlag.AlignCenter, "h₋₁ = 0"
        )
        _arrow(painter, QPointF(8.0, middle), QPointF(cell_x(0), middle), self.state.muted)


def _paint_cell(painter: QPainter, t: int, state: ChainState, fonts: CellFonts) -> None:
    """Draw step ``t`` in item coordinates (the cell's box starts at x = 0)."""
    left = 0.0
    future = t > state.cursor
    current = t == state.cursor
    # Steps not computed yet are drawn in the muted text colour (still 4.5:1 on the box).
    ink = state.muted if future else state.ink
    box = QRectF(left, BOX_TOP, BOX_WIDTH, BOX_HEIGHT)
    if current:
        painter.setBrush(state.current_fill)
        pen = QPen(state.current_edge, 3.0)
    else:
        painter.setBrush(state.box_fill)
        pen = QPen(state.cell_colour if not future else ink, 1.5)
    painter.setPen(pen)
    painter.drawRoundedRect(box, 6.0, 6.0)
    painter.setPen(state.current_ink if current else ink)
    painter.setFont(fonts.bold if current else fonts.base)
    painter.drawText(box.adjusted(0, 2, 0, -14), Qt.AlignmentFlag.AlignCenter, state.cell_label)
    painter.setFont(fonts.small)
    painter.drawText(box.adjusted(0, 18, 0, 0), Qt.AlignmentFlag.AlignCenter, f"t={t}")
    painter.setPen(ink)
    middle = BOX_TOP + BOX_HEIGHT / 2
    centre = left + BOX_WIDTH / 2
    flow_here = _flow_shown(state, t)
    # Hidden state flowing right into the next copy, through the shared W_hh.
    if t + 1 < len(state.tokens):
        _arrow(painter, QPointF(left + BOX_WIDTH, middle), QPointF(left + PITCH, middle), ink)
        gap = QRectF(left + BOX_WIDTH, middle - 17, PITCH - BOX_WIDTH, 14)
        painter.drawText(gap, Qt.AlignmentFlag.AlignCenter, "W_hh")
        if flow_here:
            _paint_flow(painter, t, state, fonts)
            painter.setFont(fonts.small)
        else:
            painter.drawText(gap.translated(0, 18), Qt.AlignmentFlag.AlignCenter, f"h{_sub(t)}")
    # Input from below through the shared W_xh, output h_t above.
    _arrow(painter, QPointF(centre, INPUT_BOTTOM - 2), QPointF(centre, BOX_TOP + BOX_HEIGHT), ink)
    painter.drawText(
        QRectF(centre + 3, BOX_TOP + BOX_HEIGHT + 4, 40, 14), Qt.AlignmentFlag.AlignLeft, "W_xh"
    )
    _arrow(painter, QPointF(centre, BOX_TOP), QPointF(centre, 8.0), ink)
    painter.drawText(QRectF(centre + 3, 4, 40, 14), Qt.AlignmentFlag.AlignLeft, f"h{_sub(t)}")
    # The step's token centred under the box (elided to the cell's pitch), bold at the cursor.
    painter.setFont(fonts.token_bold if current else fonts.token)
    painter.setPen(state.current_token if current else ink)
    painter.drawText(
        QRectF(centre - PITCH / 2, INPUT_BOTTOM, PITCH, HEIGHT - INPUT_BOTTOM),
        Qt.AlignmentFlag.AlignCenter,
        fonts.elided(state.tokens[t], current),
    )


def paint_token(
    painter: QPainter, token: str, font: QFont, bold: bool, colour: QColor, rect: QRectF
) -> None:
    """A step's token centred in ``rect`` (elided to the cell's pitch), bold at the cursor."""
    token_font = QFont(font)
    token_font.setBold(bold)
    painter.setFont(token_font)
    painter.setPen(QPen(colour))
    shown = QFontMetricsF(token_font).elidedText(token, Qt.TextElideMode.ElideRight, PITCH - 6)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, shown)


def _flow_shown(state: ChainState, t: int) -> bool:
    """Whether the gradient arrow from step t+1 into step t is drawn now."""
    flow = state.flow
    if flow is None or t >= flow.loss_step:
        return False
    return state.flow_front is None or t >= state.flow_front


def _paint_flow(painter: QPainter, t: int, state: ChainState, fonts: CellFonts) -> None:
    """The gradient going back from step t+1 into step t (and through c for the LSTM)."""
    flow = state.flow
    assert flow is not None
    middle = BOX_TOP + BOX_HEIGHT / 2
    right, left = PITCH, BOX_WIDTH  # from the next box back to this one
    level = flow.hidden_levels()[t]
    if level is not None:
        colour, width = flow_pen(level, state.flow_hidden, state.background)
        _arrow(painter, QPointF(right, middle + 9), QPointF(left, middle + 9), colour, width)
        painter.setPen(state.ink)
        painter.setFont(fonts.tiny)
        painter.drawText(
            QRectF(left, middle + 12, right - left, 14),
            Qt.AlignmentFlag.AlignCenter,
            _short(float(flow.hidden_norms[t])),
        )
    cell_levels = flow.cell_levels()
    cell_level = cell_levels[t] if cell_levels is not None else None
    if cell_level is not None:
        colour, width = flow_pen(cell_level, state.flow_cell, state.background)
        top = BOX_TOP - 9
        _arrow(painter, QPointF(right + 10, top), QPointF(BOX_WIDTH / 2 + 8, top), colour, width)


def _flow_tip(flow: BackwardFlow | None, t: int) -> str:
    """The numbers behind the gradient arrows into step ``t``."""
    if flow is None or t > flow.loss_step:
        return ""
    lines = [f"‖∂L/∂h{_sub(t)}‖ = {float(flow.hidden_norms[t]):.3g}"]
    if flow.cell_norms is not None:
        lines.append(f"‖∂L/∂c{_sub(t)}‖ = {float(flow.cell_norms[t]):.3g}")
        if t < flow.loss_step and flow.cell_carried is not None:
            lines.append(
                f"carried back through c from step {t + 1}: {float(flow.cell_carried[t]):.3g}"
            )
    if t == flow.loss_step:
        lines.append("the loss reads this step")
    return "\n".join(lines)


def _short(value: float) -> str:
    """A gradient norm in a few characters: 0.52, 3×10⁻⁵, 1×10¹², ∞, 0 (never "-0e+0")."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "NaN"
    if value == 0:
        return "0"
    if 0.01 <= abs(value) < 100:
        return f"{value:.2g}"
    return format_number(value, 1)


def cell_x(t: int) -> float:
    """Left edge of the cell of step ``t``."""
    return MARGIN + t * PITCH


def _sub(t: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(t))


def _arrow(
    painter: QPainter, start: QPointF, end: QPointF, colour: QColor, width: float = 1.4
) -> None:
    line, head = _arrow_shape(start.x(), start.y(), end.x(), end.y(), width)
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.drawLine(line)
    painter.fillPath(head, colour)


@functools.lru_cache(maxsize=1024)
def _arrow_shape(
    x0: float, y0: float, x1: float, y1: float, width: float
) -> tuple[QLineF, QPainterPath]:
    """The shaft and the head of an arrow from (x0, y0) to (x1, y1) drawn ``width`` wide
    (made once: every cell draws the same few arrows, at the same place in its own item)."""
    start, end = QPointF(x0, y0), QPointF(x1, y1)
    direction = end - start
    length = math.hypot(direction.x(), direction.y()) or 1.0
    unit = QPointF(direction.x() / length, direction.y() / length)
    normal = QPointF(-unit.y(), unit.x())
    size = 7.0 + max(width - 1.4, 0.0)
    line = QLineF(start, end - unit * (size * 0.8 if width > 1.4 else 0.0))
    head = QPainterPath(end)
    head.lineTo(end - unit * size + normal * size / 2)
    head.lineTo(end - unit * size - normal * size / 2)
    head.closeSubpath()
    return line, head


#: How far outside its rectangle a scroll bar's handle is drawn (Fusion: its outline, 1 px).
HANDLE_OUTLINE_PX = 3


class HandleScrollBar(QScrollBar):
    """A scroll bar that repaints only where its handle was and is when its value moves.

    Playing scrolls the chain by one cell a step. A plain ``QScrollBar`` then repaints its
    whole length, and, since it is not opaque, the strip of every widget behind it, though
    only the handle moved (by a pixel, or not at all). Between the ends nothing else of the
    bar changes with the value, so the pixels are the same as a full repaint's. The arrows
    look disabled at the ends, so a move from or to an end repaints the whole bar.
    """

    def __init__(self, orientation: Qt.Orientation, parent: QWidget | None = None) -> None:
        super().__init__(orientation, parent)
        self._position = self.sliderPosition()  # where the handle was at the last change

    def handle_rect(self, position: int | None = None) -> QRect:
        """The handle's rectangle in the bar at ``position`` (None: where it is now)."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        if position is not None:
            option.sliderPosition = option.sliderValue = position
        return self.style().subControlRect(
            QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, self
        )

    def sliderChange(self, change: QAbstractSlider.SliderChange) -> None:
        old, self._position = self._position, self.sliderPosition()
        at_an_end = {old, self._position} & {self.minimum(), self.maximum()}
        if change != QAbstractSlider.SliderChange.SliderValueChange or at_an_end:
            super().sliderChange(change)
            return
        before, after = self.handle_rect(old), self.handle_rect()
        if before != after:
            # The style draws the handle's outline just outside its rectangle.
            margin = HANDLE_OUTLINE_PX
            self.update(before.united(after).adjusted(-margin, -margin, margin, margin))


class ChainView(QGraphicsView):
    """A horizontally scrolling chain of :class:`CellItem`; emits :attr:`step_clicked`."""

    step_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = ChainState()
        self.cells: list[CellItem | LayerColumnItem] = []
        scene = QGraphicsScene(self)
        self.start_item = StartItem(self.state)
        scene.addItem(self.start_item)
        self.setScene(scene)
        self.setHorizontalScrollBar(HandleScrollBar(Qt.Orientation.Horizontal, self))
        # On top, not centred: Qt centres a short scene in the viewport's height without the
        # horizontal scroll bar, which then covered the tokens' line by half its height.
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.zoom = 0.0
        self._apply_zoom()

    @property
    def min_zoom_fraction(self) -> float:
        """How far below the font's zoom the chain may shrink to fit a short view."""
        return STACKED_MIN_ZOOM_FRACTION if self.state.rows else MIN_ZOOM_FRACTION

    def font_zoom(self) -> float:
        """The zoom the app's font asks for (1 at :data:`BASE_POINT_SIZE`), and at least the
        one that draws the smallest label at the text floor (presenter mode)."""
        size = self.font().pointSizeF()
        zoom = max(size / BASE_POINT_SIZE, 0.5) if size > 0 else 1.0
        return max(zoom, self.floor_zoom())

    def floor_zoom(self) -> float:
        """The zoom at which the smallest label is :func:`text_floor_px` pixels (0: none)."""
        floor = text_floor_px()
        if floor <= 0:
            return 0.0
        smallest_pixels = SMALLEST_POINT_SIZE * self.logicalDpiY() / 72.0
        return floor / smallest_pixels

    def _apply_zoom(self) -> None:
        # The font's zoom, unless the view is shorter than the chain at that zoom: then the
        # chain shrinks to fit (down to MIN_ZOOM_FRACTION of it) rather than being cut off.
        scrollbar = self.horizontalScrollBar().sizeHint().height()
        room = (self.height() - scrollbar - 6) / self.state.height
        wanted = self.font_zoom()
        least = max(wanted * self.min_zoom_fraction, self.floor_zoom())
        zoom = min(wanted, max(room, least))
        if zoom != self.zoom:
            self.zoom = zoom
            self.setTransform(QTransform.fromScale(zoom, zoom))
            self.horizontalScrollBar().setValue(
                int(max(cell_x(self.state.cursor) * zoom - self.viewport().width() / 3, 0.0))
            )

    def sizeHint(self) -> QSize:
        scrollbar = self.horizontalScrollBar().sizeHint().height()
        return QSize(400, int(self.state.height * self.font_zoom()) + scrollbar + 6)

    def minimumSizeHint(self) -> QSize:
        scrollbar = self.horizontalScrollBar().sizeHint().height()
        least = max(self.font_zoom() * self.min_zoom_fraction, self.floor_zoom())
        height = self.state.height * least
        return QSize(120, int(height) + scrollbar + 6)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_zoom()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self._apply_zoom()

    def apply_palette(self, palette: Palette) -> None:
        """Redraw every cell in ``palette``'s colours (the view's background follows Qt's)."""
        self.state.apply_palette(palette)
        for item in (self.start_item, *self.cells):
            item.update()

    @property
    def current_step(self) -> int:
        """The highlighted step."""
        return self.state.cursor

    @property
    def tokens(self) -> tuple[str, ...]:
        """The tokens under the cells."""
        return self.state.tokens

    def set_chain(
        self,
        tokens: tuple[str, ...],
        cell_label: str,
        colour: str,
        rows: tuple[LayerRow, ...] = (),
    ) -> None:
        """Show a new chain (a new trace): one item per step.

        ``rows`` (from :func:`rnn_studio.state.layer_rows.layer_rows`) draws every layer and
        direction, each step a column of cells showing their states; ``()`` the one row.
        """
        state = self.state
        old_height, was_stacked = state.height, bool(state.rows)
        state.tokens = tokens
        state.cell_label = cell_label
        state.cell_colour = QColor(colour)
        state.cursor = min(state.cursor, max(len(tokens) - 1, 0))
        state.rows = tuple(rows)
        state.row_gradients = ()
        state.layout = stack_layout(state.rows) if state.rows else None
        if state.rows:
            values = np.concatenate([np.ravel(row.states) for row in state.rows])
            state.scale = symmetric_levels(values)[1]
        scene = self.scene()
        if was_stacked or state.rows:  # columns depend on the rows: build them afresh
            while self.cells:
                scene.removeItem(self.cells.pop())
        while len(self.cells) > len(tokens):
            scene.removeItem(self.cells.pop())
        for t in range(len(self.cells), len(tokens)):
            item: CellItem | LayerColumnItem
            if state.rows:
                item = LayerColumnItem(t, state, self.step_clicked.emit, cell_x(t))
                item.setToolTip(column_tip(state.rows, t))
            else:
                item = CellItem(t, state, self.step_clicked.emit)
            scene.addItem(item)
            self.cells.append(item)
        for item in self.cells:
            item.update()
        if state.height != old_height:
            self.start_item.prepareGeometryChange()
            self.updateGeometry()
            self._apply_zoom()
        self.start_item.update()
        scene.setSceneRect(QRectF(0.0, 0.0, MARGIN + len(tokens) * PITCH + 8.0, state.height))

    def set_row_gradients(self, norms: tuple[np.ndarray, ...]) -> None:
        """Show each stacked row's ‖∂L/∂h_t‖ (in the order of the rows; ``()`` hides them)."""
        state = self.state
        if not state.rows:
            # One row: no stripes, and its cells' tooltips are the gradient flow's
            # (set_flow), not the columns' (rewriting 1,000 of them cost ~7 ms a change).
            state.row_gradients = ()
            return
        if norms and len(norms) != len(state.rows):
            norms = ()
        state.row_gradients = tuple(norms)
        for item in self.cells:
            item.setToolTip(column_tip(state.rows, item.t, state.row_gradients))
            item.update()

    def set_flow(self, flow: BackwardFlow | None, front: int | None = None) -> None:
        """Show the gradient going back (None: hide it); arrows into steps < ``front`` wait."""
        old_front = self.state.flow_front
        changed_flow = flow is not self.state.flow
        self.state.flow, self.state.flow_front = flow, front
        if changed_flow and not self.state.rows:  # stacked columns keep their state tips
            for item in self.cells:
                item.setToolTip(_flow_tip(flow, item.t))
        if changed_flow or old_front is None or front is None:
            items = self.cells
        else:  # only the arrows the front passed since last time change
            items = self.cells[min(old_front, front) : max(old_front, front) + 1]
        for item in items:
            item.update()

    def flow_pen_at(self, t: int, path: str = "hidden") -> tuple[QColor, float] | None:
        """The colour and width of the gradient arrow into step ``t`` (None if not drawn)."""
        flow = self.state.flow
        if flow is None or not _flow_shown(self.state, t):
            return None
        levels = flow.hidden_levels() if path == "hidden" else flow.cell_levels()
        level = levels[t] if levels is not None else None
        if level is None:
            return None
        colour = self.state.flow_hidden if path == "hidden" else self.state.flow_cell
        return flow_pen(level, colour, self.state.background)

    def scroll_to_step(self, t: int) -> None:
        """Scroll so step ``t`` sits a third of the way in."""
        third = self.viewport().width() / 3
        self.horizontalScrollBar().setValue(int(max(cell_x(t) * self.zoom - third, 0.0)))

    def set_cursor(self, t: int) -> None:
        """Highlight step ``t`` and scroll so it stays in view."""
        old, self.state.cursor = self.state.cursor, t
        # Cells between the old and new cursor change from future to past (or back).
        for step in range(max(min(old, t), 0), min(max(old, t) + 1, len(self.cells))):
            self.cells[step].update()
        # Keep the current cell a third of the way in: stepping scrolls by one cell.
        self.scroll_to_step(t)
