"""The Stepper stays one click away while the studio scrolls down (issue 13 item 2, text
sizes 2.0 and 3.0 at 1280×720): scrolled past the Stepper's buttons, the studio shows a
strip with the same buttons and the position line above its viewport (the viewport moves
down under it, so nothing is covered); scrolled back, the strip goes.

Before, the Stepper scrolled away with the studio: only the keys reached it.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from tests.ui.conftest import drawn
from tests.ui.test_big_text_useful_sizes import open_lstm


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_the_stepper_is_pinned_while_the_studio_scrolls(classroom, qtbot, scale) -> None:
    window, _ = open_lstm(classroom, qtbot, scale)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    outer = window.findChild(QScrollArea, "studio_scroll")
    bar = outer.verticalScrollBar()
    studio, session = window.studio, window.session
    stepper = studio.stepper
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())  # to the foot of the studio
    QApplication.processEvents()
    corner = stepper.play_button.mapTo(outer.viewport(), QPoint(0, 0))
    shown = outer.viewport().rect()
    assert not shown.intersects(stepper.play_button.rect().translated(corner))  # scrolled away

    strip = window.findChild(QWidget, "stepper_strip")
    assert strip is not None and strip.isVisible()
    # Above the viewport, inside the window, not covering the studio.
    top = strip.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(strip.rect().translated(top))
    viewport_top = outer.viewport().mapTo(window, QPoint(0, 0)).y()
    assert viewport_top >= top.y() + strip.height()
    play = strip.play_button
    assert play.iconSize() == stepper.play_button.iconSize()  # fitted to the font, as the Stepper's
    for button in strip.buttons:
        assert button.visibleRegion().boundingRect() == button.rect(), button.objectName()
    # The same session and the Stepper's own play timer.
    before = session.cursor
    qtbot.mouseClick(strip.buttons[3], Qt.MouseButton.LeftButton)  # ▶
    assert session.cursor == before + 1
    assert strip.position_label.text() == stepper.position_label.text()
    assert strip.position_label.text().startswith(f"t = {before + 1} ")
    qtbot.mouseClick(strip.buttons[0], Qt.MouseButton.LeftButton)  # |◀
    assert session.cursor == 0
    qtbot.mouseClick(strip.play_button, Qt.MouseButton.LeftButton)
    assert stepper.playing and strip.play_button.isChecked()
    qtbot.mouseClick(strip.play_button, Qt.MouseButton.LeftButton)
    assert not stepper.playing and not strip.play_button.isChecked()
    assert stepper.play_button.text() == strip.play_button.text() == "Play"

    bar.setValue(0)  # back up: the Stepper is in view, the strip goes
    QApplication.processEvents()
    assert not strip.isVisible()
    assert outer.viewport().mapTo(window, QPoint(0, 0)).y() == outer.mapTo(window, QPoint()).y()
