"""The Code panel: the reference lines of the current cell, the line being computed, values.

Every number the panel shows is compared with the engine's trace or gradients (through the
Qt-free :mod:`rnn_studio.state.code_lines`, itself checked in ``tests/state``).
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QHelpEvent, QTextCursor
from PySide6.QtWidgets import QToolTip

from rnn_studio.engine import backward, forward
from rnn_studio.state.code_lines import format_value, forward_values, listing
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.recipe import loss_gradient
from rnn_studio.ui.panels import code as code_module
from rnn_studio.ui.panels.code import VALUE_ENTRIES, VALUE_PREFIX, CodePanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import PALETTES
from tests.ui.conftest import show_panel

TEXT = "not bad at all, said the cat"


@pytest.fixture
def panel(qtbot):
    session = StudioSession(DemoSetup(text=TEXT, mode="words", cell="lstm", hidden_size=6))
    widget = show_panel(qtbot, CodePanel, session, 640, 420)
    yield widget
    widget._walk.stop()
    widget.bridge.detach()


def code_text(panel: CodePanel) -> str:
    """The code shown, without the line of values under the highlighted line."""
    lines = panel.editor.toPlainText().splitlines()
    return "\n".join(line for line in lines if not line.startswith(VALUE_PREFIX))


def line_of(panel: CodePanel, name: str) -> int:
    assert panel.shown_listing is not None
    return next(k for k, line in enumerate(panel.shown_listing.lines) if name in line.assigned)


def test_it_shows_the_reference_code_of_the_current_cell(panel) -> None:
    code_only = panel.editor.toPlainText().splitlines()
    assert panel.value_line() in code_only  # the highlighted line's values, under it
    code_only.remove(panel.value_line())
    assert "\n".join(code_only) == listing("lstm", "forward").text()
    assert code_only[0].startswith("def lstm_step(")
    panel.session.set_cell_kind("gru")
    assert code_text(panel) == listing("gru", "forward").text()
    panel.set_direction("backward")
    assert code_text(panel) == listing("gru", "backward").text()


def test_stepping_walks_the_highlight_through_the_steps_lines(panel, qtbot) -> None:
    panel.session.set_cursor(3)
    assert panel.walking
    panel._walk.stop()  # walk by hand, line by line
    found = panel.shown_listing
    seen = [panel.line]
    while True:
        before = panel.line
        panel._walk_tick()
        if panel.line == before:
            break
        seen.append(panel.line)
    assert seen == list(found.computing_lines)
    assert panel.highlighted_line().startswith("h = o * np.tanh(c)")
    # The line under the code shows h_3, the trace's number.
    trace = panel.session.shown.trace
    assert panel.value_line() == f"{VALUE_PREFIX}h = {format_value(trace.hidden[3], VALUE_ENTRIES)}"
    block = panel.editor.document().findBlockByNumber(panel.line + 1)
    assert block.text() == panel.value_line()  # right under the highlighted line
    assert panel.line_of_block(panel.line + 1) is None
    assert panel.highlighted_step() == 3
    # By itself the walk ends on the last line too.
    panel.session.set_cursor(4)
    qtbot.waitUntil(lambda: not panel.walking, timeout=5000)
    assert panel.highlighted_line().startswith("h = ")
    assert panel.value_line() == f"{VALUE_PREFIX}h = {format_value(trace.hidden[4], VALUE_ENTRIES)}"


def test_line_buttons_move_the_highlight(panel) -> None:
    panel.session.set_cursor(2)
    panel.move_line(-100)
    computing = panel.shown_listing.computing_lines
    assert panel.line == computing[0] and not panel.walking
    panel.next_button.click()
    assert panel.line == computing[1]
    assert panel.highlighted_line().startswith("H = ")
    panel.next_button.click()
    assert panel.value_line().startswith(f"{VALUE_PREFIX}a = [")
    # The θ line before showed its matrices by shape and norm only.
    panel.move_line(-2)
    assert "W_ih = 24×8 matrix, ‖·‖ = " in panel.value_line()


def test_hovering_a_name_shows_its_value_at_this_step(panel, qtbot) -> None:
    panel.session.set_cursor(2)
    panel._walk.stop()
    line = line_of(panel, "c")
    text = panel.shown_listing.lines[line].text
    column = text.index("c_prev") + 2
    trace = panel.session.shown.trace
    expected = f"c_prev = {format_value(trace.cell_state[1], 12)}"
    assert panel.value_tooltip(line, column) == expected
    assert panel.value_tooltip(line, text.index("#") + 3) == text.strip()  # a comment: all of it
    assert panel.value_tooltip(line, text.index("*")) == ""  # an operator
    # The same through a real tooltip event at that character.
    block = panel.block_of_line(line)
    assert panel.line_of_block(block) == line
    cursor = QTextCursor(panel.editor.document().findBlockByNumber(block))
    cursor.setPosition(cursor.position() + column)
    point = panel.editor.cursorRect(cursor).center() + QPoint(1, 0)
    event = QHelpEvent(QEvent.Type.ToolTip, point, panel.editor.viewport().mapToGlobal(point))
    panel.eventFilter(panel.editor.viewport(), event)
    assert QToolTip.text() == expected
    QToolTip.hideText()


def test_play_bptt_walks_back_from_the_loss_to_the_first_step(panel, qtbot, monkeypatch) -> None:
    monkeypatch.setattr(code_module, "BACKWARD_LINE_MS", 1)
    visited: list[int] = []
    show = panel._show_backward_step

    def spy(t: int) -> None:
        visited.append(t)
        show(t)

    monkeypatch.setattr(panel, "_show_backward_step", spy)
    assert not panel.session.backprop_enabled
    panel.play_button.click()
    assert panel.session.backprop_enabled  # Play ran Backprop first
    assert panel.direction == "backward" and panel.backward_button.isChecked()
    qtbot.waitUntil(lambda: not panel.playing_backward, timeout=20000)
    loss_step = panel.session.gradients["lstm"].loss_step
    assert visited == list(range(loss_step, -1, -1))
    assert panel.highlighted_step() == 0
    assert "reached the first step" in panel.position_label.text()
    # The last line walked carried the gradient to c_{-1}: the engine's dL/dc_0.
    shown = panel.session.shown
    prefix = forward(shown.cell, shown.trace.inputs[: loss_step + 1])
    grads = backward(shown.cell, prefix, loss_gradient(prefix.hidden))
    assert panel.highlighted_line().startswith("dcnext = ")
    np.testing.assert_allclose(panel.values.value(panel.line, "dcnext"), grads.c0, atol=1e-12)


def test_backward_at_the_cursor_and_after_the_loss_step(panel) -> None:
    session = panel.session
    panel.set_direction("backward")
    assert "No gradient yet" in panel.position_label.text()
    session.set_loss_step(3)
    session.backprop()
    panel._stop_play()
    session.set_cursor(2)
    report = session.gradients["lstm"]
    dh = panel.values.value(0, "dh")
    assert np.linalg.norm(dh) == pytest.approx(report.grad_norms[2], rel=1e-10)
    session.set_cursor(5)
    assert "after the loss step 3" in panel.position_label.text()
    assert panel.values is None and panel.value_line() == ""
    assert VALUE_PREFIX not in panel.editor.toPlainText()


def test_the_highlight_follows_the_theme(panel) -> None:
    panel.session.set_cursor(1)
    dark = PALETTES["dark"]
    panel.apply_palette(dark)
    selection = panel.editor.extraSelections()[0]
    assert selection.format.background().color() == QColor(dark.spotlight_background)
    assert panel.highlighter.comment.foreground().color() == QColor(dark.muted_text)


def test_the_studios_backprop_button_plays_the_code_backwards(qtbot, monkeypatch) -> None:
    from rnn_studio.ui.studio import StudioArea

    monkeypatch.setattr(code_module, "BACKWARD_LINE_MS", 1)
    session = StudioSession(DemoSetup(text="abcab", mode="chars", cell="gru"))
    bridge = SessionBridge(session)
    studio = StudioArea(bridge)
    qtbot.addWidget(studio)
    code = studio.panels["code"]
    assert studio.docks["code"] in studio.tabifiedDockWidgets(studio.docks["gates"])
    # Made behind the Gates tab, it has listed nothing yet (start-up time).
    assert code.shown_listing is None and code.highlighted_step() is None
    studio.resize(1280, 720)
    studio.show()
    qtbot.waitExposed(studio)
    # Behind the Gates tab it does no work; raised, it catches up.
    qtbot.waitUntil(lambda: not code.on_screen, timeout=5000)
    session.set_cursor(3)
    assert code.highlighted_step() is None  # covered: shows no step
    studio.docks["code"].raise_()
    qtbot.waitUntil(lambda: code.on_screen, timeout=5000)
    assert code.highlighted_step() == 3
    studio.gradients.backprop_button.click()
    assert code.playing_backward and code.direction == "backward"
    assert code_text(code) == listing("gru", "backward").text()
    qtbot.waitUntil(lambda: not code.playing_backward, timeout=20000)
    assert code.highlighted_step() == 0
    code.set_direction("forward")
    qtbot.waitUntil(lambda: not code.walking, timeout=5000)
    t = session.cursor
    values = forward_values("gru", session.shown.cell.params, session.shown.trace, t)
    assert code.highlighted_step() == t
    assert code.line_value_text() == values.describe(code.line, "h", VALUE_ENTRIES, brief=True)
    bridge.detach()


def test_at_a_fast_stepper_each_step_shows_its_result_line(panel) -> None:
    """Steps coming faster than a walk (the stepper at Max): no walk, the step's h line."""
    panel.session.set_cursor(1)
    assert panel.walking  # the first step walks at the slowest pace
    panel.session.set_cursor(2)  # a few microseconds later
    assert not panel.walking
    assert panel.highlighted_line().startswith("h = ")
    assert panel.highlighted_step() == 2


def test_play_in_the_app_waits_for_the_worker_threads_gradients(qtbot, tmp_path, monkeypatch):
    """In the app the gradients come back from a worker thread: Play starts when they do."""
    from rnn_studio.ui.main_window import MainWindow

    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    monkeypatch.setattr(code_module, "BACKWARD_LINE_MS", 1)
    window = MainWindow(StudioSession(DemoSetup(text="abcab", mode="chars", cell="rnn")))
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.studio.docks["code"].raise_()
    code = window.studio.code
    qtbot.waitUntil(lambda: code.on_screen, timeout=5000)
    code.play_button.click()
    window.executor.wait_idle()
    qtbot.waitUntil(
        lambda: code.direction == "backward" and not code.playing_backward, timeout=20000
    )
    assert window.session.backprop_enabled
    assert code.highlighted_step() == 0
    assert code.highlighted_line().startswith("dhnext = ")
