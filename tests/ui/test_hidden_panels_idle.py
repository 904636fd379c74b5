"""Panels behind another dock's tab do no per-step work while the stepper plays, and show
the current step as soon as they are in view again (issue 14's frame budget)."""

from __future__ import annotations

import numpy as np

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.panels import cell as cell_module


def test_cell_view_behind_a_tab_makes_no_diagram_and_catches_up(classroom, qtbot, monkeypatch):
    window, _ = classroom(StudioSession(DemoSetup(text="abcdefgh", cell="lstm", cursor=1)))
    studio, session = window.studio, window.session
    panel = studio.panels["cell"]
    made: list[int] = []
    real = cell_module.diagram_of_run

    def counting(cell_run, sequence, t, activation):
        made.append(t)
        return real(cell_run, sequence, t, activation)

    monkeypatch.setattr(cell_module, "diagram_of_run", counting)
    studio.docks["gates"].raise_()
    qtbot.waitUntil(lambda: panel.view.visibleRegion().isEmpty(), timeout=5000)
    for _ in range(3):
        session.step_forward()
    assert made == []  # nobody sees it: no model made, no animation started
    assert not panel.animation.running
    assert panel.highlighted_step() == 4 == session.cursor
    assert panel.view.diagram.t == 1  # still the old picture behind the tab
    studio.docks["cell"].raise_()
    qtbot.waitUntil(lambda: panel.view.diagram.t == 4, timeout=5000)
    assert made == [4]  # once, for the step on show
    np.testing.assert_array_equal(panel.view.diagram.values("h"), session.shown.trace.hidden[4])
    np.testing.assert_array_equal(panel.view.diagram.values("c"), session.shown.trace.cell_state[4])
    session.step_forward()  # in view: made at every step again
    assert made == [4, 5] and panel.view.diagram.t == 5


def test_asking_a_hidden_cell_view_for_its_diagram_gets_the_current_step(classroom, qtbot):
    window, _ = classroom(StudioSession(DemoSetup(text="abcdefgh", cell="gru", cursor=0)))
    studio, session = window.studio, window.session
    panel = studio.panels["cell"]
    studio.docks["gates"].raise_()
    qtbot.waitUntil(lambda: panel.view.visibleRegion().isEmpty(), timeout=5000)
    session.set_cursor(6)
    assert panel.diagram.t == 6  # made on demand
    np.testing.assert_array_equal(panel.diagram.values("z"), session.shown.trace.gates["z"][6])


def test_equations_behind_a_tab_wait_and_follow_the_step_when_shown(classroom, qtbot):
    window, _ = classroom(StudioSession(DemoSetup(text="abcdefgh", cell="lstm", cursor=2)))
    studio, session = window.studio, window.session
    equations = studio.panels["equations"]
    window.tabifyDockWidget(studio.docks["gradients"], studio.docks["equations"])
    studio.docks["gradients"].raise_()
    qtbot.waitUntil(lambda: equations.visibleRegion().isEmpty(), timeout=5000)
    changes: list[int] = []
    equations.browser.document().contentsChanged.connect(lambda: changes.append(1))
    session.step_forward()
    session.step_forward()
    assert changes == []  # nobody can read them: not rewritten
    assert equations.highlighted_step() == 4
    studio.docks["equations"].raise_()
    qtbot.waitUntil(lambda: equations.shown_step == 4, timeout=5000)
    assert changes
    text = equations.browser.toPlainText()
    assert "LSTM at step t = 4" in text
    token = session.run.sequence.tokens[4]
    assert f"input “{token}”" in text
    assert equations.highlighted_step() == 4
    changes.clear()
    equations.refresh()  # the same step again: the text is not rewritten
    assert changes == []
    session.step_forward()
    assert changes and "t = 5" in equations.browser.toPlainText()
