"""An overflow on screen (issue 11, item 5): the panels follow the new controls and say
"overflowed", in a real window at 1280×720."""

from __future__ import annotations

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup

LONG_TEXT = ("the quick brown fox jumps over the lazy dog. " * 30)[:1000]


def test_relu_overflow_shows_the_overflowed_verdict(qtbot, classroom) -> None:
    window, _ = classroom(StudioSession(DemoSetup(text="not bad", mode="words")))
    session = window.session
    session.set_sequence(LONG_TEXT, "chars")
    session.set_nonlinearity("relu")
    session.set_hidden_size(64)
    session.set_spectral_radius(2.0)
    session.backprop()
    window.executor.wait_idle()
    panel = window.studio.gradients
    report = session.gradients["rnn"]
    assert len(report.grad_norms) == 1000  # the new run, not the previous one
    assert panel.verdict_label.text().startswith("Exploding")  # ρ = 2 is finite: no overflow
    session.set_spectral_radius(5.0)
    window.executor.wait_idle()
    verdict = panel.verdict_label.text()
    assert verdict.startswith("Overflowed") and "t = " in verdict
    assert "turn on clipping" not in verdict.lower()
    assert (
        session.run.primary.spectral_radius == 5.0
        or abs(session.run.primary.spectral_radius - 5.0) < 1e-9
    )
    assert "ρ(W_hh) = 5.000" in panel.rho_label.text()
    panel.clip_box.setChecked(True)
    window.executor.wait_idle()
    assert "Clipping cannot rescale" in panel.verdict_label.text()
    assert "not finite" in panel.clip_label.text() and "→ 1" not in panel.clip_label.text()
