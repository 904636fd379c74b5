"""Compare mode at a costly size, on the window's worker thread: the cell on view's trace
reaches the views first (its run alone), the other two cells follow with the gradients, and
the gradient panel then lists all three cells' ρ."""

from __future__ import annotations

import numpy as np

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.panels.gradients import GradientsPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.widgets.compare_story import CompareStoryBar
from rnn_studio.ui.workers import QtExecutor


def test_the_cell_on_view_is_drawn_before_the_other_cells_are_computed(qtbot) -> None:
    session = StudioSession()
    executor = QtExecutor()
    session.set_executor(executor)
    bridge = SessionBridge(session)
    panel = GradientsPanel(bridge)
    qtbot.addWidget(panel)
    text = ", ".join(f"{v:.3f}" for v in np.sin(np.arange(300) / 7.0))
    setup = DemoSetup(text=text, mode="numbers", cell="compare", hidden_size=64, backprop=True)
    session.apply_demo(setup)
    assert executor.wait_idle(timeout_ms=120_000)
    traces: list[tuple[str, ...]] = []
    cleared: list[str] = []  # the ρ line when the old gradients left (with the old trace)
    bridge.trace_changed.connect(lambda run: traces.append(run.kinds))
    bridge.gradients_changed.connect(
        lambda reports: cleared.append(panel.rho_label.text()) if reports is None else None
    )
    with qtbot.waitSignal(bridge.gradients_changed, timeout=120_000, check_params_cb=bool):
        session.set_seed(4)
    assert traces == [("lstm",)]  # the cell on view, alone; no second trace
    assert len(cleared) == 1
    assert "ρ<sub>lstm</sub>" in cleared[0] and "ρ<sub>rnn</sub>" not in cleared[0]
    assert session.run.kinds == ("rnn", "lstm", "gru")
    assert session.shown is session.run.cells["lstm"]
    if session.run.radii_pending:  # a new seed's ρ comes after the gradients
        with qtbot.waitSignal(bridge.radii_changed, timeout=120_000):
            pass
    for kind in ("rnn", "lstm", "gru"):
        rho = session.run.cells[kind].spectral_radius
        assert f"ρ<sub>{kind}</sub> = {rho:.2f}" in panel.rho_label.text()
    assert executor.wait_idle(timeout_ms=120_000)


def test_the_compare_story_keeps_its_words_while_only_the_cell_on_view_is_computed(qtbot):
    """The partial run is not "none of the three set-ups": the bar waits for the rest."""
    session = StudioSession()
    executor = QtExecutor()
    session.set_executor(executor)
    bridge = SessionBridge(session)
    bar = CompareStoryBar(bridge)
    qtbot.addWidget(bar)
    text = ", ".join(f"{v:.3f}" for v in np.sin(np.arange(300) / 7.0))
    session.apply_demo(
        DemoSetup(text=text, mode="numbers", cell="compare", hidden_size=64, backprop=True)
    )
    assert executor.wait_idle(timeout_ms=120_000)
    bar.show()
    bar.refresh()
    before = bar.verdict.text()
    assert before.startswith("Untrained, the LSTM's forget gate")
    during: list[tuple[bool, str]] = []
    bridge.trace_changed.connect(
        lambda run: during.append((session.run_partial, bar.verdict.text()))
    )
    with qtbot.waitSignal(bridge.gradients_changed, timeout=120_000, check_params_cb=bool):
        session.set_seed(8)
    assert during == [(True, before)]
    assert bar.verdict.text().startswith("Untrained, the LSTM's forget gate")
    assert bar.verdict.text() != before  # the new seed's factors
    assert executor.wait_idle(timeout_ms=120_000)
