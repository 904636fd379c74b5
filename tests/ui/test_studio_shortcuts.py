"""Keyboard: Space, ←/→, Home/End drive the stepper from the plots; text boxes keep them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.main_window import MainWindow
from rnn_studio.ui.theme import configure_pyqtgraph


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    configure_pyqtgraph()
    main = MainWindow(StudioSession(DemoSetup(text="abcdefgh", mode="chars", cursor=0)))
    qtbot.addWidget(main)
    main.resize(1280, 720)
    main.show()
    qtbot.waitExposed(main)
    return main


def press(qtbot, widget, key) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, key)


def test_arrows_home_end_step_when_focus_is_in_a_plot(qtbot, window) -> None:
    plot = window.studio.memory.graphics
    session = window.session
    press(qtbot, plot, Qt.Key.Key_Right)
    press(qtbot, plot, Qt.Key.Key_Right)
    assert session.cursor == 2
    press(qtbot, plot, Qt.Key.Key_Left)
    assert session.cursor == 1
    press(qtbot, plot, Qt.Key.Key_End)
    assert session.cursor == 7
    assert window.studio.unrolled.highlighted_step() == 7
    press(qtbot, window.studio.gradients.plot_widget, Qt.Key.Key_Home)
    assert session.cursor == 0


def test_space_plays_and_pauses(qtbot, window) -> None:
    stepper = window.studio.stepper
    stepper.speed_box.setCurrentIndex(stepper.speed_box.findData(30))
    press(qtbot, window.studio.unrolled.view, Qt.Key.Key_Space)
    assert stepper.playing
    qtbot.waitUntil(lambda: window.session.cursor >= 3, timeout=3000)
    press(qtbot, window.studio.unrolled.view, Qt.Key.Key_Space)
    assert not stepper.playing
    stopped_at = window.session.cursor
    assert not stepper.timer.isActive()  # no tick can come any more ...
    with qtbot.assertNotEmitted(window.bridge.cursor_changed, wait=100):
        pass  # ... and none does
    assert window.session.cursor == stopped_at


def test_playing_stops_at_the_end(qtbot, window) -> None:
    stepper = window.studio.stepper
    stepper.speed_box.setCurrentIndex(stepper.speed_box.findData(0))
    stepper.set_playing(True)
    qtbot.waitUntil(lambda: not stepper.playing, timeout=3000)
    assert window.session.at_end
    assert stepper.play_button.text().endswith("Play")


def test_keys_in_the_text_box_edit_the_text_instead(qtbot, window) -> None:
    edit = window.findChild(QPlainTextEdit, "sequence_text")
    edit.setFocus()
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClick(edit, Qt.Key.Key_Space)
    qtbot.keyClick(edit, Qt.Key.Key_Left)
    qtbot.keyClick(edit, Qt.Key.Key_Home)
    assert edit.toPlainText() == "abcdefgh "
    assert not window.studio.stepper.playing
    assert window.session.cursor == 0
    assert edit.textCursor().position() == 0
