"""The Jacobian-norm curve in blocks from the last step back, against the reference cells."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from rnn_studio.engine import (
    forward,
    jacobian_log10_norms,
    jacobian_log10_sweep,
    make_cell,
    reference,
    set_spectral_radius,
)

#: (kind, nonlinearity, ρ of every W_hh block or None, regime the curve must show)
REGIMES = [
    ("rnn", "tanh", 0.3, "vanishing"),
    ("rnn", "relu", 3.0, "exploding"),
    ("rnn", "tanh", None, "either"),
    ("lstm", "tanh", 0.2, "vanishing"),
    ("lstm", "tanh", None, "either"),
    ("gru", "tanh", 0.2, "vanishing"),
    ("gru", "tanh", 4.0, "either"),
]


def reference_log10_norms(cell, xs, nonlinearity: str) -> np.ndarray:
    """log10 ‖∂h_{T-1}/∂h_t‖_F by the reference cells: BPTT of each unit vector e_k."""
    ref_trace = reference.forward(cell.kind, cell.params, xs, None, None, nonlinearity)
    squares = np.zeros(len(xs))
    for k in range(cell.hidden_size):
        d_hidden = np.zeros_like(ref_trace.hidden)
        d_hidden[-1, k] = 1.0
        rows = reference.backward(cell.kind, cell.params, ref_trace, d_hidden, None, nonlinearity)
        squares += np.sum(rows.hidden**2, axis=1)
    return 0.5 * np.log10(squares)


def sweep_curve(cell, trace, block_steps: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The blocks put together, and the (start, stop) of each block in the order yielded."""
    curve = np.full(len(trace), np.nan)
    spans = []
    for block in jacobian_log10_sweep(cell, trace, block_steps=block_steps):
        assert np.isnan(curve[block.start : block.stop]).all(), "a step came twice"
        curve[block.start : block.stop] = block.log10_norms
        spans.append((block.start, block.stop))
    return curve, spans


@pytest.mark.parametrize(("kind", "nonlinearity", "rho", "regime"), REGIMES)
def test_the_blocks_equal_the_reference_curve_to_1e_8_in_log10(kind, nonlinearity, rho, regime):
    rng = np.random.default_rng(7)
    cell = make_cell(kind, 3, 6, rng=rng, nonlinearity=nonlinearity)
    if nonlinearity == "relu":  # every unit active, so the slopes are 1 and nothing dies
        params = dict(cell.params)
        params["bias_ih"] = np.full(6, 2.0)
        params["weight_hh"] = np.abs(params["weight_hh"])
        cell.set_params(params)
    if rho is not None:
        set_spectral_radius(cell, rho)
    xs = rng.normal(size=(60, 3))
    curve, _ = sweep_curve(cell, forward(cell, xs), block_steps=7)
    expected = reference_log10_norms(cell, xs, nonlinearity)
    np.testing.assert_allclose(curve, expected, rtol=0, atol=1e-8)
    span = curve[-1] - curve[0]  # log10 of ‖∂h_L/∂h_L‖ / ‖∂h_L/∂h_0‖
    if regime == "vanishing":
        assert span > 10, span
    elif regime == "exploding":
        assert span < -10, span


@pytest.mark.parametrize("block_steps", [1, 5, 8, 100])
def test_blocks_run_back_from_the_last_step_and_cover_every_step_once(block_steps) -> None:
    cell = make_cell("gru", 2, 5, seed=1)
    trace = forward(cell, np.random.default_rng(1).normal(size=(23, 2)))
    curve, spans = sweep_curve(cell, trace, block_steps)
    assert spans[0][1] == 23 and spans[-1][0] == 0
    assert all(later[1] == earlier[0] for earlier, later in itertools.pairwise(spans))
    assert all(stop - start == block_steps for start, stop in spans[:-1])
    assert curve[-1] == pytest.approx(math.log10(math.sqrt(5)))  # ‖I‖_F
    np.testing.assert_array_equal(curve, jacobian_log10_norms(cell, trace))


@pytest.mark.parametrize(("first", "block_steps"), [(1, 8), (2, 8), (2, 5), (8, 3), (30, 4)])
def test_a_first_block_of_its_own_size_then_the_others(first, block_steps) -> None:
    cell = make_cell("lstm", 2, 5, seed=2)
    trace = forward(cell, np.random.default_rng(2).normal(size=(23, 2)))
    curve = np.full(23, np.nan)
    spans = []
    for block in jacobian_log10_sweep(
        cell, trace, block_steps=block_steps, first_block_steps=first
    ):
        assert np.isnan(curve[block.start : block.stop]).all(), "a step came twice"
        curve[block.start : block.stop] = block.log10_norms
        spans.append((block.start, block.stop))
    assert spans[0] == (max(23 - first, 0), 23) and spans[-1][0] == 0
    assert all(later[1] == earlier[0] for earlier, later in itertools.pairwise(spans))
    assert all(stop - start == block_steps for start, stop in spans[1:-1])
    np.testing.assert_array_equal(curve, jacobian_log10_norms(cell, trace))


def test_values_far_below_the_float64_range_stay_finite_in_log10() -> None:
    cell = make_cell("rnn", 1, 4, seed=0)
    set_spectral_radius(cell, 0.01)
    trace = forward(cell, np.ones((200, 1)))
    curve, _ = sweep_curve(cell, trace, block_steps=16)
    assert np.isfinite(curve).all() and curve[0] < -300


def test_stopping_early_leaves_the_rest_uncomputed() -> None:
    """The work is done block by block: a caller that stops gets only what it asked for."""
    cell = make_cell("lstm", 2, 4, seed=0)
    trace = forward(cell, np.random.default_rng(0).normal(size=(50, 2)))
    sweep = jacobian_log10_sweep(cell, trace, block_steps=10)
    first = next(sweep)
    assert (first.start, first.stop) == (40, 50)
    assert sweep.gi_frame is not None and sweep.gi_frame.f_locals["t"] == 40
    sweep.close()
    np.testing.assert_array_equal(first.log10_norms, jacobian_log10_norms(cell, trace)[40:])


def test_a_block_size_below_one_is_refused() -> None:
    cell = make_cell("rnn", 1, 2, seed=0)
    trace = forward(cell, np.ones((3, 1)))
    with pytest.raises(ValueError, match="block_steps"):
        next(jacobian_log10_sweep(cell, trace, block_steps=0))
    with pytest.raises(ValueError, match="first_block_steps"):
        next(jacobian_log10_sweep(cell, trace, first_block_steps=0))


THIN_CASES = {
    "rnn": {},
    "rnn exploding": {"nonlinearity": "relu", "spectral_radius": 3.0},
    "lstm": {},
    "lstm long memory": {"forget_bias": 4.0},
    "gru": {},
    "gru rho 3": {"spectral_radius": 3.0},
    "rnn non-normal": {"recurrent": "non-normal"},
}


@pytest.mark.parametrize("name", list(THIN_CASES))
def test_the_thin_basis_equals_the_whole_product_to_1e_8_in_log10(name, monkeypatch) -> None:
    """On a thin basis (directions below 1e-14 of the largest dropped, probes guarding what
    was dropped) the curve is the whole product's, in vanishing, exploding and non-normal
    regimes; the non-normal W_hh amplifies what was dropped and makes it fall back."""
    from rnn_studio.engine import jacobian_sweep
    from rnn_studio.studio_core.recipe import studio_cell

    kind = name.split()[0]
    rows_kept: list[int] = []
    fallbacks: list[int] = []
    thin, whole = jacobian_sweep._thin, jacobian_sweep._whole_values

    def recording_thin(dh, dc, tolerance, rng):
        dh, dc = thin(dh, dc, tolerance, rng)
        rows_kept.append(dh.shape[0] - jacobian_sweep.PROBES)
        return dh, dc

    def recording_whole(*args):
        fallbacks.append(1)
        return whole(*args)

    monkeypatch.setattr(jacobian_sweep, "_thin", recording_thin)
    cell = studio_cell(kind, 1, 48, 0, **THIN_CASES[name])
    xs = np.sin(np.arange(300) / 5.0)[:, None] + 0.1
    trace = forward(cell, xs)
    expected = jacobian_log10_norms(cell, trace)
    monkeypatch.setattr(jacobian_sweep, "_whole_values", recording_whole)
    curve = np.full(300, np.nan)
    for block in jacobian_log10_sweep(
        cell, trace, block_steps=16, rank_tolerance=jacobian_sweep.RANK_TOLERANCE
    ):
        curve[block.start : block.stop] = block.log10_norms
    np.testing.assert_allclose(curve, expected, rtol=0, atol=1e-8)
    if name == "rnn non-normal":
        assert fallbacks == [1]
    else:
        assert not fallbacks
        if name != "lstm long memory":  # a forget gate near 1 keeps almost every direction
            assert min(rows_kept) < 48 / 2, rows_kept  # it did get thin
            assert np.ptp(expected) > 4  # far from flat


def test_a_batched_trace_keeps_the_whole_product() -> None:
    cell = make_cell("lstm", 2, 5, seed=3)
    trace = forward(cell, np.random.default_rng(3).normal(size=(40, 2, 2)))
    curve, _ = sweep_curve(cell, trace, block_steps=40)
    thin = np.concatenate(
        [b.log10_norms for b in jacobian_log10_sweep(cell, trace, rank_tolerance=1e-14)][::-1]
    )
    np.testing.assert_array_equal(thin, curve)
