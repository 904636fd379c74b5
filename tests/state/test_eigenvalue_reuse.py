"""Moving ρ (or the forget bias, or the nonlinearity) solves no eigenvalue problem: the radii
of the initial W_hh blocks are kept, since ρ(c·W) = |c|·ρ(W)."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.engine import dynamics
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core import recipe
from rnn_studio.studio_core.demo import DemoSetup


@pytest.fixture
def eigenvalue_problems(monkeypatch) -> list[int]:
    """Counts every H × H block whose eigenvalues the engine computes."""
    solved: list[int] = []
    radius = dynamics._radius

    def counting(block: np.ndarray) -> float:
        solved.append(block.shape[0])
        return radius(block)

    monkeypatch.setattr(dynamics, "_radius", counting)
    return solved


def test_the_rho_slider_forget_bias_and_nonlinearity_reuse_the_eigenvalues(
    eigenvalue_problems,
) -> None:
    session = StudioSession(DemoSetup(text="abcabd", mode="chars", cell="compare", hidden_size=6))
    assert len(eigenvalue_problems) == 1 + 4 + 3  # one per W_hh block: RNN, LSTM, GRU
    eigenvalue_problems.clear()
    for rho in (0.5, 0.9, 1.3, 2.0):
        session.set_spectral_radius(rho)
        assert [cell.spectral_radius for cell in session.run.cells.values()] == [rho] * 3
    session.set_forget_bias(2.0)
    session.set_nonlinearity("relu")
    session.set_spectral_radius(None)
    assert eigenvalue_problems == [6]  # only the relu RNN's W_hh, once
    session.set_seed(3)
    assert len(eigenvalue_problems) == 1 + 8  # a new initialisation: every block once


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("rho", [None, 0.7, 3.0])
def test_the_cells_are_the_ones_the_recipe_builds(kind, rho) -> None:
    """Same weights to the bit and the same ρ as solving the eigenvalue problems again."""
    session = StudioSession(DemoSetup(text="abcabd", mode="chars", cell=kind, hidden_size=7))
    session.set_spectral_radius(0.4)  # the radii are kept now
    session.set_spectral_radius(rho)
    if kind == "lstm":
        session.set_forget_bias(1.5)
    cell_run = session.run.primary
    fresh = recipe.studio_cell(
        kind,
        cell_run.cell.input_size,
        7,
        0,
        spectral_radius=rho,
        forget_bias=1.5 if kind == "lstm" else None,
    )
    for name, value in fresh.params.items():
        np.testing.assert_array_equal(cell_run.cell.params[name], value, err_msg=name)
    assert cell_run.spectral_radius == pytest.approx(engine.spectral_radius(fresh), rel=1e-12)


def test_set_spectral_radius_with_known_radii_scales_each_block() -> None:
    cell = engine.make_cell("gru", 2, 5, seed=4)
    radii = engine.gate_spectral_radii(cell)
    other = cell.copy()
    engine.set_spectral_radius(cell, 1.7, radii=radii)
    engine.set_spectral_radius(other, 1.7)
    np.testing.assert_array_equal(cell.params["weight_hh"], other.params["weight_hh"])
    for value in engine.gate_spectral_radii(cell).values():
        assert value == pytest.approx(1.7, rel=1e-12)
