"""What the gradient panel's numbers mean, computed again from the engine (issue 11, 1 and 5).

Norm clipping is one factor c/‖∂L/∂W‖ for the whole gradient, so every step's ‖∂L/∂h_t‖
shrinks by that factor and the ratios between steps are kept; overflow is reported with a
verdict that fits the state, never raised.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.learn.content import load_demos
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup

LONG_TEXT = ("the quick brown fox jumps over the lazy dog. " * 30)[:1000]


def _weight_gradient(setup: DemoSetup) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Weight gradients and per-step norms of the studio's loss u·h_L, from the engine."""
    session = StudioSession(setup)
    cell_run = session.run.primary
    trace = cell_run.trace
    d_hidden = np.zeros(trace.hidden.shape)
    d_hidden[-1] = 1.0 / math.sqrt(trace.hidden.shape[-1])
    grads = engine.backward(cell_run.cell, trace, d_hidden)
    return grads.params, np.asarray(grads.norms)


def _norm(arrays: dict[str, np.ndarray]) -> float:
    """‖g‖ over all arrays, scaled so that 1e200-sized entries do not overflow."""
    flat = np.concatenate([np.ravel(a) for a in arrays.values()])
    scale = np.abs(flat).max()
    return float(scale * np.linalg.norm(flat / scale))


def test_clipping_demo_scales_every_step_by_one_factor() -> None:
    setup = load_demos()["clipping"].setup
    params, norms = _weight_gradient(setup)
    report = StudioSession(setup).gradients["rnn"]
    loss_step = report.loss_step
    expected_factor = setup.clip / _norm(params)
    assert report.clip_factor == pytest.approx(expected_factor, rel=1e-12)
    assert report.param_norm_before == pytest.approx(_norm(params), rel=1e-12)
    assert report.param_norm_after == pytest.approx(setup.clip, rel=1e-12)
    shown = report.clipped_norms[: loss_step + 1]
    np.testing.assert_allclose(shown, norms * expected_factor, rtol=1e-12)
    # The early/late ratio is the unclipped one (2.6·10⁶ for this demo), not a flat line.
    ratio = shown[0] / shown[loss_step]
    assert ratio == pytest.approx(norms[0] / norms[loss_step], rel=1e-12)
    assert 2.5e6 < ratio < 2.7e6
    assert np.ptp(np.log10(shown)) > 6


def test_clipping_below_the_threshold_changes_nothing() -> None:
    setup = DemoSetup(text="abcabc", hidden_size=8, spectral_radius=0.5, backprop=True, clip=1e5)
    report = StudioSession(setup).gradients["rnn"]
    assert report.clip_factor == 1.0
    np.testing.assert_array_equal(report.clipped_norms, report.grad_norms)


def test_relu_rho_2_on_1000_characters_is_computed_not_raised() -> None:
    setup = DemoSetup(
        text=LONG_TEXT, hidden_size=64, nonlinearity="relu", spectral_radius=2.0, backprop=True
    )
    params, norms = _weight_gradient(setup)
    assert np.abs(np.concatenate([p.ravel() for p in params.values()])).max() > 1e154
    session = StudioSession(setup)
    report = session.gradients["rnn"]
    assert report.param_norm_before == pytest.approx(_norm(params), rel=1e-12)
    assert report.verdict.label == "exploding" and not report.verdict.nonfinite
    np.testing.assert_allclose(report.grad_norms, norms, rtol=1e-12)


@pytest.mark.parametrize("clip", [None, 1.0])
def test_overflow_verdict_fits_the_state(clip: float | None) -> None:
    setup = DemoSetup(
        text=LONG_TEXT,
        hidden_size=64,
        nonlinearity="relu",
        spectral_radius=5.0,
        backprop=True,
        clip=clip,
    )
    session = StudioSession(setup)
    cell_run = session.run.primary
    report = session.gradients["rnn"]
    verdict = report.verdict
    assert verdict.nonfinite and verdict.label == "exploding"
    text = verdict.describe()
    assert text.startswith("Overflowed")
    assert f"t = {cell_run.first_nonfinite_step}" in text  # the forward overflow step
    assert "1 → 1" not in text and "×1 " not in text
    if clip is None:
        assert "clipping" not in text.lower()
        assert report.clip_factor == 1.0
    else:
        assert "turn on clipping" not in text.lower()
        assert "Clipping cannot rescale" in text
        assert math.isnan(report.clip_factor)
        assert not np.isfinite(report.param_norm_after)


def test_surprise_demo_grows_then_fades_in_the_studio() -> None:
    setup = load_demos()["surprise"].setup
    session = StudioSession(setup)
    cell = session.run.primary.cell
    report = session.gradients["rnn"]
    norms = report.grad_norms
    last = report.loss_step
    peak = int(np.nanargmax(norms))
    # ρ(W_hh) = 0.5, yet ‖W_hh‖₂ ≈ 3.4 lets the gradient grow ~10⁵ over a few dozen steps.
    assert session.run.primary.spectral_radius == pytest.approx(0.5, abs=1e-12)
    assert engine.largest_singular_value(cell) == pytest.approx(3.43, abs=5e-3)
    assert norms[peak] / norms[last] > 1e5 and 10 <= last - peak <= 30
    assert norms[last - 29] / norms[last] > 1e4  # still ×10⁴ after 29 steps back
    assert report.verdict.label == "vanishing"  # the long run: ρ = 0.5 wins over 99 steps
    # The per-step bound ‖W_hh‖₂ · max|tanh'| holds at every step back.
    ratios = norms[:last] / norms[1 : last + 1]
    assert np.all(ratios <= engine.largest_singular_value(cell) * (1 + 1e-12))
    session.reset()
    assert session.recurrent == "random"
    assert engine.largest_singular_value(session.run.primary.cell) < 3.0


def test_an_overflow_outside_the_engine_is_reported_not_raised(monkeypatch) -> None:
    from rnn_studio.state import compute

    session = StudioSession(DemoSetup(text="abcabc", backprop=True))
    previous = session.run

    def overflowing(*args, **kwargs):
        raise OverflowError(34, "Numerical result out of range")

    monkeypatch.setattr(compute, "compute_outputs", overflowing)
    session.set_hidden_size(12)  # the controls change, the computation overflows
    assert "overflowed" in session.error
    assert session.run is previous  # the old run stays, and the error says why


def test_show_me_banner_names_the_surprise_demos_weights() -> None:
    from rnn_studio.state.zoo_studio import describe_model

    session = StudioSession(load_demos()["surprise"].setup)
    text = describe_model(session)
    assert "random weights" not in text and "non-normal W_hh" in text
    assert "ρ = 0.5" in text and "3.43" in text
    session.reset()
    assert "random weights" in describe_model(session)
