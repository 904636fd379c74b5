"""A new seed's ρ(W_hh) is "pending" (issue 15 target 1): with no ρ asked the weights do not
need the eigenvalues, so the session hands over the run and the gradients first and solves
the radii after them (about 25 ms per gate block at hidden 256, eight in compare mode); the
views show the engine's ρ once it comes, and a newer change never waits for them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.engine import dynamics
from rnn_studio.state import compute
from rnn_studio.state.cell_cache import CellCache
from rnn_studio.state.compute import overflow_message
from rnn_studio.state.controls import CellKey
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.recipe import studio_cell

WAVE = ", ".join(f"{np.sin(t / 5):.3f}" for t in range(200))
HIDDEN = 48


class Recording:
    """Runs work at once; notes, at each post, how many eigenvalue problems were solved."""

    def __init__(self, solved: list[int]) -> None:
        self.solved = solved
        self.posted: list[tuple[Any, int]] = []
        self.radii: list[int] = []  # eigenvalue problems solved when each radii post came

    def __call__(self, work, done, cost) -> None:
        done(work())

    def post(self, callback, value) -> None:
        self.posted.append((value, len(self.solved)))
        if callback.__name__ == "_commit_radii":
            self.radii.append(len(self.solved))
        callback(value)


@pytest.fixture
def solved(monkeypatch) -> list[int]:
    """One entry per eigenvalue problem the engine solves for a spectral radius."""
    calls: list[int] = []
    radius = dynamics._radius

    def counting(block: np.ndarray) -> float:
        calls.append(len(block))
        return radius(block)

    monkeypatch.setattr(dynamics, "_radius", counting)
    return calls


def engine_rho(kind: str, seed: int, rho: float | None = None) -> float:
    """ρ(W_hh) of the cell the studio builds, from the engine alone."""
    return engine.spectral_radius(studio_cell(kind, 1, HIDDEN, seed, spectral_radius=rho))


def session_with(solved: list[int], **setup) -> tuple[StudioSession, Recording]:
    session = StudioSession(
        DemoSetup(text=WAVE, mode="numbers", cell="compare", hidden_size=HIDDEN, **setup)
    )
    executor = Recording(solved)
    session.set_executor(executor)
    return session, executor


def test_a_new_seed_shows_its_run_and_gradients_before_solving_any_eigenvalue(solved) -> None:
    session, executor = session_with(solved, backprop=True)
    events: list[str] = []
    session.trace_changed.connect(lambda run: events.append("trace"))
    session.gradients_changed.connect(lambda reports: events.append("gradients"))
    session.radii_changed.connect(lambda run: events.append("radii"))
    seen: list[tuple[float | None, ...]] = []
    session.trace_changed.connect(
        lambda run: seen.append(tuple(c.spectral_radius for c in run.cells.values()))
    )
    solved.clear()
    session.set_seed(11)
    assert events == ["trace", "gradients", "gradients", "radii"]
    assert seen == [(None,)]  # the LSTM drawn with its ρ pending
    outcomes = [(value, count) for value, count in executor.posted if hasattr(value, "request")]
    assert outcomes and all(count == 0 for _, count in outcomes)  # no eigenvalue before
    assert executor.radii == [1 + 4 + 3]  # then the three cells' blocks, once each
    for kind, cell_run in session.run.cells.items():
        assert cell_run.spectral_radius == engine_rho(kind, 11)
        assert session.gradients[kind].verdict.spectral_radius == cell_run.spectral_radius


def test_the_radii_come_cell_on_view_first_and_equal_a_fresh_sessions(solved) -> None:
    session, executor = session_with(solved, backprop=False)
    session.set_seed(12)
    assert len(executor.radii) == 1
    radii = [value for value, count in executor.posted if count == executor.radii[0]]
    assert list(radii[-1][1]) == ["lstm", "rnn", "gru"]
    fresh = StudioSession(
        DemoSetup(text=WAVE, mode="numbers", cell="compare", hidden_size=HIDDEN, seed=12)
    )
    assert {k: c.spectral_radius for k, c in session.run.cells.items()} == {
        k: c.spectral_radius for k, c in fresh.run.cells.items()
    }
    assert not session.run.radii_pending


def test_with_rho_asked_nothing_is_pending_and_a_seed_seen_before_solves_nothing(solved) -> None:
    session, executor = session_with(solved, backprop=False, spectral_radius=0.9)
    radii_events: list[object] = []
    session.radii_changed.connect(radii_events.append)
    solved.clear()
    session.set_seed(13)
    # The rescaling needs the radii: solved before the run, and ρ is the one asked.
    assert [count for value, count in executor.posted if hasattr(value, "request")] == [8]
    assert all(c.spectral_radius == pytest.approx(0.9) for c in session.run.cells.values())
    assert radii_events == []
    session.set_spectral_radius(None)  # the same seed's initialisation: radii kept
    solved.clear()
    session.set_seed(13)
    assert solved == [] and radii_events == [] and not session.run.radii_pending
    for kind, cell_run in session.run.cells.items():
        assert cell_run.spectral_radius == engine_rho(kind, 13)


class Held:
    """Runs work at once but keeps what it posts until :meth:`deliver` (the worker's order)."""

    def __init__(self) -> None:
        self.queue: list[tuple[Any, Any]] = []

    def __call__(self, work, done, cost) -> None:
        done(work())

    def post(self, callback, value) -> None:
        self.queue.append((callback, value))

    def deliver(self, radii: bool = True) -> None:
        """Deliver the posts in order: all of them, or (``radii`` False) up to the radii."""
        while self.queue and (radii or self.queue[0][0].__name__ != "_commit_radii"):
            callback, value = self.queue.pop(0)
            callback(value)


def test_stale_radii_are_dropped_and_the_kept_run_gets_its_own(solved) -> None:
    session, _ = session_with(solved, backprop=True)
    held = Held()
    session.set_executor(held)
    session.set_seed(14)
    session.set_seed(15)  # before anything of seed 14 was shown
    held.deliver()
    for kind, cell_run in session.run.cells.items():
        assert cell_run.spectral_radius == engine_rho(kind, 15)
    # A loss step change keeps the run; if its radii had not come yet, they still do.
    session.set_seed(40)  # not next to 15 (whose radii were solved ahead)
    queue = held.queue
    radii_posts = [i for i, (call, _) in enumerate(queue) if call.__name__ == "_commit_radii"]
    del queue[radii_posts[0] :]  # the radii of seed 40 never arrive (as if cancelled)
    held.deliver()
    assert session.run.radii_pending
    session.set_loss_step(100)
    held.deliver()
    assert not session.run.radii_pending
    for kind, cell_run in session.run.cells.items():
        assert cell_run.spectral_radius == engine_rho(kind, 40)
        assert session.gradients[kind].verdict.spectral_radius == cell_run.spectral_radius


def test_the_overflow_text_says_nothing_false_while_rho_is_pending(solved) -> None:
    session, _ = session_with(solved, backprop=False)
    run = session.run
    overflowed = replace(run.cells["rnn"], spectral_radius=None, first_nonfinite_step=40)
    pending = run.with_cell_run(overflowed)
    text = overflow_message(pending)
    assert "t = 40" in text and "ρ(W_hh) =" not in text and "multiplies it by W_hh" in text
    solved_run = pending.with_radii({"rnn": 1.25})
    assert solved_run.cells["rnn"].spectral_radius == 1.25
    assert solved_run.cells["lstm"] is run.cells["lstm"]  # only the pending one is new
    assert "ρ(W_hh) = 1.25 each step multiplies it" in overflow_message(solved_run)


def test_the_next_seeds_radii_are_solved_ahead_so_a_step_of_the_seed_box_needs_none(
    solved,
) -> None:
    session, executor = session_with(solved, backprop=True, spectral_radius=0.9)
    session.set_seed(20)  # its work ends with the radii of seeds 21 and 19
    for seed in (21, 19):
        session.set_seed(20)
        solved.clear()
        executor.posted.clear()
        session.set_seed(seed)
        before = [count for value, count in executor.posted if hasattr(value, "request")]
        assert before and set(before) == {0}  # the run and the gradients: no eigenvalue
        fresh = StudioSession(
            DemoSetup(
                text=WAVE,
                mode="numbers",
                cell="compare",
                hidden_size=HIDDEN,
                backprop=True,
                spectral_radius=0.9,
                seed=seed,
            )
        )
        for kind, cell_run in session.run.cells.items():
            np.testing.assert_array_equal(cell_run.trace.hidden, fresh.run.cells[kind].trace.hidden)
            assert cell_run.spectral_radius == pytest.approx(0.9)
            assert engine.spectral_radius(cell_run.cell) == pytest.approx(0.9, rel=1e-9)


def test_solving_ahead_stops_at_the_next_eigenvalue_problem_when_asked(solved) -> None:
    session, _ = session_with(solved, backprop=True)
    request = compute.ComputeRequest(
        generation=1,
        sequence=session.run.sequence,
        previous=None,
        kinds=("rnn", "lstm", "gru"),
        cell_key=CellKey(HIDDEN, 500, "tanh", None, None, "random"),
        backprop=True,
        loss_step=-1,
        clip=None,
        cursor=0,
        announce=False,
    )
    assert request.cost() >= compute.EARLY_TRACE_COST
    cells = CellCache()
    solved.clear()
    compute.neighbour_radii(request, cells, lambda: len(solved) >= 3)
    assert len(solved) == 3  # asked before each problem: stopped at the fourth
    solved.clear()
    compute.neighbour_radii(request, cells)
    # Both neighbours, every block, but the RNN's one kept (the LSTM's two solved before the
    # stop were not: a cell's radii are kept whole).
    assert len(solved) == 2 * 8 - 1
    small = replace(request, backprop=False)
    assert small.cost() < compute.EARLY_TRACE_COST
    solved.clear()
    compute.neighbour_radii(replace(small, cell_key=small.cell_key._replace(seed=900)), cells)
    assert solved == []  # cheap sizes solve nothing ahead
