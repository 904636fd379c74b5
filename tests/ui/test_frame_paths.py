"""Playback paints little: cursors move over cached curves, and view ranges stay put.

These check the cheap paint paths of :mod:`benchmarks.studio_frames` (the frame times
themselves are measured there, not here) without changing what the views show.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from PySide6.QtWidgets import QGraphicsItem

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui import export
from rnn_studio.ui.panels.gradients import GradientsPanel
from rnn_studio.ui.panels.outputs import OutputsPanel
from tests.ui.conftest import settled, show_panel

CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache
SERIES = ", ".join(f"{v:.3f}" for v in np.sin(np.arange(60) / 4) * 2 + 0.5)


def numeric_session(cell: str = "rnn") -> StudioSession:
    session = StudioSession()
    session.apply_demo(
        DemoSetup(text=SERIES, mode="numbers", cell=cell, hidden_size=8, backprop=True)
    )
    return session


def test_outputs_range_stays_put_while_playing_and_holds_every_marker(qtbot):
    session = numeric_session()
    panel = show_panel(qtbot, OutputsPanel, session, 420, 300)
    view = panel.series_plot.getPlotItem().getViewBox()
    changes = []
    view.sigRangeChanged.connect(lambda *_: changes.append(1))
    (x_low, x_high), (y_low, y_high) = view.viewRange()
    predictions = session.shown.outputs.predictions
    values = session.run.sequence.values
    for t in range(len(values)):
        session.set_cursor(t)
        qtbot.waitUntil(lambda: settled(panel), timeout=5000)  # drawn: a range would move now
        marker_x, marker_y = panel.next_marker.getData()
        # The marker is the prediction made at t, drawn at t + 1 (one past the series at the end).
        assert marker_x.tolist() == [t + 1.0]
        assert marker_y[0] == pytest.approx(predictions[t], rel=1e-12)
        assert x_low <= marker_x[0] <= x_high and y_low <= marker_y[0] <= y_high
    assert changes == []  # a moving range would redraw the axes and every curve each frame
    finite = np.concatenate([values, predictions])
    assert x_low <= 0 and x_high >= len(values)
    assert y_low <= finite.min() and y_high >= finite.max()
    assert panel.actual_curve.curve.cacheMode() == CACHED
    assert panel.predicted_curve.curve.cacheMode() == CACHED


def test_outputs_range_follows_a_new_series(qtbot):
    session = numeric_session()
    panel = show_panel(qtbot, OutputsPanel, session, 420, 300)
    bigger = ", ".join(str(v) for v in range(0, 400, 10))
    session.apply_demo(DemoSetup(text=bigger, mode="numbers", cell="rnn", hidden_size=8))
    (x_low, x_high), (y_low, y_high) = panel.series_plot.getPlotItem().getViewBox().viewRange()
    assert x_low <= 0 and x_high >= 40
    assert y_low <= 0 and y_high >= 390


def test_gradient_curves_are_cached_but_export_as_vectors(qtbot, tmp_path):
    session = numeric_session("compare")
    panel = show_panel(qtbot, GradientsPanel, session, 420, 300)
    items = [item for curves in panel.curves.values() for item in curves.values()]
    assert len(items) == 9 and all(item.curve.cacheMode() == CACHED for item in items)
    export.export_plot_svg(panel.plot_widget, tmp_path / "gradients.svg")
    root = ElementTree.parse(tmp_path / "gradients.svg").getroot()
    tags = [element.tag.split("}")[-1] for element in root.iter()]
    assert "image" not in tags  # the cached pixmaps did not stand in for the curves
    assert tags.count("path") + tags.count("polyline") >= 6
    assert all(item.curve.cacheMode() == CACHED for item in items)  # and the cache is back
