"""Traces are immutable records; grads carry the per-step norms; explosions are reported."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio.engine import (
    EngineError,
    backward,
    blocks,
    forward,
    make_cell,
    set_spectral_radius,
    step_norms,
)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_trace_arrays_are_read_only(kind: str) -> None:
    cell = make_cell(kind, 2, 3, seed=0)
    xs = np.ones((4, 2))
    trace = forward(cell, xs)
    arrays = [trace.inputs, trace.hidden, trace.h0, *trace.gates.values(), *trace.pre.values()]
    if kind == "lstm":
        arrays += [trace.cell_state, trace.c0]
    for array in arrays:
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    with pytest.raises(TypeError):
        trace.gates["new"] = xs  # type: ignore[index]
    with pytest.raises(AttributeError):
        trace.hidden = xs  # type: ignore[misc]
    xs[:] = 5.0  # the caller's array is copied, not kept
    assert np.all(trace.inputs == 1.0)


def test_trace_fields_and_step_views() -> None:
    cell = make_cell("lstm", 2, 3, seed=0)
    trace = forward(cell, np.zeros((5, 4, 2)))
    assert len(trace) == 5 and trace.kind == "lstm" and trace.batch_shape == (4,)
    assert trace.hidden.shape == trace.cell_state.shape == (5, 4, 3)
    assert set(trace.gates) == {"i", "f", "g", "o"}
    assert all(v.shape == (5, 4, 3) for v in trace.gates.values())
    assert trace.h0.shape == trace.c0.shape == (4, 3)
    step = trace.step(-1)
    assert np.shares_memory(step.h, trace.hidden)
    assert np.array_equal(step.gates["f"], trace.gates["f"][4])
    with pytest.raises(EngineError, match="step index"):
        trace.step(5)
    assert forward(make_cell("rnn", 2, 3, seed=0), np.zeros((5, 2))).cell_state is None


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_grads_hidden_is_total_gradient_and_norms_match(kind: str) -> None:
    rng = np.random.default_rng(1)
    cell = make_cell(kind, 2, 4, rng=rng)
    trace = forward(cell, rng.standard_normal((7, 3, 2)))
    d_hidden = np.zeros(trace.hidden.shape)
    d_hidden[-1] = rng.standard_normal((3, 4))
    grads = backward(cell, trace, d_hidden)
    assert np.array_equal(grads.hidden[-1], d_hidden[-1])  # nothing carried into the last step
    assert grads.norms.shape == (7,)
    expected = np.sqrt((grads.hidden.reshape(7, -1) ** 2).sum(axis=1))
    np.testing.assert_allclose(grads.norms, expected, rtol=1e-14)
    assert np.array_equal(grads.norms, step_norms(grads.hidden))
    assert set(grads.params) == set(cell.params)
    assert all(grads.params[k].shape == v.shape for k, v in cell.params.items())
    assert not grads.has_nonfinite and grads.first_nonfinite_step is None


def test_exploding_relu_run_is_reported_not_hidden() -> None:
    cell = make_cell("rnn", 1, 2, seed=0, nonlinearity="relu")
    cell.set_params(
        {
            "weight_ih": np.ones((2, 1)),
            "weight_hh": np.full((2, 2), 1e3),
            "bias_ih": np.zeros(2),
            "bias_hh": np.zeros(2),
        }
    )
    trace = forward(cell, np.ones((200, 1)))
    assert trace.has_nonfinite
    first = trace.first_nonfinite_step
    assert first is not None and np.isfinite(trace.hidden[first - 1]).all()
    assert not np.isfinite(trace.hidden[first]).all()
    d_hidden = np.zeros(trace.hidden.shape)
    d_hidden[-1] = 1.0
    grads = backward(cell, trace, d_hidden)
    assert grads.has_nonfinite


def test_backward_refuses_a_trace_from_older_parameters() -> None:
    cell = make_cell("gru", 2, 3, seed=0)
    trace = forward(cell, np.ones((3, 2)))
    cell.set_params(cell.params)
    with pytest.raises(EngineError, match="other parameters"):
        backward(cell, trace, np.zeros((3, 3)))
    with pytest.raises(EngineError, match="recorded by a gru cell"):
        backward(make_cell("rnn", 2, 3, seed=0), trace, np.zeros((3, 3)))


@pytest.mark.parametrize(
    ("kind", "nonlinearity"), [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
)
def test_blockwise_forward_matches_one_block(
    kind: str, nonlinearity: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forward loop projects inputs block by block; the block size must not matter."""
    rng = np.random.default_rng(2)
    cell = make_cell(kind, 3, 4, rng=rng, nonlinearity=nonlinearity)
    xs = rng.standard_normal((11, 2, 3))
    whole = forward(cell, xs)
    monkeypatch.setattr(blocks, "CHUNK_ENTRIES", 20)
    assert len(blocks.forward_chunks(11, 2 * 4 * cell.gate_count)) > 1
    blockwise = forward(cell, xs)
    np.testing.assert_allclose(blockwise.hidden, whole.hidden, rtol=0, atol=1e-14)
    for name in whole.gates:
        np.testing.assert_allclose(blockwise.gates[name], whole.gates[name], rtol=0, atol=1e-14)
    for name in whole.pre:
        np.testing.assert_allclose(blockwise.pre[name], whole.pre[name], rtol=0, atol=1e-13)


def test_pre_activations_use_the_weights_of_the_forward_pass() -> None:
    cell = make_cell("lstm", 2, 3, seed=0)
    xs = np.ones((4, 2))
    trace = forward(cell, xs)
    expected = forward(cell.copy(), xs).pre["f"].copy()
    params = cell.params
    params["weight_hh"] = params["weight_hh"] * 3.0
    cell.set_params(params)  # change the weights before anyone reads trace.pre
    np.testing.assert_allclose(trace.pre["f"], expected, atol=1e-15)
    assert list(trace.pre) == ["i", "f", "g", "o"] and len(trace.pre) == 4


def test_pre_is_a_read_only_mapping_with_known_keys() -> None:
    trace = forward(make_cell("gru", 2, 3, seed=0), np.ones((4, 2)))
    assert set(trace.pre) == {"r", "z", "n", "hn"}
    assert "not yet computed" in repr(trace.pre)  # nothing is computed until read
    assert trace.pre["r"].shape == (4, 3)
    assert "not yet" not in repr(trace.pre)
    with pytest.raises(KeyError):
        trace.pre["h"]
    with pytest.raises(TypeError):
        trace.pre["r"] = np.zeros((4, 3))  # type: ignore[index]


def _reference_first_nonfinite(steps: int, w: float, scale: float) -> int | None:
    """Scalar ReLU RNN h_t = relu(1 + w h_{t-1}) in plain Python floats: the largest t at
    which dL/dh_t, or a weight gradient summed over t … T−1, is no longer finite."""
    hidden, previous = [], 0.0
    for _ in range(steps):
        previous = max(0.0, 1.0 + w * previous)
        hidden.append(previous)
    sums, dh = [0.0, 0.0, 0.0], scale
    for t in range(steps - 1, -1, -1):
        da = dh if hidden[t] > 0 else 0.0
        before = hidden[t - 1] if t > 0 else 0.0
        sums = [sums[0] + da * before, sums[1] + da, sums[2] + da]  # dW_hh, dW_ih, db
        if not math.isfinite(dh) or not all(math.isfinite(s) for s in sums):
            return t
        dh = w * da
    return None


@pytest.mark.parametrize(("steps", "scale"), [(300, 1e10), (250, 1e60), (300, 1e5)])
def test_first_nonfinite_step_names_where_the_weight_gradient_overflows(
    steps: int, scale: float
) -> None:
    # h_t ≈ 10^t stays finite, but dW_hh's terms da_t h_{t−1} pass 1e308 near the loss step,
    # long before dL/dh_t itself overflows (at t = 0).
    cell = make_cell("rnn", 1, 1, seed=0, nonlinearity="relu")
    cell.set_params(
        {
            "weight_ih": np.ones((1, 1)),
            "weight_hh": np.full((1, 1), 10.0),
            "bias_ih": np.zeros(1),
            "bias_hh": np.zeros(1),
        }
    )
    trace = forward(cell, np.ones((steps, 1)))
    assert not trace.has_nonfinite
    d_hidden = np.zeros((steps, 1))
    d_hidden[-1] = scale
    grads = backward(cell, trace, d_hidden)
    expected = _reference_first_nonfinite(steps, 10.0, scale)
    assert grads.first_nonfinite_step == expected
    assert grads.has_nonfinite == (expected is not None)


def test_after_a_relu_rnn_overflows_the_gradient_names_a_step() -> None:
    # Hidden 64, ρ = 5, 1,000 characters: the forward pass overflows, and the weight
    # gradient is NaN from the loss step on (da_t h_{t−1}ᵀ with h_{t−1} infinite).
    rng = np.random.default_rng(0)
    cell = make_cell("rnn", 20, 64, seed=0, nonlinearity="relu")
    set_spectral_radius(cell, 5.0)
    inputs = np.eye(20)[rng.integers(0, 20, 1000)]
    trace = forward(cell, inputs)
    assert trace.has_nonfinite
    d_hidden = np.zeros(trace.hidden.shape)
    d_hidden[-1] = 1.0
    grads = backward(cell, trace, d_hidden)
    assert grads.has_nonfinite
    step = grads.first_nonfinite_step
    assert step is not None
    assert not np.isfinite(trace.hidden[step - 1]).all()  # the state it multiplies
    assert np.isfinite(trace.hidden[: trace.first_nonfinite_step]).all()
