"""The Code panel's model: its lines are the reference source, its values the engine's numbers.

Forward: every value the reference step computes at step t (h, c, gates, pre-activations) is
what the fast engine's trace holds for step t. Backward: dh at step t is the engine's
∂L/∂h_t for the studio's loss, and its norm is the Gradient panel's curve.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_studio.engine import backward, forward, make_cell, reference
from rnn_studio.state.code_lines import (
    backward_pass,
    format_value,
    forward_values,
    listing,
    name_at,
    run_traced,
)
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.recipe import loss_gradient

KINDS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
TOLERANCE = 1e-12


def make(kind: str, nonlinearity: str, steps: int = 6, batch: int | None = None, seed: int = 0):
    rng = np.random.default_rng(seed)
    cell = make_cell(kind, 4, 5, rng=rng, nonlinearity=nonlinearity)
    shape = (steps, 4) if batch is None else (steps, batch, 4)
    xs = rng.normal(size=shape)
    h0 = rng.normal(scale=0.3, size=(*shape[1:-1], 5))
    c0 = rng.normal(scale=0.3, size=h0.shape) if kind == "lstm" else None
    return cell, forward(cell, xs, h0, c0)


def line_of(found, name: str) -> int:
    """The index of the line that assigns ``name``."""
    return next(k for k, line in enumerate(found.lines) if name in line.assigned)


@pytest.mark.parametrize("kind", reference.KINDS)
@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_the_lines_are_the_reference_source_itself(kind, direction) -> None:
    found = listing(kind, direction)
    source = Path(inspect.getsourcefile(reference)).read_text(encoding="utf-8").splitlines()
    function = (reference.STEPS if direction == "forward" else reference.BACKWARD_STEPS)[kind]
    assert found.function is function
    assert found.lines[0].text.startswith(f"def {function.__name__}(")
    for line in found.lines:
        assert source[line.number - 1].strip() == line.text.strip()
    assert found.lines[-1].text.startswith("return ")
    assert found.computing_lines  # something to highlight
    assert all(found.lines[k].assigned for k in found.computing_lines)


@pytest.mark.parametrize(("kind", "nonlinearity"), KINDS)
@pytest.mark.parametrize("batch", [None, 3])
def test_forward_values_are_the_traces_numbers(kind, nonlinearity, batch) -> None:
    cell, trace = make(kind, nonlinearity, batch=batch)
    for t in range(len(trace)):
        values = forward_values(kind, cell.params, trace, t, nonlinearity)
        found = values.listing
        np.testing.assert_allclose(
            values.value(line_of(found, "h"), "h"), trace.hidden[t], atol=TOLERANCE
        )
        np.testing.assert_array_equal(values.value(0, "x"), trace.inputs[t])
        for gate in cell.gate_names:
            np.testing.assert_allclose(
                values.value(line_of(found, gate), gate), trace.gates[gate][t], atol=TOLERANCE
            )
        if kind == "lstm":
            np.testing.assert_allclose(
                values.value(line_of(found, "c"), "c"), trace.cell_state[t], atol=TOLERANCE
            )
            a = values.value(line_of(found, "a"), "a")
            joined = np.concatenate([trace.pre[g][t] for g in "ifgo"], axis=-1)
            np.testing.assert_allclose(a, joined, atol=TOLERANCE)
        elif kind == "gru":
            for name in ("a_r", "a_z", "a_n", "hn"):
                engine_name = name.removeprefix("a_")
                np.testing.assert_allclose(
                    values.value(line_of(found, name), name),
                    trace.pre[engine_name][t],
                    atol=TOLERANCE,
                )
        else:
            np.testing.assert_allclose(
                values.value(line_of(found, "a"), "a"), trace.pre["h"][t], atol=TOLERANCE
            )
        # The previous state the step read is the trace's own.
        previous = trace.h0 if t == 0 else trace.hidden[t - 1]
        np.testing.assert_array_equal(values.value(0, "h_prev"), previous)


@pytest.mark.parametrize(("kind", "nonlinearity"), KINDS)
@pytest.mark.parametrize("loss_step", [0, 3, 5])
def test_backward_values_are_the_engines_gradients(kind, nonlinearity, loss_step) -> None:
    cell, trace = make(kind, nonlinearity)
    found = listing(kind, "backward")
    prefix = forward(cell, trace.inputs[: loss_step + 1], trace.h0, trace.c0)
    d_hidden = loss_gradient(prefix.hidden)
    grads = backward(cell, prefix, d_hidden)
    pass_ = backward_pass(kind, cell.params, trace, loss_step, nonlinearity)
    assert pass_.loss_step == loss_step
    for t in range(loss_step + 1):
        values = pass_.values(t)
        np.testing.assert_allclose(values.value(0, "dh"), grads.hidden[t], atol=TOLERANCE)
        np.testing.assert_allclose(
            values.value(line_of(found, "dx"), "dx"), grads.inputs[t], atol=TOLERANCE
        )
        carried = values.value(line_of(found, "dhnext"), "dhnext")
        expected = grads.h0 if t == 0 else grads.hidden[t - 1] - d_hidden[t - 1]
        np.testing.assert_allclose(carried, expected, atol=TOLERANCE)
        if kind == "lstm" and t == 0:
            dcnext = values.value(line_of(found, "dcnext"), "dcnext")
            np.testing.assert_allclose(dcnext, grads.c0, atol=TOLERANCE)
    with pytest.raises(ValueError, match="backward step"):
        pass_.values(loss_step + 1)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_dh_norms_are_the_gradient_panels_curve(cell) -> None:
    setup = DemoSetup(text="not bad at all, said the cat", mode="words", cell=cell, backprop=True)
    session = StudioSession(setup)
    shown = session.shown
    report = session.gradients[shown.kind]
    pass_ = backward_pass(shown.kind, shown.cell.params, shown.trace, report.loss_step)
    norms = [np.linalg.norm(pass_.values(t).value(0, "dh")) for t in range(report.loss_step + 1)]
    np.testing.assert_allclose(norms, report.grad_norms[: report.loss_step + 1], rtol=1e-10)


def test_a_name_read_on_a_line_has_the_value_it_read() -> None:
    cell, trace = make("lstm", "tanh")
    values = forward_values("lstm", cell.params, trace, 2)
    found = values.listing
    c_line = line_of(found, "c")
    assert found.lines[c_line].used == ("f", "c_prev", "i", "g")
    np.testing.assert_array_equal(values.value(c_line, "c_prev"), trace.cell_state[1])
    np.testing.assert_allclose(values.value(c_line, "f"), trace.gates["f"][2], atol=TOLERANCE)
    assert values.value(c_line, "np") is None  # a module, not a value
    assert values.value(c_line, "nothing") is None
    assert values.describe(c_line, "c").startswith("c = [")


def test_name_at_finds_the_name_under_the_pointer() -> None:
    text = "c = f * c_prev + i * g  # memory c_t"
    assert name_at(text, 0) == "c"
    assert name_at(text, 9) == "c_prev"
    assert name_at(text, 14) == "c_prev"  # the end of the name
    assert name_at(text, 1) == "c"  # just after it
    assert name_at(text, 6) is None  # the "*"
    assert name_at(text, 32) is None  # inside the comment
    assert name_at(text, 99) is None
    assert name_at("x = 2.5", 5) is None  # a number, not a name


def test_values_read_well() -> None:
    assert format_value(np.array([0.5, -1.25])) == "[0.5, -1.25]  (2)"
    assert format_value(np.arange(10.0), entries=3) == "[0, 1, 2, …]  (10)"
    assert format_value(3) == "3"
    assert format_value(np.float64(1e-7)) == "1.000e-07"
    matrix = format_value(np.ones((3, 4)), entries=2)
    assert matrix.startswith("3×4 matrix, ‖·‖ = 3.464")
    assert format_value(np.array([np.inf])) == "[inf]  (1)"


def test_run_traced_records_each_line_and_restores_the_tracer() -> None:
    def tracer(frame, event, arg):
        return None

    def sample(a):
        b = a + 1
        c = b * 2
        return c

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result, snapshots = run_traced(sample, 3)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)
    first = sample.__code__.co_firstlineno
    assert result == 8
    assert snapshots[first + 1]["b"] == 4 and "c" not in snapshots[first + 1]
    assert snapshots[first + 2]["c"] == 8


def test_unknown_kinds_and_steps_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown cell kind"):
        listing("transformer", "forward")
    with pytest.raises(ValueError, match="direction"):
        listing("rnn", "sideways")
    cell, trace = make("rnn", "tanh")
    with pytest.raises(ValueError, match="step t"):
        forward_values("rnn", cell.params, trace, len(trace))
