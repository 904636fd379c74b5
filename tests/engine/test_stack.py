"""Stacks (``make_cell(..., num_layers, bidirectional)``): the contract, gradients by central
differences in float64, the order of weights and states, and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine import (
    Cell,
    CellStack,
    EngineError,
    StackTrace,
    backward,
    forward,
    gradient_check,
    make_cell,
    make_stack,
)

KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
STEPS, BATCH, INPUTS, SIZE = 4, 2, 2, 3


def test_one_layer_one_direction_is_the_plain_cell_as_before() -> None:
    for kwargs in ({}, {"num_layers": 1, "bidirectional": False}):
        cell = make_cell("gru", 3, 4, seed=5, **kwargs)
        assert isinstance(cell, Cell) and not isinstance(cell, CellStack)
        assert list(cell.state_dict()) == [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"
        ]  # fmt: skip
    old = make_cell("gru", 3, 4, seed=5)
    new = make_cell("gru", 3, 4, 1, False, seed=5)
    for name, value in old.params.items():
        np.testing.assert_array_equal(value, new.params[name])


def test_a_stack_draws_pytorch_s_names_in_pytorch_s_order_from_one_generator() -> None:
    stack = make_cell("lstm", 3, 4, num_layers=2, bidirectional=True, seed=7)
    assert isinstance(stack, CellStack)
    expected = [
        f"{param}_l{layer}{suffix}"
        for layer in (0, 1)
        for suffix in ("", "_reverse")
        for param in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    ]
    assert list(stack.state_dict()) == expected
    assert stack.param_shapes["weight_ih_l0"] == (16, 3)
    assert stack.param_shapes["weight_ih_l1_reverse"] == (16, 8)  # layer 1 reads D·H = 8
    # the same draws as one generator feeding the cells in PyTorch's order
    rng = np.random.default_rng(7)
    bound = 1 / np.sqrt(4)
    for name, shape in stack.param_shapes.items():
        np.testing.assert_array_equal(stack.params[name], rng.uniform(-bound, bound, shape))
    again = make_stack("lstm", 3, 4, 2, True, seed=7)
    for name, value in again.state_dict().items():
        np.testing.assert_array_equal(value, stack.params[name])


def test_load_state_dict_round_trips_and_refuses_wrong_names_without_changing_anything() -> None:
    stack = make_cell("gru", 2, 3, num_layers=2, bidirectional=True, seed=0)
    other = make_cell("gru", 2, 3, num_layers=2, bidirectional=True, seed=1)
    other.load_state_dict(stack.state_dict())
    for name, value in stack.state_dict().items():
        np.testing.assert_array_equal(other.params[name], value)
    before = other.state_dict()
    broken = stack.state_dict()
    broken["weight_hh_l2"] = broken.pop("weight_hh_l1")
    with pytest.raises(EngineError, match="unknown keys \\['weight_hh_l2'\\]"):
        other.load_state_dict(broken)
    partial = stack.state_dict()
    del partial["bias_ih_l1_reverse"]
    with pytest.raises(EngineError, match="missing \\['bias_ih_l1_reverse'\\]"):
        other.load_state_dict(partial)
    bad = {k: v + 1 for k, v in stack.state_dict().items()}
    bad["weight_hh_l1_reverse"] = np.full((9, 3), np.nan)
    with pytest.raises(EngineError, match="weight_hh_l1_reverse"):
        other.load_state_dict(bad)  # checked before any cell changes
    for name, value in before.items():
        np.testing.assert_array_equal(other.params[name], value)


def _sequence(batched: bool, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lead = (STEPS, BATCH) if batched else (STEPS,)
    xs = rng.standard_normal((*lead, INPUTS))
    h0 = 0.5 * rng.standard_normal((4, *lead[1:], SIZE))
    c0 = 0.5 * rng.standard_normal((4, *lead[1:], SIZE))
    return xs, h0, c0


@pytest.mark.parametrize("batched", [False, True], ids=["single", "batch"])
@pytest.mark.parametrize(
    ("kind", "nonlinearity"), KINDS, ids=["rnn_tanh", "rnn_relu", "lstm", "gru"]
)
def test_every_gradient_matches_central_differences(
    kind: str, nonlinearity: str, batched: bool
) -> None:
    stack = make_cell(kind, INPUTS, SIZE, 2, True, seed=3, nonlinearity=nonlinearity)
    xs, h0, c0 = _sequence(batched)
    errors = gradient_check(stack, xs, h0, c0 if kind == "lstm" else None)
    checked = {*stack.state_dict(), "inputs", "h0"} | ({"c0"} if kind == "lstm" else set())
    assert set(errors) == checked  # every weight of every layer and direction, and the inputs
    assert max(errors.values()) < 1e-7, errors


def test_directions_run_on_their_own_time_and_layers_feed_each_other() -> None:
    stack = make_cell("lstm", INPUTS, SIZE, 2, True, seed=4)
    xs, h0, c0 = _sequence(batched=True)
    trace = forward(stack, xs, h0, c0)
    assert isinstance(trace, StackTrace)
    assert trace.hidden.shape == (STEPS, BATCH, 2 * SIZE)
    assert trace.h_n.shape == trace.c_n.shape == (4, BATCH, SIZE)
    # layer 0 reverse = the plain cell run on the reversed sequence, from row 1 of h0/c0
    plain = forward(stack.cell(0, 1), xs[::-1], h0[1], c0[1])
    np.testing.assert_array_equal(trace.states(0, 1), plain.hidden[::-1])
    np.testing.assert_array_equal(trace.cell_states(0, 1), plain.cell_state[::-1])
    np.testing.assert_array_equal(trace.gates(0, 1)["f"], plain.gates["f"][::-1])
    # layer 1 forward reads layer 0's concatenated output, from row 2
    layer0 = np.concatenate([trace.states(0, 0), trace.states(0, 1)], axis=-1)
    np.testing.assert_array_equal(trace.layer_outputs[0], layer0)
    upper = forward(stack.cell(1, 0), layer0, h0[2], c0[2])
    np.testing.assert_array_equal(trace.states(1, 0), upper.hidden)
    # final states as torch returns them: forward after T−1, reverse after step 0
    np.testing.assert_array_equal(trace.h_n[2], trace.states(1, 0)[-1])
    np.testing.assert_array_equal(trace.h_n[3], trace.states(1, 1)[0])
    grads = backward(stack, trace, np.ones_like(trace.hidden))
    assert grads.hidden.shape == (4, STEPS, BATCH, SIZE) and grads.norms.shape == (4, STEPS)
    assert np.all(grads.norms > 0)


def test_a_deep_one_way_stack_matches_cells_chained_by_hand() -> None:
    stack = make_cell("rnn", 2, 3, num_layers=3, seed=1)
    xs = np.random.default_rng(2).standard_normal((6, 2))
    trace = forward(stack, xs)
    layer_input = xs
    for layer in range(3):
        layer_input = forward(stack.cell(layer), layer_input).hidden
    np.testing.assert_array_equal(trace.hidden, layer_input)
    assert trace.h_n.shape == (3, 3)


def test_float32_stack_runs_in_float32() -> None:
    stack = make_cell("gru", 2, 3, 2, True, seed=0, dtype=np.float32)
    trace = forward(stack, np.ones((3, 2)))
    grads = backward(stack, trace, np.ones((3, 6)))
    assert trace.hidden.dtype == np.float32 and grads.inputs.dtype == np.float32


def test_bad_input_is_refused_with_a_message() -> None:
    stack = make_cell("lstm", 2, 3, 2, True, seed=0)
    xs = np.zeros((4, 2))
    with pytest.raises(EngineError, match=r"h0.*\(4, 3\)"):
        forward(stack, xs, np.zeros(3))
    with pytest.raises(EngineError, match="xs must have shape"):
        forward(stack, np.zeros((4, 3)))
    with pytest.raises(EngineError, match="empty sequence"):
        forward(stack, np.zeros((0, 2)))
    with pytest.raises(EngineError, match="c0 is only used by the LSTM"):
        forward(make_cell("gru", 2, 3, 2, True), xs, None, np.zeros((4, 3)))
    trace = forward(stack, xs)
    with pytest.raises(EngineError, match="d_hidden"):
        backward(stack, trace, np.zeros((4, 3)))
    with pytest.raises(EngineError, match="d_cell is not taken by a stack"):
        backward(stack, trace, np.zeros((4, 6)), np.zeros((4, 6)))
    with pytest.raises(EngineError, match="trace must come from forward"):
        backward(stack, forward(stack.cell(0), xs), np.zeros((4, 3)))
    stack.load_state_dict({k: v * 0.5 for k, v in stack.state_dict().items()})
    with pytest.raises(EngineError, match="run forward again"):
        backward(stack, trace, np.zeros((4, 6)))
    for layers in (0, 9, True, 1.5):
        with pytest.raises(EngineError, match="num_layers"):
            make_cell("rnn", 2, 3, num_layers=layers)  # type: ignore[call-overload]
    with pytest.raises(EngineError, match="bidirectional must be True or False"):
        make_cell("rnn", 2, 3, num_layers=2, bidirectional="yes")  # type: ignore[call-overload]
    with pytest.raises(EngineError, match="unknown cell kind"):
        make_cell("transformer", 2, 3, num_layers=2)
    with pytest.raises(EngineError, match="no layer 2"):
        trace.states(2, 0)


def test_a_one_way_stack_steps_like_its_forward_pass_and_a_two_way_one_refuses() -> None:
    stack = make_cell("lstm", 2, 3, num_layers=2, seed=6)
    xs = np.random.default_rng(1).standard_normal((5, 2, 2))
    trace = forward(stack, xs)
    state = stack.initial_state(batch=2)
    assert state.h.shape == state.c.shape == (2, 2, 3)
    for t in range(5):
        state, results = stack.step(xs[t], state)
        np.testing.assert_allclose(results[0].h, trace.states(0)[t], rtol=0, atol=1e-14)
        np.testing.assert_allclose(results[-1].h, trace.hidden[t], rtol=0, atol=1e-14)
    np.testing.assert_allclose(state.h, trace.h_n, rtol=0, atol=1e-14)
    np.testing.assert_allclose(state.c, trace.c_n, rtol=0, atol=1e-14)
    two_way = make_cell("gru", 2, 3, bidirectional=True, seed=0)
    with pytest.raises(EngineError, match="a bidirectional stack cannot step"):
        two_way.step(np.zeros(2))


def test_per_cell_measures_ask_for_one_cell_of_a_stack() -> None:
    from rnn_studio.engine import jacobian_norms, set_spectral_radius, spectral_radius

    stack = make_cell("rnn", 2, 3, num_layers=2, bidirectional=True, seed=0)
    trace = forward(stack, np.ones((4, 2)))
    for call in (
        lambda: spectral_radius(stack),
        lambda: set_spectral_radius(stack, 0.5),
        lambda: jacobian_norms(stack, trace),
    ):
        with pytest.raises(EngineError, match=r"stack.cell\(layer, direction\)"):
            call()
    assert spectral_radius(stack.cell(1, 1)) > 0
