"""Draw the studio's figures offscreen for ``rnn-studio export`` (slides and handouts).

Each view is a pyqtgraph :class:`~pyqtgraph.GraphicsLayoutWidget` on a white background, laid
out at the requested size without ever appearing on screen, then grabbed to an image.

Run ``QT_QPA_PLATFORM=offscreen python -m rnn_studio.ui.export_figures`` to write the three
views of the demo "not bad" to the current folder.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from rnn_studio.engine.cells import GATE_LABELS

if TYPE_CHECKING:
    from rnn_studio.state.trace_table import ExportData

FOREGROUND = "#1f2937"
GRADIENT_PEN = pg.mkPen("#2563eb", width=3)
# Sigmoid gates live in (0, 1); the candidates are tanh outputs in (-1, 1).
CANDIDATE_GATES = frozenset({"g", "n"})
MAX_TOKEN_TICKS = 40


class FigureError(ValueError):
    """A figure that cannot be drawn (for example gates of a cell that has none)."""


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


def _style_axes(item: pg.GraphicsObject) -> None:
    for side in ("left", "bottom", "right"):
        axis = item.getAxis(side) if isinstance(item, pg.PlotItem) else None
        if axis is not None:
            axis.setPen(FOREGROUND)
            axis.setTextPen(FOREGROUND)


def _title(data: ExportData, what: str) -> str:
    text = data.setup.text if len(data.setup.text) <= 40 else data.setup.text[:39] + "…"
    return f"{what} · {data.kind.upper()}, hidden size {data.hidden.shape[1]} · “{text}”"


def _image_plot(
    layout: pg.GraphicsLayoutWidget,
    values: np.ndarray,
    tokens: Sequence[str],
    title: str,
    colormap: str,
    levels: tuple[float, float],
) -> pg.PlotItem:
    """Add a (units x steps) heatmap of ``values`` (shape (T, H)) with a colour bar."""
    plot = layout.addPlot()
    if title:
        plot.setTitle(title, color=FOREGROUND)
    image = pg.ImageItem(np.asarray(values, dtype=float).T, axisOrder="row-major")
    steps, units = values.shape
    image.setRect(-0.5, -0.5, steps, units)
    plot.addItem(image)
    plot.invertY(True)
    plot.setXRange(-0.5, steps - 0.5, padding=0)
    plot.setYRange(-0.5, units - 0.5, padding=0)
    plot.setLabel("left", "hidden unit")
    _label_steps(plot, tokens)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()
    bar = pg.ColorBarItem(values=levels, colorMap=pg.colormap.get(colormap), interactive=False)
    bar.setImageItem(image, insert_in=plot)
    bar.axis.setPen(FOREGROUND)
    bar.axis.setTextPen(FOREGROUND)
    return plot


def draw_heatmap(layout: pg.GraphicsLayoutWidget, data: ExportData) -> None:
    """Hidden state h_t: one row per unit, one column per step, blue −1 … red +1."""
    layout.addLabel(_title(data, "Hidden state h_t"), color=FOREGROUND, size="13pt")
    layout.nextRow()
    _image_plot(layout, data.hidden, data.tokens, "", "CET-D1", (-1.0, 1.0))


def draw_gates(layout: pg.GraphicsLayoutWidget, data: ExportData) -> None:
    """One heatmap per gate, stacked, sharing the time axis."""
    gates = data.cell_run.trace.gates
    if not gates:
        raise FigureError(f"the {data.kind.upper()} cell has no gates; choose lstm or gru")
    layout.addLabel(_title(data, "Gates over time"), color=FOREGROUND, size="13pt")
    plots: list[pg.PlotItem] = []
    for name, values in gates.items():
        layout.nextRow()
        candidate = name in CANDIDATE_GATES
        plot = _image_plot(
            layout,
            np.asarray(values),
            data.tokens,
            f"{GATE_LABELS.get(name, name)} ({name})",
            "CET-D1" if candidate else "viridis",
            (-1.0, 1.0) if candidate else (0.0, 1.0),
        )
        if plots:
            plot.setXLink(plots[0])
        plots.append(plot)
    for plot in plots[:-1]:  # only the lowest plot names the steps
        plot.getAxis("bottom").setStyle(showValues=False)
        plot.setLabel("bottom", None)


def draw_gradients(layout: pg.GraphicsLayoutWidget, data: ExportData) -> None:
    """‖∂L/∂h_t‖ against t on a log scale, with the studio's verdict as the subtitle."""
    report = data.gradients
    layout.addLabel(_title(data, "Gradient reaching each step"), color=FOREGROUND, size="13pt")
    layout.nextRow()
    layout.addLabel(report.verdict.describe(), color=FOREGROUND, size="10pt")
    layout.nextRow()
    plot = layout.addPlot()
    norms = np.asarray(report.grad_norms, dtype=float)
    steps = np.arange(len(norms), dtype=float)
    drawable = np.isfinite(norms) & (norms > 0)
    plot.setLogMode(y=True)
    plot.plot(
        steps[drawable],
        norms[drawable],
        pen=GRADIENT_PEN,
        symbol="o",
        symbolSize=9,
        symbolBrush="#2563eb",
        symbolPen=None,
    )
    plot.showGrid(x=True, y=True, alpha=0.25)
    plot.setLabel("left", "‖∂L/∂h_t‖ (log scale)")
    _label_steps(plot, data.tokens, f" (loss read at step {report.loss_step})")
    plot.setXRange(-0.5, len(norms) - 0.5, padding=0.02)
    plot.setMouseEnabled(False, False)
    plot.hideButtons()


VIEW_DRAWERS: dict[str, Callable[[pg.GraphicsLayoutWidget, ExportData], None]] = {
    "gradients": draw_gradients,
    "heatmap": draw_heatmap,
    "gates": draw_gates,
}


def render_figure(data: ExportData, view: str, width: int, height: int) -> QImage:
    """Return ``view`` of ``data`` drawn on a ``width`` x ``height`` image.

    Parameters
    ----------
    data : ExportData
        The run to draw (from :func:`rnn_studio.state.trace_table.compute_export`).
    view : {"gradients", "heatmap", "gates"}
    width, height : int
        Image size in pixels.

    Raises
    ------
    FigureError
        Unknown view, or gates of a vanilla RNN.
    """
    if view not in VIEW_DRAWERS:
        raise FigureError(f"unknown view {view!r}; choose one of {', '.join(VIEW_DRAWERS)}")
    app = QApplication.instance() or QApplication(["rnn-studio"])
    layout = pg.GraphicsLayoutWidget()
    layout.setBackground("w")
    layout.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    layout.ci.setContentsMargins(16, 12, 16, 12)
    try:
        VIEW_DRAWERS[view](layout, data)
        for item in layout.ci.items:
            _style_axes(item)
        layout.resize(width, height)
        layout.show()
        app.processEvents()
        image = layout.grab().toImage()
    finally:
        layout.close()
        layout.deleteLater()
    if (image.width(), image.height()) != (width, height):  # a high-DPI screen scales the grab
        image = image.scaled(
            width,
            height,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return image


def save_figure(data: ExportData, view: str, path: Path, width: int, height: int) -> None:
    """Render ``view`` and save it as PNG at ``path``.

    Raises
    ------
    OSError
        If the image cannot be written.
    """
    from rnn_studio.atomic_files import atomic_write_bytes
    from rnn_studio.ui.export import image_to_png_bytes

    image = render_figure(data, view, width, height)
    # Encoded in memory, then written atomically: a full disk leaves the old file whole
    # and is reported (``QImage.save`` once said success and left half a PNG).
    atomic_write_bytes(path, image_to_png_bytes(image))


if __name__ == "__main__":
    from rnn_studio.state.trace_table import compute_export
    from rnn_studio.studio_core.demo import DemoSetup

    for kind, view in (("rnn", "gradients"), ("lstm", "heatmap"), ("gru", "gates")):
        run = compute_export(DemoSetup(text="not bad", cell=kind, backprop=True))
        save_figure(run, view, Path(f"export-{view}.png"), 1200, 700)
        print(f"wrote export-{view}.png")
