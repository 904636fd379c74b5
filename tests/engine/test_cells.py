"""Cells: PyTorch layout and initialisation, parameters, state dicts and single steps."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine import (
    CELL_KINDS,
    GATE_LABELS,
    EngineError,
    State,
    forward,
    make_cell,
)

GATES = {"rnn": (), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}
VARIANTS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_params_have_pytorch_names_shapes_and_init_range(kind: str) -> None:
    cell = make_cell(kind, input_size=3, hidden_size=16, seed=1)
    rows = BLOCKS[kind] * 16
    assert cell.kind == kind and cell.input_size == 3 and cell.hidden_size == 16
    assert cell.gate_names == GATES[kind]
    assert cell.dtype == np.float64
    shapes = {name: value.shape for name, value in cell.params.items()}
    assert shapes == {
        "weight_ih": (rows, 3),
        "weight_hh": (rows, 16),
        "bias_ih": (rows,),
        "bias_hh": (rows,),
    }
    bound = 1 / np.sqrt(16)
    everything = np.concatenate([v.ravel() for v in cell.params.values()])
    assert np.all(np.abs(everything) <= bound)
    # U(-1/sqrt(H), 1/sqrt(H)) has mean 0 and standard deviation bound/sqrt(3).
    assert abs(everything.mean()) < 0.1 * bound
    assert abs(everything.std() - bound / np.sqrt(3)) < 0.1 * bound


def test_gate_labels_cover_every_gate() -> None:
    for kind in CELL_KINDS:
        cell = make_cell(kind, 2, 3, seed=0)
        assert all(name in GATE_LABELS for name in cell.gate_names)
    assert GATE_LABELS["f"] == "forget" and GATE_LABELS["z"] == "update"


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_same_seed_same_weights_and_rng_works(kind: str) -> None:
    a = make_cell(kind, 4, 5, seed=7)
    b = make_cell(kind, 4, 5, seed=7)
    c = make_cell(kind, 4, 5, rng=np.random.default_rng(7))
    d = make_cell(kind, 4, 5, seed=8)
    for name in a.params:
        assert np.array_equal(a.params[name], b.params[name])
        assert np.array_equal(a.params[name], c.params[name])
        assert not np.array_equal(a.params[name], d.params[name])


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_state_dict_round_trip_uses_pytorch_names(kind: str) -> None:
    source = make_cell(kind, 3, 4, seed=1)
    target = make_cell(kind, 3, 4, seed=2)
    state = source.state_dict()
    assert set(state) == {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}
    target.load_state_dict(state)
    for name in source.params:
        assert np.array_equal(source.params[name], target.params[name])
    state["weight_hh_l0"][:] = 0  # the state dict is a copy
    assert np.any(source.params["weight_hh"] != 0)


def test_params_are_read_only_and_set_params_copies() -> None:
    cell = make_cell("rnn", 2, 3, seed=0)
    with pytest.raises(ValueError, match="read-only"):
        cell.params["weight_hh"][0, 0] = 1.0
    new = {name: np.ones_like(value) for name, value in cell.params.items()}
    cell.set_params(new)
    new["weight_hh"][:] = 5.0
    assert np.all(cell.params["weight_hh"] == 1.0)


@pytest.mark.parametrize(("kind", "nonlinearity"), VARIANTS)
def test_set_params_invalidates_cached_constants(kind: str, nonlinearity: str) -> None:
    cell = make_cell(kind, 2, 3, seed=0, nonlinearity=nonlinearity)
    x = np.array([0.5, -1.0])
    _, before = cell.step(x)
    params = cell.params
    params["weight_ih"] = params["weight_ih"] * 2.0
    cell.set_params(params)
    _, after = cell.step(x)
    rebuilt = make_cell(kind, 2, 3, seed=1, nonlinearity=nonlinearity)
    rebuilt.set_params(params)
    _, expected = rebuilt.step(x)
    assert not np.allclose(before.h, after.h)
    assert np.array_equal(after.h, expected.h)


@pytest.mark.parametrize(("kind", "nonlinearity"), VARIANTS)
@pytest.mark.parametrize("batch", [None, 3])
def test_stepping_t_times_equals_forward(kind: str, nonlinearity: str, batch: int | None) -> None:
    rng = np.random.default_rng(5)
    cell = make_cell(kind, 3, 6, rng=rng, nonlinearity=nonlinearity)
    lead = (9,) if batch is None else (9, batch)
    xs = rng.standard_normal((*lead, 3))
    state = State(0.3 * rng.standard_normal((*lead[1:], 6)))
    if kind == "lstm":
        state = State(state.h, 0.3 * rng.standard_normal((*lead[1:], 6)))
    trace = forward(cell, xs, state.h, state.c)
    for t, x_t in enumerate(xs):
        state, step = cell.step(x_t, state)
        recorded = trace.step(t)
        np.testing.assert_allclose(step.h, recorded.h, rtol=0, atol=1e-13)
        np.testing.assert_allclose(state.h, trace.hidden[t], rtol=0, atol=1e-13)
        if kind == "lstm":
            np.testing.assert_allclose(step.c, recorded.c, rtol=0, atol=1e-13)
        else:
            assert step.c is None and state.c is None
        assert set(step.gates) == set(cell.gate_names) == set(recorded.gates)
        assert set(step.pre) == set(recorded.pre)
        for name in step.gates:
            np.testing.assert_allclose(step.gates[name], recorded.gates[name], atol=1e-13)
        for name in step.pre:
            np.testing.assert_allclose(step.pre[name], recorded.pre[name], atol=1e-13)


def test_rnn_step_equations_by_hand() -> None:
    cell = make_cell("rnn", 2, 3, seed=0)
    p = cell.params
    x, h = np.array([0.2, -0.7]), np.array([0.1, 0.0, -0.3])
    a = p["weight_ih"] @ x + p["bias_ih"] + p["weight_hh"] @ h + p["bias_hh"]
    state, step = cell.step(x, State(h))
    np.testing.assert_allclose(step.pre["h"], a, atol=1e-15)
    np.testing.assert_allclose(state.h, np.tanh(a), atol=1e-15)
    relu = make_cell("rnn", 2, 3, seed=0, nonlinearity="relu")
    np.testing.assert_allclose(relu.step(x, State(h))[0].h, np.maximum(a, 0), atol=1e-15)


def test_lstm_and_gru_step_equations_by_hand() -> None:
    def sig(a):
        return 1 / (1 + np.exp(-a))

    x, h, c = np.array([0.4, -0.2]), np.array([0.3, -0.1]), np.array([0.5, 0.2])
    lstm = make_cell("lstm", 2, 2, seed=3)
    p = lstm.params
    a = p["weight_ih"] @ x + p["bias_ih"] + p["weight_hh"] @ h + p["bias_hh"]
    i, f, g, o = sig(a[0:2]), sig(a[2:4]), np.tanh(a[4:6]), sig(a[6:8])
    c_new = f * c + i * g
    state, step = lstm.step(x, State(h, c))
    np.testing.assert_allclose(state.c, c_new, atol=1e-15)
    np.testing.assert_allclose(state.h, o * np.tanh(c_new), atol=1e-15)
    np.testing.assert_allclose(step.gates["f"], f, atol=1e-15)

    gru = make_cell("gru", 2, 2, seed=3)
    p = gru.params
    gi = p["weight_ih"] @ x + p["bias_ih"]
    gh = p["weight_hh"] @ h + p["bias_hh"]
    r, z = sig(gi[0:2] + gh[0:2]), sig(gi[2:4] + gh[2:4])
    n = np.tanh(gi[4:6] + r * gh[4:6])  # reset applied to (W_hn h + b_hn), as PyTorch
    state, step = gru.step(x, State(h))
    np.testing.assert_allclose(state.h, (1 - z) * n + z * h, atol=1e-15)
    np.testing.assert_allclose(step.pre["hn"], gh[4:6], atol=1e-15)


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_initial_state_shapes(kind: str) -> None:
    cell = make_cell(kind, 2, 5, seed=0)
    single, batch = cell.initial_state(), cell.initial_state(batch=4)
    assert single.h.shape == (5,) and batch.h.shape == (4, 5)
    assert not single.h.any()
    if kind == "lstm":
        assert single.c.shape == (5,) and batch.c.shape == (4, 5)
    else:
        assert single.c is None and batch.c is None


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_step_returns_fresh_arrays(kind: str) -> None:
    cell = make_cell(kind, 2, 3, seed=0)
    state, first = cell.step(np.ones(2))
    kept = first.h.copy()
    cell.step(np.zeros(2), state)
    assert np.array_equal(first.h, kept)


@pytest.mark.parametrize(("kind", "nonlinearity"), VARIANTS)
def test_float32_option_stays_float32_and_close_to_float64(kind: str, nonlinearity: str) -> None:
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((20, 2, 3))
    wide = make_cell(kind, 3, 8, seed=4, nonlinearity=nonlinearity)
    narrow = make_cell(kind, 3, 8, seed=4, nonlinearity=nonlinearity, dtype=np.float32)
    trace32 = forward(narrow, xs)
    assert trace32.hidden.dtype == np.float32
    assert all(v.dtype == np.float32 for v in narrow.params.values())
    np.testing.assert_allclose(trace32.hidden, forward(wide, xs).hidden, atol=1e-5)
    state, step = narrow.step(xs[0])
    assert state.h.dtype == np.float32 and step.h.dtype == np.float32


def test_copy_is_independent() -> None:
    cell = make_cell("gru", 2, 3, seed=0)
    twin = cell.copy()
    params = cell.params
    params["bias_hh"] = params["bias_hh"] + 1.0
    twin.set_params(params)
    assert not np.array_equal(cell.params["bias_hh"], twin.params["bias_hh"])
    assert twin.kind == "gru" and twin.hidden_size == 3


def test_make_cell_accepts_upper_case_kind() -> None:
    assert make_cell("LSTM", 1, 1, seed=0).kind == "lstm"


def test_repr_names_the_cell() -> None:
    assert "hidden_size=4" in repr(make_cell("rnn", 2, 4, seed=0, nonlinearity="relu"))


def test_unknown_kind_message_lists_choices() -> None:
    with pytest.raises(EngineError, match=r"unknown cell kind 'transformer'.*rnn, lstm, gru"):
        make_cell("transformer", 2, 2)


class ArrayLike:
    """Stands in for a CPU torch tensor: NumPy reads it through ``__array__``."""

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self.values if dtype is None else self.values.astype(dtype)


def test_load_state_dict_reads_array_likes_such_as_tensors() -> None:
    source = make_cell("lstm", 2, 3, seed=4)
    target = make_cell("lstm", 2, 3, seed=5)
    target.load_state_dict({k: ArrayLike(v) for k, v in source.state_dict().items()})
    assert all(np.array_equal(source.params[k], v) for k, v in target.params.items())
