"""The Code panel's controls at text sizes 1.0–3.0 (issue 13 item 2): raised, the panel
never scrolls sideways (at 2.0 and 3.0 its row of five buttons was wider than the left
column it sits in), and its position line ("t = 4 · forward step") is whole, wrapped under
the buttons when it does not fit beside them (it was elided to "t…" in 40 px).
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QScrollArea

from tests.ui.conftest import drawn
from tests.ui.test_big_text_status_line import fits_whole
from tests.ui.test_big_text_useful_sizes import open_lstm, scroll_to
from tests.ui.test_no_clipped_text import clipped_texts


@pytest.mark.parametrize("scale", [1.0, 2.0, 3.0])
def test_the_code_panels_controls_fit_and_its_position_line_is_whole(classroom, qtbot, scale):
    window, _ = open_lstm(classroom, qtbot, scale)
    studio = window.studio
    studio.docks["code"].raise_()
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    panel = studio.code
    scroll_to(window, panel)
    QApplication.processEvents()
    assert panel.isVisible()
    code_scroll = studio.findChild(QScrollArea, "code_scroll")
    assert code_scroll.horizontalScrollBar().maximum() == 0  # no sideways scrolling
    position = panel.position_label
    inner = position.rect().adjusted(1, 2, -1, -2)
    assert fits_whole(position, position.text(), inner.width(), inner.height()), position.text()
    buttons = (panel.forward_button, panel.backward_button, panel.play_button)
    for button in (*buttons, panel.previous_button, panel.next_button):
        corner = button.mapTo(code_scroll.viewport(), button.rect().topLeft())
        assert code_scroll.viewport().rect().contains(button.rect().translated(corner))
    assert clipped_texts(panel) == []
