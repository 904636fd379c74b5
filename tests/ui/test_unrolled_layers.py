"""The unrolled view with two layers and both directions: a row of cells per layer and
direction whose painted colours are the engine's states, and the Model panel's controls."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from rnn_studio import engine
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.numbers import format_number
from rnn_studio.ui.panels.unrolled import ONE_ROW_TIP, UnrolledPanel
from rnn_studio.ui.theme import diverging_colour_map
from rnn_studio.ui.widgets.chain import BOX_WIDTH, HEIGHT, CellItem
from rnn_studio.ui.widgets.chain_layers import LayerColumnItem, unit_rect
from tests.ui.conftest import show_panel


def make_panel(qtbot, kind: str = "lstm", layers: int = 2, bidirectional: bool = True):
    setup = DemoSetup(text="not bad at all", mode="words", cell=kind, hidden_size=5,
                      num_layers=layers, bidirectional=bidirectional, cursor=1)  # fmt: skip
    session = StudioSession(setup)
    return session, show_panel(qtbot, UnrolledPanel, session, 900, 480)


def painted(view, item, point: QPointF):
    """The colour on screen at ``point`` of ``item`` (item coordinates)."""
    image = view.viewport().grab().toImage()
    spot = view.mapFromScene(item.mapToScene(point))
    return image.pixelColor(spot.x(), spot.y())


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_every_row_paints_the_engine_s_states(qtbot, kind: str) -> None:
    session, panel = make_panel(qtbot, kind)
    view = panel.view
    state = view.state
    shown = session.shown
    # What the engine says, computed here from the stack the session built.
    stack_trace = engine.forward(shown.stack, shown.trace.inputs)
    expected = {
        (layer, direction): stack_trace.states(layer, direction)
        for layer in range(2)
        for direction in range(2)
    }
    assert [(row.layer, row.direction) for row in state.rows] == [(1, 1), (1, 0), (0, 1), (0, 0)]
    assert all(isinstance(item, LayerColumnItem) for item in view.cells)
    assert len(view.cells) == 4
    checked = 0
    for row, top in zip(state.rows, state.layout.row_tops, strict=True):
        np.testing.assert_array_equal(row.states, expected[(row.layer, row.direction)])
        for item in view.cells:
            values = expected[(row.layer, row.direction)][item.t]
            for unit in range(5):
                centre = unit_rect(top, BOX_WIDTH, 5, unit).center()
                colour = painted(view, item, centre)
                want = state.unit_colour(float(values[unit]))
                assert (
                    max(
                        abs(colour.red() - want.red()),
                        abs(colour.green() - want.green()),
                        abs(colour.blue() - want.blue()),
                    )
                    <= 3
                ), (row.label, item.t, unit)
                checked += 1
    assert checked == 4 * 4 * 5
    # the tooltip gives the numbers of the column
    tip = view.cells[2].toolTip()
    for row in state.rows:
        first = format_number(float(expected[(row.layer, row.direction)][2][0]), 2)
        assert f"{row.label}: h = [{first}," in tip


def test_unit_colours_are_the_diverging_map_on_one_scale(qtbot) -> None:
    _session, panel = make_panel(qtbot, "gru")
    state = panel.view.state
    states = np.concatenate([row.states.ravel() for row in state.rows])
    assert state.scale == pytest.approx(np.percentile(np.abs(states), 99))
    colour_map = diverging_colour_map()
    for value, position in ((-state.scale, 0.0), (0.0, 0.5), (state.scale, 1.0), (9e9, 1.0)):
        r, g, b, _ = colour_map.map(np.array([position]), mode="byte")[0]
        colour = state.unit_colour(value)
        assert (colour.red(), colour.green(), colour.blue()) == (r, g, b)


def test_back_to_one_row_and_the_chain_height_follows(qtbot) -> None:
    session, panel = make_panel(qtbot, "rnn", layers=2, bidirectional=False)
    view = panel.view
    assert [row.label for row in view.state.rows] == ["layer 2 →", "layer 1 →"]
    assert view.state.height > HEIGHT and "L1 → (bold) is the cell" in view.toolTip()
    tall = view.sizeHint().height()
    session.set_bidirectional(True)
    assert len(view.state.rows) == 4 and view.sizeHint().height() > tall
    session.set_num_layers(1)
    session.set_bidirectional(False)
    assert view.state.rows == () and view.state.height == HEIGHT
    assert all(isinstance(item, CellItem) for item in view.cells)
    assert view.toolTip() == ONE_ROW_TIP


def test_the_panel_s_controls_set_and_follow_the_session(qtbot) -> None:
    session, panel = make_panel(qtbot, "gru", layers=1, bidirectional=False)
    assert panel.layers_box.value() == 1 and not panel.bidirectional_box.isChecked()
    panel.layers_box.setValue(2)
    assert session.num_layers == 2 and session.shown.stack.num_layers == 2
    assert len(panel.view.state.rows) == 2
    panel.bidirectional_box.setChecked(True)
    assert session.bidirectional and session.shown.stack.bidirectional
    assert len(panel.view.state.rows) == 4
    assert panel.layers_box.maximum() == 2
    session.reset()
    assert panel.layers_box.value() == 1 and not panel.bidirectional_box.isChecked()
    assert panel.view.state.rows == ()


def test_backprop_draws_each_row_s_gradient_under_its_cells(qtbot) -> None:
    from rnn_studio.state.layer_rows import layer_gradient_norms
    from rnn_studio.ui.widgets.chain_layers import gradient_pen, gradient_stripe

    session, panel = make_panel(qtbot, "gru")
    view = panel.view
    assert view.state.row_gradients == ()
    session.backprop()
    loss_step = session.resolved_loss_step
    expected = layer_gradient_norms(session.shown, loss_step)
    assert len(view.state.row_gradients) == 4
    for shown, want in zip(view.state.row_gradients, expected, strict=True):
        np.testing.assert_array_equal(shown, want)
    # The top forward row at the loss step: its stripe is painted in the pen of its norm.
    index = [(r.layer, r.direction) for r in view.state.rows].index((1, 0))
    colour, width = gradient_pen(view.state, index, loss_step)
    assert width > 3
    item = view.cells[loss_step]
    start, end = gradient_stripe(view.state.layout.row_tops[index], BOX_WIDTH, width)
    seen = painted(view, item, (start + end) / 2)
    assert (
        max(
            abs(seen.red() - colour.red()),
            abs(seen.green() - colour.green()),
            abs(seen.blue() - colour.blue()),
        )
        <= 3
    )
    assert "‖∂L/∂h‖ = " in item.toolTip()
    session.clear_gradients()
    assert view.state.row_gradients == () and "‖∂L/∂h‖" not in item.toolTip()
