"""The unrolled chain shows the gradient going back: colours and widths grow with the norm,
the LSTM's cell-state path is drawn apart, and Backprop plays it from the loss step."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from PySide6.QtGui import QColor

from rnn_studio.learn.presets import builtin_presets
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.panels.unrolled import UnrolledPanel
from rnn_studio.ui.theme import DARK, LIGHT
from rnn_studio.ui.widgets.chain import flow_pen
from tests.ui.conftest import show_panel


def preset_setup(**changes):
    preset = next(p for p in builtin_presets() if p.preset_id == "vanishing-100")
    return dataclasses.replace(preset.setup, **changes)


def make_panel(qtbot, **changes):
    session = StudioSession(preset_setup(**changes))
    return session, show_panel(qtbot, UnrolledPanel, session, 1000, 160)


def distance(colour: QColor, background: QColor) -> float:
    return sum(
        abs(a - b) for a, b in zip(colour.getRgbF()[:3], background.getRgbF()[:3], strict=True)
    )


def assert_monotone(view, norms: np.ndarray, path: str, steps: range) -> None:
    """Sorted by norm, the arrows' distance from the background and width never decrease."""
    background = view.state.background
    pens = {t: view.flow_pen_at(t, path) for t in steps}
    assert all(pen is not None for pen in pens.values())
    order = sorted(steps, key=lambda t: norms[t])
    distances = [distance(pens[t][0], background) for t in order]
    widths = [pens[t][1] for t in order]
    assert distances == sorted(distances) and widths == sorted(widths)
    assert distances[-1] > distances[0] and widths[-1] > widths[0]


def test_vanishing_arrows_fade_going_back(qtbot) -> None:
    session, panel = make_panel(qtbot)
    report = session.gradients["rnn"]
    assert report.verdict.label == "vanishing"
    flow = panel.flow
    np.testing.assert_array_equal(flow.hidden_norms, report.grad_norms)
    loss = report.loss_step
    assert_monotone(panel.view, report.grad_norms, "hidden", range(loss))
    # Vanishing: the arrow next to the loss is stronger than ten steps further back.
    near, far = panel.view.flow_pen_at(loss - 1), panel.view.flow_pen_at(loss - 11)
    assert near[1] > far[1]
    assert panel.view.flow_pen_at(loss) is None  # nothing flows in from after the loss


def test_exploding_arrows_swell_going_back(qtbot) -> None:
    session, panel = make_panel(qtbot, spectral_radius=1.5, hidden_size=128)
    report = session.gradients["rnn"]
    assert report.verdict.label == "exploding"
    loss = report.loss_step
    assert_monotone(panel.view, report.grad_norms, "hidden", range(loss))
    assert panel.view.flow_pen_at(0)[1] > panel.view.flow_pen_at(loss - 1)[1]


def test_the_lstm_cell_state_path_is_drawn_apart(qtbot) -> None:
    _session, panel = make_panel(qtbot, cell="lstm")
    flow = panel.flow
    loss = flow.loss_step
    assert flow.cell_carried is not None
    assert_monotone(panel.view, flow.cell_carried, "cell", range(loss))
    assert_monotone(panel.view, flow.hidden_norms, "hidden", range(loss))
    # Ten steps back, more survives through c than through h (the untrained LSTM's f ≈ 0.5
    # still beats o ⊙ tanh' ⊙ W_hh): the highway is visible as the stronger arrow.
    assert flow.cell_carried[loss - 10] > flow.hidden_norms[loss - 10]
    assert panel.view.flow_pen_at(loss - 10, "cell")[1] >= panel.view.flow_pen_at(loss - 10)[1]
    tip = panel.view.cells[loss - 3].toolTip()
    assert "‖∂L/∂c" in tip and "carried back through c" in tip


@pytest.mark.parametrize("palette", [LIGHT, DARK])
def test_flow_pen_is_monotone_on_every_theme(palette) -> None:
    background, colour = QColor(palette.plot_background), QColor("#D55E00")
    levels = np.linspace(0.0, 1.0, 21)
    pens = [flow_pen(float(level), colour, background) for level in levels]
    distances = [distance(c, background) for c, _ in pens]
    widths = [w for _, w in pens]
    assert all(b > a for a, b in itertools.pairwise(distances))
    assert all(b > a for a, b in itertools.pairwise(widths))


def test_backprop_plays_the_flow_from_the_loss_step(qtbot) -> None:
    session, panel = make_panel(qtbot, backprop=False)
    assert panel.flow is None and panel.view.state.flow is None
    session.backprop()
    panel.play_backward()
    assert panel.playing_backward
    loss = session.gradients["rnn"].loss_step
    assert panel.view.state.flow_front == loss
    assert panel.view.flow_pen_at(loss - 5) is None  # not reached yet
    qtbot.waitUntil(lambda: not panel.playing_backward, timeout=5000)
    assert panel.view.state.flow_front is None
    assert panel.view.flow_pen_at(0) is not None
    session.clear_gradients()
    assert panel.flow is None and panel.view.flow_pen_at(0) is None


def test_a_new_gradient_replaces_the_flow(qtbot) -> None:
    session, panel = make_panel(qtbot)
    first = panel.flow
    session.set_loss_step(50)
    assert panel.flow is not first and panel.flow.loss_step == 50
    assert panel.view.flow_pen_at(49) is not None and panel.view.flow_pen_at(60) is None


def test_the_flow_tooltips_stay_when_the_same_gradients_are_announced_again(qtbot) -> None:
    """A change that keeps the shown cell's report (e.g. the forget bias while the GRU is on
    view in compare mode) announces the same gradients again: the one-row chain keeps its
    gradient-flow tooltips (the stacked rows' column tips used to overwrite them)."""
    session, panel = make_panel(qtbot, cell="compare", hidden_size=8)
    session.set_view_cell("gru")
    panel.show_gradients()
    loss = session.gradients["gru"].loss_step
    before = panel.view.cells[loss - 3].toolTip()
    assert "‖∂L/∂h" in before
    report = session.gradients["gru"]
    session.set_forget_bias(2.0)  # only the LSTM changes
    assert session.gradients["gru"] is report
    assert panel.view.cells[loss - 3].toolTip() == before
