"""The "ρ pending" display state (issue 15 target 1): a new seed's run and gradients are drawn
before its eigenvalues are solved, and meanwhile the Model panel and the gradient panel's ρ
line say "…" (never the old seed's ρ); once the radii come they show the engine's ρ(W_hh)."""

from __future__ import annotations

import numpy as np

from rnn_studio import engine
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.recipe import studio_cell
from rnn_studio.ui.panels.gradients import GradientsPanel
from rnn_studio.ui.panels.model import RHO_SLIDER_MAX, RHO_SLIDER_SCALE, ModelPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from tests.state.test_pending_radii import Held

WAVE = ", ".join(f"{np.sin(t / 5):.3f}" for t in range(120))


def engine_rho(kind: str, seed: int, hidden: int) -> float:
    return engine.spectral_radius(studio_cell(kind, 1, hidden, seed))


def panels(qtbot, setup: DemoSetup) -> tuple[StudioSession, Held, ModelPanel, GradientsPanel]:
    session = StudioSession(setup)
    held = Held()
    session.set_executor(held)
    bridge = SessionBridge(session)
    model, gradients = ModelPanel(bridge), GradientsPanel(bridge)
    for panel in (model, gradients):
        qtbot.addWidget(panel)
        panel.show()
    return session, held, model, gradients


def test_compare_mode_shows_rho_pending_then_the_engines_values(qtbot) -> None:
    setup = DemoSetup(text=WAVE, mode="numbers", cell="compare", hidden_size=24, backprop=True)
    session, held, model, gradients = panels(qtbot, setup)
    session.set_seed(21)
    held.deliver(radii=False)
    assert session.run.kinds == ("rnn", "lstm", "gru") and session.gradients
    assert session.run.radii_pending
    assert model.rho_value.text() == "ρ = …*"
    line = gradients.rho_label.text()
    for kind in ("rnn", "lstm", "gru"):
        assert f"ρ<sub>{kind}</sub> = …" in line
    assert "solid ‖∂L/∂h_t‖" in line  # the key stays
    held.deliver(radii=True)
    assert not session.run.radii_pending
    lstm = engine_rho("lstm", 21, 24)  # the cell on view
    assert model.rho_value.text() == f"ρ = {lstm:.3f}*"
    line = gradients.rho_label.text()
    for kind in ("rnn", "lstm", "gru"):
        assert f"ρ<sub>{kind}</sub> = {engine_rho(kind, 21, 24):.2f}" in line
    assert "solid ‖∂L/∂h_t‖" in line


def test_one_cell_shows_rho_pending_beside_the_norm_then_rho(qtbot) -> None:
    setup = DemoSetup(text=WAVE, mode="numbers", cell="rnn", hidden_size=24, backprop=True)
    session, held, model, gradients = panels(qtbot, setup)
    session.set_seed(22)
    held.deliver(radii=False)
    assert model.rho_value.text() == "ρ = …*"
    assert gradients.rho_label.text().startswith("ρ(W_hh) = … · ‖W_hh‖₂ = ")
    held.deliver(radii=True)
    rho = engine_rho("rnn", 22, 24)
    assert model.rho_value.text() == f"ρ = {rho:.3f}*"
    assert gradients.rho_label.text().startswith(f"ρ(W_hh) = {rho:.3f} · ‖W_hh‖₂ = ")
    # The slider follows the initialisation's ρ once it is known (no ρ asked).
    assert model.rho_slider.value() == round(min(rho, RHO_SLIDER_MAX) * RHO_SLIDER_SCALE)
