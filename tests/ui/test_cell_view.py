"""The cell view shows the trace's values, follows the stepper and Compare, and animates a
step without ever holding the stepper back."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.panels.cell import FAST_STEP_MS, CellViewPanel, StepAnimation
from rnn_studio.ui.panels.equations import EquationsPanel
from rnn_studio.ui.theme import DARK, LIGHT
from rnn_studio.ui.widgets.cell_diagram_view import wire_width
from rnn_studio.ui.widgets.cell_layouts import LAYOUTS
from tests.ui.conftest import show_panel

TEXT = "not bad at all, said the cat"


def make_panel(qtbot, cell: str = "lstm", hidden: int = 8, cursor: int = 0):
    session = StudioSession(
        DemoSetup(text=TEXT, mode="words", cell=cell, hidden_size=hidden, cursor=cursor)
    )
    return session, show_panel(qtbot, CellViewPanel, session, 800, 380)


def busy_blocks(equations: EquationsPanel) -> list[str]:
    """First letter of each equation drawn on the highlight background."""
    from rnn_studio.ui.theme import current_palette

    colour = QColor(current_palette().spotlight_background)
    document = equations.browser.document()
    block, found = document.begin(), []
    while block.isValid():
        if block.blockFormat().background().color() == colour:
            found.append(block.text()[:1])
        block = block.next()
    return found


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_the_diagram_shows_the_trace_at_every_step_it_is_moved_to(qtbot, cell) -> None:
    session, panel = make_panel(qtbot, cell)
    panel.set_stage_ms(0)
    trace = session.shown.trace
    for t in (2, 5, 1, 6):
        session.set_cursor(t)
        diagram = panel.diagram
        assert diagram.t == t and diagram.kind == cell
        assert diagram.token == session.run.sequence.tokens[t]
        np.testing.assert_array_equal(diagram.values("h"), trace.hidden[t])
        np.testing.assert_array_equal(diagram.values("h_prev"), trace.hidden[t - 1])
        for name, values in trace.gates.items():
            np.testing.assert_array_equal(diagram.values(name), values[t])
        if cell == "lstm":
            np.testing.assert_array_equal(diagram.values("c"), trace.cell_state[t])
        assert panel.highlighted_step() == t
    # Every quantity the layout draws exists in the model, and every value is drawn.
    layout = LAYOUTS[cell]
    assert layout.wire_keys() | layout.block_keys() <= set(diagram.quantities)
    drawn = layout.wire_keys() | layout.block_keys() | {op.key for op in layout.ops}
    assert set(diagram.quantities) <= drawn


def test_it_follows_compare_and_the_cell_choice(qtbot) -> None:
    session, panel = make_panel(qtbot, "compare", cursor=2)
    for kind in ("gru", "rnn", "lstm"):
        session.set_view_cell(kind)
        assert panel.diagram.kind == kind
        np.testing.assert_array_equal(
            panel.diagram.values("h"), session.run.cells[kind].trace.hidden[2]
        )
    session.set_cell_kind("gru")
    assert panel.diagram.kind == "gru"
    session.set_text("a new sentence")
    assert panel.diagram.token == session.run.sequence.tokens[session.cursor]


def test_hover_reads_the_unit_under_the_pointer(qtbot) -> None:
    session, panel = make_panel(qtbot, "lstm", cursor=3)
    panel.set_stage_ms(0)
    panel.view.grab()  # paints, which records where each part is drawn
    view = panel.view
    # Find the forget gate's strip: a hit area with one cell per unit.
    strips = [(rect, key, units) for rect, key, units in view._hits if units and key == "f"]
    assert strips
    rect, _key, units = strips[0]
    for unit in (0, 5, 7):
        point = QPointF(rect.left() + (unit + 0.5) * rect.width() / units, rect.center().y())
        assert view.item_at(point) == ("f", unit)
        text = panel.diagram.describe("f", unit)
        value = float(session.shown.trace.gates["f"][3][unit])
        assert f"unit {unit}: {value:.3f}".replace("-", "−") in text
    assert "open" in view.summary()


def test_wire_width_grows_with_the_values() -> None:
    widths = [wire_width(r) for r in (0.0, 0.1, 0.3, 0.7, 1.0, 5.0)]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert wire_width(float("nan")) == widths[0]


def test_the_step_animation_clock() -> None:
    animation = StepAnimation()
    animation.start(4, stages=6, stage_ms=100)
    assert animation.running and animation.stage == 0
    animation.advance(250)
    assert animation.stage == 2
    animation.advance(400)
    assert not animation.running
    animation.start(5, stages=6, stage_ms=0)  # speed "Off"
    assert not animation.running


def test_stepping_animates_in_equation_order_and_highlights_the_equation(qtbot) -> None:
    session, panel = make_panel(qtbot, "lstm", cursor=1)
    equations = EquationsPanel(panel.bridge)
    qtbot.addWidget(equations)
    panel.stage_changed.connect(equations.set_highlighted_line)
    lines: list[int] = []
    panel.stage_changed.connect(lines.append)
    panel.set_stage_ms(120)
    with qtbot.waitSignal(panel.animation_finished, timeout=5000) as finished:
        session.step_forward()
        assert panel.animation.running and panel.view.progress == 0.0
        assert equations.busy_line == 0
        assert busy_blocks(equations) == ["i"]  # iₜ = σ(...), the first line, highlighted
        # Not computed yet: the cell state and h_t wait; the input gate is being computed.
        assert panel.view.stage_state("i") == "active"
        assert panel.view.stage_state("c") == "pending"
        assert panel.view.stage_state("h_prev") == "done"
    assert finished.args == [2]
    assert lines == [0, 1, 2, 3, 4, 5, -1]
    assert equations.busy_line is None and panel.view.progress is None
    assert busy_blocks(equations) == []
    assert panel.view.stage_state("h") == "done"


class SteppedClock:
    """A clock that moves only when told: steps come as fast or as slow as a test says,
    whatever the machine's load."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance_ms(self, ms: float) -> None:
        self.now += ms / 1000


def test_a_new_step_finishes_the_running_animation_at_once(qtbot) -> None:
    session, panel = make_panel(qtbot, "gru", cursor=0)
    clock = panel.clock = SteppedClock()
    panel.set_stage_ms(700)  # slow: 4 stages take 2.8 s
    finished: list[int] = []
    panel.animation_finished.connect(finished.append)
    session.step_forward()
    assert panel.animation.running and panel.animation.step == 1
    clock.advance_ms(FAST_STEP_MS + 20)  # watched a moment: the next step is animated too
    session.step_forward()  # interrupts: step 1 is finished at once, step 2 starts
    assert finished == [1]
    assert panel.animation.step == 2 and panel.animation.stage == 0
    assert session.cursor == 2 and panel.diagram.t == 2
    np.testing.assert_array_equal(panel.diagram.values("h"), session.shown.trace.hidden[2])
    session.step_back()  # going back shows the step whole, no animation
    assert finished == [1, 2] and not panel.animation.running
    assert panel.view.progress is None and panel.diagram.t == 1
    session.go_to_end()  # a jump: no animation either
    assert not panel.animation.running and panel.diagram.t == session.length - 1
    session.step_forward()  # at the end: nothing moves
    assert not panel.animation.running


def test_playing_steps_are_never_held_back(qtbot) -> None:
    session, panel = make_panel(qtbot, "lstm", cursor=0)
    clock = panel.clock = SteppedClock()  # playback: no time passes between the steps
    panel.set_stage_ms(700)
    session.step_forward()  # the first step is animated ...
    assert panel.animation.running and panel.animation.step == 1
    for t in range(2, session.length):
        session.step_forward()  # ... the next come faster than anyone could watch: whole
        assert panel.diagram.t == t == session.cursor
        assert not panel.animation.running and panel.view.progress is None
    session.go_to_start()
    clock.advance_ms(FAST_STEP_MS + 20)
    session.step_forward()  # a step one can watch is animated again
    assert panel.animation.running and panel.animation.step == 1


def test_theme_changes_redraw_in_the_new_colours(qtbot) -> None:
    _session, panel = make_panel(qtbot, "lstm", cursor=2)
    panel.apply_palette(DARK)
    dark = panel.view.grab().toImage()
    assert dark.pixelColor(2, 2).name().upper() == DARK.plot_background.upper()
    panel.apply_palette(LIGHT)
    light = panel.view.grab().toImage()
    assert light.pixelColor(2, 2).name().upper() == LIGHT.plot_background.upper()


def test_full_size_window_follows_the_same_session(qtbot) -> None:
    session, panel = make_panel(qtbot, "rnn", cursor=1)
    window = panel.show_full_size()
    qtbot.waitExposed(window)
    session.set_cursor(4)
    assert window.panel.diagram.t == 4
    assert window.panel.view.width() > panel.view.width()
    window.close()
    qtbot.waitUntil(lambda: panel.full_size is None, timeout=2000)
