"""The plain reference cells (``engine/reference.py``) as the oracle of every fast path.

First the reference itself is checked: against central finite differences and against the
PyTorch fixtures. Then every fast path must match it to 1e-12: ``cell.step`` (single and
batch), ``forward`` (single sequence, batched feature-major loops, several time blocks),
``backward`` (all parameter gradients, ∂L/∂x_t, ∂L/∂h_0, ∂L/∂c_0, ∂L/∂h_t at every step) and
the Jacobian norms' adjoint steps.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnn_studio.engine import backward, forward, jacobian_norms, make_cell, reference
from rnn_studio.engine.blocks import CHUNK_ENTRIES

TOLERANCE = 1e-12
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: (kind, nonlinearity)
CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("lstm", "tanh"), ("gru", "tanh")]
#: (input size, hidden size, steps, batch or None); the last runs over several time blocks.
SIZES = [(3, 5, 7, None), (1, 1, 1, None), (4, 8, 12, 3), (2, 3, 5, 1), (5, 16, 300, 8)]


def case_id(value: object) -> str:
    if isinstance(value, tuple):
        return "-".join("x" if v is None else str(v) for v in value)
    return str(value)


def setup(kind: str, nonlinearity: str, sizes: tuple, seed: int = 0):
    """A seeded cell, inputs, initial state and upstream gradients of the given sizes."""
    inputs, hidden, steps, batch = sizes
    rng = np.random.default_rng(seed)
    cell = make_cell(kind, inputs, hidden, rng=rng, nonlinearity=nonlinearity)
    lead = (steps,) if batch is None else (steps, batch)
    state = (*lead[1:], hidden)
    xs = rng.normal(size=(*lead, inputs))
    h0 = rng.normal(scale=0.5, size=state)
    c0 = rng.normal(scale=0.5, size=state) if kind == "lstm" else None
    d_hidden = rng.normal(size=(*lead, hidden))
    d_cell = rng.normal(size=(*lead, hidden)) if kind == "lstm" else None
    return cell, xs, h0, c0, d_hidden, d_cell


def close(actual, expected, what: str, tolerance: float = TOLERANCE) -> None:
    assert np.shape(actual) == np.shape(expected), what
    np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance, err_msg=what)


# --- the reference itself ----------------------------------------------------------------
def reference_loss(kind, params, xs, h0, c0, d_hidden, d_cell, nonlinearity):
    trace = reference.forward(kind, params, xs, h0, c0, nonlinearity)
    loss = np.sum(d_hidden * trace.hidden)
    if d_cell is not None:
        loss += np.sum(d_cell * trace.cell_state)
    return loss


@pytest.mark.parametrize(("kind", "nonlinearity"), CELLS, ids=case_id)
@pytest.mark.parametrize("sizes", [(3, 4, 5, None), (2, 3, 4, 2)], ids=case_id)
def test_reference_gradients_match_central_differences(kind, nonlinearity, sizes) -> None:
    cell, xs, h0, c0, d_hidden, d_cell = setup(kind, nonlinearity, sizes, seed=1)
    params = {name: np.array(value) for name, value in cell.params.items()}
    trace = reference.forward(kind, params, xs, h0, c0, nonlinearity)
    grads = reference.backward(kind, params, trace, d_hidden, d_cell, nonlinearity)
    variables = {f"params.{name}": (params[name], grads.params[name]) for name in params}
    variables["inputs"] = (xs, grads.inputs)
    variables["h0"] = (h0, grads.h0)
    if kind == "lstm":
        variables["c0"] = (c0, grads.c0)
    eps = 1e-6
    for what, (array, analytic) in variables.items():
        numeric = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + eps
            plus = reference_loss(kind, params, xs, h0, c0, d_hidden, d_cell, nonlinearity)
            array[index] = saved - eps
            minus = reference_loss(kind, params, xs, h0, c0, d_hidden, d_cell, nonlinearity)
            array[index] = saved
            numeric[index] = (plus - minus) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8, err_msg=what)


def test_reference_grads_hidden_is_the_total_gradient_reaching_each_step() -> None:
    """grads.hidden[t] = ∂L/∂h_t: the loss's own share plus what came back from t+1."""
    cell, xs, h0, _, d_hidden, _ = setup("rnn", "tanh", (2, 3, 4, None), seed=2)
    params = cell.params
    trace = reference.forward("rnn", params, xs, h0)
    grads = reference.backward("rnn", params, trace, d_hidden)
    eps, t = 1e-6, 1
    # Perturb h_t by adding to the pre-activation's effect: rerun from h_t onwards.
    numeric = np.zeros(3)
    for k in range(3):
        losses = []
        for sign in (1, -1):
            h_t = trace.hidden[t].copy()
            h_t[k] += sign * eps
            rest = reference.forward("rnn", params, xs[t + 1 :], h_t)
            losses.append(np.sum(d_hidden[t + 1 :] * rest.hidden) + d_hidden[t] @ h_t)
        numeric[k] = (losses[0] - losses[1]) / (2 * eps)
    np.testing.assert_allclose(grads.hidden[t], numeric, rtol=1e-7, atol=1e-9)


def fixture_cases() -> list[Path]:
    return sorted(FIXTURES.glob("torch_*.npz"))


@pytest.mark.parametrize("path", fixture_cases(), ids=lambda p: p.stem)
def test_reference_matches_the_torch_fixtures(path: Path) -> None:
    with np.load(path, allow_pickle=False) as data:
        fixture = {key: data[key] for key in data.files}
    kind, _, nonlinearity = path.stem.removeprefix("torch_").rsplit("_", 1)[0].partition("_")
    nonlinearity = nonlinearity or "tanh"
    params = {name: fixture[f"{name}_l0"] for name in reference.GRAD_NAMES}
    trace = reference.forward(
        kind, params, fixture["xs"], fixture["h0"], fixture.get("c0"), nonlinearity
    )
    close(trace.hidden, fixture["hidden"], "hidden", 1e-10)
    for key, expected in fixture.items():
        if key.startswith("gate_"):
            close(trace.gates[key.removeprefix("gate_")], expected, key, 1e-10)
        if key.startswith("pre_"):
            close(trace.pre[key.removeprefix("pre_")], expected, key, 1e-10)
    d_cell = None
    if kind == "lstm":
        close(trace.cell_state, fixture["cell_state"], "cell_state", 1e-10)
        d_cell = np.zeros_like(trace.cell_state)
        d_cell[-1] = fixture["d_cell_last"]
    grads = reference.backward(kind, params, trace, fixture["d_hidden"], d_cell, nonlinearity)
    for name in reference.GRAD_NAMES:
        close(grads.params[name], fixture[f"grad_{name}_l0"], name, 1e-10)
    close(grads.inputs, fixture["grad_xs"], "inputs", 1e-10)
    close(grads.h0, fixture["grad_h0"], "h0", 1e-10)
    if kind == "lstm":
        close(grads.c0, fixture["grad_c0"], "c0", 1e-10)


# --- every fast path against the reference ------------------------------------------------
@pytest.mark.parametrize(("kind", "nonlinearity"), CELLS, ids=case_id)
@pytest.mark.parametrize("sizes", SIZES, ids=case_id)
def test_forward_and_step_match_the_reference(kind, nonlinearity, sizes) -> None:
    cell, xs, h0, c0, _, _ = setup(kind, nonlinearity, sizes)
    expected = reference.forward(kind, cell.params, xs, h0, c0, nonlinearity)
    trace = forward(cell, xs, h0, c0)
    close(trace.hidden, expected.hidden, "forward hidden")
    if kind == "lstm":
        close(trace.cell_state, expected.cell_state, "forward cell_state")
    assert set(trace.gates) == set(expected.gates) == set(cell.gate_names)
    for name in expected.gates:
        close(trace.gates[name], expected.gates[name], f"forward gate {name}")
    assert set(trace.pre) == set(expected.pre)
    for name in expected.pre:
        close(trace.pre[name], expected.pre[name], f"forward pre {name}")
    # cell.step, chained as the studio steps (a batch steps all its sequences at once).
    state = cell.initial_state() if h0 is None else (h0, c0)
    for t in range(len(xs)):
        state, step = cell.step(xs[t], state)
        close(step.h, expected.hidden[t], f"step {t} h")
        if kind == "lstm":
            close(step.c, expected.cell_state[t], f"step {t} c")
        for name in expected.gates:
            close(step.gates[name], expected.gates[name][t], f"step {t} gate {name}")
        for name in expected.pre:
            close(step.pre[name], expected.pre[name][t], f"step {t} pre {name}")


@pytest.mark.parametrize(("kind", "nonlinearity"), CELLS, ids=case_id)
@pytest.mark.parametrize("sizes", SIZES, ids=case_id)
@pytest.mark.parametrize("loss", ["every step", "last step"])
def test_backward_matches_the_reference(kind, nonlinearity, sizes, loss) -> None:
    cell, xs, h0, c0, d_hidden, d_cell = setup(kind, nonlinearity, sizes)
    if loss == "last step":  # the studio's case: most blocks see no loss at all
        d_hidden[:-1] = 0.0
        d_cell = None
    trace = forward(cell, xs, h0, c0)
    grads = backward(cell, trace, d_hidden, d_cell)
    ref_trace = reference.forward(kind, cell.params, xs, h0, c0, nonlinearity)
    expected = reference.backward(kind, cell.params, ref_trace, d_hidden, d_cell, nonlinearity)
    assert set(grads.params) == set(expected.params)
    for name in expected.params:
        close(grads.params[name], expected.params[name], f"grad {name}")
    close(grads.inputs, expected.inputs, "grad inputs")
    close(grads.h0, expected.h0, "grad h0")
    if kind == "lstm":
        close(grads.c0, expected.c0, "grad c0")
    else:
        assert grads.c0 is None and expected.c0 is None
    close(grads.hidden, expected.hidden, "dL/dh_t per step")
    per_step = np.sqrt(np.sum(expected.hidden**2, axis=tuple(range(1, expected.hidden.ndim))))
    close(grads.norms, per_step, "per-step norms")


def test_the_largest_case_really_spans_several_time_blocks() -> None:
    _, hidden, steps, batch = SIZES[-1]
    assert steps * batch * 4 * hidden > 2 * CHUNK_ENTRIES  # LSTM: three blocks or more
    assert steps * batch * 1 * hidden > CHUNK_ENTRIES  # even the vanilla RNN: two


@pytest.mark.parametrize(("kind", "nonlinearity"), CELLS, ids=case_id)
@pytest.mark.parametrize("sizes", [(3, 5, 9, None), (2, 4, 6, 3)], ids=case_id)
def test_jacobian_norms_match_reference_bptt(kind, nonlinearity, sizes) -> None:
    """‖∂h_{T-1}/∂h_t‖_F from the engine's adjoint steps = BPTT of each unit vector e_k."""
    cell, xs, h0, c0, _, _ = setup(kind, nonlinearity, sizes)
    ref_trace = reference.forward(kind, cell.params, xs, h0, c0, nonlinearity)
    hidden = cell.hidden_size
    squares = np.zeros(len(xs))
    for k in range(hidden):
        d_hidden = np.zeros_like(ref_trace.hidden)
        d_hidden[-1, ..., k] = 1.0  # e_k on h_{T-1} (of every sequence in a batch)
        rows = reference.backward(kind, cell.params, ref_trace, d_hidden, None, nonlinearity)
        squares += np.sum(rows.hidden**2, axis=tuple(range(1, rows.hidden.ndim)))
    close(jacobian_norms(cell, forward(cell, xs, h0, c0)), np.sqrt(squares), "Jacobian norms")


def test_step_functions_are_one_screen_with_a_comment_per_equation() -> None:
    """What the Code panel shows stays readable: short functions, every equation commented."""
    import inspect

    for function in [*reference.STEPS.values(), *reference.BACKWARD_STEPS.values()]:
        lines, _ = inspect.getsourcelines(function)
        assert len(lines) <= 30, function.__name__
        body = [line for line in lines[1:] if not line.lstrip().startswith(('"""', "return"))]
        equations = [line for line in body if " = " in line]
        assert equations, function.__name__
        uncommented = [line for line in equations if "  # " not in line]
        assert not uncommented, function.__name__


@pytest.mark.parametrize(("kind", "nonlinearity"), CELLS, ids=case_id)
@pytest.mark.parametrize("sizes", [(3, 5, 7, None), (4, 8, 12, 3)], ids=case_id)
def test_float32_paths_match_the_reference_to_single_precision(kind, nonlinearity, sizes) -> None:
    """The float32 fast paths compute the same maths (to float32's ~1e-7, with headroom)."""
    cell64, xs, h0, c0, d_hidden, d_cell = setup(kind, nonlinearity, sizes)
    cell = make_cell(kind, sizes[0], sizes[1], seed=0, nonlinearity=nonlinearity, dtype=np.float32)
    cell.set_params(cell64.params)  # the same weights, rounded to float32
    params = {name: np.asarray(value, dtype=np.float64) for name, value in cell.params.items()}
    trace = forward(cell, xs, h0, c0)
    grads = backward(cell, trace, d_hidden, d_cell)
    assert trace.hidden.dtype == np.float32 and grads.inputs.dtype == np.float32
    ref_trace = reference.forward(kind, params, xs, h0, c0, nonlinearity)
    expected = reference.backward(kind, params, ref_trace, d_hidden, d_cell, nonlinearity)
    close(trace.hidden, ref_trace.hidden, "float32 hidden", 1e-5)
    for name in expected.params:
        close(grads.params[name], expected.params[name], f"float32 grad {name}", 1e-4)
    close(grads.inputs, expected.inputs, "float32 grad inputs", 1e-4)
    close(grads.hidden, expected.hidden, "float32 dL/dh_t", 1e-4)
