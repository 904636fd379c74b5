"""Keyboard and clicker: every control reached by Tab and operated by Space / Enter; Escape
or a click gives the stepper its keys back; Help lists every key the app really has."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QPlainTextEdit,
    QWidget,
)

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.accessibility import interactive_widgets
from rnn_studio.ui.keyboard import key_text
from rnn_studio.ui.panels.cell import FULL_SIZE_KEYS


def studio_window(classroom, text: str = "abcdefgh"):
    window, features = classroom(
        StudioSession(DemoSetup(text=text, mode="chars", cell="lstm", cursor=0))
    )
    window.activateWindow()
    return window, features


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=1000)


def test_space_presses_the_focused_button_instead_of_playing(classroom, qtbot) -> None:
    window, _ = studio_window(classroom)
    gru = window.findChild(QAbstractButton, "model_cell_gru")
    focus(qtbot, gru)
    qtbot.keyClick(gru, Qt.Key.Key_Space)
    window.executor.wait_idle()
    assert window.session.cell_kind == "gru"
    assert not window.studio.stepper.playing


def test_space_and_enter_tick_the_focused_check_box(classroom, qtbot) -> None:
    window, _ = studio_window(classroom)
    clip = window.findChild(QCheckBox, "gradients_clip")
    focus(qtbot, clip)
    was = clip.isChecked()
    qtbot.keyClick(clip, Qt.Key.Key_Space)
    assert clip.isChecked() is not was
    qtbot.keyClick(clip, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: clip.isChecked() is was, timeout=1000)
    assert not window.studio.stepper.playing


def test_enter_presses_the_focused_button(classroom, qtbot) -> None:
    window, _ = studio_window(classroom)
    forward = window.studio.stepper.forward_button
    focus(qtbot, forward)
    qtbot.keyClick(forward, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session.cursor == 1, timeout=1000)
    qtbot.keyClick(forward, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: window.session.cursor == 2, timeout=1000)


def test_arrows_move_a_focused_slider_not_the_stepper(classroom, qtbot) -> None:
    window, _ = studio_window(classroom)
    window.session.set_cursor(3)
    rho = window.findChild(QAbstractSlider, "model_rho_slider")
    focus(qtbot, rho)
    before = rho.value()
    qtbot.keyClick(rho, Qt.Key.Key_Right)
    assert rho.value() != before
    assert window.session.cursor == 3


def test_escape_leaves_the_sequence_box_and_space_plays_again(classroom, qtbot) -> None:
    window, _ = studio_window(classroom)
    edit = window.findChild(QPlainTextEdit, "sequence_text")
    focus(qtbot, edit)
    qtbot.keyClick(edit, Qt.Key.Key_Space)  # typing: a space, not Play
    assert not window.studio.stepper.playing
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is not edit
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_Right)
    assert window.session.cursor == 1
    window.studio.stepper.speed_box.setCurrentIndex(0)
    qtbot.keyClick(target, Qt.Key.Key_Space)
    assert window.studio.stepper.playing
    window.studio.stepper.set_playing(False)


def test_a_click_on_the_step_button_or_a_panel_ends_the_typing(classroom, qtbot) -> None:
    window, _ = studio_window(classroom)
    edit = window.findChild(QPlainTextEdit, "sequence_text")
    for target in (window.studio.stepper.forward_button, window.studio.memory.graphics):
        focus(qtbot, edit)
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
        assert QApplication.focusWidget() is not edit, target.objectName()
    cursor = window.session.cursor
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Right)
    assert window.session.cursor == cursor + 1


def tab_walk(qtbot, window, start: QWidget, limit: int = 400) -> list[QWidget]:
    """Press Tab from ``start`` until the focus comes back; the widgets visited, in order."""
    focus(qtbot, start)
    visited = [start]
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        current = QApplication.focusWidget()
        if current is None or current is start:
            break
        visited.append(current)
    return visited


def operate(qtbot, widget: QWidget, key: Qt.Key) -> bool:
    """Operate ``widget`` with ``key``; True if it reacted as its kind should."""
    if isinstance(widget, QAbstractButton):
        pressed = []
        widget.clicked.connect(lambda *_: pressed.append(True))
        qtbot.keyClick(widget, key)
        qtbot.waitUntil(lambda: bool(pressed), timeout=1000)
        return bool(pressed)
    if isinstance(widget, QComboBox):
        qtbot.keyClick(widget, Qt.Key.Key_Space)
        opened = widget.view().isVisible()
        widget.hidePopup()
        qtbot.waitUntil(lambda: not widget.view().isVisible(), timeout=1000)
        widget.window().activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window(), timeout=1000)
        return opened
    if isinstance(widget, QAbstractSlider):
        before = widget.value()
        widget.setValue(widget.minimum())
        qtbot.keyClick(widget, Qt.Key.Key_Right)
        moved = widget.value() != widget.minimum() or widget.maximum() == widget.minimum()
        widget.setValue(before)
        return moved
    if isinstance(widget, QAbstractSpinBox):
        before = widget.text()
        qtbot.keyClick(widget, Qt.Key.Key_Up)
        return widget.text() != before or not widget.isEnabled()
    return True


def test_tab_reaches_every_studio_control_and_space_or_enter_operates_it(classroom, qtbot) -> None:
    window, _ = studio_window(classroom, text="ab")
    studio = window.studio
    edit = window.findChild(QPlainTextEdit, "sequence_text")
    visited = tab_walk(qtbot, window, edit)
    names = {widget.objectName() for widget in visited}
    for kind in ("rnn", "lstm", "gru", "compare"):
        assert f"model_cell_{kind}" in names, kind
    reachable = {id(widget) for widget in visited}
    missed = [
        widget.objectName() or type(widget).__name__
        for widget in interactive_widgets(studio)
        if not widget.visibleRegion().isEmpty() and id(widget) not in reachable
    ]
    assert not missed
    # Operate every button, box, list and slider reached, Space and Enter in turn.
    skip = {"cell_full_size", "model_compare_story", "model_cell_compare"}  # new windows/modes
    operated = 0
    for index, widget in enumerate(visited):
        floats = widget.objectName().endswith("_dock_float")  # a dock in a window of its own
        if widget.objectName() in skip or floats or not widget.isEnabled():
            continue
        if not widget.isVisible():
            continue
        focus(qtbot, widget)
        key = Qt.Key.Key_Space if index % 2 else Qt.Key.Key_Return
        assert operate(qtbot, widget, key), widget.objectName()
        window.executor.wait_idle()
        studio.stepper.set_playing(False)
        operated += 1
    assert operated >= 20


def test_enter_goes_to_the_next_quiz_question(classroom, qtbot) -> None:
    window, _ = classroom()
    window.show_area("Learn")
    learn = window.learn
    learn.show_page("quiz")
    view = learn.quiz
    view.new_quiz("term_to_definition")
    first = view.current_question()
    choices = view.choices
    focus(qtbot, choices)
    choices.setCurrentRow(0)
    qtbot.keyClick(choices, Qt.Key.Key_Return)  # answer
    qtbot.waitUntil(lambda: view.next_button.isEnabled(), timeout=1000)
    assert QApplication.focusWidget() is view.next_button
    qtbot.keyClick(view.next_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.current_question() is not first, timeout=1000)


def test_the_shortcut_list_covers_every_key_the_app_has(classroom, qtbot) -> None:
    window, features = classroom()
    features.presenter.enter()
    qtbot.waitUntil(lambda: features.presenter.active, timeout=1000)
    features.presenter.leave()
    dialog = features.shortcuts_dialog()
    qtbot.addWidget(dialog)
    table = dialog.table
    listed = [table.item(row, 0).text() for row in range(table.rowCount())]
    keys = {key.strip() for row in listed for key in row.split(" / ")}
    bound = [action.shortcut() for action in window.actions() if not action.shortcut().isEmpty()]
    assert window.learn and window.train  # built on first use: their keys count too
    bound += [shortcut.key() for shortcut in window.findChildren(QShortcut)]
    bound += [QKeySequence(key) for key, _what in FULL_SIZE_KEYS]
    for sequence in bound:
        assert key_text(sequence) in keys, key_text(sequence)
    for required in ("Ctrl+N", "Ctrl+Q", "F5", "PgDown", "B", "Space", "1", "4", "Alt+1"):
        assert key_text(QKeySequence(required)) in keys, required
    # every row says what its keys do
    assert all(table.item(row, 1).text() for row in range(table.rowCount()))
