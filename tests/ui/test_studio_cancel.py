"""A setting changed while the exact Jacobian curves are computed on the worker thread shows
its new trace without waiting for them: the old job stops at its next block. The same holds
inside one forward or backward pass: the pass stops at its next block of steps."""

from __future__ import annotations

import contextlib
import math
import threading

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.engine.blocks import forward_chunks, time_chunks
from rnn_studio.state import compute as compute_module
from rnn_studio.state import gradients
from rnn_studio.state import session as session_module
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.workers import QtExecutor

STEPS = 400


def test_a_change_during_a_long_jacobian_job_is_not_queued_behind_it(qtbot, monkeypatch) -> None:
    jobs: list[dict] = []  # one per run_jacobian_jobs call: finished?, blocks looked at

    def recording(work_jobs, cancelled, publish, **options):
        record = {"finished": None, "looks": 0, "generation": work_jobs[0].generation}
        jobs.append(record)

        def counting() -> bool:
            record["looks"] += 1
            return cancelled()

        record["finished"] = session_module_run(work_jobs, counting, publish, **options)
        return record["finished"]

    session_module_run = session_module.run_jacobian_jobs
    monkeypatch.setattr(session_module, "run_jacobian_jobs", recording)
    session = StudioSession()
    executor = QtExecutor()  # the window's executor: costly work on one worker thread
    session.set_executor(executor)
    bridge = SessionBridge(session)
    text = ", ".join(f"{v:.3f}" for v in np.sin(np.arange(STEPS) / 7.0))
    setup = DemoSetup(text=text, mode="numbers", cell="compare", hidden_size=128, backprop=True)
    with qtbot.waitSignal(bridge.jacobian_changed, timeout=120_000):
        session.apply_demo(setup)
    # The first blocks of the three curves are on screen; the rest is being computed.
    assert len(jobs) == 1 and jobs[0]["finished"] is None
    assert not any(report.jacobian_complete for report in session.gradients.values())
    blocks = 3 * math.ceil(STEPS / gradients.JACOBIAN_BLOCK_STEPS)
    looks_in_all = blocks + 3 * STEPS  # before every block and at every step inside one

    seen_at_new_trace: list[tuple[object, int]] = []
    bridge.trace_changed.connect(
        lambda run: seen_at_new_trace.append((jobs[0]["finished"], jobs[0]["looks"]))
    )
    with qtbot.waitSignal(bridge.trace_changed, timeout=120_000):
        session.set_seed(5)
    # When the new trace arrived, the old job had stopped, long before its end.
    finished, looks = seen_at_new_trace[0]
    assert finished is False and looks < looks_in_all / 2, (finished, looks, looks_in_all)
    assert session.seed == 5 and session.run.primary.cell is not None
    assert executor.wait_idle(300_000)
    assert [job["finished"] for job in jobs] == [False, True]
    assert all(report.jacobian_complete for report in session.gradients.values())
    cell_run = session.run.cells["lstm"]
    exact = engine.jacobian_log10_norms(cell_run.cell, cell_run.trace) - math.log10(math.sqrt(128))
    got = np.log10(session.gradients["lstm"].jacobian_norms)
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-8)
    bridge.detach()


class PassGate:
    """Wraps the engine's ``interruptible`` as the state layer enters it on the worker thread:
    counts the looks of each computation, and holds the worker at the second look of the
    ``hold_at``-th look of the phase asked for (forward or backward) until the test has made its
    change, so the change lands inside that pass (no wall-clock sleep decides it)."""

    def __init__(self, monkeypatch, phase: str, hold_at: int) -> None:
        self.phase, self.now, self.hold_at = phase, "forward", hold_at
        self.records: list[dict] = []
        self.held: dict | None = None
        self.reached, self.go = threading.Event(), threading.Event()
        real_interruptible = engine.interruptible
        real_report = compute_module.backprop_report

        @contextlib.contextmanager
        def interruptible(cancelled):
            record = {"looks": 0, "phase_looks": 0, "interrupted": False}
            self.records.append(record)

            def stop() -> bool:
                record["looks"] += 1
                if self.now == self.phase:
                    record["phase_looks"] += 1
                    if self.held is None and self.armed and record["phase_looks"] == self.hold_at:
                        self.held = record
                        self.reached.set()
                        assert self.go.wait(120)
                return cancelled()

            try:
                with real_interruptible(stop):
                    yield
            except engine.Interrupted:
                record["interrupted"] = True
                raise

        def report(*args, **kwargs):
            self.now = "backward"
            try:
                return real_report(*args, **kwargs)
            finally:
                self.now = "forward"

        self.armed = False
        monkeypatch.setattr(engine, "interruptible", interruptible)
        monkeypatch.setattr(compute_module, "backprop_report", report)


@pytest.mark.parametrize("phase", ["forward", "backward"])
def test_a_change_made_inside_a_pass_stops_that_pass_at_its_next_block(
    qtbot, monkeypatch, phase
) -> None:
    size = 128
    # The looks of the held computation: the LSTM's forward pass alone (the cell on view,
    # computed first), or the three cells' backward passes (RNN, LSTM, GRU in turn).
    blocks = {
        "forward": len(forward_chunks(STEPS, 4 * size)),
        "backward": sum(len(time_chunks(STEPS, g * size)) for g in (1, 4, 3)),
    }[phase]
    hold_at = {"forward": 2, "backward": len(time_chunks(STEPS, size)) + 2}[phase]  # LSTM's
    assert hold_at < blocks - 2
    gate = PassGate(monkeypatch, phase, hold_at)
    session = StudioSession()
    executor = QtExecutor()
    session.set_executor(executor)
    bridge = SessionBridge(session)
    values = np.sin(np.arange(STEPS) / 7.0)
    text = ", ".join(f"{v:.3f}" for v in values)
    setup = DemoSetup(text=text, mode="numbers", cell="compare", hidden_size=size, backprop=True)
    session.apply_demo(setup)
    session.set_view_cell("lstm")
    assert executor.wait_idle(300_000)
    traces: list[object] = []
    bridge.trace_changed.connect(traces.append)
    gate.armed = True
    new_text = ", ".join(f"{v:.3f}" for v in values + 0.25)
    session.set_text(new_text)  # the old work: every cell's passes over the new text
    qtbot.waitUntil(gate.reached.is_set, timeout=120_000)  # the worker is inside the pass
    held = gate.held
    assert held is not None and not held["interrupted"]
    drawn = len(traces)  # the old work's LSTM trace before its backward pass: 1, else 0
    assert drawn == (1 if phase == "backward" else 0)
    with qtbot.waitSignal(bridge.trace_changed, timeout=120_000):
        session.set_seed(5)  # the user's next change, made while that pass runs
        gate.go.set()
    # The held look saw the newer change and the pass stopped there, blocks before its end
    # (the old code ran every pass to its end: no look inside); nothing old was drawn.
    assert held["interrupted"] and held["phase_looks"] == hold_at < blocks
    assert len(traces) == drawn + 1 and traces[-1].sequence.text == new_text
    assert session.seed == 5 and session.run.sequence.text == new_text
    assert executor.wait_idle(300_000)
    assert len(traces) == drawn + 1  # the new change's one trace (the cell on view)
    # The very pass drawn (its ρ, pending then for the new seed, came after the gradients).
    assert traces[-1].cells["lstm"].trace is session.run.cells["lstm"].trace
    assert not session.run.radii_pending
    # The new change's work ran to its end: its curves equal the exact ones.
    assert all(report.jacobian_complete for report in session.gradients.values())
    fresh = StudioSession()
    fresh.apply_demo(setup)
    fresh.set_text(new_text)
    fresh.set_seed(5)
    for kind, cell_run in session.run.cells.items():
        np.testing.assert_array_equal(cell_run.trace.hidden, fresh.run.cells[kind].trace.hidden)
        assert cell_run.spectral_radius == fresh.run.cells[kind].spectral_radius
        np.testing.assert_array_equal(
            session.gradients[kind].grad_norms, fresh.gradients[kind].grad_norms
        )
    bridge.detach()
