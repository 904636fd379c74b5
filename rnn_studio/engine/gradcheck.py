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
    cell: Cell,
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
    cell : Cell
        Float64 cell to check (left unchanged).
    xs, h0, c0
        As for :func:`rnn_studio.engine.forward`. Keep them small: each entry costs two
        forward passes.
    rng : numpy.random.Generator, optional
        Draws the random upstream gradients d_hidden (and d_cell); default seed 0.
    eps : float
        Finite-difference step.

    Returns
    -------
    dict[str, float]
        ``relative_error`` per checked quantity: the four parameter names, ``"inputs"``,
        ``"h0"`` and, for the LSTM, ``"c0"``.
    """
    if cell.dtype != np.float64:
        raise EngineError("gradient_check needs a float64 cell (float32 is too coarse)")
    rng = np.random.default_rng(0) if rng is None else rng
    trace = forward(cell, xs, h0, c0)
    d_hidden = rng.standard_normal(trace.hidden.shape)
    d_cell = None if trace.cell_state is None else rng.standard_normal(trace.cell_state.shape)
    grads = backward(cell, trace, d_hidden, d_cell)
    base: dict[str, Any] = {"xs": trace.inputs, "h0": trace.h0, "c0": trace.c0}
    original = cell.params

    def loss_of(params: dict[str, np.ndarray], inputs: dict[str, Any]) -> float:
        probe = cell.copy()
        probe.set_params(params)
        run = forward(probe, inputs["xs"], inputs["h0"], inputs["c0"])
        total = float(np.sum(d_hidden * run.hidden))
        if d_cell is not None and run.cell_state is not None:
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
        ``"gru"``).

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
    failed = {label: error for label, error in worst.items() if error > tolerance}
    if failed:
        raise EngineError(f"gradient check failed (relative error > {tolerance}): {failed}")
    return worst
