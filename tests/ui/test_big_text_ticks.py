"""At text sizes 2.0 and 3.0 on 1280×720 no two tick labels of a studio plot axis overlap:
the tick spacing follows the font (the memory heatmaps' unit axis drew "15" over "5"), and
two labels keep a gap of a quarter line (the h_t bar axis read "−10 1": "−1" and "0"
touched)."""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.widgets.axes import LABEL_GAP
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


def whole_in_view(axis: pg.AxisItem, labels: list[tuple[object, str]]) -> bool:
    """Whether every label in ``labels`` (axis coordinates) is inside the axis's view."""
    view = axis.scene().views()[0]
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    return all(shown.contains(axis.mapRectToScene(rect)) for rect, _text in labels)


def crowded_tick_labels(window) -> list[tuple[str, str, str]]:
    """Pairs of tick labels of one axis closer than a gap (:data:`LABEL_GAP` of a line):
    labels that merely touch read as one ("−10 1")."""
    found = []
    for view in window.studio.findChildren(pg.GraphicsView):
        if not view.isVisible() or view.visibleRegion().isEmpty():
            continue
        for item in view.scene().items():
            if not isinstance(item, pg.AxisItem) or not item.isVisible():
                continue
            labels = drawn_tick_labels(item)
            metrics = QFontMetricsF(item.style["tickFont"] or item.font())
            half = LABEL_GAP * metrics.height() / 2 - 0.5  # half a pixel for rounding
            for i, (rect, text) in enumerate(labels):
                for other, other_text in labels[i + 1 :]:
                    spaced = other.adjusted(-half, -half, half, half)
                    if rect.adjusted(-half, -half, half, half).intersects(spaced):
                        found.append((view.objectName(), item.orientation, text, other_text))
    return found


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_tick_labels_of_an_axis_keep_a_gap_at_big_text(classroom, qtbot, scale) -> None:
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    set_text_size(qtbot, window, features, scale)
    window.session.backprop()
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    assert not crowded_tick_labels(window)
    # The bars keep a value label or more, whole in the view (the view's right edge cut
    # "0.56"): the first end's where it fits ("−1" for h_t), else the "0".
    memory = window.studio.memory
    for plot in (memory.hidden_bars_plot, memory.cell_bars_plot):
        axis = plot.getAxis("bottom")
        shown = [text for _rect, text in drawn_tick_labels(axis)]
        assert shown and (shown[0] == "−1" or plot is memory.cell_bars_plot)
        assert whole_in_view(axis, drawn_tick_labels(axis))
