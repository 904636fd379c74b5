"""Jacobian norms back in time and spectral radii, against independent references."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio.engine import (
    EngineError,
    State,
    backward,
    forward,
    gate_spectral_radii,
    jacobian_log10_norms,
    jacobian_norms,
    make_cell,
    set_spectral_radius,
    spectral_radius,
)

VARIANTS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


def state_jacobian(cell, x, h, c, eps=1e-6):
    """∂(h', c')/∂(h, c) of one cell.step by central differences (c only for the LSTM)."""
    size = cell.hidden_size
    flat = np.concatenate([h, c]) if c is not None else h.copy()

    def advance(vector):
        state = State(vector[:size], vector[size:] if c is not None else None)
        new, _ = cell.step(x, state)
        return np.concatenate([new.h, new.c]) if c is not None else new.h

    columns = []
    for k in range(flat.size):
        bump = np.zeros_like(flat)
        bump[k] = eps
        columns.append((advance(flat + bump) - advance(flat - bump)) / (2 * eps))
    return np.stack(columns, axis=1)


def reference_jacobian_norms(cell, xs, h0, c0):
    """‖∂h_{T-1}/∂h_t‖_F from explicit products of finite-difference state Jacobians."""
    size = cell.hidden_size
    trace = forward(cell, xs, h0, c0)
    product = np.eye(len(state_jacobian(cell, xs[0], h0, c0)))
    norms = [math.sqrt(size)]
    for t in range(len(xs) - 1, 0, -1):
        h_prev = trace.hidden[t - 1]
        c_prev = None if c0 is None else trace.cell_state[t - 1]
        product = product @ state_jacobian(cell, xs[t], h_prev, c_prev)
        norms.append(np.linalg.norm(product[:size, :size]))
    return np.array(norms[::-1])


@pytest.mark.parametrize(("kind", "nonlinearity"), VARIANTS)
def test_jacobian_norms_match_finite_difference_products(kind: str, nonlinearity: str) -> None:
    rng = np.random.default_rng(3)
    cell = make_cell(kind, 2, 4, rng=rng, nonlinearity=nonlinearity)
    xs = rng.standard_normal((7, 2))
    h0 = 0.5 * rng.standard_normal(4)
    c0 = 0.5 * rng.standard_normal(4) if kind == "lstm" else None
    got = jacobian_norms(cell, forward(cell, xs, h0, c0))
    np.testing.assert_allclose(got, reference_jacobian_norms(cell, xs, h0, c0), rtol=1e-7)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_batch_jacobian_norm_is_root_sum_of_squares(kind: str) -> None:
    rng = np.random.default_rng(4)
    cell = make_cell(kind, 2, 3, rng=rng)
    xs = rng.standard_normal((6, 3, 2))
    batch = jacobian_norms(cell, forward(cell, xs))
    single = np.array([jacobian_norms(cell, forward(cell, xs[:, b])) for b in range(3)])
    np.testing.assert_allclose(batch, np.sqrt((single**2).sum(axis=0)), rtol=1e-12)


def scaled_orthogonal(size: int, rho: float, rng: np.random.Generator) -> np.ndarray:
    q, _ = np.linalg.qr(rng.standard_normal((size, size)))
    return rho * q


def tiny_decay_run(steps=1000, size=6, seed=0):
    """A tanh RNN whose gradient falls to ~1e-300 over 1,000 steps."""
    rng = np.random.default_rng(seed)
    cell = make_cell("rnn", 2, size, rng=rng)
    params = cell.params
    # Orthogonal W_hh scaled by 10^(-298/(T-1)) and small inputs (tanh' ≈ 1): ~1e-298 at t=0.
    params["weight_hh"] = scaled_orthogonal(size, 10.0 ** (-298 / (steps - 1)), rng)
    params.update(bias_ih=np.zeros(size), bias_hh=np.zeros(size))
    cell.set_params(params)
    xs = 0.01 * rng.standard_normal((steps, 2))
    return cell, forward(cell, xs), rng


def log10_reference_gradient_norms(cell, trace, last):
    """Independent BPTT for a loss on the last step, renormalising each step in log space."""
    w_hh = cell.params["weight_hh"]
    direction, log10_scale = last / np.linalg.norm(last), math.log10(np.linalg.norm(last))
    logs = [log10_scale]
    for h_t in trace.hidden[:0:-1]:
        direction = w_hh.T @ (direction * (1.0 - h_t**2))
        size = np.linalg.norm(direction)  # a unit vector times ≤ 1: never underflows
        direction, log10_scale = direction / size, log10_scale + math.log10(size)
        logs.append(log10_scale)
    return np.array(logs[::-1])


def test_gradient_norms_are_right_down_to_1e_minus_300() -> None:
    cell, trace, rng = tiny_decay_run()
    d_hidden = np.zeros(trace.hidden.shape)
    d_hidden[-1] = rng.standard_normal(cell.hidden_size)
    grads = backward(cell, trace, d_hidden)
    reference = log10_reference_gradient_norms(cell, trace, d_hidden[-1])
    assert -305 < reference[0] < -295  # the run really reaches ~1e-300
    assert np.linalg.norm(grads.hidden, axis=1)[0] == 0.0  # the naive norm underflows here
    assert np.all(grads.norms > 0)
    np.testing.assert_allclose(np.log10(grads.norms), reference, rtol=0, atol=1e-9)


def test_jacobian_norms_are_right_down_to_1e_minus_300() -> None:
    cell, trace, _ = tiny_decay_run()
    w_hh = cell.params["weight_hh"]
    # Independent reference: explicit H x H product, renormalised in log space each step.
    product, log10_scale = np.eye(cell.hidden_size), 0.0
    logs = [0.5 * math.log10(cell.hidden_size)]
    for h_t in trace.hidden[:0:-1]:
        product = product @ ((1.0 - h_t**2)[:, None] * w_hh)
        size = np.abs(product).max()
        product, log10_scale = product / size, log10_scale + math.log10(size)
        logs.append(log10_scale + math.log10(np.linalg.norm(product)))
    reference = np.array(logs[::-1])
    assert -305 < reference[0] < -295
    np.testing.assert_allclose(jacobian_log10_norms(cell, trace), reference, atol=1e-9)
    norms = jacobian_norms(cell, trace)
    assert np.all(norms > 0) and np.all(np.isfinite(norms))
    np.testing.assert_allclose(np.log10(norms), reference, atol=1e-9)


def test_jacobian_of_a_zero_input_orthogonal_rnn_is_exactly_geometric() -> None:
    rng = np.random.default_rng(2)
    cell = make_cell("rnn", 1, 5, rng=rng)
    params = cell.params
    params.update(
        weight_hh=scaled_orthogonal(5, 0.3, rng), bias_ih=np.zeros(5), bias_hh=np.zeros(5)
    )
    cell.set_params(params)
    trace = forward(cell, np.zeros((500, 1)))  # h stays 0, so tanh' = 1 at every step
    lags = np.arange(499, -1, -1)
    expected = 0.5 * math.log10(5) + lags * math.log10(0.3)
    np.testing.assert_allclose(jacobian_log10_norms(cell, trace), expected, atol=1e-9)


def test_spectral_radius_of_the_rnn_is_the_largest_eigenvalue() -> None:
    cell = make_cell("rnn", 2, 6, seed=0)
    expected = np.max(np.abs(np.linalg.eigvals(cell.params["weight_hh"])))
    assert spectral_radius(cell) == pytest.approx(expected, rel=1e-12)
    assert set(gate_spectral_radii(cell)) == {"h"}


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_set_spectral_radius_rescales_every_gate_block(kind: str) -> None:
    cell = make_cell(kind, 2, 5, seed=1)
    before = cell.params
    set_spectral_radius(cell, 1.7)
    radii = gate_spectral_radii(cell)
    assert set(radii) == ({"h"} if kind == "rnn" else set(cell.gate_names))
    assert all(r == pytest.approx(1.7, rel=1e-10) for r in radii.values())
    assert spectral_radius(cell) == pytest.approx(1.7, rel=1e-10)
    assert np.array_equal(before["weight_ih"], cell.params["weight_ih"])


def test_gated_spectral_radius_is_the_largest_block() -> None:
    cell = make_cell("gru", 1, 4, seed=0)
    params = cell.params
    params["weight_hh"] = params["weight_hh"].copy()
    params["weight_hh"][4:8] *= 10.0  # the update-gate block
    cell.set_params(params)
    radii = gate_spectral_radii(cell)
    assert max(radii, key=radii.get) == "z"
    assert spectral_radius(cell) == radii["z"]


def test_set_spectral_radius_refuses_bad_targets() -> None:
    cell = make_cell("rnn", 1, 3, seed=0)
    for bad in (-1.0, float("nan"), float("inf"), "big"):
        with pytest.raises(EngineError, match="spectral radius"):
            set_spectral_radius(cell, bad)
    params = cell.params
    params["weight_hh"] = np.zeros((3, 3))
    cell.set_params(params)
    with pytest.raises(EngineError, match="radius 0"):
        set_spectral_radius(cell, 0.9)


def test_jacobian_norms_need_the_matching_trace() -> None:
    cell = make_cell("rnn", 1, 3, seed=0)
    trace = forward(cell, np.ones((4, 1)))
    set_spectral_radius(cell, 0.5)
    with pytest.raises(EngineError, match="other parameters"):
        jacobian_norms(cell, trace)


def test_a_dead_relu_network_has_exactly_zero_jacobian() -> None:
    cell = make_cell("rnn", 1, 3, seed=0, nonlinearity="relu")
    params = cell.params
    params.update(bias_ih=np.full(3, -5.0), bias_hh=np.zeros(3))  # every unit stays at 0
    cell.set_params(params)
    trace = forward(cell, np.zeros((5, 1)))
    logs = jacobian_log10_norms(cell, trace)
    assert np.all(np.isneginf(logs[:-1])) and logs[-1] == pytest.approx(0.5 * math.log10(3))
    assert np.all(jacobian_norms(cell, trace)[:-1] == 0.0)
