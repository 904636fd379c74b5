"""With clipping off the studio's BPTT leaves the weight gradients out when a bound proves
them finite: every report (curve, verdict, overflow steps, ‖∂L/∂W‖ when read) is the one
the full backward pass gives."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.state import gradients
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core import recipe
from rnn_studio.studio_core.demo import DemoSetup

LONG_TEXT = ("the quick brown fox jumps over the lazy dog. " * 30)[:1000]

SETUPS = {
    "tanh rnn": DemoSetup(text=LONG_TEXT[:300], hidden_size=32, backprop=True),
    "compare": DemoSetup(text=LONG_TEXT[:200], cell="compare", hidden_size=24, backprop=True),
    "loss before the end": DemoSetup(
        text=LONG_TEXT[:200], cell="compare", hidden_size=16, backprop=True, loss_step=120
    ),
    "relu exploding": DemoSetup(
        text=LONG_TEXT, hidden_size=64, nonlinearity="relu", spectral_radius=2.0, backprop=True
    ),
    "relu overflowed": DemoSetup(
        text=LONG_TEXT, hidden_size=64, nonlinearity="relu", spectral_radius=5.0, backprop=True
    ),
    "vanishing lstm": DemoSetup(
        text=LONG_TEXT[:400], cell="lstm", hidden_size=32, spectral_radius=0.5, backprop=True
    ),
}


def _reports(setup: DemoSetup, monkeypatch, weights: bool | None):
    """The session's reports, with the weights always computed (``weights`` True) or as
    the studio does (None); also which ``weights`` the studio asked for."""
    asked: list[bool] = []
    real = recipe.studio_backward

    def recording(cell, inputs, trace=None, *, weights=True):
        asked.append(weights)
        return real(cell, inputs, trace=trace, weights=True if forced else weights)

    forced = weights is True
    monkeypatch.setattr(gradients, "studio_backward", recording)
    reports = dict(StudioSession(setup).gradients)
    monkeypatch.undo()
    return reports, asked


@pytest.mark.parametrize("name", list(SETUPS))
def test_reports_without_the_weights_equal_the_full_ones(name, monkeypatch) -> None:
    setup = SETUPS[name]
    full, _ = _reports(setup, monkeypatch, weights=True)
    lean, asked = _reports(setup, monkeypatch, weights=None)
    assert asked and not any(asked)  # clipping off: the weights were not asked for
    for kind, report in full.items():
        other = lean[kind]
        np.testing.assert_array_equal(other.grad_norms, report.grad_norms)
        np.testing.assert_array_equal(other.clipped_norms, report.clipped_norms)
        assert other.verdict == report.verdict
        assert other.clip_factor == report.clip_factor
        if report.jacobian_norms is not None:
            np.testing.assert_array_equal(other.jacobian_norms, report.jacobian_norms)
        # ‖∂L/∂W‖ when something reads it: the same number (NaN or inf when it overflowed).
        np.testing.assert_equal(other.param_norm_before, report.param_norm_before)
        np.testing.assert_equal(other.param_norm_after, report.param_norm_after)


def test_the_norm_left_out_is_the_engines_global_norm_when_read() -> None:
    setup = SETUPS["compare"]
    session = StudioSession(setup)
    for kind, report in session.gradients.items():
        cell_run = session.run.cells[kind]
        assert report.param_norms.finite and report.param_norms._before is None  # not yet
        d_hidden = recipe.loss_gradient(cell_run.trace.hidden)
        grads = engine.backward(cell_run.cell, cell_run.trace, d_hidden)
        assert report.param_norm_before == engine.optim.global_norm(grads.params)
        assert report.param_norms._before is not None  # computed once, kept


def test_with_clipping_on_the_weights_are_computed() -> None:
    setup = DemoSetup(text=LONG_TEXT[:300], hidden_size=32, backprop=True, clip=0.01)
    report = StudioSession(setup).gradients["rnn"]
    assert report.param_norms._compute is None
    assert report.param_norm_after == pytest.approx(0.01, rel=1e-12)
    assert report.param_norm_before > 0.01
