"""``backward(..., weights=False)`` leaves out dW_ih and dW_hh only when a bound proves them
finite: everything else it returns is the full pass's, bit for bit, and the bound holds."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.engine.optim import global_norm
from rnn_studio.engine.sequence import WEIGHT_BOUND_LIMIT

KINDS = ("rnn", "lstm", "gru")


def _case(kind: str, seed: int, steps: int = 300, hidden: int = 48, scale: float = 1.0):
    cell = engine.make_cell(kind, 3, hidden, seed=seed)
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((steps, 3)) * scale
    trace = engine.forward(cell, xs)
    d_hidden = rng.standard_normal(trace.hidden.shape)
    return cell, trace, d_hidden


def _same_except_weights(full, bounded) -> None:
    np.testing.assert_array_equal(bounded.hidden, full.hidden)
    np.testing.assert_array_equal(bounded.norms, full.norms)
    np.testing.assert_array_equal(bounded.inputs, full.inputs)
    np.testing.assert_array_equal(bounded.h0, full.h0)
    if full.c0 is not None:
        np.testing.assert_array_equal(bounded.c0, full.c0)
    for name in ("bias_ih", "bias_hh"):
        np.testing.assert_array_equal(bounded.params[name], full.params[name])
    assert bounded.first_nonfinite_step == full.first_nonfinite_step


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_the_bound_holds_and_nothing_else_changes(kind, seed) -> None:
    cell, trace, d_hidden = _case(kind, seed, scale=1.0 + 3 * seed)
    full = engine.backward(cell, trace, d_hidden)
    bounded = engine.backward(cell, trace, d_hidden, weights=False)
    assert full.weight_norm_bound is None
    assert set(bounded.params) == {"bias_ih", "bias_hh"}
    _same_except_weights(full, bounded)
    norm = global_norm(full.params)
    assert np.isfinite(bounded.weight_norm_bound)
    assert norm <= bounded.weight_norm_bound <= WEIGHT_BOUND_LIMIT


@pytest.mark.parametrize("kind", KINDS)
def test_a_loss_at_one_step_only_is_bounded_too(kind) -> None:
    """The studio's loss: u·h_L at the last step (most of d_hidden zero)."""
    cell, trace, _ = _case(kind, 5, steps=1000, hidden=64)
    d_hidden = np.zeros(trace.hidden.shape)
    d_hidden[-1] = 1 / 8.0
    full = engine.backward(cell, trace, d_hidden)
    bounded = engine.backward(cell, trace, d_hidden, weights=False)
    _same_except_weights(full, bounded)
    assert global_norm(full.params) <= bounded.weight_norm_bound


@pytest.mark.parametrize(("steps", "finite"), [(500, True), (550, False)])
def test_weights_past_the_bound_are_computed_after_all(steps, finite) -> None:
    """An exploding relu RNN (ρ = 5): gradients past 1e154 give no bound below the limit
    (their squares overflow), so the weights are computed and the result is the full
    pass's, whether they are finite (500 steps) or not (550: the weight gradient
    overflows from step 435 back while ∂L/∂h_t stays finite)."""
    cell = engine.make_cell("rnn", 3, 32, seed=0, nonlinearity="relu")
    engine.set_spectral_radius(cell, 5.0)
    xs = np.abs(np.random.default_rng(0).standard_normal((steps, 3)))
    with np.errstate(all="ignore"):
        trace = engine.forward(cell, xs)
        d_hidden = np.zeros(trace.hidden.shape)
        d_hidden[-1] = 1.0
        full = engine.backward(cell, trace, d_hidden)
        bounded = engine.backward(cell, trace, d_hidden, weights=False)
    assert np.isfinite(full.norms).all()
    assert bool(np.isfinite(global_norm(full.params))) is finite
    assert (full.first_nonfinite_step is None) is finite
    assert bounded.weight_norm_bound is None and set(bounded.params) == set(full.params)
    for name, value in full.params.items():
        np.testing.assert_array_equal(bounded.params[name], value)
    _same_except_weights(full, bounded)


def test_a_batch_computes_the_weights() -> None:
    cell = engine.make_cell("rnn", 3, 16, seed=0)
    xs = np.random.default_rng(0).standard_normal((40, 4, 3))
    trace = engine.forward(cell, xs)
    grads = engine.backward(cell, trace, np.ones_like(trace.hidden), weights=False)
    assert grads.weight_norm_bound is None and "weight_hh" in grads.params
