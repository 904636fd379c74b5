"""Central-difference gradient check of :func:`rnn_studio.engine.backward`.

Used by the test-suite and by ``rnn-studio --self-check``: it builds the scalar loss
L = Σ_t ⟨d_hidden[t], h_t⟩ (+ Σ_t ⟨d_cell[t], c_t⟩ for the LSTM) whose exact gradient BPTT
must return, and compares every entry of every parameter, of the inputs and of h0 (and c0)
with (L(θ + ε) − L(θ − ε)) / 2ε.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from rnn_studio.engine.cell_base import Cell
from rnn_studio.engine.cells import make_cell
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.sequence import backward, forward
from rnn_studio.engine.stack import CellStack

__all__ = ["gradient_check", "relative_error", "self_check"]


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """‖a − n‖ / max(‖a‖, ‖n‖, 1e-12): 0 for a perfect match, ~1 for unrelated arrays."""
    scale = max(float(np.linalg.norm(analytic)), float(np.linalg.norm(numeric)), 1e-12)
    return float(np.linalg.norm(analytic - numeric)) / scale


def _numeric_gradient(loss: Callable[[np.ndarray], float], point: np.ndarray, eps: float):
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        plus, minus = point.copy(), point.copy()
        plus[index] += eps
        minus[index] -= eps
        grad[index] = (loss(plus) - loss(minus)) / (2.0 * eps)
    return grad


def gradient_check(
    cell: Cell | CellStack,
    xs: Any,
    h0: Any = None,
    c0: Any = None,
    *,
    rng: np.random.Generator | None = None,
    eps: float = 1e-6,
) -> dict[str, float]:
    """Relative error between BPTT and central differences for every gradient.

    Parameters
    ----------
    cell : Cell or CellStack
        Float64 cell (or stack of cells) to check (left unchanged).
    xs, h0, c0
        As for :func:`rnn_studio.engine.forward`. Keep them small: each entry costs two
        forward passes.
    rng : numpy.random.Generator, optional
        Draws the random upstream gradients d_hidden (and, for one LSTM cell, d_cell);
        default seed 0.
    eps : float
        Finite-difference step.

    Returns
    -------
    dict[str, float]
        ``relative_error`` per checked quantity: every parameter name (the four of a cell,
        or a stack's PyTorch names ``weight_ih_l0`` … ``bias_hh_l1_reverse``), ``"inputs"``,
        ``"h0"`` and, for the LSTM, ``"c0"``.
    """
    if cell.dtype != np.float64:
        raise EngineError("gradient_check needs a float64 cell (float32 is too coarse)")
    rng = np.random.default_rng(0) if rng is None else rng
    trace: Any = forward(cell, xs, h0, c0)
    d_hidden = rng.standard_normal(trace.hidden.shape)
    cell_states = None if isinstance(cell, CellStack) else trace.cell_state
    d_cell = None if cell_states is None else rng.standard_normal(cell_states.shape)
    grads: Any = backward(cell, trace, d_hidden, d_cell)
    base: dict[str, Any] = {"xs": trace.inputs, "h0": trace.h0, "c0": trace.c0}
    original = cell.params

    def loss_of(params: dict[str, np.ndarray], inputs: dict[str, Any]) -> float:
        probe = cell.copy()
        probe.set_params(params)
        run: Any = forward(probe, inputs["xs"], inputs["h0"], inputs["c0"])
        total = float(np.sum(d_hidden * run.hidden))
        if d_cell is not None:
            total += float(np.sum(d_cell * run.cell_state))
        return total

    def with_param(name: str) -> Callable[[np.ndarray], float]:
        return lambda value: loss_of({**original, name: value}, base)

    def with_input(name: str) -> Callable[[np.ndarray], float]:
        return lambda value: loss_of(original, {**base, name: value})

    errors = {}
    for name, value in original.items():
        numeric = _numeric_gradient(with_param(name), value, eps)
        errors[name] = relative_error(grads.params[name], numeric)
    for name, analytic in (("xs", grads.inputs), ("h0", grads.h0), ("c0", grads.c0)):
        if analytic is None:
            continue
        numeric = _numeric_gradient(with_input(name), base[name], eps)
        errors["inputs" if name == "xs" else name] = relative_error(analytic, numeric)
    return errors


def self_check(tolerance: float = 1e-6, seed: int = 0) -> dict[str, float]:
    """Gradient-check every cell kind (and the relu RNN) on a small batch.

    Returns
    -------
    dict[str, float]
        Worst relative error per cell label (``"rnn-tanh"``, ``"rnn-relu"``, ``"lstm"``,
        ``"gru"``, and ``"lstm-2-layers-bidirectional"`` for a stack).

    Raises
    ------
    EngineError
        If any error exceeds ``tolerance``.
    """
    rng = np.random.default_rng(seed)
    worst = {}
    for label, kind, nonlinearity in (
        ("rnn-tanh", "rnn", "tanh"),
        ("rnn-relu", "rnn", "relu"),
        ("lstm", "lstm", "tanh"),
        ("gru", "gru", "tanh"),
    ):
        cell = make_cell(kind, 3, 4, rng=rng, nonlinearity=nonlinearity)
        xs = rng.standard_normal((5, 2, 3))
        h0 = 0.5 * rng.standard_normal((2, 4))
        c0 = 0.5 * rng.standard_normal((2, 4)) if kind == "lstm" else None
        worst[label] = max(gradient_check(cell, xs, h0, c0, rng=rng).values())
    # two layers, both directions: layer 1 reads layer 0's concatenated states
    stack = make_cell("lstm", 3, 4, num_layers=2, bidirectional=True, rng=rng)
    xs = rng.standard_normal((4, 2, 3))
    h0, c0 = 0.5 * rng.standard_normal((2, 4, 2, 4))
    worst["lstm-2-layers-bidirectional"] = max(gradient_check(stack, xs, h0, c0, rng=rng).values())
    failed = {label: error for label, error in worst.items() if error > tolerance}
    if failed:
        raise EngineError(f"gradient check failed (relative error > {tolerance}): {failed}")
    return worst
