"""At text sizes 2.0 and 3.0 on 1280×720 no two tick labels of a studio plot axis overlap:
the tick spacing follows the font (the memory heatmaps' unit axis drew "15" over "5", the
h_t / c_t bar axes "−10 1")."""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from tests.ui.conftest import drawn, refitted


def set_text_size(qtbot, window, features, scale: float) -> None:
    features.save_preferences(replace(features.preferences, font_scale=scale))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)


def drawn_tick_labels(axis: pg.AxisItem) -> list[tuple[object, str]]:
    """(rectangle, text) of every tick label ``axis`` draws now, as pyqtgraph computes it."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        painter.setFont(axis.style["tickFont"] or axis.font())
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [] if specs is None else [(rect, text) for rect, _flags, text in specs[2]]


def overlapping_tick_labels(window) -> list[tuple[str, str, str]]:
    found = []
    for view in window.studio.findChildren(pg.GraphicsView):
        if not view.isVisible() or view.visibleRegion().isEmpty():
            continue
        for item in view.scene().items():
            if not isinstance(item, pg.AxisItem) or not item.isVisible():
                continue
            labels = drawn_tick_labels(item)
            for i, (rect, text) in enumerate(labels):
                for other, other_text in labels[i + 1 :]:
                    if rect.adjusted(0.5, 0.5, -0.5, -0.5).intersects(other):
                        found.append((view.objectName(), item.orientation, text, other_text))
    return found


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_no_two_tick_labels_of_an_axis_overlap_at_big_text(classroom, qtbot, scale) -> None:
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    set_text_size(qtbot, window, features, scale)
    window.session.backprop()
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    assert not overlapping_tick_labels(window)
