"""The engine against PyTorch, to 1e-10 in float64, from fixtures (torch is not imported).

Regenerate the fixtures with ``tests/fixtures/make_torch_fixtures.py`` (needs torch).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_studio.engine import backward, forward, make_cell

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(FIXTURES.glob("torch_*.npz"))
TOLERANCE = 1e-10


def load(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def cell_for(path: Path, fixture: dict[str, np.ndarray]):
    name = path.stem.removeprefix("torch_").rsplit("_", 1)[0]
    kind, _, nonlinearity = name.partition("_")
    hidden_size, input_size = fixture["weight_hh_l0"].shape[1], fixture["weight_ih_l0"].shape[1]
    cell = make_cell(kind, input_size, hidden_size, seed=0, nonlinearity=nonlinearity or "tanh")
    cell.load_state_dict({k: fixture[k] for k in cell.state_dict()})
    return cell


def assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    assert actual.shape == expected.shape, what
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE, err_msg=what)


def test_every_cell_and_layout_has_a_fixture() -> None:
    names = {path.stem for path in CASES}
    expected = {
        f"torch_{cell}_{layout}"
        for cell in ("rnn_tanh", "rnn_relu", "lstm", "gru")
        for layout in ("single", "batch")
    }
    assert names == expected


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_forward_states_and_gates_match_torch(path: Path) -> None:
    fixture = load(path)
    cell = cell_for(path, fixture)
    trace = forward(cell, fixture["xs"], fixture["h0"], fixture.get("c0"))
    assert_close(trace.hidden, fixture["hidden"], "hidden")
    if cell.kind == "lstm":
        assert_close(trace.cell_state, fixture["cell_state"], "cell_state")
    for key, expected in fixture.items():
        if key.startswith("gate_"):
            assert_close(trace.gates[key.removeprefix("gate_")], expected, key)
        if key.startswith("pre_"):
            assert_close(trace.pre[key.removeprefix("pre_")], expected, key)
    gate_keys = {k.removeprefix("gate_") for k in fixture if k.startswith("gate_")}
    assert gate_keys == set(cell.gate_names)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_gradients_match_torch(path: Path) -> None:
    fixture = load(path)
    cell = cell_for(path, fixture)
    trace = forward(cell, fixture["xs"], fixture["h0"], fixture.get("c0"))
    d_cell = None
    if cell.kind == "lstm":
        d_cell = np.zeros_like(trace.cell_state)
        d_cell[-1] = fixture["d_cell_last"]
    grads = backward(cell, trace, fixture["d_hidden"], d_cell)
    for name, grad in grads.params.items():
        assert_close(grad, fixture[f"grad_{name}_l0"], name)
    assert_close(grads.inputs, fixture["grad_xs"], "inputs")
    assert_close(grads.h0, fixture["grad_h0"], "h0")
    if cell.kind == "lstm":
        assert_close(grads.c0, fixture["grad_c0"], "c0")
    loss = np.sum(fixture["d_hidden"] * trace.hidden)
    if d_cell is not None:
        loss += np.sum(d_cell * trace.cell_state)
    assert abs(loss - fixture["loss"]) < TOLERANCE


def test_parity_tests_do_not_import_torch() -> None:
    assert "torch" not in sys.modules
