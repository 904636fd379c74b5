"""Stacked and bidirectional stacks against PyTorch, to 1e-10 in float64 (torch not imported).

The fixtures (``tests/fixtures/stacks/``) come from ``torch.nn.RNN/LSTM/GRU(num_layers=L,
bidirectional=...)`` through ``tests/fixtures/make_torch_fixtures.py --stacks``. Both the
engine's stack and the plain reference oracle (``engine/reference.py``) are checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_studio.engine import CellStack, backward, forward, make_cell, reference

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stacks"
CASES = sorted(FIXTURES.glob("torch_*.npz"))
TOLERANCE = 1e-10


def load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def describe(path: Path) -> tuple[str, str, int, bool]:
    """(kind, nonlinearity, num_layers, bidirectional) from ``torch_<cell>_l<L>_<bi|uni>_*``."""
    name, layers, way, _layout = path.stem.removeprefix("torch_").rsplit("_", 3)
    kind, _, nonlinearity = name.partition("_")
    return kind, nonlinearity or "tanh", int(layers.removeprefix("l")), way == "bi"


def param_names(fixture: dict[str, np.ndarray]) -> list[str]:
    """The module's state_dict names, in the order torch wrote them."""
    return [k for k in fixture if k.startswith(("weight_", "bias_"))]


def stack_for(path: Path, fixture: dict[str, np.ndarray]) -> CellStack:
    kind, nonlinearity, layers, bidirectional = describe(path)
    size, inputs = fixture["weight_hh_l0"].shape[1], fixture["weight_ih_l0"].shape[1]
    stack = make_cell(kind, inputs, size, layers, bidirectional, seed=0, nonlinearity=nonlinearity)
    assert isinstance(stack, CellStack)
    stack.load_state_dict({k: fixture[k] for k in param_names(fixture)})
    return stack


def assert_close(actual: np.ndarray | None, expected: np.ndarray, what: str) -> None:
    assert actual is not None, what
    assert actual.shape == expected.shape, what
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE, err_msg=what)


def test_every_cell_has_two_layer_bidirectional_fixtures() -> None:
    names = {path.stem for path in CASES}
    for cell in ("rnn_tanh", "rnn_relu", "lstm", "gru"):
        for layout in ("single", "batch"):
            assert f"torch_{cell}_l2_bi_{layout}" in names
    assert "torch_lstm_l3_uni_batch" in names and "torch_gru_l1_bi_single" in names


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_state_dict_names_and_order_are_torch_s(path: Path) -> None:
    fixture = load(path)
    stack = stack_for(path, fixture)
    assert list(stack.state_dict()) == param_names(fixture)
    for name, value in stack.state_dict().items():
        assert_close(value, fixture[name], name)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_forward_matches_torch_output_final_states_and_every_layer(path: Path) -> None:
    fixture = load(path)
    stack = stack_for(path, fixture)
    trace = forward(stack, fixture["xs"], fixture["h0"], fixture.get("c0"))
    assert_close(trace.hidden, fixture["output"], "output")
    assert_close(trace.h_n, fixture["h_n"], "h_n")
    if stack.kind == "lstm":
        assert_close(trace.c_n, fixture["c_n"], "c_n")
    assert len(trace.layer_outputs) == stack.num_layers
    size = stack.hidden_size
    for layer, output in enumerate(trace.layer_outputs):
        expected = fixture[f"layer{layer}_output"]
        assert_close(output, expected, f"layer {layer} output")
        for direction in range(stack.num_directions):  # what the studio's rows show
            block = expected[..., direction * size : (direction + 1) * size]
            assert_close(trace.states(layer, direction), block, f"states({layer}, {direction})")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_gradients_match_torch(path: Path) -> None:
    fixture = load(path)
    stack = stack_for(path, fixture)
    trace = forward(stack, fixture["xs"], fixture["h0"], fixture.get("c0"))
    grads = backward(stack, trace, fixture["d_hidden"])
    assert list(grads.params) == param_names(fixture)
    for name, grad in grads.params.items():
        assert_close(grad, fixture[f"grad_{name}"], name)
    assert_close(grads.inputs, fixture["grad_xs"], "inputs")
    assert_close(grads.h0, fixture["grad_h0"], "h0")
    if stack.kind == "lstm":
        assert_close(grads.c0, fixture["grad_c0"], "c0")
    else:
        assert grads.c0 is None
    assert abs(np.sum(fixture["d_hidden"] * trace.hidden) - fixture["loss"]) < TOLERANCE


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_reference_oracle_matches_torch(path: Path) -> None:
    fixture = load(path)
    kind, nonlinearity, layers, bidirectional = describe(path)
    traces = reference.stack_forward(
        kind, fixture, fixture["xs"], fixture["h0"], fixture.get("c0"), layers, bidirectional,
        nonlinearity,
    )  # fmt: skip
    for layer, row in enumerate(traces):
        expected = fixture[f"layer{layer}_output"]
        assert_close(reference.stack_output(row), expected, f"layer {layer}")
    grads, d_xs, d_h0, d_c0 = reference.stack_backward(
        kind, fixture, traces, fixture["d_hidden"], nonlinearity
    )
    for name in param_names(fixture):
        assert_close(grads[name], fixture[f"grad_{name}"], name)
    assert_close(d_xs, fixture["grad_xs"], "inputs")
    assert_close(d_h0, fixture["grad_h0"], "h0")
    if kind == "lstm":
        assert_close(d_c0, fixture["grad_c0"], "c0")


def test_parity_tests_do_not_import_torch() -> None:
    assert "torch" not in sys.modules
