"""The cell diagram's view-model holds exactly the engine's trace values, stage by stage."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.state.cell_diagram import NUMBERS_UP_TO, cell_diagram, diagram_of_run
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup

STEPS = (0, 3, 7, 11)


def run_cell(kind: str, hidden: int = 6, nonlinearity: str = "tanh"):
    rng = np.random.default_rng(7)
    extra = {"nonlinearity": nonlinearity} if kind == "rnn" else {}
    cell = engine.make_cell(kind, input_size=3, hidden_size=hidden, seed=3, **extra)
    xs = rng.standard_normal((12, 3))
    h0 = 0.5 * rng.standard_normal(hidden)
    c0 = 0.5 * rng.standard_normal(hidden) if kind == "lstm" else None
    return cell, engine.forward(cell, xs, h0=h0, c0=c0)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


@pytest.mark.parametrize("t", STEPS)
def test_lstm_diagram_equals_the_trace(t: int) -> None:
    cell, trace = run_cell("lstm")
    d = cell_diagram("lstm", cell, trace, t, token="x")
    c_prev = trace.c0 if t == 0 else trace.cell_state[t - 1]
    h_prev = trace.h0 if t == 0 else trace.hidden[t - 1]
    for name in ("i", "f", "g", "o"):
        np.testing.assert_array_equal(d.values(name), trace.gates[name][t])
    np.testing.assert_array_equal(d.values("c_prev"), c_prev)
    np.testing.assert_array_equal(d.values("h_prev"), h_prev)
    np.testing.assert_array_equal(d.values("c"), trace.cell_state[t])
    np.testing.assert_array_equal(d.values("h"), trace.hidden[t])
    np.testing.assert_array_equal(d.values("x"), trace.inputs[t])
    # The wires in between recompose c_t and h_t (PyTorch's equations).
    np.testing.assert_allclose(d.values("fc") + d.values("ig"), trace.cell_state[t], rtol=1e-12)
    np.testing.assert_allclose(
        d.values("o") * d.values("tanh_c"), trace.hidden[t], rtol=1e-12, atol=1e-15
    )
    # Independent of the trace: the forget gate from the weights.
    p = cell.params
    H = cell.hidden_size
    pre = p["weight_ih"] @ trace.inputs[t] + p["weight_hh"] @ h_prev + p["bias_ih"] + p["bias_hh"]
    np.testing.assert_allclose(d.values("f"), sigmoid(pre[H : 2 * H]), rtol=1e-12)
    for gate in d.gates():
        assert gate.opening == pytest.approx(float(np.mean(trace.gates[gate.key][t])))


@pytest.mark.parametrize("t", STEPS)
def test_gru_diagram_equals_the_trace(t: int) -> None:
    cell, trace = run_cell("gru")
    d = cell_diagram("gru", cell, trace, t)
    h_prev = trace.h0 if t == 0 else trace.hidden[t - 1]
    for name in ("r", "z", "n"):
        np.testing.assert_array_equal(d.values(name), trace.gates[name][t])
    np.testing.assert_array_equal(d.values("h"), trace.hidden[t])
    np.testing.assert_allclose(d.values("keep") + d.values("new"), trace.hidden[t], rtol=1e-12)
    # PyTorch's reset gate multiplies W_hn h_{t−1} + b_hn, computed here from the weights.
    p, H = cell.params, cell.hidden_size
    hn = p["weight_hh"][2 * H :] @ h_prev + p["bias_hh"][2 * H :]
    np.testing.assert_allclose(d.values("hn"), hn, rtol=1e-12)
    np.testing.assert_allclose(d.values("rhn"), trace.gates["r"][t] * hn, rtol=1e-12)
    n = np.tanh(p["weight_ih"][2 * H :] @ trace.inputs[t] + p["bias_ih"][2 * H :] + d.values("rhn"))
    np.testing.assert_allclose(d.values("n"), n, rtol=1e-12)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("t", STEPS)
def test_rnn_diagram_equals_the_trace(t: int, nonlinearity: str) -> None:
    cell, trace = run_cell("rnn", nonlinearity=nonlinearity)
    d = cell_diagram("rnn", cell, trace, t, activation=nonlinearity)
    np.testing.assert_allclose(d.values("wx") + d.values("wh"), trace.pre["h"][t], rtol=1e-12)
    np.testing.assert_array_equal(d.values("a"), trace.pre["h"][t])
    np.testing.assert_array_equal(d.values("h"), trace.hidden[t])
    act = np.tanh if nonlinearity == "tanh" else (lambda a: np.maximum(a, 0.0))
    np.testing.assert_allclose(act(d.values("a")), trace.hidden[t], rtol=1e-12)
    assert d.activation == nonlinearity


def test_stages_follow_the_equations() -> None:
    expected = {
        "rnn": ["a", "h"],
        "lstm": ["i", "f", "g", "o", "c", "h"],
        "gru": ["r", "z", "n", "h"],
    }
    for kind, names in expected.items():
        cell, trace = run_cell(kind)
        d = cell_diagram(kind, cell, trace, 1)
        assert [stage.name for stage in d.stages] == names
        assert [stage.equation_line for stage in d.stages] == list(range(len(names)))
        # Every computed quantity belongs to exactly one stage; inputs to none.
        computed = [key for stage in d.stages for key in stage.keys]
        assert len(computed) == len(set(computed))
        inputs = {"x", "h_prev", "c_prev"} & set(d.quantities)
        assert set(computed) | inputs == set(d.quantities)
        assert d.stage_of("h") == len(names) - 1 and d.stage_of("x") is None
    # Gates before the cell state before h_t.
    cell, trace = run_cell("lstm")
    d = cell_diagram("lstm", cell, trace, 2)
    assert max(d.stage_of(g) for g in "ifgo") < d.stage_of("c") < d.stage_of("h")


def test_values_are_read_only_copies() -> None:
    cell, trace = run_cell("lstm")
    d = cell_diagram("lstm", cell, trace, 2)
    with pytest.raises(ValueError):
        d.values("c")[0] = 1.0
    assert not np.shares_memory(d.values("c"), trace.cell_state)


def test_magnitudes_and_descriptions() -> None:
    cell, trace = run_cell("lstm", hidden=3)
    d = cell_diagram("lstm", cell, trace, 4, token="b")
    c = trace.cell_state[4]
    assert d.quantities["c"].rms == pytest.approx(np.linalg.norm(c) / np.sqrt(3))
    assert d.quantities["c"].mean == pytest.approx(c.mean())
    assert d.shows_numbers and d.hidden_size == 3 <= NUMBERS_UP_TO
    text = d.describe("f", unit=1)
    assert "fₜ at t = 4" in text and "open on average" in text
    assert f"unit 1: {trace.gates['f'][4][1]:.3f}".replace("-", "−") in text
    with pytest.raises(ValueError):
        _ = d.quantities["c"].opening


def test_bad_requests_say_what_is_wrong() -> None:
    cell, trace = run_cell("rnn")
    with pytest.raises(ValueError, match="outside the trace"):
        cell_diagram("rnn", cell, trace, 12)
    with pytest.raises(ValueError, match="rnn, lstm or gru"):
        cell_diagram("elman", cell, trace, 0)
    batched = engine.forward(cell, np.zeros((4, 2, 3)))
    with pytest.raises(ValueError, match="batch"):
        cell_diagram("rnn", cell, batched, 0)


def test_an_exploding_run_is_flagged_not_hidden() -> None:
    session = StudioSession(
        DemoSetup(
            text="1, 2, 3, 4, 5",
            mode="numbers",
            cell="rnn",
            hidden_size=4,
            nonlinearity="relu",
            spectral_radius=10.0,
        )
    )
    run = session.run
    last = len(run) - 1
    d = diagram_of_run(run.primary, run.sequence, last, "relu")
    np.testing.assert_array_equal(d.values("h"), run.primary.trace.hidden[last])
    assert d.token == run.sequence.tokens[last]


def test_compare_mode_diagrams_come_from_each_cells_trace() -> None:
    session = StudioSession(DemoSetup(text="not bad at all", mode="words", cell="compare"))
    for kind, cell_run in session.run.cells.items():
        for t in (0, 2, 3):
            d = diagram_of_run(cell_run, session.run.sequence, t, "tanh")
            assert d.kind == kind
            np.testing.assert_array_equal(d.values("h"), cell_run.trace.hidden[t])
