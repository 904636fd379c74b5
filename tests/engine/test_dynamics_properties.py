"""Property tests: vanishing and exploding gradients, and the LSTM's long memory."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_studio.engine import (
    backward,
    forward,
    jacobian_norms,
    make_cell,
    set_spectral_radius,
)

seeds = st.integers(0, 2**32 - 1)


def orthogonal_rnn(size: int, rho: float, rng: np.random.Generator, input_size: int = 2):
    """A tanh RNN whose W_hh is rho times an orthogonal matrix (all singular values rho)."""
    cell = make_cell("rnn", input_size, size, rng=rng)
    q, _ = np.linalg.qr(rng.standard_normal((size, size)))
    params = cell.params
    params["weight_hh"] = rho * q
    cell.set_params(params)
    return cell


def last_step_norms(cell, xs, rng):
    trace = forward(cell, xs)
    d_hidden = np.zeros(trace.hidden.shape)
    d_hidden[-1] = rng.standard_normal(d_hidden.shape[1:])
    return backward(cell, trace, d_hidden).norms


@settings(max_examples=40, deadline=None)
@given(seed=seeds, size=st.integers(1, 16), rho=st.floats(0.05, 0.6))
def test_norms_decay_geometrically_when_radius_is_well_below_one(seed, size, rho) -> None:
    rng = np.random.default_rng(seed)
    cell = orthogonal_rnn(size, rho, rng)
    norms = last_step_norms(cell, rng.standard_normal((40, 2)), rng)
    # |tanh'| ≤ 1 and ‖W_hhᵀ v‖ = rho‖v‖: every step back shrinks the gradient by ≤ rho.
    assert np.all(norms[:-1] <= rho * norms[1:] * (1 + 1e-12))
    assert norms[0] <= rho**39 * norms[-1] * (1 + 1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=seeds, size=st.integers(1, 16), rho=st.floats(0.05, 0.5))
def test_default_init_rescaled_below_one_decays_overall(seed, size, rho) -> None:
    rng = np.random.default_rng(seed)
    cell = make_cell("rnn", 2, size, rng=rng)
    set_spectral_radius(cell, rho)
    steps = 60
    norms = last_step_norms(cell, rng.standard_normal((steps, 2)), rng)
    rate = (norms[0] / norms[-1]) ** (1 / (steps - 1))
    assert rate <= (1 + rho) / 2


@settings(max_examples=40, deadline=None)
@given(seed=seeds, size=st.integers(1, 16), rho=st.floats(1.5, 3.0))
def test_norms_grow_when_radius_is_well_above_one_with_small_inputs(seed, size, rho) -> None:
    rng = np.random.default_rng(seed)
    cell = orthogonal_rnn(size, rho, rng)
    params = cell.params
    params.update(bias_ih=np.zeros(size), bias_hh=np.zeros(size))
    cell.set_params(params)
    steps = 12
    norms = last_step_norms(cell, 1e-9 * rng.standard_normal((steps, 2)), rng)
    # Hidden states stay tiny (tanh' ≈ 1), so each step back multiplies the norm by ≈ rho.
    assert np.all(norms[:-1] > norms[1:])
    assert norms[0] >= 0.5 * rho ** (steps - 1) * norms[-1]


def memory_ratio(seed: int, size: int) -> float:
    """‖∂h_T/∂h_1‖ of an LSTM with forget-gate bias +3 over that of a vanilla RNN, both
    freshly initialised from ``seed`` and run over the same 100 random inputs."""
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((100, 3))
    lstm = make_cell("lstm", 3, size, rng=rng)
    params = lstm.params
    params["bias_ih"] = params["bias_ih"].copy()
    params["bias_ih"][size : 2 * size] += 3.0  # forget-gate bias +3
    lstm.set_params(params)
    rnn = make_cell("rnn", 3, size, rng=rng)
    lstm_memory = jacobian_norms(lstm, forward(lstm, xs))[0]  # ‖∂h_T/∂h_1‖
    rnn_memory = jacobian_norms(rnn, forward(rnn, xs))[0]
    return float(lstm_memory / rnn_memory)


@pytest.mark.parametrize("size", [2, 3, 8, 16])
def test_lstm_with_forget_bias_keeps_memory_far_longer_than_the_rnn(size: int) -> None:
    # A statistical claim, so it is checked on a fixed sample of draws (no chance failures):
    # the LSTM keeps more in every draw and typically six or more orders of magnitude more.
    # Seed 18825 at size 2 is the weakest draw found by random search (only 75x).
    ratios = [memory_ratio(seed, size) for seed in [*range(40), 18825, 108078563]]
    assert min(ratios) > 10.0
    assert np.median(ratios) > 1e6
