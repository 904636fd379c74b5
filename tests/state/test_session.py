"""The studio session: setters recompute, invalid input keeps the last run, demos apply."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup

EVENTS = (
    "controls_changed",
    "trace_changed",
    "cursor_changed",
    "error_changed",
    "warning_changed",
    "gradients_changed",
    "view_cell_changed",
    "demo_applied",
)


def record(session: StudioSession) -> list[str]:
    seen: list[str] = []
    for name in EVENTS:
        getattr(session, name).connect(lambda *args, name=name: seen.append(name))
    return seen


def test_default_session_runs_not_bad_through_a_vanilla_rnn() -> None:
    session = StudioSession()
    assert session.error == ""
    assert session.run is not None
    assert session.run.kinds == ("rnn",)
    assert session.run.sequence.tokens == ("not", "bad")
    assert session.run.primary.trace.hidden.shape == (2, 8)


def test_typing_recomputes_and_matches_the_engine_run_directly() -> None:
    session = StudioSession()
    seen = record(session)
    session.set_sequence("hello", "chars")
    assert "trace_changed" in seen
    run = session.run
    assert run is not None and len(run) == 5
    cell = engine.make_cell("rnn", run.sequence.input_size, 8, seed=0)
    expected = engine.forward(cell, run.sequence.inputs)
    np.testing.assert_allclose(run.primary.trace.hidden, expected.hidden)


def test_invalid_input_sets_a_message_and_keeps_the_last_valid_run() -> None:
    session = StudioSession(DemoSetup(text="1, 2, 3", mode="numbers"))
    before = session.run
    seen = record(session)
    session.set_text("1, 2, three")
    assert "not a number" in session.error
    assert session.run is before
    assert "trace_changed" not in seen
    session.set_text("")
    assert "empty" in session.error
    session.set_text("4, 5")
    assert session.error == ""
    assert session.run is not before and len(session.run) == 2


def test_cursor_moves_clamps_and_announces() -> None:
    session = StudioSession(DemoSetup(text="abcd", mode="chars", cursor=0))
    moves: list[int] = []
    session.cursor_changed.connect(moves.append)
    session.step_forward()
    session.step_forward()
    session.step_back()
    session.go_to_end()
    session.step_forward()  # already at the end: no event
    session.go_to_start()
    session.set_cursor(99)
    assert moves == [1, 2, 1, 3, 0, 3]
    assert session.at_end


def test_compare_mode_runs_three_cells_on_the_same_input_and_seed() -> None:
    session = StudioSession(DemoSetup(text="not bad at all", mode="words", cell="compare"))
    run = session.run
    assert run is not None
    assert run.kinds == ("rnn", "lstm", "gru")
    for kind, cell_run in run.cells.items():
        cell = engine.make_cell(kind, run.sequence.input_size, 8, seed=0)
        np.testing.assert_allclose(
            cell_run.trace.hidden, engine.forward(cell, run.sequence.inputs).hidden
        )
    session.set_view_cell("lstm")
    assert session.shown is run.cells["lstm"]


def test_switching_to_lstm_gives_gates_and_cell_state() -> None:
    session = StudioSession()
    session.set_cell_kind("lstm")
    trace = session.run.primary.trace
    assert session.view_cell == "lstm"
    assert set(trace.gates) == {"i", "f", "g", "o"}
    assert trace.cell_state is not None


def test_spectral_radius_and_forget_bias_reach_the_weights() -> None:
    session = StudioSession(DemoSetup(text="abc", mode="chars", cell="lstm", hidden_size=6))
    base_bias = np.array(session.run.primary.cell.params["bias_ih"])
    session.set_spectral_radius(0.7)
    assert session.run.primary.spectral_radius == pytest.approx(0.7)
    session.set_forget_bias(2.0)
    bias = session.run.primary.cell.params["bias_ih"]
    np.testing.assert_allclose(bias[6:12], base_bias[6:12] + 2.0)
    np.testing.assert_allclose(bias[:6], base_bias[:6])


def test_bad_control_values_raise_naming_the_control() -> None:
    session = StudioSession()
    with pytest.raises(ValueError, match="hidden size"):
        session.set_hidden_size(0)
    with pytest.raises(ValueError, match="spectral radius"):
        session.set_spectral_radius(-1.0)
    with pytest.raises(ValueError, match="cell"):
        session.set_cell_kind("transformer")
    with pytest.raises(ValueError, match="compare"):
        session.set_view_cell("gru")


def test_apply_demo_sets_everything_with_one_recompute() -> None:
    session = StudioSession()
    seen = record(session)
    setup = DemoSetup(
        text="the cat sat",
        mode="words",
        cell="gru",
        hidden_size=5,
        seed=3,
        spectral_radius=1.2,
        cursor=1,
        backprop=True,
        clip=0.5,
    )
    session.apply_demo(setup)
    assert seen.count("trace_changed") == 1
    assert seen[-1] == "demo_applied"
    assert session.cursor == 1
    assert session.gradients is not None and set(session.gradients) == {"gru"}
    assert session.to_setup() == setup


def test_backprop_reports_a_verdict_that_follows_the_spectral_radius() -> None:
    text = "the cat that the dog chased all morning across the wet garden finally slept"
    session = StudioSession(DemoSetup(text=text, mode="chars", hidden_size=64, backprop=True))
    session.set_spectral_radius(0.5)
    low = session.gradients["rnn"].verdict
    session.set_spectral_radius(2.0)
    high = session.gradients["rnn"].verdict
    assert low.label == "vanishing" and low.factor_per_step < 1
    assert high.label == "exploding" and high.factor_per_step > 1
    assert high.spectral_radius == pytest.approx(2.0)


def test_gradient_curves_start_at_the_loss_step_and_clipping_caps_them() -> None:
    setup = DemoSetup(text="abcabcabcabc", mode="chars", spectral_radius=2.0, backprop=True)
    session = StudioSession(setup)
    session.set_loss_step(7)
    report = session.gradients["rnn"]
    assert report.loss_step == 7
    assert np.isnan(report.grad_norms[8:]).all()
    assert report.grad_norms[7] == pytest.approx(1.0)
    assert report.jacobian_norms[7] == pytest.approx(1.0)
    session.set_clip(0.5)
    clipped = session.gradients["rnn"]
    assert np.nanmax(clipped.clipped_norms) <= 0.5
    assert np.nanmax(clipped.grad_norms) > 0.5
    assert clipped.param_norm_after <= 0.5 < clipped.param_norm_before


def test_relu_explosion_is_reported_not_raised() -> None:
    text = ", ".join(str(v) for v in np.sin(np.arange(400) / 5.0))
    setup = DemoSetup(
        text=text, mode="numbers", nonlinearity="relu", spectral_radius=10.0, hidden_size=16
    )
    session = StudioSession(setup)
    assert session.error == ""
    assert "overflowed" in session.warning
    session.backprop()
    verdict = session.gradients["rnn"].verdict
    assert verdict.label == "exploding" and verdict.nonfinite
    assert verdict.describe().startswith("Overflowed")


def test_a_deferring_executor_drops_superseded_results() -> None:
    queued: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []
    session = StudioSession()
    session.set_executor(lambda work, done, cost: queued.append((work, done)))
    session.set_text("first")
    session.set_text("second one")
    assert session.busy and session.run.sequence.tokens == ("not", "bad")
    for work, done in queued:
        done(work())
    assert not session.busy
    assert session.run.sequence.tokens == ("second", "one")
    assert math.isfinite(session.run.primary.spectral_radius)


def test_a_registered_cell_is_shown_until_the_controls_ask_for_another() -> None:
    session = StudioSession(DemoSetup(text="abcab", mode="chars", cell="gru", hidden_size=4))
    trained = engine.make_cell("gru", 3, 4, seed=99)
    session.register_cell(trained, seed=0)
    session.apply_demo(session.to_setup())
    assert session.run.primary.cell is trained
    session.set_seed(1)
    assert session.run.primary.cell is not trained
    for _ in range(20):  # plenty of other cells: the registered one is never evicted
        session.set_hidden_size(session.hidden_size % 7 + 1)
    session.set_hidden_size(4)
    session.set_seed(0)
    assert session.run.primary.cell is trained
    np.testing.assert_allclose(
        session.run.primary.trace.hidden,
        engine.forward(trained, session.run.sequence.inputs).hidden,
    )


def test_a_registered_cell_can_bring_its_own_readout() -> None:
    from rnn_studio.state.trained_adapter import Readout

    session = StudioSession(DemoSetup(text="abcab", mode="chars", cell="rnn", hidden_size=4))
    cell = engine.make_cell("rnn", 3, 4, seed=5)
    rng = np.random.default_rng(0)
    readout = Readout("classes", rng.normal(size=(2, 4)), rng.normal(size=2), ("no", "yes"))
    session.register_cell(cell, seed=0, readout=readout)
    session.apply_demo(session.to_setup())
    outputs = session.run.primary.outputs
    logits = np.asarray(session.run.primary.trace.hidden) @ readout.weight.T + readout.bias
    expected = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(outputs.probabilities, expected, atol=1e-12)
    assert (
        outputs.trained
        and outputs.kind == "classes"
        and outputs.top_tokens(0, ("a", "b", "c"), 5)[0][0] in ("no", "yes")
    )
    with pytest.raises(ValueError, match="reads 4 hidden units"):
        session.register_cell(engine.make_cell("rnn", 3, 5, seed=5), seed=0, readout=readout)
