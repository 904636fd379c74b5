"""Compare mode at costly sizes: the cell on view is computed and handed over first, alone,
so the single-cell views draw its trace before the other two cells' passes; the rest of the
run comes with the gradients and holds that very cell run (no second trace)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from rnn_studio.state import compute
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup

WAVE = ", ".join(f"{np.sin(t / 5):.3f}" for t in range(200))


class Recording:
    """An executor that runs work at once and records what it posts, in order."""

    def __init__(self) -> None:
        self.posted: list[Any] = []

    def __call__(self, work, done, cost) -> None:
        done(work())

    def post(self, callback, value) -> None:
        self.posted.append(value)
        callback(value)


def make_session(hidden_size: int = 48, **setup) -> tuple[StudioSession, Recording, list]:
    session = StudioSession(
        DemoSetup(
            text=WAVE,
            mode="numbers",
            cell="compare",
            hidden_size=hidden_size,
            backprop=setup.pop("backprop", True),
            **setup,
        )
    )
    executor = Recording()
    session.set_executor(executor)
    events: list[tuple[str, Any]] = []
    session.trace_changed.connect(lambda run: events.append(("trace", run)))
    session.gradients_changed.connect(lambda reports: events.append(("gradients", reports)))
    return session, executor, events


def fresh_rho(seed: int, kind: str) -> float:
    """ρ(W_hh) of ``kind``'s cell at ``seed`` (and the test's sizes), from the engine."""
    from rnn_studio import engine
    from rnn_studio.studio_core.recipe import studio_cell

    return engine.spectral_radius(studio_cell(kind, 1, 48, seed))


def test_the_cell_on_view_comes_first_then_the_rest_with_the_gradients() -> None:
    session, executor, events = make_session()
    assert session.view_cell == "lstm"  # compare mode shows a gated cell first
    partial: list[bool] = []
    session.trace_changed.connect(lambda run: partial.append(session.run_partial))
    assert not session.run_partial
    session.set_seed(7)
    assert partial == [True] and not session.run_partial
    traces = [run for name, run in events if name == "trace"]
    assert len(traces) == 1 and traces[0].kinds == ("lstm",)
    first = executor.posted[0]
    assert first.partial and first.run is traces[0] and first.gradients is None
    assert [name for name, _ in events] == ["trace", "gradients", "gradients"]
    assert events[1][1] is None  # the old gradients leave with the old trace
    final = session.run
    assert final.kinds == ("rnn", "lstm", "gru")
    # The very pass on screen; its ρ (pending as it was drawn: a new seed, no ρ asked) came
    # after the gradients.
    assert final.cells["lstm"].trace is traces[0].cells["lstm"].trace
    assert traces[0].cells["lstm"].spectral_radius is None
    assert final.cells["lstm"].spectral_radius == fresh_rho(7, "lstm")
    assert set(session.gradients) == {"rnn", "lstm", "gru"}
    fresh = StudioSession(
        DemoSetup(text=WAVE, mode="numbers", cell="compare", hidden_size=48, backprop=True, seed=7)
    )
    for kind in fresh.run.kinds:
        np.testing.assert_array_equal(
            final.cells[kind].trace.hidden, fresh.run.cells[kind].trace.hidden
        )
        np.testing.assert_array_equal(
            session.gradients[kind].grad_norms, fresh.gradients[kind].grad_norms
        )
        np.testing.assert_array_equal(
            session.gradients[kind].jacobian_norms, fresh.gradients[kind].jacobian_norms
        )


def test_the_cell_on_view_decides_which_comes_first() -> None:
    session, _executor, events = make_session()
    session.set_view_cell("gru")
    session.set_spectral_radius(0.9)
    traces = [run for name, run in events if name == "trace"]
    assert [run.kinds for run in traces] == [("gru",)]
    assert session.run.kinds == ("rnn", "lstm", "gru")


def test_a_view_moved_to_another_cell_meanwhile_gets_its_trace() -> None:
    session, _executor, events = make_session()
    moved: list[str] = []

    def move(run) -> None:
        if not moved:
            moved.append("gru")
            session.set_view_cell("gru")

    session.trace_changed.connect(move)
    session.set_seed(3)
    traces = [run for name, run in events if name == "trace"]
    assert [run.kinds for run in traces] == [("lstm",), ("rnn", "lstm", "gru")]
    assert session.shown is session.run.cells["gru"]


def test_a_change_made_on_the_first_part_stops_the_rest() -> None:
    """A newer change made while the cell on view is drawn: the rest is never committed."""
    session, executor, _events = make_session()
    passes: list[str] = []
    forward = compute.engine.forward

    def counting(cell, *args, **kwargs):
        passes.append(str(cell.kind))
        return forward(cell, *args, **kwargs)

    changed: list[int] = []

    def change_again(run) -> None:
        if not changed:
            changed.append(1)
            session.set_seed(12)

    session.trace_changed.connect(change_again)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compute.engine, "forward", counting)
        session.set_seed(11)
    # Seed 11: the LSTM, then the change to 12 ran inline from the handler (all three), and
    # seed 11's RNN and GRU were never computed: its work stopped at its next look.
    assert passes == ["lstm", "lstm", "rnn", "gru"]
    assert session.seed == 12
    assert session.run.kinds == ("rnn", "lstm", "gru")
    stale = [value for value in executor.posted if getattr(value, "request", None) is not None]
    assert not any(
        value.request.generation != session._generation and not value.partial for value in stale
    )


@pytest.mark.parametrize(
    ("setup", "why"),
    [({"hidden_size": 4}, "cheap"), ({"backprop": False}, "no gradients to follow")],
)
def test_cheap_runs_and_runs_without_backprop_come_whole(setup, why) -> None:
    session, executor, events = make_session(**setup)
    session.set_seed(9)
    traces = [run for name, run in events if name == "trace"]
    assert [run.kinds for run in traces] == [("rnn", "lstm", "gru")], why
    assert not any(getattr(value, "partial", False) for value in executor.posted)
