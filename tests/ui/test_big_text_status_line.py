"""At large text sizes on 1280×720 the Stepper's position line ("t = 4 (step 5 of 11) ·
“o”") and the status line's description wrap to more lines instead of being elided ("t =
4 (…", "…, gradie…") with the whole text only in a tooltip (issue 13 item 2).

Whole means: the text, wrapped at word boundaries at the width it is drawn in (measured
here with the font's metrics, independently of the widgets), fits inside the widget, and
the widget is inside the window and not covered. Playing through the sequence the height
changes at most when a text first needs another line, not at every step (a relayout of the
whole window per frame). The Stepper keeps its whole hint.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.accessibility import describe_step
from tests.ui.conftest import drawn, refitted


def fits_whole(widget: QWidget, text: str, width: int, height: int) -> bool:
    """Whether ``text`` wrapped at word boundaries at ``width`` pixels fits ``height``: as
    many line spacings as it has lines (a one-line QLabel is given no more)."""
    metrics = widget.fontMetrics()
    flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
    box = metrics.boundingRect(QRect(0, 0, width, 1 << 20), flags, text)
    lines = 1 + round((box.height() - metrics.height()) / metrics.lineSpacing())
    return box.width() <= width and lines * metrics.lineSpacing() <= height


def open_at(classroom, qtbot, scale: float):
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    features.save_preferences(replace(features.preferences, font_scale=scale))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    window.session.backprop()  # the longest description: with the gradient factor
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    return window


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_the_position_and_status_lines_wrap_whole_at_big_text(classroom, qtbot, scale) -> None:
    window = open_at(classroom, qtbot, scale)
    outer = window.findChild(QScrollArea, "studio_scroll")
    outer.verticalScrollBar().setValue(0)  # the Stepper is on top of the studio
    QApplication.processEvents()

    line = window.menus.status_line
    whole = describe_step(window.session)
    assert line.text() == whole == line.toolTip() == line.accessibleDescription()
    room = line.contentsRect().adjusted(line.margin(), 0, -line.margin(), 0)
    assert fits_whole(line, whole, room.width(), room.height()), (room, whole)
    right = line.mapTo(window, line.contentsRect().bottomRight())
    assert window.rect().contains(right)  # the line itself is inside the window
    assert window.minimumSizeHint().width() <= 1280

    stepper = window.studio.stepper
    # The Stepper's taller rows do not cost it its hint (the studio grows instead): at 3.0
    # it folded to "Space plays,… ?" once the speed box went under the position line.
    assert not stepper.hint.collapsed
    # The play sign as tall as the text's capitals, not 16 px beside 36 px text.
    play = stepper.play_button
    assert play.iconSize().height() >= 0.75 * play.fontMetrics().ascent()
    position = stepper.position_label
    heights = set()
    for _ in range(window.session.length):
        QApplication.processEvents()
        text = position.text()
        assert text.startswith(f"t = {window.session.cursor} ")
        inner = position.rect().adjusted(1, 2, -1, -2)
        assert fits_whole(position, text, inner.width(), inner.height()), (inner, text)
        assert position.visibleRegion().boundingRect() == position.rect(), text
        corner = position.mapTo(outer.viewport(), QPoint(0, 0))
        assert outer.viewport().rect().contains(position.rect().translated(corner)), text
        heights.add(position.height())
        window.session.step_forward()
    # Relaid out when a text first needs another line, not at every step.
    assert len(heights) <= 2, heights
