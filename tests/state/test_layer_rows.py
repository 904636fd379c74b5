"""Layers and directions in the studio's state: the controls are checked like the others, and
every row the unrolled view draws holds exactly the engine's per-layer, per-direction states."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.engine import reference
from rnn_studio.state.layer_rows import layer_rows
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoError, DemoSetup

KINDS = ["rnn", "lstm", "gru"]


def session_for(kind: str, layers: int = 2, bidirectional: bool = True, **more) -> StudioSession:
    setup = DemoSetup(text="to be or not", mode="words", cell=kind, hidden_size=5,
                      num_layers=layers, bidirectional=bidirectional, **more)  # fmt: skip
    return StudioSession(setup)


@pytest.mark.parametrize("kind", KINDS)
def test_rows_are_the_engine_s_states_of_every_layer_and_direction(kind: str) -> None:
    session = session_for(kind)
    shown = session.shown
    assert shown is not None and shown.stack is not None
    rows = layer_rows(shown)
    assert [row.label for row in rows] == ["layer 2 ←", "layer 2 →", "layer 1 ←", "layer 1 →"]
    # An independent computation: the plain reference oracle on the stack's weights.
    inputs = shown.trace.inputs
    zeros = np.zeros((4, 5))
    traces = reference.stack_forward(
        kind, shown.stack.state_dict(), inputs, zeros, zeros if kind == "lstm" else None, 2, True
    )
    for row in rows:
        trace = traces[row.layer][row.direction]
        expected = trace.hidden[::-1] if row.reverse else trace.hidden
        np.testing.assert_allclose(row.states, expected, rtol=0, atol=1e-12, err_msg=row.label)
    # Layer 1 → is the very cell (and numbers) every other panel shows.
    assert shown.stack.cell(0, 0) is shown.cell
    np.testing.assert_array_equal(rows[-1].states, shown.trace.hidden)
    # Layer 2 reads layer 1's two directions side by side.
    layer1 = np.concatenate([rows[3].states, rows[2].states], axis=-1)
    np.testing.assert_array_equal(shown.stack_trace.layer_outputs[0], layer1)


def test_rows_follow_the_view_cell_in_compare_mode() -> None:
    session = session_for("compare", layers=2, bidirectional=False)
    for kind in KINDS:
        session.set_view_cell(kind)
        rows = layer_rows(session.shown)
        assert [row.label for row in rows] == ["layer 2 →", "layer 1 →"]
        np.testing.assert_array_equal(rows[-1].states, session.run.cells[kind].trace.hidden)


def test_one_layer_one_direction_has_no_extra_rows_and_no_stack() -> None:
    session = session_for("gru", layers=1, bidirectional=False)
    assert session.shown.stack is None and layer_rows(session.shown) == ()
    session.set_bidirectional(True)
    assert [row.label for row in layer_rows(session.shown)] == ["layer 1 ←", "layer 1 →"]


def test_extra_cells_follow_the_seed_and_the_recipe() -> None:
    a, b, c = session_for("lstm", seed=3), session_for("lstm", seed=3), session_for("lstm", seed=4)
    for name, value in a.shown.stack.state_dict().items():
        np.testing.assert_array_equal(value, b.shown.stack.state_dict()[name])
    assert not np.array_equal(
        a.shown.stack.params["weight_hh_l1"], c.shown.stack.params["weight_hh_l1"]
    )
    # every direction has its own weights (not the forward cell's again)
    params = a.shown.stack.params
    assert not np.array_equal(params["weight_hh_l0"], params["weight_hh_l0_reverse"])
    rescaled = session_for("rnn", spectral_radius=0.5)
    from rnn_studio import engine

    for row in rescaled.shown.stack.cells:
        for cell in row:
            assert engine.spectral_radius(cell) == pytest.approx(0.5)


def test_controls_are_checked_like_the_others() -> None:
    session = session_for("rnn", layers=1, bidirectional=False)
    with pytest.raises(ValueError, match="layers: 3 is not a whole number from 1 to 2"):
        session.set_num_layers(3)
    with pytest.raises(ValueError, match="both directions: must be true or false"):
        session.set_bidirectional("yes")  # type: ignore[arg-type]
    assert session.num_layers == 1 and not session.bidirectional
    with pytest.raises(DemoError, match="num_layers: 0 is not a whole number"):
        DemoSetup.from_dict({"text": "ab", "num_layers": 0})
    with pytest.raises(DemoError, match="bidirectional: must be true or false"):
        DemoSetup.from_dict({"text": "ab", "bidirectional": 1})
    session.set_num_layers(2)
    session.set_bidirectional(True)
    setup = session.to_setup()
    assert (setup.num_layers, setup.bidirectional) == (2, True)
    assert DemoSetup.from_dict(setup.to_dict()) == setup
    session.reset()
    assert session.num_layers == 1 and not session.bidirectional
    plain = DemoSetup(text="ab").to_dict()  # files without layers read and write as before
    assert "num_layers" not in plain and "bidirectional" not in plain


def test_typing_reuses_the_extra_layers_cells() -> None:
    session = session_for("lstm", spectral_radius=0.9)
    before = session.shown.stack
    session.set_text("to be or not to be")  # same words: same vocabulary, same input size
    after = session.shown.stack
    assert after is not before
    for layer, direction in ((0, 1), (1, 0), (1, 1)):  # from the cell cache, not rebuilt
        assert after.cell(layer, direction) is before.cell(layer, direction)


@pytest.mark.parametrize("kind", KINDS)
def test_row_gradients_are_the_stack_s_bptt_for_the_loss_on_its_output(kind: str) -> None:
    from rnn_studio.state.layer_rows import layer_gradient_norms

    session = session_for(kind)
    shown = session.shown
    loss_step = 1  # of 4 steps
    norms = layer_gradient_norms(shown, loss_step)
    # The loss L = u · y_{loss step} on the stack's output, u = (1, …, 1)/√(D·H), by hand.
    d_output = np.zeros((4, 10))
    d_output[loss_step] = 1 / np.sqrt(10)
    grads = engine.backward(shown.stack, shown.stack_trace, d_output)
    rows = layer_rows(shown)
    assert len(norms) == len(rows) == 4
    for index, row in enumerate(rows):
        np.testing.assert_allclose(
            norms[index], grads.norms[row.layer * 2 + row.direction], rtol=1e-12, atol=0
        )
    by_row = {(row.layer, row.direction): norms[i] for i, row in enumerate(rows)}
    # Top layer: the forward row feels the loss up to the loss step, the backward row from it
    # on (its state at the loss step was computed from the later steps).
    top_forward, top_backward = by_row[(1, 0)], by_row[(1, 1)]
    assert np.all(top_forward[: loss_step + 1] > 0) and np.all(top_forward[loss_step + 1 :] == 0)
    assert np.all(top_backward[:loss_step] == 0) and np.all(top_backward[loss_step:] > 0)
    assert top_forward[loss_step] == pytest.approx(1 / np.sqrt(2), rel=1e-12)  # u's half
    # Layer 1 feeds both directions above, so every one of its states reaches the loss.
    assert np.all(by_row[(0, 0)] > 0) and np.all(by_row[(0, 1)] > 0)
