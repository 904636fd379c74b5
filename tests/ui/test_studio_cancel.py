"""A setting changed while the exact Jacobian curves are computed on the worker thread shows
its new trace without waiting for them: the old job stops at its next block."""

from __future__ import annotations

import math

import numpy as np

from rnn_studio import engine
from rnn_studio.engine.blas import limit_blas_threads
from rnn_studio.state import gradients
from rnn_studio.state import session as session_module
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.workers import QtExecutor

STEPS = 400

limit_blas_threads(1)  # as the app does: a BLAS thread pool per product thrashes a busy machine


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

    seen_at_new_trace: list[tuple[object, int]] = []
    bridge.trace_changed.connect(
        lambda run: seen_at_new_trace.append((jobs[0]["finished"], jobs[0]["looks"]))
    )
    with qtbot.waitSignal(bridge.trace_changed, timeout=120_000):
        session.set_seed(5)
    # When the new trace arrived, the old job had stopped, long before its end.
    finished, looks = seen_at_new_trace[0]
    assert finished is False and looks < blocks / 2, (finished, looks, blocks)
    assert session.seed == 5 and session.run.primary.cell is not None
    assert executor.wait_idle(300_000)
    assert [job["finished"] for job in jobs] == [False, True]
    assert all(report.jacobian_complete for report in session.gradients.values())
    cell_run = session.run.cells["lstm"]
    exact = engine.jacobian_log10_norms(cell_run.cell, cell_run.trace) - math.log10(math.sqrt(128))
    got = np.log10(session.gradients["lstm"].jacobian_norms)
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-8)
    bridge.detach()
