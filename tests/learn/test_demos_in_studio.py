"""Every "Show me" demo applies in the real (Qt-free) studio session and shows its claim."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.learn.content import Demo, load_demos
from rnn_studio.state.session import StudioSession

DEMOS = load_demos()


@pytest.fixture(scope="module")
def session() -> StudioSession:
    return StudioSession()


def _apply(session: StudioSession, demo_id: str) -> StudioSession:
    session.apply_demo(DEMOS[demo_id].setup)
    assert session.error == "", (demo_id, session.error)
    return session


@pytest.mark.parametrize("demo_id", sorted(DEMOS))
def test_demo_applies_cleanly(session: StudioSession, demo_id: str) -> None:
    demo: Demo = DEMOS[demo_id]
    _apply(session, demo_id)
    assert session.warning == "", (demo_id, session.warning)  # no NaN/inf in any demo
    assert session.text == demo.setup.text and session.cell_kind == demo.setup.cell
    expected_cursor = session.length - 1 if demo.setup.cursor == -1 else demo.setup.cursor
    assert session.cursor == expected_cursor
    assert (session.gradients is not None) == demo.setup.backprop


def test_not_bad_memory_differs_from_bad_alone_with_the_same_weights() -> None:
    with_not = _apply(StudioSession(), "not-bad")
    alone = _apply(StudioSession(), "bad-alone")
    for name, value in with_not.shown.cell.params.items():
        np.testing.assert_array_equal(value, alone.shown.cell.params[name])
    h_with_not = with_not.shown.trace.hidden[with_not.cursor]
    h_alone = alone.shown.trace.hidden[alone.cursor]
    assert np.linalg.norm(h_with_not - h_alone) > 0.1


def test_vanishing_and_exploding_demos_get_the_verdict_they_promise(
    session: StudioSession,
) -> None:
    vanishing = _apply(session, "vanishing-100").gradients["rnn"]
    assert vanishing.verdict.label == "vanishing"
    assert vanishing.grad_norms[0] < 1e-8 * vanishing.grad_norms[vanishing.loss_step]
    exploding = _apply(session, "exploding").gradients["rnn"]
    assert exploding.verdict.label == "exploding"
    assert exploding.grad_norms[0] > 1e3
    # The exploding demo's forward pass stays bounded (tanh); only the gradient blows up.
    assert np.abs(session.shown.trace.hidden).max() <= 1.0


def test_clipping_caps_what_the_exploding_demo_lets_through(session: StudioSession) -> None:
    report = _apply(session, "clipping").gradients["rnn"]
    clip = DEMOS["clipping"].setup.clip
    shown = report.clipped_norms[: report.loss_step + 1]
    assert report.grad_norms[0] > 1e3
    assert shown.max() <= clip * (1 + 1e-9)
    assert report.param_norm_after <= clip * (1 + 1e-9) < report.param_norm_before


def test_compare_demo_lstm_keeps_far_more_gradient_than_rnn(session: StudioSession) -> None:
    reports = _apply(session, "rnn-vs-lstm").gradients
    assert set(reports) == {"rnn", "lstm", "gru"}
    rnn, lstm = reports["rnn"].grad_norms[0], reports["lstm"].grad_norms[0]
    assert rnn < 1e-20  # the demo's text says "smaller than 10⁻²⁰"
    assert lstm > 1e10 * rnn and lstm > 1e-4  # "within a few powers of ten of 1"
    assert reports["lstm"].verdict.factor_per_step > reports["rnn"].verdict.factor_per_step
