"""Traces are immutable records; grads carry the per-step norms; explosions are reported."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine import EngineError, backward, forward, make_cell, step_norms


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
