"""The marks that move at every step (plot_marks) draw what pyqtgraph's items drew, and what
the window shows after they move is what a full repaint shows."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsLineItem

from rnn_studio.ui.theme import configure_pyqtgraph, current_palette, resolve_theme
from rnn_studio.ui.widgets.lite_plot import LitePlotItem
from rnn_studio.ui.widgets.plot_marks import CursorLine, StepMarker
from tests.ui.conftest import settled

STEPS = 1000


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return data.copy()


def drawn(widget: pg.PlotWidget) -> np.ndarray:
    """The plot drawn afresh."""
    return pixels(widget.viewport().grab().toImage())


def on_screen(qtbot, widget: pg.PlotWidget) -> np.ndarray:
    """What the window shows now (its backing store, partial repaints included)."""
    qtbot.wait(1)
    return pixels(widget.screen().grabWindow(widget.winId()).toImage())


def series(log: bool) -> tuple[np.ndarray, np.ndarray]:
    steps = np.arange(float(STEPS))
    values = np.sin(steps / 30) * 2 + 0.5
    return steps, (10 ** (-np.abs(values) * 5) if log else values)


def make_plot(qtbot, size: tuple[int, int], log: bool) -> pg.PlotWidget:
    configure_pyqtgraph()
    widget = pg.PlotWidget(plotItem=LitePlotItem(enableMenu=False))
    qtbot.addWidget(widget)
    widget.resize(*size)
    plot = widget.getPlotItem()
    plot.plot(*series(log), pen=pg.mkPen(current_palette().plot_foreground, width=1.5))
    if log:
        plot.setLogMode(y=True)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def pairs(plot: pg.PlotItem, palette_name: str, width: float):
    """(pyqtgraph's item, ours) for the cursor line and the marker, in one palette."""
    palette = resolve_theme(palette_name)
    old_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(palette.current_step, width=width))
    plot.addItem(old_line, ignoreBounds=True)
    new_line = CursorLine(pg.mkPen(palette.current_step, width=width))
    new_line.attach(plot)
    pen, brush = pg.mkPen(palette.plot_foreground, width=1), pg.mkBrush(palette.current_step)
    old_marker = pg.ScatterPlotItem(size=10, pen=pen, brush=brush)
    plot.addItem(old_marker, ignoreBounds=True)
    new_marker = StepMarker(10, pen, brush)
    new_marker.attach(plot)
    return (old_line, new_line), (old_marker, new_marker)


@pytest.mark.parametrize(
    ("size", "log", "palette", "width"),
    [
        ((420, 300), False, "light", 2),
        ((285, 86), False, "dark", 2),
        ((357, 137), True, "light", 2),
        ((300, 120), False, "light", 1),
    ],
)
def test_the_marks_draw_pyqtgraphs_pixels(qtbot, size, log, palette, width) -> None:
    widget = make_plot(qtbot, size, log)
    plot = widget.getPlotItem()
    lines, markers = pairs(plot, palette, width)
    for item in (*lines, *markers):
        item.setVisible(False)
    blank = drawn(widget)
    _, values = series(log)
    shown = np.log10(values) if log else values
    for t in [*range(0, STEPS, 37), STEPS - 1]:
        lines[0].setValue(t)
        lines[1].setValue(t)
        markers[0].setData([t + 1.0], [shown[t]])
        markers[1].set_point(t + 1.0, shown[t])
        for old, new in (lines, markers):
            old.setVisible(True)
            theirs = drawn(widget)
            old.setVisible(False)
            new.setVisible(True)
            ours = drawn(widget)
            new.setVisible(False)
            assert not np.array_equal(theirs, blank), (type(old).__name__, t)  # drawn at all
            assert np.array_equal(ours, theirs), (type(old).__name__, t)


def test_moving_marks_leave_what_a_full_repaint_shows(qtbot) -> None:
    widget = make_plot(qtbot, (420, 300), False)
    plot = widget.getPlotItem()
    line = CursorLine(pg.mkPen(current_palette().current_step, width=2))
    line.attach(plot)
    marker = StepMarker(10, pg.mkPen("k", width=1), pg.mkBrush("r"))
    marker.attach(plot)
    _, values = series(False)
    for t in [*range(0, 120, 3), 500, 999, 998, 2]:
        line.setValue(t)
        marker.set_point(t + 1.0, values[t])
        stepped = on_screen(qtbot, widget)
        widget.viewport().repaint()
        assert np.array_equal(stepped, on_screen(qtbot, widget)), t
    plot.setYRange(-10, 10)  # the line follows the view's height
    line.setValue(50)
    qtbot.waitUntil(lambda: settled(widget), timeout=5000)  # the range and axes are done
    stepped = on_screen(qtbot, widget)
    widget.viewport().repaint()
    assert np.array_equal(stepped, on_screen(qtbot, widget))
    low, high = plot.getViewBox().viewRange()[1]
    span = sorted((line.line().x1(), line.line().x2()))
    assert span[0] < low and span[1] > high


def test_the_marks_data(qtbot) -> None:
    widget = make_plot(qtbot, (300, 200), False)
    line = CursorLine()
    line.attach(widget.getPlotItem())
    line.setValue(12)
    assert line.value() == 12.0
    assert isinstance(line, QGraphicsLineItem)  # the presenter thickens it as a line
    marker = StepMarker(10, "k", "r")
    marker.attach(widget.getPlotItem())
    marker.set_point(3.0, -0.25)
    x, y = marker.getData()
    assert x.tolist() == [3.0] and y.tolist() == [-0.25]
    marker.set_point(None)
    x, y = marker.getData()
    assert x.size == 0 and y.size == 0
    assert marker.boundingRect().isEmpty()
