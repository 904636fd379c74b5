"""The exact Jacobian-norm curve arrives block by block, equals the exact one, and stops when
a newer change supersedes it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.state import gradients
from rnn_studio.state import session as session_module
from rnn_studio.state.gradients import JacobianJob, run_jacobian_jobs
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup

WAVE = ", ".join(f"{v:.3f}" for v in np.sin(np.arange(90) / 4.0))

#: Set-ups whose curves vanish, explode or grow then fade, for every cell.
SETUPS = {
    "rnn vanishing": DemoSetup(text=WAVE, mode="numbers", cell="rnn", spectral_radius=0.5),
    "rnn exploding": DemoSetup(
        text=WAVE, mode="numbers", cell="rnn", nonlinearity="relu", spectral_radius=3.0
    ),
    "rnn non-normal": DemoSetup(text=WAVE, mode="numbers", cell="rnn", recurrent="non-normal"),
    "lstm": DemoSetup(text=WAVE, mode="numbers", cell="lstm", forget_bias=3.0),
    "gru": DemoSetup(text=WAVE, mode="numbers", cell="gru", spectral_radius=4.0),
    "compare": DemoSetup(text=WAVE, mode="numbers", cell="compare", loss_step=70),
    # From hidden 32 on the curve is carried on the engine's thin basis.
    "compare thin": DemoSetup(text=WAVE, mode="numbers", cell="compare", hidden_size=48),
}


#: log10 ‖∂h_L/∂h_0‖/‖∂h_L/∂h_L‖ of each set-up's first cell lies in these bounds.
REGIMES = {
    "rnn vanishing": (-math.inf, -20),
    "rnn exploding": (20, math.inf),
    "rnn non-normal": (-math.inf, -8),
    "lstm": (-math.inf, -3),
    "gru": (-math.inf, -2),
    "compare": (-math.inf, -3),
    "compare thin": (-math.inf, -3),
}


def exact_log10(cell_run, loss_step: int) -> np.ndarray:
    """log10 ‖∂h_L/∂h_t‖_F/√H by the engine's whole product, float64, for t ≤ L."""
    trace = engine.forward(cell_run.cell, np.asarray(cell_run.trace.inputs)[: loss_step + 1])
    size = cell_run.cell.hidden_size
    return engine.jacobian_log10_norms(cell_run.cell, trace) - math.log10(math.sqrt(size))


@pytest.mark.parametrize("name", list(SETUPS))
def test_every_published_piece_of_the_curve_equals_the_exact_curve(name, monkeypatch) -> None:
    monkeypatch.setattr(gradients, "JACOBIAN_INLINE_BUDGET", 0.0)  # always a job
    monkeypatch.setattr(gradients, "JACOBIAN_PUBLISH_SECONDS", 0.0)  # publish every block
    session = StudioSession(SETUPS[name])
    assert (session.hidden_size >= gradients.THIN_FROM_HIDDEN) == (name == "compare thin")
    pieces: dict[str, list[np.ndarray]] = {}

    def record(kinds: tuple[str, ...]) -> None:
        for kind in kinds:
            pieces.setdefault(kind, []).append(session.gradients[kind].jacobian_norms.copy())

    session.jacobian_changed.connect(record)
    session.backprop()
    run = session.run
    loss_step = session.resolved_loss_step
    assert set(pieces) == set(run.kinds)
    for kind, curves in pieces.items():
        report = session.gradients[kind]
        assert report.jacobian_complete
        exact = exact_log10(run.cells[kind], loss_step)
        assert len(curves) > 3, "the curve came in one piece"
        computed_before = loss_step + 1
        for curve in curves:
            known = np.flatnonzero(~np.isnan(curve))
            # Each piece is a run of steps ending at the loss step, longer than the last.
            assert known[-1] == loss_step and len(known) == loss_step + 1 - known[0]
            assert known[0] <= computed_before
            computed_before = known[0]
            with np.errstate(divide="ignore"):
                got = np.log10(curve[known])
            finite = np.isfinite(exact[known])
            np.testing.assert_allclose(got[finite], exact[known][finite], rtol=0, atol=1e-8)
        assert computed_before == 0  # the last piece is the whole curve
        assert np.isnan(report.jacobian_norms[loss_step + 1 :]).all()
    # The set-ups are far from flat: ‖∂h_L/∂h_0‖ against ‖∂h_L/∂h_L‖ (and the peak).
    curve = exact_log10(run.primary, loss_step)
    low, high = REGIMES[name]
    assert (
        low <= curve[0] - curve[-1] <= high
        and curve.max() - curve[-1] >= (name == "rnn non-normal") * 3
    )


def test_a_change_made_during_the_curve_stops_it_at_the_next_block(monkeypatch) -> None:
    """With work run on the session's thread, a change made from a progress event runs the
    newer work at once; the older curve stops at its next look and publishes nothing more."""
    monkeypatch.setattr(gradients, "JACOBIAN_INLINE_BUDGET", 0.0)
    monkeypatch.setattr(gradients, "JACOBIAN_PUBLISH_SECONDS", 0.0)
    finished: list[bool] = []
    looks: list[int] = []

    def recording(jobs, cancelled, publish, **options):
        count = [0]

        def counting() -> bool:
            count[0] += 1
            return cancelled()

        result = run_jacobian_jobs(jobs, counting, publish, **options)
        finished.append(result)
        looks.append(count[0])
        return result

    monkeypatch.setattr(session_module, "run_jacobian_jobs", recording)
    session = StudioSession(DemoSetup(text=WAVE, mode="numbers", cell="compare"))
    seeds: list[int] = []

    def change_once(kinds: tuple[str, ...]) -> None:
        if not seeds:
            seeds.append(session.seed)
            session.set_seed(7)  # runs the newer work now, nested in this event

    session.jacobian_changed.connect(change_once)
    session.backprop()
    # The newer curves were finished; the older ones stopped after their first round.
    assert finished == [True, False]
    blocks = math.ceil(90 / gradients.JACOBIAN_BLOCK_STEPS)
    # A look before each curve's first block and at each of its adjoint steps, then the
    # look that saw the change (a whole run looks 3 · (blocks + 89) times).
    first_round = 3 * (1 + gradients.JACOBIAN_FIRST_BLOCK_STEPS - 1)
    assert looks[1] <= first_round + 1 < 3 * blocks
    assert session.seed == 7 and all(r.jacobian_complete for r in session.gradients.values())
    cell_run = session.run.cells["gru"]
    np.testing.assert_allclose(
        np.log10(session.gradients["gru"].jacobian_norms),
        exact_log10(cell_run, 89),
        rtol=0,
        atol=1e-8,
    )


def test_run_jacobian_jobs_takes_a_block_of_each_curve_in_turn() -> None:
    rng = np.random.default_rng(0)
    jobs = []
    for kind in ("rnn", "lstm", "gru"):
        cell = engine.make_cell(kind, 2, 4, seed=1)
        trace = engine.forward(cell, rng.normal(size=(20, 2)))
        jobs.append(JacobianJob(1, kind, cell, trace, 25, 0.0))
    order: list[tuple[str, int]] = []

    def publish(progress) -> None:
        for kind, (curve, _complete) in progress.items():
            order.append((kind, int(np.count_nonzero(~np.isnan(curve)))))

    assert run_jacobian_jobs(
        jobs, lambda: False, publish, block_steps=5, first_block_steps=5, publish_every=0.0
    )
    # Round by round: 5, 10, 15, 20 steps of each, then each one finished (20 again).
    assert [count for _kind, count in order] == [n for n in (5, 10, 15, 20) for _ in range(3)] + [
        20
    ] * 3
    for job in jobs:
        exact = engine.jacobian_norms(job.cell, job.trace) / 2.0  # ÷ √H, H = 4
        np.testing.assert_allclose(job.run()[:20], exact, rtol=1e-12)
        assert np.isnan(job.run()[20:]).all()
    calls = [0]

    def cancel_after_four() -> bool:
        calls[0] += 1
        return calls[0] > 4

    assert not run_jacobian_jobs(jobs, cancel_after_four, publish, block_steps=5)
    assert calls[0] == 5  # stopped at the first look after the fourth block


def test_the_first_block_of_each_curve_is_short_so_every_curve_starts_soon() -> None:
    """By default each curve's first block is L and L−1 (one adjoint step, the costliest
    kind: full rank), then blocks of ``block_steps``; the pieces stay exact."""
    rng = np.random.default_rng(2)
    jobs = []
    for kind in ("rnn", "lstm", "gru"):
        cell = engine.make_cell(kind, 2, 4, seed=3)
        trace = engine.forward(cell, rng.normal(size=(20, 2)))
        jobs.append(JacobianJob(1, kind, cell, trace, 20, 0.0))
    published: list[dict[str, int]] = []

    def publish(progress) -> None:
        published.append(
            {kind: int(np.count_nonzero(~np.isnan(curve))) for kind, (curve, _) in progress.items()}
        )
        for kind, (curve, _complete) in progress.items():
            job = next(job for job in jobs if job.kind == kind)
            exact = engine.jacobian_norms(job.cell, job.trace) / 2.0
            known = ~np.isnan(curve)
            np.testing.assert_allclose(curve[known], exact[known], rtol=1e-12)

    assert gradients.JACOBIAN_FIRST_BLOCK_STEPS == 2
    assert run_jacobian_jobs(jobs, lambda: False, publish, block_steps=5, publish_every=0.0)
    assert published[0] == {"rnn": 2, "lstm": 2, "gru": 2}
    assert [counts["rnn"] for counts in published[:5]] == [2, 7, 12, 17, 20]


def test_stop_work_stops_the_curves_and_keeps_what_is_on_screen(monkeypatch) -> None:
    """What the window does when it closes: the work stops at its next block."""
    monkeypatch.setattr(gradients, "JACOBIAN_INLINE_BUDGET", 0.0)
    monkeypatch.setattr(gradients, "JACOBIAN_PUBLISH_SECONDS", 0.0)
    session = StudioSession(DemoSetup(text=WAVE, mode="numbers", cell="compare"))
    events: list[tuple[str, ...]] = []

    def stop_at_first(kinds: tuple[str, ...]) -> None:
        events.append(kinds)
        session.stop_work()

    session.jacobian_changed.connect(stop_at_first)
    session.backprop()
    assert len(events) == 1 and not session.busy
    shown = session.gradients
    assert not any(report.jacobian_complete for report in shown.values())
    assert all(np.isnan(report.jacobian_norms[:80]).all() for report in shown.values())
    assert session.run is not None and session.backprop_enabled


def test_a_cancelled_job_stops_inside_a_block_and_publishes_nothing_more() -> None:
    """``cancelled`` is asked at every step inside a block, not only between blocks."""
    cell = engine.make_cell("lstm", 2, 16, seed=0)
    trace = engine.forward(cell, np.random.default_rng(0).standard_normal((60, 2)))
    job = JacobianJob(0, "lstm", cell, trace, len(trace), 0.0)
    looks = [0]

    def cancelled() -> bool:
        looks[0] += 1
        return looks[0] >= 10

    published: list[object] = []
    done = run_jacobian_jobs(
        [job], cancelled, published.append, block_steps=60, first_block_steps=60
    )
    assert done is False and looks[0] == 10 and published == []
