"""The gradient panel's verdict, clipping and ρ texts at text sizes 2.0 and 3.0 (issue 13
item 2): in the studio that scrolls down they are whole under the plot, never scrolled
inside their own box.

Before, the box asked for at most 36 % of the panel and scrolled the rest: at 3.0 on the
LSTM demo after Backprop 127 of its 550 px were hidden until scrolled.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QScrollArea

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.panels.gradients import GradientsPanel
from tests.ui.conftest import drawn
from tests.ui.test_big_text_useful_sizes import open_lstm, scroll_to, set_text_size


def hidden_height(panel: GradientsPanel) -> int:
    """Pixels of the texts under the plot that are only seen by scrolling their box."""
    texts = panel.texts
    column = texts.widget()
    assert column is not None
    return max(column.height() - texts.viewport().height(), texts.verticalScrollBar().maximum())


def cut_labels(panel: GradientsPanel) -> list[str]:
    """The texts whose label is shorter than its text wrapped at its width."""
    return [
        label.objectName()
        for label in (panel.verdict_label, panel.clip_label, panel.rho_label)
        if label.text() and label.height() < label.heightForWidth(label.width())
    ]


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_the_gradient_texts_are_whole_in_a_studio_that_scrolls(classroom, qtbot, scale):
    window, _ = open_lstm(classroom, qtbot, scale)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    studio = window.studio
    outer = window.findChild(QScrollArea, "studio_scroll")
    assert studio.layout_tier == "few" and outer.verticalScrollBar().maximum() > 0
    panel = studio.gradients
    panel_scroll = studio.findChild(QScrollArea, "gradients_scroll")
    for step in ("after Backprop", "clipping on"):
        scroll_to(window, panel.texts)
        assert (step, hidden_height(panel), cut_labels(panel)) == (step, 0, [])
        assert panel.texts.isVisible() and panel.texts.height() > 0
        # The panel itself is whole in its dock (the studio scrolls instead).
        assert panel_scroll.verticalScrollBar().maximum() == 0, step
        # A longer clipping sentence: the texts grow with it.
        panel.clip_box.setChecked(True)
        window.executor.wait_idle()
        qtbot.waitUntil(lambda: drawn(window), timeout=8000)
        QApplication.processEvents()


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_the_three_cells_texts_are_whole_with_clipping_on(classroom, qtbot, scale) -> None:
    """Compare mode, the longest texts (a verdict and a clipping sentence per cell): at 2.0
    a scroll bar shown for a moment narrowed the texts, which then needed more than the
    height they were given and kept the bar (82 px hidden)."""
    window, features = classroom(
        StudioSession(
            DemoSetup(text="not bad at all, really", mode="words", cell="compare", cursor=2)
        )
    )
    set_text_size(qtbot, window, features, scale)
    window.session.backprop()
    window.executor.wait_idle()
    panel = window.studio.gradients
    panel.clip_box.setChecked(True)
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    scroll_to(window, panel.texts)
    assert "RNN" in panel.verdict_label.text() and "GRU" in panel.clip_label.text()
    assert (hidden_height(panel), cut_labels(panel)) == (0, [])
