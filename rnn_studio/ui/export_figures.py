"""Draw the studio's figures offscreen for slides and handouts (PNG, SVG, PDF).

Used by ``rnn-studio export`` and the studio's File ▸ Export ▸ Figure. Each view is a
pyqtgraph :class:`~pyqtgraph.GraphicsLayoutWidget` with a title, axis labels, a legend (or a
labelled colour bar) and the studio's gradient verdict, laid out at a *layout size* without
ever appearing on screen, then painted onto the target at a scale:

* a PNG of ``width`` x ``height`` pixels (default 1920 x 1080) is laid out at that size
  divided by ``width / 1280`` (at least 1), so text on a 1920-pixel slide is 1.5 times the
  screen's and the figure looks the same at every size (:meth:`FigureSize.pixels`);
* a figure for paper (:meth:`FigureSize.paper`) is laid out at its physical size at 96 layout
  units per inch and painted at the chosen dpi (300 by default): 10 pt text prints at 10 pt.

The same layout goes to SVG (Qt's :class:`QSvgGenerator`, strokes made renderer-independent
by :mod:`rnn_studio.ui.svg_strokes`) and to PDF (:class:`QPdfWriter`). Colours come from a
:class:`FigureStyle`: :data:`PRINT_STYLE` (white paper) or :func:`theme_style` (the studio's
current plot colours).

Run ``QT_QPA_PLATFORM=offscreen python -m rnn_studio.ui.export_figures`` to write the three
views of the demo "not bad" to the current folder.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontInfo,
    QFontMetricsF,
    QImage,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
)
from PySide6.QtSvg import QSvgGenerator, QSvgRenderer
from PySide6.QtWidgets import QApplication

from rnn_studio.engine.cells import GATE_LABELS
from rnn_studio.studio_core.palette import LIGHT
from rnn_studio.ui.svg_strokes import flatten_non_scaling_strokes
from rnn_studio.ui.theme import cell_colours

if TYPE_CHECKING:
    from rnn_studio.state.trace_table import ExportData

# Sigmoid gates live in (0, 1); the candidates are tanh outputs in (-1, 1).
CANDIDATE_GATES = frozenset({"g", "n"})
MAX_TOKEN_TICKS = 40
#: Heatmap cells are drawn as blocks of up to MAX_BLOCK pixels a side in the embedded image,
#: which is at most MAX_BLOCK_PIXELS on its longer side.
MAX_BLOCK, MAX_BLOCK_PIXELS = 24, 2400
#: A figure's layout is this wide on a 1280-pixel screen; bigger images scale it up.
REFERENCE_WIDTH = 1280
REFERENCE_HEIGHT = 720
#: Layout units per inch (Qt's logical dpi for pyqtgraph's point sizes).
LAYOUT_DPI = 96.0
MIN_PIXELS, MAX_PIXELS = 320, 7680
MIN_DPI, MAX_DPI = 72, 600
MIN_MM, MAX_MM = 40.0, 420.0
DEFAULT_SLIDE = (1920, 1080)
MM_PER_INCH = 25.4
#: A smaller figure is laid out at this size and scaled down (text shrinks with it):
#: below it a title and four gate heatmaps no longer fit.
MIN_LAYOUT = (640, 360)
LAYOUT_MARGIN = 16
#: Layout height per gate below which a gate strip is labelled "unit", not "hidden unit".
SHORT_STRIP = 150
TITLE_POINTS, SUBTITLE_POINTS = 14.0, 10.5


class FigureError(ValueError):
    """A figure that cannot be drawn (for example gates of a cell that has none)."""


@dataclass(frozen=True)
class FigureStyle:
    """The colours a figure is drawn in.

    Attributes
    ----------
    name : str
        ``"print"`` or ``"theme"``.
    background, foreground : str
        Page and text/axis colours (``#rrggbb``).
    curve : str
        The gradient curve.
    cursor : str
        The line marking the step the studio shows.
    """

    name: str
    background: str
    foreground: str
    curve: str
    cursor: str
    cells: tuple[tuple[str, str], ...] = tuple(LIGHT.cell_colours().items())

    def cell_curve(self, kind: str) -> str:
        """The curve colour of ``kind`` when cells are compared (the studio's cell colours)."""
        return dict(self.cells).get(kind, self.curve)


#: Dark ink on white paper, whatever the studio's theme; cells in the light theme's colours.
PRINT_STYLE = FigureStyle("print", "#ffffff", "#1f2937", "#2563eb", "#b91c1c")


def theme_style() -> FigureStyle:
    """The studio's current plot colours (the theme's pyqtgraph background and foreground)."""
    palette = QApplication.palette()  # the application's (a static in Qt)
    background = _colour(pg.getConfigOption("background"), palette.color(QPalette.ColorRole.Base))
    foreground = _colour(pg.getConfigOption("foreground"), palette.color(QPalette.ColorRole.Text))
    dark = background.lightnessF() < 0.5
    return FigureStyle(
        "theme",
        background.name(),
        foreground.name(),
        "#60a5fa" if dark else "#2563eb",
        "#f87171" if dark else "#b91c1c",
        tuple(cell_colours().items()),
    )


def _colour(option: object, fallback: QColor) -> QColor:
    try:
        colour = pg.mkColor(option)
    except (TypeError, ValueError, Exception):  # pyqtgraph raises a bare Exception
        return QColor(fallback)
    return colour if colour.isValid() else QColor(fallback)


@dataclass(frozen=True)
class FigureSize:
    """Where a figure is painted: ``width`` x ``height`` pixels (PNG) at ``scale`` pixels per
    layout unit, ``dpi`` for the file's metadata and the PDF page.

    Build it with :meth:`pixels` or :meth:`paper`.
    """

    width: int
    height: int
    scale: float
    dpi: float

    @property
    def layout_size(self) -> tuple[int, int]:
        """The size the figure is laid out at (layout units)."""
        return round(self.width / self.scale), round(self.height / self.scale)

    @property
    def page_mm(self) -> tuple[float, float]:
        """The PDF page size in millimetres."""
        return (self.width / self.dpi * MM_PER_INCH, self.height / self.dpi * MM_PER_INCH)

    @classmethod
    def pixels(cls, width: int = DEFAULT_SLIDE[0], height: int = DEFAULT_SLIDE[1]) -> FigureSize:
        """An image of ``width`` x ``height`` pixels (320 to 7680 each), text scaled with it.

        The layout is the image shrunk to at most 1280 x 720, so a 1920 x 1080 slide has the
        same proportions as the studio on a 1280 x 720 projector, 1.5 times as sharp. An
        image under 640 x 360 is laid out at that size and scaled down.
        """
        for name, value in (("width", width), ("height", height)):
            if not isinstance(value, int) or not MIN_PIXELS <= value <= MAX_PIXELS:
                raise FigureError(
                    f"{name} must be {MIN_PIXELS} to {MAX_PIXELS} pixels, got {value}"
                )
        return cls.of_image(width, height)

    @classmethod
    def of_image(cls, width: int, height: int) -> FigureSize:
        """:meth:`pixels` without the range check (for sizes checked elsewhere)."""
        scale = max(1.0, min(width / REFERENCE_WIDTH, height / REFERENCE_HEIGHT))
        return cls(width, height, _at_least_min_layout(scale, width, height), LAYOUT_DPI)

    @classmethod
    def paper(cls, width_mm: float, height_mm: float | None = None, dpi: int = 300) -> FigureSize:
        """A figure ``width_mm`` wide on paper (40 to 420 mm) at ``dpi`` (72 to 600).

        ``height_mm`` defaults to 9/16 of the width. Text keeps its point size on paper,
        down to a width of 169 mm (:data:`MIN_LAYOUT`); a narrower figure is laid out at
        that width and scaled down, text with it (at 120 mm, to 71 %).
        """
        height_mm = width_mm * 9 / 16 if height_mm is None else height_mm
        for name, value in (("paper width", width_mm), ("paper height", height_mm)):
            if not MIN_MM <= value <= MAX_MM:
                raise FigureError(f"{name} must be {MIN_MM:g} to {MAX_MM:g} mm, got {value:g}")
        if not MIN_DPI <= dpi <= MAX_DPI:
            raise FigureError(f"dpi must be {MIN_DPI} to {MAX_DPI}, got {dpi}")
        width = round(width_mm / MM_PER_INCH * dpi)
        height = round(height_mm / MM_PER_INCH * dpi)
        scale = _at_least_min_layout(dpi / LAYOUT_DPI, width, height)
        return cls(width, height, scale, float(dpi))


def _at_least_min_layout(scale: float, width: int, height: int) -> float:
    """``scale``, lowered so that the layout is at least :data:`MIN_LAYOUT`."""
    return min(scale, width / MIN_LAYOUT[0], height / MIN_LAYOUT[1])


def _label_steps(plot: pg.PlotItem, tokens: Sequence[str], suffix: str = "") -> None:
    """Label the time axis with the tokens, or with step numbers when they would not fit."""
    axis = plot.getAxis("bottom")
    if len(tokens) <= MAX_TOKEN_TICKS:
        axis.setTicks([[(float(t), token) for t, token in enumerate(tokens)]])
        plot.setLabel("bottom", f"token read at step t = 0…{len(tokens) - 1}{suffix}")
    else:
        stride = math.ceil(len(tokens) / MAX_TOKEN_TICKS)
        axis.setTicks([[(float(t), str(t)) for t in range(0, len(tokens), stride)]])
        plot.setLabel("bottom", f"step t{suffix}")


def _style_axes(item: object, style: FigureStyle) -> None:
    if not isinstance(item, pg.PlotItem):
        return
    for side in ("left", "bottom", "right"):
        axis = item.getAxis(side)
        axis.setPen(style.foreground)
        axis.setTextPen(style.foreground)
        axis.label.setDefaultTextColor(QColor(style.foreground))


def _title(data: ExportData, what: str, compared: bool = False) -> str:
    text = data.setup.text if len(data.setup.text) <= 40 else data.setup.text[:39] + "…"
    trained = "trained " if data.cell_run.outputs.trained else ""
    cells = data.kind.upper()
    if compared and data.compared:
        names = [kind.upper() for kind, _ in data.compared]
        cells = f"{', '.join(names[:-1])} and {names[-1]} compared"
    return f"{what} · {trained}{cells}, hidden size {data.hidden.shape[1]} · “{text}”"


def _headings(
    layout: pg.GraphicsLayoutWidget,
    data: ExportData,
    what: str,
    style: FigureStyle,
    compared: bool = False,
) -> None:
    """The title, then the verdict on the gradient (or how to get one) as the subtitle,
    each broken into lines that fit the figure's width (a long title ran off a narrow one).
    ``compared``: the figure shows every compared cell, and so do the title and verdict."""
    width = layout.width() - 2 * LAYOUT_MARGIN
    title = fitted_lines(_title(data, what, compared), TITLE_POINTS, width)
    layout.addLabel(title, color=style.foreground, size=f"{TITLE_POINTS:g}pt")
    layout.nextRow()
    if compared and data.compared:  # one line per cell
        verdict = "<br>".join(
            fitted_lines(f"{kind.upper()}: {report.verdict.describe()}", SUBTITLE_POINTS, width)
            for kind, report in data.compared
        )
    else:
        verdict = fitted_lines(verdict_line(data), SUBTITLE_POINTS, width)
    layout.addLabel(verdict, color=style.foreground, size=f"{SUBTITLE_POINTS:g}pt")
    layout.nextRow()


def fitted_lines(text: str, point_size: float, width: float) -> str:
    """``text`` as label HTML in lines no wider than ``width`` layout units at
    ``point_size``: broken after a " · " where it can, else between words; escaped."""
    font = QFont()
    font.setPointSizeF(point_size)
    metrics = QFontMetricsF(font)
    lines: list[str] = []
    for part in _parts(text, " · "):
        words = part.split(" ")
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if line and metrics.horizontalAdvance(candidate) > width:
                lines.append(line)
                candidate = word
            line = candidate
        if lines and metrics.horizontalAdvance(f"{lines[-1]} · {line}") <= width:
            lines[-1] = f"{lines[-1]} · {line}"
        else:
            lines.append(line)
    return "<br>".join(escape(line) for line in lines)


def _parts(text: str, separator: str) -> list[str]:
    return [part for part in text.split(separator) if part]


def verdict_line(data: ExportData, compared: bool = False) -> str:
    """The studio's verdict on the gradient, or a note that Backprop has not run; with
    ``compared``, every compared cell's verdict ("RNN: Vanishing: … · LSTM: …")."""
    if data.gradients is None:
        return "Gradient: not computed (press Backprop in the studio to add the verdict)."
    if compared and data.compared:
        return " · ".join(
            f"{kind.upper()}: {report.verdict.describe()}" for kind, report in data.compared
        )
    return data.gradients.verdict.describe()


def _cursor_line(plot: pg.PlotItem, data: ExportData, style: FigureStyle) -> pg.InfiniteLine | None:
    """A dashed line at the step the studio shows, if it was not the first."""
    if data.cursor is None:
        return None
    line = pg.InfiniteLine(
        pos=float(data.cursor),
        angle=90,
        pen=pg.mkPen(style.cursor, width=2, style=Qt.PenStyle.DashLine),
        movable=False,
    )
    plot.addItem(line)
    return line


def _image_plot(
    layout: pg.GraphicsLayoutWidget,
    values: np.ndarray,
    tokens: Sequence[str],
    title: str,
    colormap: str,
    levels: tuple[float, float],
    style: FigureStyle,
    bar_label: str,
    compact: bool = False,
) -> pg.PlotItem:
    """Add a (units x steps) heatmap of ``values`` (shape (T, H)) with a labelled colour bar.

    ``compact`` (a short strip): the bar's label goes into the title, and the unit axis and
    the bar name only their ends.
    """
    plot = layout.addPlot()
    if title:
        plot.setTitle(f"{title}, {bar_label}" if compact else title, color=style.foreground)
    steps, units = values.shape
    # Each value as a block of pixels: renderers smooth a scaled image (librsvg ignores
    # image-rendering), which would blur neighbouring units into each other.
    block = max(1, min(MAX_BLOCK, MAX_BLOCK_PIXELS // max(steps, units)))
    blocks = np.repeat(np.repeat(np.asarray(values, dtype=float).T, block, 0), block, 1)
    image = pg.ImageItem(blocks, axisOrder="row-major")
    image.setRect(-0.5, -0.5, steps, units)
    plot.addItem(image)
    plot.invertY(True)
    plot.setXRange(-0.5, steps - 0.5, padding=0)
    plot.setYRange(-0.5, units - 0.5, padding=0)
    plot.setLabel("left", "unit" if compact else "hidden unit")
    if compact:
        plot.getAxis("left").setTicks([[(0.0, "0"), (units - 1.0, str(units - 1))]])
    _label_steps(plot, tokens)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    bar = pg.ColorBarItem(values=levels, colorMap=pg.colormap.get(colormap), interactive=False)
    bar.setImageItem(image, insert_in=plot)
    bar.axis.setPen(style.foreground)
    bar.axis.setTextPen(style.foreground)
    if not compact:
        bar.axis.setLabel(bar_label, color=style.foreground)
    # Ends and middle (or ends): five labels overlapped on a short bar.
    low, high = levels
    values_shown = (low, high) if compact else (low, (low + high) / 2, high)
    bar.axis.setTicks([[(value, f"{value:g}") for value in values_shown]])
    return plot


def draw_heatmap(layout: pg.GraphicsLayoutWidget, data: ExportData, style: FigureStyle) -> None:
    """Hidden state h_t: one row per unit, one column per step, blue −1 … red +1."""
    _headings(layout, data, "Hidden state h_t", style)
    plot = _image_plot(
        layout, data.hidden, data.tokens, "", "CET-D1", (-1.0, 1.0), style, "value of h_t (tanh)"
    )
    _cursor_line(plot, data, style)


def draw_gates(layout: pg.GraphicsLayoutWidget, data: ExportData, style: FigureStyle) -> None:
    """One heatmap per gate, stacked, sharing the time axis."""
    gates = data.cell_run.trace.gates
    if not gates:
        raise FigureError(f"the {data.kind.upper()} cell has no gates; choose lstm or gru")
    _headings(layout, data, "Gates over time", style)
    plots: list[pg.PlotItem] = []
    # A short strip has no room for "hidden unit" or the colour bar's label written upwards,
    # nor for every unit's tick: they ran into each other.
    short = layout.height() / len(gates) < SHORT_STRIP
    for index, (name, values) in enumerate(gates.items()):
        if index:
            layout.nextRow()
        candidate = name in CANDIDATE_GATES
        plot = _image_plot(
            layout,
            np.asarray(values),
            data.tokens,
            f"{GATE_LABELS.get(name, name)} ({name})",
            "CET-D1" if candidate else "viridis",
            (-1.0, 1.0) if candidate else (0.0, 1.0),
            style,
            "tanh −1…1" if candidate else "open 0…1",
            compact=short,
        )
        _cursor_line(plot, data, style)
        if plots:
            plot.setXLink(plots[0])
        plots.append(plot)
    for plot in plots[:-1]:  # only the lowest plot names the steps
        plot.getAxis("bottom").setStyle(showValues=False)
        plot.setLabel("bottom", None)


def draw_gradients(layout: pg.GraphicsLayoutWidget, data: ExportData, style: FigureStyle) -> None:
    """‖∂L/∂h_t‖ against t on a log scale, with the studio's verdict as the subtitle; in
    compare mode one curve per cell, in the studio's cell colours, and every verdict."""
    report = data.gradients
    if report is None:
        raise FigureError(
            "there is no gradient yet: press Backprop in the studio, then export this figure"
        )
    compared = bool(data.compared)
    _headings(layout, data, "Gradient reaching each step", style, compared)
    # The legend gets a row of its own above the plot: inside, it hid the points near the
    # loss (top right) of a vanishing gradient, or the first steps of an exploding one.
    legend = pg.LegendItem(colCount=4 if compared else 2, labelTextColor=style.foreground)
    layout.addItem(legend)
    layout.nextRow()
    plot = layout.addPlot()
    plot.setLogMode(y=True)
    curves = data.compared if compared else ((data.kind, report),)
    for kind, cell_report in curves:
        norms = np.asarray(cell_report.grad_norms, dtype=float)
        steps = np.arange(len(norms), dtype=float)
        drawable = np.isfinite(norms) & (norms > 0)
        colour = style.cell_curve(kind) if compared else style.curve
        curve = plot.plot(
            steps[drawable],
            norms[drawable],
            pen=pg.mkPen(colour, width=3),
            symbol="o",
            symbolSize=9,
            symbolBrush=colour,
            symbolPen=None,
        )
        legend.addItem(curve, f"‖∂L/∂h_t‖, {kind.upper()} (loss at step {cell_report.loss_step})")
    line = _cursor_line(plot, data, style)
    if line is not None:
        legend.addItem(
            pg.PlotDataItem(pen=line.pen), f"step shown in the studio (t = {data.cursor})"
        )
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setLabel("left", "‖∂L/∂h_t‖ (log scale)")
    _label_steps(plot, data.tokens, f" (loss read at step {report.loss_step})")
    plot.setXRange(-0.5, len(report.grad_norms) - 0.5, padding=0.02)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()


VIEW_DRAWERS: dict[str, Callable[[pg.GraphicsLayoutWidget, ExportData, FigureStyle], None]] = {
    "gradients": draw_gradients,
    "heatmap": draw_heatmap,
    "gates": draw_gates,
}
#: What each view is called in the studio's menus.
VIEW_LABELS = {
    "heatmap": "Hidden state h_t (heatmap)",
    "gates": "Gates over time (LSTM, GRU)",
    "gradients": "Gradient reaching each step",
}


@contextmanager
def laid_out(
    data: ExportData, view: str, size: FigureSize, style: FigureStyle
) -> Iterator[pg.GraphicsLayoutWidget]:
    """``view`` of ``data`` built offscreen and laid out at ``size.layout_size``.

    While the context is open every item is in pyqtgraph's export mode: symbols are drawn
    as shapes (not cut from a pixmap atlas, which SVG and PDF cannot clip), antialiased.

    Raises
    ------
    FigureError
        Unknown view, or gates of a vanilla RNN, or gradients before Backprop.
    """
    if view not in VIEW_DRAWERS:
        raise FigureError(f"unknown view {view!r}; choose one of {', '.join(VIEW_DRAWERS)}")
    app = QApplication.instance() or QApplication(["rnn-studio"])
    layout = pg.GraphicsLayoutWidget()
    layout.setBackground(style.background)
    layout.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    layout.ci.setContentsMargins(LAYOUT_MARGIN, 12, LAYOUT_MARGIN, 12)
    layout.resize(*size.layout_size)  # the headings fit their lines to this width
    exporting: list[pg.GraphicsItem] = []
    try:
        VIEW_DRAWERS[view](layout, data, style)
        for item in layout.ci.items:
            _style_axes(item, style)
        layout.resize(*size.layout_size)
        layout.show()
        app.processEvents()
        exporting = [item for item in layout.scene().items() if hasattr(item, "setExportMode")]
        for item in exporting:
            item.setExportMode(True, {"antialias": True, "resolutionScale": size.scale})
        yield layout
    finally:
        for item in exporting:
            item.setExportMode(False)
        layout.close()
        layout.deleteLater()


_HINTS = (
    QPainter.RenderHint.Antialiasing,
    QPainter.RenderHint.TextAntialiasing,
    QPainter.RenderHint.SmoothPixmapTransform,
)


def _paint(layout: pg.GraphicsLayoutWidget, painter: QPainter, target: QRectF) -> None:
    for hint in _HINTS:
        painter.setRenderHint(hint)
    layout.render(painter, target, layout.viewport().rect())


def render_figure(
    data: ExportData,
    view: str,
    width: int,
    height: int,
    style: FigureStyle = PRINT_STYLE,
    size: FigureSize | None = None,
) -> QImage:
    """Return ``view`` of ``data`` drawn on a ``width`` x ``height`` image.

    The image is :func:`figure_svg` drawn by Qt's SVG renderer, so the PNG, the SVG and the
    PDF show the same figure: line widths, markers and text all grow with the image (a
    painter scaled onto a bigger image keeps pyqtgraph's cosmetic pens one pixel thin).

    Parameters
    ----------
    data : ExportData
        The run to draw (:func:`rnn_studio.state.trace_table.compute_export` or
        :func:`~rnn_studio.state.trace_table.session_export_data`).
    view : {"gradients", "heatmap", "gates"}
    width, height : int
        Image size in pixels (ignored when ``size`` is given).
    style : FigureStyle
        Colours (print by default).
    size : FigureSize or None
        Pixel size and how it maps to the layout; :meth:`FigureSize.of_image` by default.

    Raises
    ------
    FigureError
        Unknown view, gates of a vanilla RNN, gradients before Backprop.
    """
    size = size or FigureSize.of_image(width, height)
    renderer = QSvgRenderer(QByteArray(figure_svg(data, view, size, style)))
    image = QImage(size.width, size.height, QImage.Format.Format_RGB32)
    image.fill(QColor(style.background))
    dots_per_metre = round(size.dpi / MM_PER_INCH * 1000)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        for hint in _HINTS:
            painter.setRenderHint(hint)
        renderer.render(painter, QRectF(0, 0, size.width, size.height))
    finally:
        painter.end()
    return image


def figure_svg(
    data: ExportData, view: str, size: FigureSize, style: FigureStyle = PRINT_STYLE
) -> bytes:
    """``view`` of ``data`` as an SVG document that renders alike in Qt, browsers, librsvg
    and Inkscape (no ``vector-effect``; see :mod:`rnn_studio.ui.svg_strokes`).

    The SVG's own size is the figure's in CSS pixels (96 per inch, written in ``px`` so
    that Qt reads it as the others do): ``size.width`` x ``size.height`` for a figure in
    pixels, so ``rsvg-convert`` gives the PNG export's size by default; the paper size for
    a figure for paper (``rsvg-convert -z <dpi / 96>`` gives the PNG's pixels). Its view box
    is the layout size.
    """
    layout_width, layout_height = size.layout_size
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setResolution(round(LAYOUT_DPI))  # Qt's default (72) shrinks pyqtgraph's text
    generator.setSize(QSize(size.width, size.height))
    generator.setViewBox(QRect(0, 0, layout_width, layout_height))
    generator.setTitle(_plain_title(data, view))
    generator.setDescription(verdict_line(data, view == "gradients"))
    with laid_out(data, view, size, style) as layout:
        painter = QPainter(generator)
        try:
            _paint(layout, painter, QRectF(0, 0, layout_width, layout_height))
        finally:
            painter.end()
    buffer.close()
    return flatten_non_scaling_strokes(
        bytes(buffer.data().data()), svg_pixel_size(size), installed_family, upscaled_png
    )


def upscaled_png(png: bytes, kx: int, ky: int) -> bytes:
    """``png`` with every pixel a ``kx`` x ``ky`` block (for SVG images drawn as blocks)."""
    image = QImage.fromData(png)
    if image.isNull():
        return png
    bigger = image.scaled(
        image.width() * kx,
        image.height() * ky,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.FastTransformation,
    )
    from rnn_studio.ui.export import image_to_png_bytes

    return image_to_png_bytes(bigger)


def installed_family(family: str) -> str:
    """The font Qt draws ``family`` with here (e.g. "Sans Serif" -> "DejaVu Sans")."""
    return QFontInfo(QFont(family)).family()


def svg_pixel_size(size: FigureSize) -> tuple[int, int]:
    """The figure's width and height in whole CSS pixels (its physical size at 96 per inch;
    renderers round a fractional size differently)."""
    return round(size.width / size.dpi * LAYOUT_DPI), round(size.height / size.dpi * LAYOUT_DPI)


def figure_pdf(
    data: ExportData, view: str, size: FigureSize, style: FigureStyle = PRINT_STYLE
) -> bytes:
    """``view`` of ``data`` as a one-page PDF (vectors; heatmaps as images) for handouts.

    The page is the figure: ``size.page_mm`` (e.g. 180 x 101 mm for a 180 mm paper width).
    The page is :func:`figure_svg` drawn by Qt's SVG renderer, as the PNG is: painting the
    layout straight onto the PDF drew the tick labels 1.56 times too big at 150 dpi (their
    point size was taken at the PDF's resolution, then scaled up with the rest).
    """
    renderer = QSvgRenderer(QByteArray(figure_svg(data, view, size, style)))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(round(size.dpi))
    writer.setPageSize(QPageSize(QSizeF(*size.page_mm), QPageSize.Unit.Millimeter, "figure"))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle(_plain_title(data, view))
    writer.setCreator("RNN Studio")
    painter = QPainter(writer)
    try:
        for hint in _HINTS:
            painter.setRenderHint(hint)
        painter.fillRect(QRectF(0, 0, writer.width(), writer.height()), QColor(style.background))
        renderer.render(painter, QRectF(0, 0, writer.width(), writer.height()))
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data())


def _plain_title(data: ExportData, view: str) -> str:
    return _title(data, VIEW_LABELS.get(view, view), compared=view == "gradients")


def save_figure(
    data: ExportData,
    view: str,
    path: Path,
    width: int,
    height: int,
    style: FigureStyle = PRINT_STYLE,
    size: FigureSize | None = None,
) -> None:
    """Render ``view`` and save it at ``path``: PNG, or SVG/PDF by the file's suffix.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    from rnn_studio.atomic_files import atomic_write_bytes
    from rnn_studio.ui.export import image_to_png_bytes

    size = size or FigureSize.of_image(width, height)
    suffix = Path(path).suffix.lower()
    if suffix == ".svg":
        payload = figure_svg(data, view, size, style)
    elif suffix == ".pdf":
        payload = figure_pdf(data, view, size, style)
    else:
        payload = image_to_png_bytes(render_figure(data, view, width, height, style, size))
    # Encoded in memory, then written atomically: a full disk leaves the old file whole
    # and is reported (``QImage.save`` once said success and left half a PNG).
    atomic_write_bytes(path, payload)


if __name__ == "__main__":
    from rnn_studio.state.trace_table import compute_export
    from rnn_studio.studio_core.demo import DemoSetup

    for kind, view in (("rnn", "gradients"), ("lstm", "heatmap"), ("gru", "gates")):
        run = compute_export(DemoSetup(text="not bad", cell=kind, backprop=True))
        save_figure(run, view, Path(f"export-{view}.png"), 1920, 1080)
        print(f"wrote export-{view}.png")
