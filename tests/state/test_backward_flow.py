"""The chain's backward flow: ‖∂L/∂h_t‖ from the report, and the LSTM's cell-state path
checked against central differences."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.state.backward_flow import (
    LOG10_HIGH,
    LOG10_LOW,
    backward_flow,
    flow_level,
    lstm_cell_gradients,
)


def lstm_run(hidden: int = 5, steps: int = 9, seed: int = 1):
    rng = np.random.default_rng(seed)
    cell = engine.make_cell("lstm", input_size=3, hidden_size=hidden, seed=seed)
    xs = rng.standard_normal((steps, 3))
    return cell, xs, engine.forward(cell, xs)


def loss_from(cell, xs, t: int, loss_step: int, c_t: np.ndarray, o_t: np.ndarray) -> float:
    """L = u · h_L with c_t replaced (and h_t = o_t ⊙ tanh(c_t) recomputed)."""
    h_t = o_t * np.tanh(c_t)
    u = np.full(len(c_t), 1.0 / math.sqrt(len(c_t)))
    if t == loss_step:
        return float(u @ h_t)
    rest = engine.forward(cell, xs[t + 1 : loss_step + 1], h0=h_t, c0=c_t)
    return float(u @ rest.hidden[-1])


@pytest.mark.parametrize("loss_step", [8, 5])
def test_cell_state_gradients_match_central_differences(loss_step: int) -> None:
    cell, xs, trace = lstm_run()
    norms, carried = lstm_cell_gradients(cell, trace, loss_step)
    eps = 1e-6
    numeric = {}
    for t in range(loss_step + 1):
        c_t = np.array(trace.cell_state[t])
        o_t = np.array(trace.gates["o"][t])
        grad = np.zeros_like(c_t)
        for k in range(len(c_t)):
            step = np.zeros_like(c_t)
            step[k] = eps
            up = loss_from(cell, xs, t, loss_step, c_t + step, o_t)
            down = loss_from(cell, xs, t, loss_step, c_t - step, o_t)
            grad[k] = (up - down) / (2 * eps)
        numeric[t] = grad
        assert norms[t] == pytest.approx(np.linalg.norm(grad), rel=1e-6)
    for t in range(loss_step):
        expected = np.linalg.norm(numeric[t + 1] * trace.gates["f"][t + 1])
        assert carried[t] == pytest.approx(expected, rel=1e-6)
    assert np.isnan(carried[loss_step:]).all()
    assert np.isnan(norms[loss_step + 1 :]).all()


def test_flow_levels_are_monotone_in_the_norm() -> None:
    norms = np.logspace(-12, 8, 81)
    levels = [flow_level(float(n)) for n in norms]
    assert levels == sorted(levels)
    assert levels[0] == 0.0 and levels[-1] == 1.0
    assert flow_level(10.0**LOG10_LOW) == 0.0 and flow_level(10.0**LOG10_HIGH) == 1.0
    inside = [flow_level(float(n)) for n in np.logspace(LOG10_LOW + 0.5, LOG10_HIGH - 0.5, 20)]
    assert all(b > a for a, b in itertools.pairwise(inside))
    assert flow_level(math.nan) is None and flow_level(math.inf) == 1.0 and flow_level(0.0) == 0.0


def test_the_flow_uses_the_reports_norms_and_adds_the_lstm_path() -> None:
    cell, xs, trace = lstm_run()
    report_norms = np.r_[np.linspace(1e-3, 1.0, 7), np.nan, np.nan]
    flow = backward_flow("lstm", cell, trace, 6, report_norms)
    np.testing.assert_array_equal(flow.hidden_norms, report_norms)
    assert flow.cell_norms is not None and np.isfinite(flow.cell_norms[:7]).all()
    assert flow.hidden_levels()[7] is None and flow.cell_levels()[6] is None
    rnn = engine.make_cell("rnn", 3, 5, seed=0)
    plain = backward_flow("rnn", rnn, engine.forward(rnn, xs), 6, report_norms)
    assert plain.cell_norms is None and plain.cell_levels() is None
    # An overflowed backward pass has no cell-state path to show.
    blown = backward_flow("lstm", cell, trace, 6, np.full(9, np.inf))
    assert blown.cell_norms is None and blown.hidden_levels()[0] == 1.0
