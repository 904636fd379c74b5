"""Costly work runs off the UI thread, results come back on it, stale results are dropped."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from rnn_studio import engine
from rnn_studio.state import gradients
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.workers import QtExecutor


def test_cheap_work_runs_inline_and_costly_work_on_a_worker(qtbot) -> None:
    executor = QtExecutor(inline_below=100.0)
    threads: list[tuple[str, bool]] = []
    ui_thread = QApplication.instance().thread()

    def work(name: str):
        return lambda: (name, QThread.currentThread() is ui_thread)

    executor(work("cheap"), threads.append, cost=1.0)
    assert threads == [("cheap", True)]
    executor(work("costly"), threads.append, cost=1e9)
    assert executor.busy
    assert executor.wait_idle()
    assert threads[-1] == ("costly", False)


def test_results_arrive_in_order_and_superseded_runs_are_dropped(qtbot) -> None:
    session = StudioSession()
    executor = QtExecutor(inline_below=0.0)  # everything on the worker
    session.set_executor(executor)
    runs: list[tuple[str, ...]] = []
    session.trace_changed.connect(lambda run: runs.append(run.sequence.tokens))
    session.set_text("one two")
    session.set_text("three four five")
    assert session.busy
    assert executor.wait_idle()
    assert not session.busy
    assert session.run.sequence.tokens == ("three", "four", "five")
    assert runs[-1] == ("three", "four", "five")
    assert ("one", "two") not in runs[1:]  # at most the first, never after the newer one


def test_a_costly_jacobian_curve_arrives_later(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(gradients, "JACOBIAN_INLINE_BUDGET", 0.0)
    session = StudioSession()
    executor = QtExecutor(inline_below=0.0)
    session.set_executor(executor)
    seen: list[tuple[str, bool]] = []
    session.gradients_changed.connect(
        lambda reports: seen.append(("gradients", reports["rnn"].jacobian_complete))
    )
    session.jacobian_changed.connect(
        lambda kinds: seen.append(("jacobian", session.gradients["rnn"].jacobian_complete))
    )
    session.apply_demo(DemoSetup(text="abcdefgh", mode="chars", backprop=True))
    assert executor.wait_idle()
    assert seen[0] == ("gradients", False) and seen[-1] == ("jacobian", True)
    report = session.gradients["rnn"]
    assert np.isclose(report.jacobian_norms[-1], 1.0)
    trace = engine.forward(session.run.primary.cell, session.run.sequence.inputs)
    np.testing.assert_allclose(
        report.jacobian_norms, engine.jacobian_norms(session.run.primary.cell, trace) / np.sqrt(8)
    )


def test_overflow_shows_a_plain_warning_in_the_window(qtbot, tmp_path, monkeypatch) -> None:
    from rnn_studio.ui.main_window import MainWindow

    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    window = MainWindow(StudioSession())
    qtbot.addWidget(window)
    window.show()
    text = ", ".join(f"{v:.3f}" for v in np.sin(np.arange(400) / 5.0))
    window.session.apply_demo(
        DemoSetup(
            text=text,
            mode="numbers",
            nonlinearity="relu",
            spectral_radius=10.0,
            hidden_size=16,
            backprop=True,
        )
    )
    window.executor.wait_idle()
    banner = window.studio.warning_label
    assert banner.isVisible() and "overflowed to infinity" in banner.text()
    verdict = window.studio.gradients.verdict_label.text()
    assert verdict.startswith("Overflowed") and "infinite" in verdict
