"""Draw a :class:`~rnn_studio.state.cell_diagram.CellDiagram` in its textbook layout.

Vector drawing with QPainter, scaled to fit the widget, in the theme's colours. What each mark
means:

* a gate block fills from the bottom as far as the gate is open (its mean activation), and
  the strip under it shows every unit (light closed … dark open);
* a wire's thickness is the size (rms over units) of the values it carries, and its label
  the values (every unit up to :data:`~rnn_studio.state.cell_diagram.NUMBERS_UP_TO` units,
  else the average), with a strip of every unit in the diverging colours of the memory view;
* hovering anything shows its per-unit values.

While a step is animated (:meth:`CellDiagramView.set_progress`) the parts not computed yet are
drawn faint, and a dot travels along the wires of the equation being computed.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QImage,
    QMouseEvent,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from rnn_studio.state.cell_diagram import (
    NUMBERS_UP_TO,
    CellDiagram,
    Quantity,
    number,
    percent,
)
from rnn_studio.ui.accessibility import text_floor_px
from rnn_studio.ui.theme import (
    Palette,
    current_palette,
    diverging_colour_map,
    gate_colours,
    sequential_colour_map,
)
from rnn_studio.ui.widgets.cell_layouts import (
    HEIGHT,
    LAYOUTS,
    OP_RADIUS,
    WIDTH,
    Block,
    Layout,
    Wire,
)

#: Text sizes in canvas units (the canvas is scaled to the widget).
LABEL_SIZE = 13.0
SYMBOL_SIZE = 15.0
STRIP_HEIGHT = 6.0
STRIP_WIDTH = 72.0
#: Colours sampled from a theme's map for the per-unit strips.
LOOKUP_LEVELS = 256
#: Wire widths in canvas units: thinnest (values near zero) and thickest (rms ≥ WIDE_RMS).
THIN, THICK, WIDE_RMS = 1.2, 7.0, 1.0
PULSE_RADIUS = 6.0
#: Sets of cached layers kept (one per animation stage seen last, size, palette …).
MAX_LAYER_SETS = 4
#: Smallest text on screen, in pixels, however small the diagram is scaled.
MIN_TEXT_PIXELS = 9.0


#: Qt's enum members, looked up once: PySide6 resolves ``Qt.PenStyle.DashLine`` through
#: Python's enum machinery at every use (~100 lookups a frame).
_CENTRE = Qt.AlignmentFlag.AlignCenter
_FLAT_CAP = Qt.PenCapStyle.FlatCap
_MITER_JOIN = Qt.PenJoinStyle.MiterJoin
_DASH = Qt.PenStyle.DashLine
_NO_PEN = Qt.PenStyle.NoPen
_NO_BRUSH = Qt.BrushStyle.NoBrush
#: The palette colour a part is drawn in, by its animation state.
_INK = {"pending": "muted_text", "active": "current_step", "done": "plot_foreground"}
_RASTER = QPaintEngine.Type.Raster


def wire_width(rms: float) -> float:
    """Canvas width of a wire carrying values of root-mean-square ``rms`` (monotone)."""
    if math.isnan(rms):
        return THIN
    return THIN + (THICK - THIN) * min(max(rms, 0.0), WIDE_RMS) / WIDE_RMS


class CellDiagramView(QWidget):
    """The cell diagram widget: :meth:`set_diagram`, :meth:`set_progress`, hover tooltips."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cell_diagram")
        self.setAccessibleName("Diagram of the cell at this step")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.diagram: CellDiagram | None = None
        #: Stage being computed (fractional: 2.5 is halfway through stage 2), None when the
        #: whole step is shown.
        self.progress: float | None = None
        self.palette_ = current_palette()
        #: What each painted part shows, in canvas units: (rect, key, units or None).
        self._canvas_hits: list[tuple[QRectF, str, int | None]] = []
        self._scale, self._offset = 1.0, QPointF(0.0, 0.0)
        self._fonts: dict[tuple[int, bool], tuple[QFont, QFontMetricsF]] = {}
        #: Per diagram: the 1 − z wires' rms (one array operation per step, not per paint).
        self._complements: dict[str, Quantity] = {}
        self._strip_cache: dict[tuple[str, str, bool], QImage] = {}
        self._lookup_tables: dict[tuple[Palette, bool], np.ndarray] = {}
        self._both_tables: dict[Palette, np.ndarray] = {}
        #: The palette's colours as QColor, and pens that never change, made once per
        #: palette (a QColor parsed from its name per part cost ~0.3 ms a frame).
        self._colours: dict[str, QColor] = {}
        self._pens: dict[tuple[str, float], QPen] = {}
        #: Label widths per (font pixel size, text): most labels repeat from step to step.
        self._text_widths: dict[tuple[int, str], float] = {}
        #: What looks the same at every step, as two transparent layers (see
        #: :meth:`_static_layers`), by size, palette, font, cell and animation state.
        self._layers: dict[tuple, tuple[QPixmap, QPixmap, QPoint]] = {}
        self._least_text = MIN_TEXT_PIXELS

    # ------------------------------------------------------------------------ public
    def sizeHint(self) -> QSize:
        return QSize(int(WIDTH), int(HEIGHT))

    def minimumSizeHint(self) -> QSize:
        return QSize(int(WIDTH * 0.25), int(HEIGHT * 0.3))

    def set_diagram(self, diagram: CellDiagram | None) -> None:
        """Show ``diagram`` (None: nothing to show)."""
        self.diagram = diagram
        self._strip_cache.clear()
        self._complements.clear()
        self.setAccessibleDescription(self.summary())
        self.update()

    def set_progress(self, progress: float | None) -> None:
        """Draw the step as computed up to ``progress`` stages (None: all of it)."""
        if progress != self.progress:
            self.progress = progress
            self.update()

    def apply_palette(self, palette: Palette) -> None:
        """Redraw in ``palette``'s colours."""
        self.palette_ = palette
        self._strip_cache.clear()
        self._colours.clear()
        self._pens.clear()
        self._layers.clear()
        self.update()

    def stage_state(self, key: str | None) -> str:
        """``"done"``, ``"active"`` or ``"pending"``: how far the animation has got to ``key``."""
        if key is None or self.diagram is None or self.progress is None:
            return "done"
        stage = self.diagram.stage_of(key)
        if stage is None:
            return "done"
        current = int(self.progress)
        if stage < current:
            return "done"
        return "active" if stage == current else "pending"

    def summary(self) -> str:
        """One sentence for screen readers: the step and how open each gate is."""
        diagram = self.diagram
        if diagram is None:
            return "No cell to show."
        gates = ", ".join(f"{q.label} {percent(q.opening)} open" for q in diagram.gates())
        text = f"{diagram.kind.upper()} at step {diagram.t} (“{diagram.token}”)"
        return f"{text}: {gates}." if gates else f"{text}."

    def item_at(self, point: QPointF) -> tuple[str, int | None] | None:
        """The quantity (and unit, over a strip) drawn at widget position ``point``."""
        for rect, key, unit_count in reversed(self._hits):
            if rect.contains(point):
                if unit_count:
                    fraction = (point.x() - rect.left()) / max(rect.width(), 1e-9)
                    return key, min(int(fraction * unit_count), unit_count - 1)
                return key, None
        return None

    @property
    def _hits(self) -> list[tuple[QRectF, str, int | None]]:
        """What each painted part shows, in widget coordinates (scaled when asked for: hover
        and tests ask, the paint at every step does not)."""
        scale, dx, dy = self._scale, self._offset.x(), self._offset.y()
        return [
            (QRectF(r.x() * scale + dx, r.y() * scale + dy, r.width() * scale, r.height() * scale),
             key, units)
            for r, key, units in self._canvas_hits
        ]  # fmt: skip

    # ------------------------------------------------------------------------ events
    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.item_at(QPointF(event.pos()))
            if found is not None and self.diagram is not None:
                key, unit = found
                QToolTip.showText(event.globalPos(), self.diagram.describe(key, unit), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        # Tooltips follow the pointer from one part to the next without waiting.
        if QToolTip.isVisible() and self.diagram is not None:
            found = self.item_at(event.position())
            if found is not None:
                key, unit = found
                QToolTip.showText(
                    event.globalPosition().toPoint(), self.diagram.describe(key, unit), self
                )
        super().mouseMoveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self._paint(painter)

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), self._colour("plot_background"))
        self._canvas_hits = []
        diagram = self.diagram
        if diagram is None:
            painter.setPen(self._colour("muted_text"))
            painter.drawText(self.rect(), _CENTRE, "No cell to show yet")
            return
        self._least_text = max(MIN_TEXT_PIXELS, text_floor_px())
        scale = min(self.width() / WIDTH, self.height() / HEIGHT)
        dx = (self.width() - WIDTH * scale) / 2
        dy = (self.height() - HEIGHT * scale) / 2
        painter.translate(dx, dy)
        painter.scale(scale, scale)
        self._scale, self._offset = scale, QPointF(dx, dy)
        layout = LAYOUTS[diagram.kind]
        for wire in layout.wires:
            self._draw_wire(painter, wire, diagram)
        engine = painter.paintEngine()
        if engine is not None and engine.type() == _RASTER:
            self._paint_parts_layered(painter, layout, diagram)
        else:  # a vector device (or a recording): every part drawn as itself
            self._paint_parts(painter, layout, diagram)
        for wire in layout.wires:
            self._draw_pulse(painter, wire)
        for wire in layout.wires:
            if wire.label_at is not None:
                self._draw_label(painter, wire, diagram)
        self._draw_title(painter, diagram)

    def _paint_parts(self, painter: QPainter, layout: Layout, diagram: CellDiagram) -> None:
        """Blocks, then operations, each drawn whole, in the layout's order."""
        for block in layout.blocks:
            quantity = diagram.quantities.get(block.key) if block.key else None
            state = self.stage_state(block.key)
            self._draw_block_base(painter, block)
            self._draw_gate_fill(painter, block, quantity, state)
            self._draw_block_frame(painter, block, diagram, quantity, state)
            self._draw_block_values(painter, block, quantity, state)
        for op in layout.ops:
            self._draw_op(painter, op.key, op.centre, op.symbol)
            self._hit_op(op.centre, op.key)

    def _paint_parts_layered(self, painter: QPainter, layout: Layout, diagram: CellDiagram):
        """:meth:`_paint_parts` with what does not change from step to step (block bodies,
        outlines and symbols, the ⊙/+ circles) copied from two cached transparent layers.

        The stacking is the same: the bodies and circles over the wires, then the gates'
        fills, then the outlines and symbols over the fills, then the values. Only the
        blocks' and circles' own rectangles are copied, so nothing else is drawn twice.
        """
        states = self._part_states(layout)
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        under, over, origin = self._static_layers(layout, diagram, states, ratio)
        self._copy(painter, under, origin)
        quantities = diagram.quantities
        blocks = [
            (block, quantities.get(block.key) if block.key else None, state)
            for block, state in zip(layout.blocks, states, strict=False)
        ]
        for block, quantity, state in blocks:
            self._draw_gate_fill(painter, block, quantity, state)
        self._copy(painter, over, origin)
        for block, quantity, state in blocks:
            if quantity is not None and block.name:
                painter.setPen(self._ink(state) if block.key else self._colour("plot_foreground"))
            self._draw_block_values(painter, block, quantity, state)
        for op in layout.ops:
            self._hit_op(op.centre, op.key)

    @staticmethod
    def _copy(painter: QPainter, layer: QPixmap, origin: QPoint) -> None:
        """Blend ``layer`` onto the widget at ``origin`` (widget pixels), untransformed."""
        painter.save()
        painter.resetTransform()
        painter.drawPixmap(origin, layer)
        painter.restore()

    def _part_states(self, layout: Layout) -> tuple[str, ...]:
        """The animation state of every block, then every operation."""
        if self.progress is None:
            return ("done",) * (len(layout.blocks) + len(layout.ops))
        return tuple(self.stage_state(block.key) for block in layout.blocks) + tuple(
            self.stage_state(op.key) for op in layout.ops
        )

    def _static_layers(
        self, layout: Layout, diagram: CellDiagram, states: tuple[str, ...], ratio: float
    ) -> tuple[QPixmap, QPixmap, QPoint]:
        """The two layers of the parts that look the same at every step, made once per
        size, palette, font, cell and animation state, and where they go (widget pixels).

        Each layer covers the box around the blocks and circles only; it is transparent
        between them, where copying it leaves the wires' pixels as they are.
        """
        present = tuple(bool(b.key and b.key in diagram.quantities) for b in layout.blocks)
        key = (
            diagram.kind, diagram.activation if diagram.kind == "rnn" else "", present,
            states, self.width(), self.height(), ratio, self.palette_.name,
            self._least_text, self.font().key(),
        )  # fmt: skip
        found = self._layers.get(key)
        if found is not None:
            return found
        while len(self._layers) >= MAX_LAYER_SETS:  # the oldest go (animation stages)
            del self._layers[next(iter(self._layers))]
        transform = QTransform(self._scale, 0, 0, self._scale, self._offset.x(), self._offset.y())
        margin = 2.0  # canvas units: outlines (≤ 2.2 wide) and antialiasing
        boxes = [_block_rect(block) for block in layout.blocks] + [
            QRectF(op.centre[0] - OP_RADIUS, op.centre[1] - OP_RADIUS, 2 * OP_RADIUS, 2 * OP_RADIUS)
            for op in layout.ops
        ]
        bounds = QRectF()
        for box in boxes:
            bounds = bounds.united(
                transform.mapRect(box.adjusted(-margin, -margin, margin, margin))
            )
        area = bounds.toAlignedRect().intersected(self.rect())
        # Drawn where the widget draws it, shifted by whole pixels into the layer: the same
        # antialiased pixels.
        shifted = transform * QTransform.fromTranslate(-area.x(), -area.y())
        layers = []
        for part in ("under", "over"):
            pixmap = QPixmap(
                max(1, round(area.width() * ratio)), max(1, round(area.height() * ratio))
            )
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            layer = QPainter(pixmap)
            layer.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            layer.setTransform(shifted)
            for block, state in zip(layout.blocks, states, strict=False):
                quantity = diagram.quantities.get(block.key) if block.key else None
                if part == "under":
                    self._draw_block_base(layer, block)
                else:
                    self._draw_block_frame(layer, block, diagram, quantity, state)
            if part == "under":
                for op, state in zip(layout.ops, states[len(layout.blocks) :], strict=True):
                    self._draw_op(layer, op.key, op.centre, op.symbol, state)
            layer.end()
            layers.append(pixmap)
        found = self._layers[key] = (layers[0], layers[1], area.topLeft())
        return found

    # --------------------------------------------------------------------- drawing
    def _font(self, size: float, bold: bool = False) -> QFont:
        return self._font_and_metrics(size, bold)[0]

    def _font_and_metrics(self, size: float, bold: bool = False) -> tuple[QFont, QFontMetricsF]:
        # In canvas units, but never below MIN_TEXT_PIXELS on screen (a short dock), nor the
        # text floor of presenter mode. Kept per pixel size: a QFont and its metrics per
        # text per frame cost ~0.5 ms.
        pixels = max(1, round(max(size, self._least_text / max(self._scale, 1e-3))))
        found = self._fonts.get((pixels, bold))
        if found is None:
            font = QFont(self.font())
            font.setPixelSize(pixels)
            font.setBold(bold)
            found = self._fonts[(pixels, bold)] = (font, QFontMetricsF(font))
        return found

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fonts.clear()
            self._layers.clear()

    def _colour(self, name: str) -> QColor:
        """The palette's colour ``name`` (an attribute of :class:`Palette`), made once."""
        colour = self._colours.get(name)
        if colour is None:
            colour = self._colours[name] = QColor(getattr(self.palette_, name))
        return colour

    def _pen(self, name: str, width: float) -> QPen:
        """A solid pen of the palette's colour ``name``, made once."""
        pen = self._pens.get((name, width))
        if pen is None:
            pen = self._pens[(name, width)] = QPen(self._colour(name), width)
        return pen

    def _ink(self, state: str) -> QColor:
        return self._colour(_INK[state])

    def _text_width(self, metrics: QFontMetricsF, pixels: int, text: str) -> float:
        key = (pixels, text)
        width = self._text_widths.get(key)
        if width is None:
            if len(self._text_widths) > 2000:  # labels with values change every step
                self._text_widths.clear()
            width = self._text_widths[key] = metrics.horizontalAdvance(text)
        return width

    def _hit(self, rect: QRectF, key: str, units: int | None = None) -> None:
        """Remember ``rect`` (canvas units) as showing ``key``."""
        self._canvas_hits.append((rect, key, units))

    def _complement(self, quantity: Quantity) -> Quantity:
        """1 − ``quantity`` (the update gate's share for the candidate), once per diagram."""
        found = self._complements.get(quantity.key)
        if found is None:
            found = Quantity(quantity.key, "", "state", 1.0 - quantity.values)
            self._complements[quantity.key] = found
        return found

    def _draw_wire(self, painter: QPainter, wire: Wire, diagram: CellDiagram) -> None:
        quantity = diagram.quantities.get(wire.key) if wire.key else None
        state = self.stage_state(wire.key) if self.progress is not None else "done"
        if quantity is None:
            width = THIN
            colour = self._colour("muted_text")
        elif state == "pending":
            width = THIN
            colour = self._ink(state)
        else:
            rms = self._complement(quantity).rms if wire.complement else quantity.rms
            width = wire_width(rms)
            colour = self._ink(state) if quantity.finite else self._colour("error")
        pen = QPen(colour, width)
        pen.setCapStyle(_FLAT_CAP)
        pen.setJoinStyle(_MITER_JOIN)
        if wire.dashed or state == "pending":
            pen.setStyle(_DASH)
        points, unit, hits = _wire_geometry(wire)
        painter.setPen(pen)
        if unit is None:
            painter.drawPolyline(points)
        else:
            # Stop the line where the arrow head starts so a thick line does not blunt it.
            end = points[-1]
            cut = list(points)
            cut[-1] = end - unit * (7.0 + width) * 0.8
            painter.drawPolyline(cut)
            _arrow_head(painter, end, unit, 7.0 + width * 0.8, colour)
        if wire.key is not None:
            self._canvas_hits.extend(hits)

    def _draw_block_base(self, painter: QPainter, block: Block) -> None:
        """The block's body (it hides the wires' ends under it)."""
        painter.setPen(_NO_PEN)
        painter.setBrush(self._colour("base"))
        painter.drawRoundedRect(_block_rect(block), 5, 5)

    def _draw_gate_fill(
        self, painter: QPainter, block: Block, quantity: Quantity | None, state: str
    ) -> None:
        """A gate fills from the bottom as far as it is open (its mean activation)."""
        if quantity is None or quantity.role != "gate" or state == "pending":
            return
        rect = _block_rect(block)
        height = block.size[1]
        opening = quantity.opening
        fill = self._colours.get("gate " + quantity.key)
        if fill is None:
            palette = self.palette_
            fill = QColor(gate_colours(palette).get(quantity.key, palette.highlight))
            fill.setAlpha(150)
            self._colours["gate " + quantity.key] = fill
        level = min(max(opening, 0.0), 1.0) if math.isfinite(opening) else 0.0
        painter.setPen(_NO_PEN)
        painter.setBrush(fill)
        painter.drawRect(QRectF(rect.left(), rect.bottom() - level * height, block.size[0],
                                level * height))  # fmt: skip

    def _draw_block_frame(
        self,
        painter: QPainter,
        block: Block,
        diagram: CellDiagram,
        quantity: Quantity | None,
        state: str,
    ) -> None:
        """The outline and the squashing function's symbol: the same at every step."""
        rect = _block_rect(block)
        edge = _INK[state] if block.key else "muted_text"
        painter.setBrush(_NO_BRUSH)
        painter.setPen(self._pen(edge, 2.2 if state == "active" else 1.4))
        painter.drawRoundedRect(rect, 5, 5)
        painter.setPen(self._ink(state) if block.key else self._colour("plot_foreground"))
        symbol = block.symbol
        if block.key == "h" and diagram.kind == "rnn":
            symbol = diagram.activation
        if quantity is None or not block.name:
            painter.setFont(self._font(SYMBOL_SIZE if len(symbol) <= 6 else LABEL_SIZE))
            painter.drawText(rect, _CENTRE, symbol)
        else:
            # Two lines: the squashing function, then (the values) the gate's name and how
            # open it is.
            painter.setFont(self._font(SYMBOL_SIZE - 1))
            painter.drawText(rect.adjusted(0, 1, 0, -block.size[1] / 2), _CENTRE, symbol)

    def _draw_block_values(
        self, painter: QPainter, block: Block, quantity: Quantity | None, state: str
    ) -> None:
        """The block's name and value (drawn in the pen set for its symbol), the strip of
        every unit under a gate or candidate, and where the pointer reads them."""
        if quantity is None:
            return
        rect = _block_rect(block)
        width, height = block.size
        if block.name:
            if state == "pending":
                value = "…"
            elif quantity.role == "gate":
                value = percent(quantity.opening).replace(" ", "")
            else:
                value = short_number(quantity.mean)
            painter.setFont(self._font(LABEL_SIZE - 1, bold=True))
            painter.drawText(rect.adjusted(0, height / 2, 0, -1), _CENTRE, f"{block.name} {value}")
        self._hit(rect, quantity.key)
        if quantity.role in ("gate", "candidate"):
            strip = QRectF(rect.left(), rect.bottom() + 2, width, STRIP_HEIGHT)
            self._draw_strip(painter, strip, quantity, state)

    def _draw_op(
        self,
        painter: QPainter,
        key: str,
        centre: tuple[float, float],
        symbol: str,
        state: str | None = None,
    ) -> None:
        state = self.stage_state(key) if state is None else state
        centre_point = QPointF(*centre)
        painter.setBrush(self._colour("base"))
        painter.setPen(self._pen(_INK[state], 1.6))
        painter.drawEllipse(centre_point, OP_RADIUS, OP_RADIUS)
        painter.setFont(self._font(SYMBOL_SIZE, bold=True))
        painter.drawText(
            QRectF(centre[0] - OP_RADIUS, centre[1] - OP_RADIUS - 1, 2 * OP_RADIUS, 2 * OP_RADIUS),
            _CENTRE,
            symbol,
        )

    def _hit_op(self, centre: tuple[float, float], key: str) -> None:
        self._hit(QRectF(centre[0] - OP_RADIUS, centre[1] - OP_RADIUS, 20, 20), key)

    def _draw_label(self, painter: QPainter, wire: Wire, diagram: CellDiagram) -> None:
        assert wire.label_at is not None
        x, y = wire.label_at
        quantity = diagram.quantities.get(wire.key) if wire.key else None
        state = self.stage_state(wire.key)
        if quantity is None:
            text = wire.text or ""
        elif wire.key == "x":
            text = f"xₜ = “{diagram.token}”"
        elif state == "pending":
            text = f"{quantity.label if wire.text is None else wire.text} …"
        elif wire.complement:
            text = f"{wire.text} {_value_text(self._complement(quantity))}"
        else:
            name = quantity.label if wire.text is None else wire.text
            text = f"{name} {_value_text(quantity)}".strip()
        font, metrics = self._font_and_metrics(LABEL_SIZE - (1 if quantity is None else 0))
        painter.setFont(font)
        text_width = self._text_width(metrics, font.pixelSize(), text)
        left = {"left": x, "right": x - text_width, "centre": x - text_width / 2}[wire.align]
        rect = QRectF(left, y - metrics.ascent(), text_width, metrics.height())
        painter.fillRect(rect.adjusted(-2, 0, 2, 0), self._backdrop())
        painter.setPen(self._ink(state) if quantity is not None else self._colour("muted_text"))
        painter.drawText(QPointF(left, y), text)
        if quantity is not None:
            self._hit(rect, quantity.key)
            if wire.key != "x" and not wire.complement:
                strip_left = {"left": x, "right": x - STRIP_WIDTH, "centre": x - STRIP_WIDTH / 2}
                strip = QRectF(strip_left[wire.align], y + 3, STRIP_WIDTH, STRIP_HEIGHT - 1)
                self._draw_strip(painter, strip, quantity, state)

    def _backdrop(self) -> QColor:
        """The plot background, slightly see-through, behind a wire's label."""
        colour = self._colours.get("backdrop")
        if colour is None:
            colour = QColor(self.palette_.plot_background)
            colour.setAlpha(210)
            self._colours["backdrop"] = colour
        return colour

    def _draw_strip(self, painter: QPainter, rect: QRectF, quantity: Quantity, state: str):
        """Every unit's value as a row of colour cells (hover for the numbers)."""
        if state == "pending":
            painter.setPen(self._pen("muted_text", 0.8))
            painter.setBrush(_NO_BRUSH)
            painter.drawRect(rect)
            return
        image = self._strip_image(quantity)
        painter.drawImage(rect, image)
        painter.setPen(self._pen("muted_text", 0.6))
        painter.setBrush(_NO_BRUSH)
        painter.drawRect(rect)
        self._hit(rect.adjusted(0, -2, 0, 2), quantity.key, quantity.size)

    def _strip_image(self, quantity: Quantity) -> QImage:
        gate = quantity.role == "gate"
        cache_key = (quantity.key, self.palette_.name, gate)
        image = self._strip_cache.get(cache_key)
        if image is None:
            self._make_strip_images(quantity)
            image = self._strip_cache[cache_key]
        return image

    def _make_strip_images(self, first: Quantity) -> None:
        """The strip of ``first`` and of every other quantity of its size in the diagram, in
        one array operation (one per strip cost ~0.5 ms a frame at 256 units).

        Gates map 0 … 1 onto the sequential map; everything else v / max(max|v|, 1) onto the
        diverging one, so 0 sits in its middle.
        """
        others = self.diagram.quantities.values() if self.diagram is not None else ()
        batch = [first] + [
            q for q in others
            if q is not first and q.size == first.size
            and (q.key, self.palette_.name, q.role == "gate") not in self._strip_cache
        ]  # fmt: skip
        values = np.stack([q.values for q in batch])
        if not np.isfinite(values).all():  # the check is ~10× cheaper than the replacement
            values = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0)
        gates = np.array([q.role == "gate" for q in batch])
        positions = np.empty_like(values)
        positions[gates] = np.clip(values[gates], 0.0, 1.0)
        if not gates.all():
            rest = values[~gates]
            peak = np.maximum(np.max(np.abs(rest), axis=1, keepdims=True, initial=0.0), 1.0)
            positions[~gates] = np.clip(rest / peak / 2 + 0.5, 0.0, 1.0)
        levels = np.rint(positions * (LOOKUP_LEVELS - 1)).astype(np.intp)
        levels[~gates] += LOOKUP_LEVELS  # the diverging map follows the sequential one
        rgba = np.ascontiguousarray(self._lookup_tables_both()[levels], dtype=np.uint8)
        rows, width = rgba.shape[0], rgba.shape[1]
        sheet = QImage(rgba.data, width, rows, width * 4, QImage.Format.Format_RGBA8888)
        for row, quantity in enumerate(batch):
            key = (quantity.key, self.palette_.name, bool(gates[row]))
            self._strip_cache[key] = sheet.copy(0, row, width, 1)

    def _lookup_tables_both(self) -> np.ndarray:
        """The sequential map's table, then the diverging map's, in one array."""
        table = self._both_tables.get(self.palette_)
        if table is None:
            both = (self._lookup_table(True), self._lookup_table(False))
            table = self._both_tables[self.palette_] = np.concatenate(both)
        return table

    def _lookup_table(self, gate: bool) -> np.ndarray:
        """The theme's colour map sampled once per palette (a map per strip cost ~3 ms a frame)."""
        key = (self.palette_, gate)
        table = self._lookup_tables.get(key)
        if table is None:
            colour_map = (sequential_colour_map if gate else diverging_colour_map)(self.palette_)
            positions = np.linspace(0.0, 1.0, LOOKUP_LEVELS)
            table = np.ascontiguousarray(colour_map.map(positions, mode="byte"), dtype=np.uint8)
            self._lookup_tables[key] = table
        return table

    def _draw_pulse(self, painter: QPainter, wire: Wire) -> None:
        """The dot travelling along a wire of the equation being computed."""
        if wire.key is None or self.progress is None or self.stage_state(wire.key) != "active":
            return
        fraction = self.progress - int(self.progress)
        point = _along(wire.points, fraction)
        painter.setPen(_NO_PEN)
        painter.setBrush(self._colour("current_step"))
        painter.drawEllipse(point, PULSE_RADIUS, PULSE_RADIUS)

    def _draw_title(self, painter: QPainter, diagram: CellDiagram) -> None:
        title = f"{diagram.kind.upper()} · t = {diagram.t}"
        if self.progress is not None and diagram.stages:
            stage = diagram.stages[min(int(self.progress), len(diagram.stages) - 1)]
            title += f" · computing {stage.name}_t"
        font, metrics = self._font_and_metrics(LABEL_SIZE, bold=True)
        painter.setFont(font)
        painter.setPen(self._colour("plot_foreground"))
        width = self._text_width(metrics, font.pixelSize(), title)
        painter.drawText(QPointF(WIDTH - width - 4, HEIGHT - 4), title)


@functools.cache
def _block_rect(block: Block) -> QRectF:
    """The block's box in canvas units."""
    width, height = block.size
    return QRectF(block.centre[0] - width / 2, block.centre[1] - height / 2, width, height)


@functools.cache
def _polyline(points: tuple[tuple[float, float], ...]) -> tuple[QPointF, ...]:
    """A layout's wire as Qt points (the layouts are fixed: made once)."""
    return tuple(QPointF(*p) for p in points)


@functools.cache
def _wire_geometry(
    wire: Wire,
) -> tuple[tuple[QPointF, ...], QPointF | None, tuple[tuple[QRectF, str, None], ...]]:
    """A wire's points, the direction its arrow points in (None: no arrow) and its hover
    areas, made once per layout wire."""
    points = _polyline(wire.points)
    unit = None
    if wire.arrow and len(points) >= 2:
        direction = points[-1] - points[-2]
        length = math.hypot(direction.x(), direction.y()) or 1.0
        unit = QPointF(direction.x() / length, direction.y() / length)
    hits = tuple((rect, wire.key, None) for rect in _segment_rects(wire.points)) if wire.key else ()
    return points, unit, hits


@functools.cache
def _segment_rects(points: tuple[tuple[float, float], ...]) -> tuple[QRectF, ...]:
    """The hover areas of a wire: each segment's box and 5 canvas units around it."""
    return tuple(
        QRectF(QPointF(*a), QPointF(*b)).normalized().adjusted(-5, -5, 5, 5)
        for a, b in itertools.pairwise(points)
    )


def short_number(value: float) -> str:
    """Two decimals for the diagram's labels (tooltips give three)."""
    if not math.isfinite(value) or abs(value) >= 100:
        return number(value)
    if value == 0 or abs(value) >= 0.1:
        return f"{value:.2f}".replace("-", "−")
    return f"{value:.2g}".replace("-", "−")  # small averages keep two significant digits


def _value_text(quantity: Quantity) -> str:
    """Every unit's value for small cells (:data:`NUMBERS_UP_TO`), else the average."""
    if quantity.size <= NUMBERS_UP_TO:
        return " ".join(short_number(float(v)) for v in quantity.values)
    return f"avg {short_number(quantity.mean)}"


def _along(points: tuple[tuple[float, float], ...], fraction: float) -> QPointF:
    """The point ``fraction`` (0 … 1) of the way along a polyline."""
    lengths = [math.dist(a, b) for a, b in itertools.pairwise(points)]
    target = max(min(fraction, 1.0), 0.0) * sum(lengths)
    for (a, b), length in zip(itertools.pairwise(points), lengths, strict=True):
        if target <= length and length > 0:
            share = target / length
            return QPointF(a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share)
        target -= length
    return QPointF(*points[-1])


def _arrow_head(painter: QPainter, tip: QPointF, unit: QPointF, size: float, colour: QColor):
    # In plain floats (the same operations as on QPointFs, a third of the time in Python).
    ux, uy = unit.x(), unit.y()
    back_x, back_y = tip.x() - ux * size, tip.y() - uy * size
    half_x, half_y = -uy * size * 0.5, ux * size * 0.5  # the normal (−u_y, u_x) × size / 2
    head = QPainterPath(tip)
    head.lineTo(back_x + half_x, back_y + half_y)
    head.lineTo(back_x - half_x, back_y - half_y)
    head.closeSubpath()
    painter.fillPath(head, colour)


__all__ = ["CellDiagramView", "Layout", "wire_width"]
