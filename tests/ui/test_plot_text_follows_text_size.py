"""Plot text follows the everyday text size: at 2.0× the ticks, axis labels and legends of
the gradient, memory and outputs plots are about as large as the body text (not their own
8–9 pt), also for legend entries added after the size changed."""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from tests.ui.conftest import drawn, refitted
from tests.ui.text_heights import pixels, plot_heights

#: No plot text smaller than this share of the body text (pyqtgraph's ticks are a little
#: smaller than the body by design; at 2.0× that still reads as the body does).
SHARE_OF_BODY = 0.85


def set_text_size(qtbot, window, features, scale: float) -> None:
    features.save_preferences(replace(features.preferences, font_scale=scale))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)


def plot_texts(window) -> list[tuple[float, str]]:
    studio = window.studio
    found = []
    for panel in (studio.gradients, studio.memory, studio.outputs):
        for view in panel.findChildren(pg.GraphicsView):
            found.extend(plot_heights(view))
    return found


def test_plot_ticks_labels_and_legends_follow_the_text_size(classroom, qtbot) -> None:
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    set_text_size(qtbot, window, features, 2.0)
    window.session.backprop()  # legend entries added after the size changed
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    body = pixels(QApplication.instance().font())
    found = plot_texts(window)
    kinds = " ".join(where for _size, where in found)
    for shown in (
        "ticks gradients_plot",
        "axis label gradients_plot",
        "label gradients_plot",  # the legend's entries
        "ticks memory_plot",
        "axis label memory_plot",
        "ticks outputs_series",
        "axis label outputs_series",
        "label outputs_series",
    ):
        assert shown in kinds, (shown, kinds)  # measured, not merely absent
    small = [(size, where) for size, where in found if size < SHARE_OF_BODY * body]
    assert not small, (body, sorted(small))
    # And back at 1.0 they are back at their everyday size: no larger than the body.
    set_text_size(qtbot, window, features, 1.0)
    body = pixels(QApplication.instance().font())
    large = [(size, where) for size, where in plot_texts(window) if size > 1.25 * body]
    assert not large, (body, sorted(large))
