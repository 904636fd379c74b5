"""Backpropagation through time against central differences, every gradient, float64."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine import (
    EngineError,
    backward,
    blocks,
    forward,
    gradient_check,
    make_cell,
    self_check,
)
from rnn_studio.engine.gradcheck import relative_error

VARIANTS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


@pytest.mark.parametrize(("kind", "nonlinearity"), VARIANTS)
@pytest.mark.parametrize("batch", [None, 2])
def test_every_gradient_matches_central_differences(
    kind: str, nonlinearity: str, batch: int | None
) -> None:
    rng = np.random.default_rng(11)
    cell = make_cell(kind, 3, 4, rng=rng, nonlinearity=nonlinearity)
    lead = (6,) if batch is None else (6, batch)
    xs = rng.standard_normal((*lead, 3))
    h0 = 0.5 * rng.standard_normal((*lead[1:], 4))
    c0 = 0.5 * rng.standard_normal((*lead[1:], 4)) if kind == "lstm" else None
    errors = gradient_check(cell, xs, h0, c0, rng=rng)
    expected = {"weight_ih", "weight_hh", "bias_ih", "bias_hh", "inputs", "h0"}
    if kind == "lstm":
        expected.add("c0")
    assert set(errors) == expected
    assert max(errors.values()) < 1e-6, errors


def test_gradient_check_detects_a_wrong_gradient(monkeypatch: pytest.MonkeyPatch) -> None:
    cell = make_cell("rnn", 2, 3, seed=0)
    original = type(cell)._backward_sequence

    def broken(self, trace, d_hidden, d_cell):
        record = original(self, trace, d_hidden, d_cell)
        record.params["weight_hh"][0, 0] += 0.1
        return record

    monkeypatch.setattr(type(cell), "_backward_sequence", broken)
    errors = gradient_check(cell, np.ones((4, 2)))
    assert errors["weight_hh"] > 1e-3
    assert errors["weight_ih"] < 1e-6


def test_self_check_reports_every_cell() -> None:
    worst = self_check()
    assert set(worst) == {"rnn-tanh", "rnn-relu", "lstm", "gru", "lstm-2-layers-bidirectional"}
    assert max(worst.values()) < 1e-6


def test_relative_error_scale() -> None:
    a = np.array([1.0, 2.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == pytest.approx(2.0)


def test_gradient_check_needs_float64() -> None:
    cell = make_cell("rnn", 1, 1, seed=0, dtype=np.float32)
    with pytest.raises(EngineError, match="float64"):
        gradient_check(cell, np.ones((2, 1)))


def test_gradient_check_leaves_cell_unchanged() -> None:
    cell = make_cell("lstm", 2, 2, seed=0)
    before = cell.state_dict()
    gradient_check(cell, np.ones((3, 2)))
    assert all(np.array_equal(before[k], v) for k, v in cell.state_dict().items())
    forward(cell, np.ones((3, 2)))  # still usable


@pytest.mark.parametrize(("kind", "nonlinearity"), VARIANTS)
@pytest.mark.parametrize("chunk_entries", [1, 40])
def test_blockwise_backpropagation_matches_one_block(
    kind: str, nonlinearity: str, chunk_entries: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BPTT runs through time in cache-sized blocks; the block size must not change a thing."""
    rng = np.random.default_rng(8)
    cell = make_cell(kind, 3, 4, rng=rng, nonlinearity=nonlinearity)
    xs = rng.standard_normal((13, 2, 3))
    trace = forward(cell, xs)
    d_hidden = rng.standard_normal(trace.hidden.shape)
    d_cell = None if kind != "lstm" else rng.standard_normal(trace.cell_state.shape)
    whole = backward(cell, trace, d_hidden, d_cell)
    monkeypatch.setattr(blocks, "CHUNK_ENTRIES", chunk_entries)
    assert len(blocks.time_chunks(13, 2 * 4 * cell.gate_count)) > 1
    blockwise = backward(cell, trace, d_hidden, d_cell)
    for name in whole.params:
        np.testing.assert_allclose(
            blockwise.params[name], whole.params[name], rtol=1e-12, atol=1e-13
        )
    for name in ("inputs", "h0", "c0", "hidden"):
        expected = getattr(whole, name)
        if expected is not None:
            np.testing.assert_allclose(getattr(blockwise, name), expected, rtol=1e-12, atol=1e-13)
    errors = gradient_check(cell, xs[:7], rng=rng)
    assert max(errors.values()) < 1e-6, errors
