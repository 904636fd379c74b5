"""Bad input raises one clear EngineError (a ValueError) naming the problem."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine import EngineError, State, backward, forward, make_cell


def raises(pattern: str):
    return pytest.raises(EngineError, match=pattern)


def test_engine_error_is_a_value_error() -> None:
    assert issubclass(EngineError, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"kind": "elman"}, "unknown cell kind 'elman'"),
        ({"kind": 3}, "unknown cell kind 3"),
        ({"input_size": 0}, "input_size must be a positive integer, got 0"),
        ({"hidden_size": -2}, "hidden_size must be a positive integer, got -2"),
        ({"hidden_size": 2.5}, "hidden_size must be a positive integer, got 2.5"),
        ({"hidden_size": True}, "hidden_size must be a positive integer"),
        ({"dtype": np.int32}, "dtype must be float64 or float32, got int32"),
        ({"dtype": "banana"}, "dtype must be float64 or float32"),
        ({"kind": "lstm", "nonlinearity": "relu"}, "not available for the lstm cell"),
        ({"nonlinearity": "sigmoid"}, "nonlinearity must be 'tanh' or 'relu'"),
        ({"seed": 1, "rng": np.random.default_rng(1)}, "either seed or rng"),
        ({"seed": "x"}, "seed must be an integer"),
        ({"rng": 5}, "rng must be a numpy.random.Generator"),
    ],
)
def test_make_cell_refuses(kwargs: dict, pattern: str) -> None:
    arguments = {"kind": "rnn", "input_size": 2, "hidden_size": 3} | kwargs
    kind = arguments.pop("kind")
    with raises(pattern):
        make_cell(kind, **arguments)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_forward_refuses_bad_sequences(kind: str) -> None:
    cell = make_cell(kind, 2, 3, seed=0)
    with raises(r"xs must have shape \(T, 2\) or \(T, B, 2\), got \(4, 5\)"):
        forward(cell, np.zeros((4, 5)))
    with raises(r"xs must have shape .* got \(2,\)"):
        forward(cell, np.zeros(2))
    with raises(r"got \(1, 2, 3, 2\)"):
        forward(cell, np.zeros((1, 2, 3, 2)))
    with raises("empty sequence"):
        forward(cell, np.zeros((0, 2)))
    with raises("batch of 0 sequences"):
        forward(cell, np.zeros((3, 0, 2)))
    with raises(r"xs contains NaN or infinity at index \(1, 0\)"):
        forward(cell, [[0.0, 0.0], [np.nan, 1.0]])
    with raises("xs contains NaN or infinity"):
        forward(cell, np.full((2, 2), np.inf))
    with raises("xs must hold numbers"):
        forward(cell, [["a", "b"]])
    with raises("xs must hold real numbers"):
        forward(cell, np.zeros((2, 2), dtype=complex))
    with raises(r"h0 must have shape \(3,\), got \(4,\)"):
        forward(cell, np.zeros((2, 2)), h0=np.zeros(4))
    with raises(r"h0 must have shape \(5, 3\)"):
        forward(cell, np.zeros((2, 5, 2)), h0=np.zeros(3))
    with raises("h0 contains NaN"):
        forward(cell, np.zeros((2, 2)), h0=[0.0, np.nan, 0.0])
    with raises("cell must be made by make_cell"):
        forward("lstm", np.zeros((2, 2)))  # type: ignore[arg-type]


def test_c0_is_lstm_only_and_checked() -> None:
    with raises("c0 is only used by the LSTM, not the gru cell"):
        forward(make_cell("gru", 1, 2, seed=0), np.zeros((2, 1)), c0=np.zeros(2))
    lstm = make_cell("lstm", 1, 2, seed=0)
    with raises(r"c0 must have shape \(2,\), got \(3,\)"):
        forward(lstm, np.zeros((2, 1)), c0=np.zeros(3))
    with raises("c0 contains NaN or infinity"):
        forward(lstm, np.zeros((2, 1)), c0=[np.inf, 0.0])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_step_refuses_bad_input(kind: str) -> None:
    cell = make_cell(kind, 2, 3, seed=0)
    with raises(r"x_t must have shape \(2,\) or \(batch, 2\), got \(3,\)"):
        cell.step(np.zeros(3))
    with raises("x_t contains NaN"):
        cell.step([np.nan, 0.0])
    with raises(r"state.h must have shape \(3,\), got \(2, 3\)"):
        cell.step(np.zeros(2), State(np.zeros((2, 3)), cell.initial_state(2).c))
    with raises("state must be a State"):
        cell.step(np.zeros(2), np.zeros(3))  # type: ignore[arg-type]


def test_backward_refuses_bad_upstream_gradients() -> None:
    cell = make_cell("lstm", 2, 3, seed=0)
    trace = forward(cell, np.zeros((4, 2)))
    with raises(r"d_hidden must have the trace's shape \(4, 3\), got \(3, 3\)"):
        backward(cell, trace, np.zeros((3, 3)))
    with raises("d_hidden contains NaN"):
        backward(cell, trace, np.full((4, 3), np.nan))
    with raises(r"d_cell must have the trace's shape \(4, 3\)"):
        backward(cell, trace, np.zeros((4, 3)), np.zeros(3))
    with raises("trace must come from forward"):
        backward(cell, {"hidden": 1}, np.zeros((4, 3)))  # type: ignore[arg-type]
    rnn = make_cell("rnn", 2, 3, seed=0)
    with raises("d_cell is only used by the LSTM"):
        backward(rnn, forward(rnn, np.zeros((4, 2))), np.zeros((4, 3)), np.zeros((4, 3)))


def test_set_params_and_load_state_dict_refuse_bad_values() -> None:
    cell = make_cell("gru", 2, 3, seed=0)
    good = cell.params
    with raises(r"missing \['bias_hh'\], unknown \['bias'\]"):
        cell.set_params({**{k: v for k, v in good.items() if k != "bias_hh"}, "bias": 0})
    with raises(r"weight_hh must have shape \(9, 3\), got \(3, 3\)"):
        cell.set_params({**good, "weight_hh": np.zeros((3, 3))})
    with raises("bias_ih contains NaN or infinity"):
        cell.set_params({**good, "bias_ih": np.full(9, np.nan)})
    with raises("params must be a mapping"):
        cell.set_params([1, 2])  # type: ignore[arg-type]
    state = cell.state_dict()
    with raises(r"unknown keys \['weight_ih_l1'\]"):
        cell.load_state_dict({**state, "weight_ih_l1": state["weight_ih_l0"]})
    with raises(r"missing \['bias_hh_l0'\]"):
        cell.load_state_dict({k: v for k, v in state.items() if k != "bias_hh_l0"})
    assert all(np.array_equal(good[k], v) for k, v in cell.params.items())  # unchanged


def test_initial_state_refuses_bad_batch() -> None:
    with raises("batch must be a positive integer"):
        make_cell("rnn", 1, 1, seed=0).initial_state(batch=0)
