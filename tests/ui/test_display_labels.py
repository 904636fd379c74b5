"""Labels that do not lie (issue 11, item 7): gates, bars, outputs caption, stepper."""

from __future__ import annotations

import numpy as np

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.panels.gates import GatesPanel
from rnn_studio.ui.panels.outputs import TOP_K, OutputsPanel
from rnn_studio.ui.panels.stepper import StepperPanel
from tests.ui.conftest import show_panel


def _show(qtbot, panel_class, session: StudioSession):
    return show_panel(qtbot, panel_class, session, 560, 420)


def _row_labels(panel: GatesPanel) -> list[str]:
    return [panel.maps[name].plot.getAxis("left").labelText for name in panel.gate_names]


def test_gate_rows_follow_the_cell(qtbot) -> None:
    session = StudioSession(DemoSetup(text="not bad at all", mode="words", cell="lstm"))
    panel = _show(qtbot, GatesPanel, session)
    assert _row_labels(panel) == ["i", "f", "g", "o"]
    session.set_cell_kind("gru")
    assert _row_labels(panel) == ["r", "z", "n"]
    assert "GRU" in panel.names_label.text() and "forget" not in panel.names_label.text()
    session.set_cell_kind("compare")
    session.set_view_cell("lstm")
    assert _row_labels(panel) == ["i", "f", "g", "o"]
    session.set_view_cell("gru")
    assert _row_labels(panel) == ["r", "z", "n"]
    session.set_cell_kind("rnn")
    assert panel.gate_names == () and not panel.names_label.isVisibleTo(panel)


def test_gate_bars_share_one_true_axis_and_colours_have_a_key(qtbot) -> None:
    session = StudioSession(DemoSetup(text="not bad at all", mode="words", cell="lstm"))
    panel = _show(qtbot, GatesPanel, session)
    # Every row's bars span the same −1 … 1 (the candidate g needs it); the one labelled
    # axis under the last row is therefore true for every row.
    ranges = {(bars.low, bars.high) for bars in panel.bars.values()}
    assert ranges == {(-1.0, 1.0)}
    g_values = np.asarray(session.shown.trace.gates["g"][session.cursor])
    assert (g_values < 0).any()  # a candidate below zero is drawn, not cut at 0
    key = panel.key_label
    assert key.isVisibleTo(panel)
    for words in ("closed", "open", "−1", "Veiled columns"):
        assert words in key.text()


def test_outputs_caption_names_the_green_bar_only_when_it_is_shown(qtbot) -> None:
    text = "the quick brown fox jumps over the lazy dog"
    session = StudioSession(DemoSetup(text=text, mode="chars", hidden_size=8))
    panel = _show(qtbot, OutputsPanel, session)
    seen_inside = seen_outside = False
    for t in range(len(text) - 1):
        session.set_cursor(t)
        rows = panel.token_chart.rows
        green = [label for label, _, hit in rows if hit]
        caption = panel.caption.text()
        following = session.run.sequence.tokens[t + 1]
        probabilities = session.shown.outputs.probabilities[t]
        rank = int((probabilities > probabilities[session.run.sequence.target_index(t)]).sum())
        if rank < TOP_K:
            assert green == [following] and "green bar" in caption
            seen_inside = True
        else:
            assert green == [] and "green" not in caption
            assert f"not in the top {TOP_K}" in caption
            seen_outside = True
    assert seen_inside and seen_outside


def test_stepper_counts_steps_not_the_last_index(qtbot) -> None:
    session = StudioSession(DemoSetup(text="not bad", mode="words", cursor=0))
    panel = _show(qtbot, StepperPanel, session)
    text = panel.position_label.text()
    assert "step 1 of 2" in text and "of 1" not in text
    session.set_cursor(1)
    assert "step 2 of 2" in panel.position_label.text()


def test_chain_gradient_labels_are_for_people() -> None:
    from rnn_studio.ui.widgets.chain import _short

    for value, expected in [(0.0, "0"), (-0.0, "0"), (3e-5, "3×10⁻⁵"), (1e12, "1×10¹²")]:
        assert _short(value) == expected
    assert _short(0.52) == "0.52" and _short(float("inf")) == "∞"
