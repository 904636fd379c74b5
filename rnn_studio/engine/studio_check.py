"""What ``rnn-studio --self-check`` verifies beyond the batched kernels: the studio's paths.

The studio runs one sequence at a time (unbatched kernels), plots the gradient-decay curve
from ``grads.hidden``, the Jacobian-norm curve from :func:`jacobian_norms`, and trains and
reads out through :class:`Model`. Each is compared with central differences here:

* unbatched BPTT: :func:`~rnn_studio.engine.gradcheck.gradient_check` on a (T, I) sequence;
* ``grads.hidden[t]`` = ∂L/∂h_t: perturb h_t and run the rest of the sequence from it (the
  LSTM's c_t held, as the trace records it), L = Σ_s ⟨d_s, h_s⟩;
* the Jacobian step: ‖∂h_{T-1}/∂h_t‖_F from numerical columns of the same continuation;
* the readout: ``Model.loss_and_grads`` for every parameter, readout included.
"""

from __future__ import annotations

import numpy as np

from rnn_studio.engine.cell_base import Cell
from rnn_studio.engine.cells import make_cell
from rnn_studio.engine.dynamics import jacobian_norms
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.gradcheck import gradient_check, relative_error
from rnn_studio.engine.model import Model
from rnn_studio.engine.sequence import Trace, backward, forward

KINDS = (("rnn-tanh", "rnn", "tanh"), ("lstm", "lstm", "tanh"), ("gru", "gru", "tanh"))
EPS = 1e-6


def _continuation(cell: Cell, trace: Trace, t: int, h_t: np.ndarray) -> np.ndarray:
    """Hidden states h_{t+1..T-1} when h_t is replaced (c_t kept for the LSTM)."""
    c_t = None if trace.cell_state is None else trace.cell_state[t]
    return forward(cell, trace.inputs[t + 1 :], h_t, c_t).hidden


def _hidden_gradient_error(cell: Cell, xs: np.ndarray, rng: np.random.Generator) -> float:
    trace = forward(cell, xs)
    d_hidden = rng.standard_normal(trace.hidden.shape)
    grads = backward(cell, trace, d_hidden)
    worst = 0.0
    for t in range(len(trace) - 1):
        numeric = np.zeros(cell.hidden_size)
        for i in range(cell.hidden_size):
            values = []
            for sign in (1.0, -1.0):
                h = np.array(trace.hidden[t])
                h[i] += sign * EPS
                rest = _continuation(cell, trace, t, h)
                values.append(float(np.sum(d_hidden[t] * h) + np.sum(d_hidden[t + 1 :] * rest)))
            numeric[i] = (values[0] - values[1]) / (2 * EPS)
        worst = max(worst, relative_error(np.asarray(grads.hidden[t]), numeric))
    return worst


def _jacobian_error(cell: Cell, xs: np.ndarray) -> float:
    trace = forward(cell, xs)
    norms = jacobian_norms(cell, trace)
    t = len(trace) - 3
    columns = []
    for i in range(cell.hidden_size):
        ends = []
        for sign in (1.0, -1.0):
            h = np.array(trace.hidden[t])
            h[i] += sign * EPS
            ends.append(_continuation(cell, trace, t, h)[-1])
        columns.append((ends[0] - ends[1]) / (2 * EPS))
    numeric = float(np.linalg.norm(np.stack(columns, axis=1)))
    return abs(float(norms[t]) - numeric) / max(numeric, 1e-12)


def _readout_error(kind: str, rng: np.random.Generator) -> float:
    model = Model(kind, input_size=4, hidden_size=3, output_size=4, seed=int(rng.integers(99)))
    ids = rng.integers(0, 4, size=6)
    targets = rng.integers(0, 4, size=6)
    result = model.loss_and_grads(ids, targets)
    params = model.params
    worst = 0.0
    for name, value in params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            losses = []
            for sign in (1.0, -1.0):
                moved = value.copy()
                moved[index] += sign * EPS
                probe = Model(kind, input_size=4, hidden_size=3, output_size=4, seed=0)
                probe.set_params({**params, name: moved})
                losses.append(probe.loss(ids, targets))
            numeric[index] = (losses[0] - losses[1]) / (2 * EPS)
        worst = max(worst, relative_error(result.grads[name], numeric))
    return worst


def studio_self_check(tolerance: float = 1e-6, seed: int = 0) -> dict[str, float]:
    """Check the studio's paths (module docstring); return the worst error per check.

    Raises
    ------
    EngineError
        If any relative error exceeds ``tolerance``.
    """
    rng = np.random.default_rng(seed)
    worst: dict[str, float] = {}
    for label, kind, nonlinearity in KINDS:
        cell = make_cell(kind, 3, 4, rng=rng, nonlinearity=nonlinearity)
        xs = rng.standard_normal((6, 3))
        h0 = 0.5 * rng.standard_normal(4)
        c0 = 0.5 * rng.standard_normal(4) if kind == "lstm" else None
        worst[f"{label} unbatched"] = max(gradient_check(cell, xs, h0, c0, rng=rng).values())
        worst[f"{label} grads.hidden"] = _hidden_gradient_error(cell, xs, rng)
        worst[f"{label} jacobian"] = _jacobian_error(cell, xs)
        worst[f"{kind} readout"] = _readout_error(kind, rng)
    failed = {label: error for label, error in worst.items() if not error <= tolerance}
    if failed:
        shown = ", ".join(f"{label} {error:.1e}" for label, error in failed.items())
        raise EngineError(f"studio gradient check failed (relative error > {tolerance}): {shown}")
    return worst
