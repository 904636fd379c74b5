"""The gradient flowing back along the unrolled chain: what each recurrent arrow carries.

The studio's loss is ``L = u · h_L`` with ``u = (1, …, 1)/√H`` (see
:mod:`rnn_studio.state.gradients`). Going back from the loss step L, the arrow from step t+1
to step t carries ``∂L/∂h_t`` (for t < L it all comes from step t+1). The LSTM has a second
path, through the cell state: the arrow from c_{t+1} to c_t carries
``∂L/∂c_{t+1} ⊙ f_{t+1}``, the gradient that survives the forget gate with no squashing
in between (the "uninterrupted" path of Hochreiter & Schmidhuber 1997).

Notes
-----
With ``δh_t = ∂L/∂h_t`` from the engine's BPTT (total gradient reaching h_t) and PyTorch's
LSTM (c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, h_t = o_t ⊙ tanh(c_t)):

    δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1},      δc_{L+1} = 0

:func:`flow_level` maps a norm to a position 0 … 1 on a fixed log scale
(:data:`LOG10_LOW` … :data:`LOG10_HIGH`), so the same colour means the same size in every
run; the chain draws it as colour and thickness, both increasing with the norm.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_studio import engine

#: log10 of the norm drawn faintest and thinnest (1e-8) and strongest and thickest (1e4).
LOG10_LOW, LOG10_HIGH = -8.0, 4.0


def flow_level(norm: float) -> float | None:
    """Position of ``norm`` on the fixed log scale: 0 at 1e-8 or less, 1 at 1e4 or more.

    None for NaN (no gradient there: after the loss step). Infinity gives 1.
    """
    if math.isnan(norm):
        return None
    if norm <= 0.0:
        return 0.0
    if math.isinf(norm):
        return 1.0
    level = (math.log10(norm) - LOG10_LOW) / (LOG10_HIGH - LOG10_LOW)
    return min(max(level, 0.0), 1.0)


@dataclass(frozen=True, eq=False)
class BackwardFlow:
    """What the chain's backward arrows show.

    Attributes
    ----------
    loss_step : int
        Step L the loss reads.
    hidden_norms : numpy.ndarray, shape (T,)
        ``‖∂L/∂h_t‖`` (NaN after L): the arrow from step t+1 into step t, for t < L.
    cell_norms : numpy.ndarray or None, shape (T,)
        LSTM only: ``‖∂L/∂c_t‖`` in total (NaN after L).
    cell_carried : numpy.ndarray or None, shape (T,)
        LSTM only: ``‖∂L/∂c_{t+1} ⊙ f_{t+1}‖``, what the cell-state arrow from step t+1
        into step t carries (NaN for t ≥ L).
    """

    loss_step: int
    hidden_norms: np.ndarray
    cell_norms: np.ndarray | None = None
    cell_carried: np.ndarray | None = None

    def hidden_levels(self) -> list[float | None]:
        """:func:`flow_level` of each hidden-state arrow (computed once: every arrow's paint
        reads it)."""
        return self._levels

    def cell_levels(self) -> list[float | None] | None:
        """:func:`flow_level` of each cell-state arrow (None for gateless cells)."""
        return self._cell_levels

    @functools.cached_property
    def _levels(self) -> list[float | None]:
        return [flow_level(float(n)) for n in self.hidden_norms]

    @functools.cached_property
    def _cell_levels(self) -> list[float | None] | None:
        if self.cell_carried is None:
            return None
        return [flow_level(float(n)) for n in self.cell_carried]


def lstm_cell_gradients(cell: Any, trace: Any, loss_step: int) -> tuple[np.ndarray, np.ndarray]:
    """``(‖∂L/∂c_t‖, ‖∂L/∂c_{t+1} ⊙ f_{t+1}‖)`` for t = 0 … T−1 (NaN where undefined).

    Runs BPTT on the prefix up to ``loss_step`` (the studio's loss ``u · h_L``), then the
    cell-state recursion of the module's Notes.
    """
    total = len(trace.hidden)
    inputs = np.asarray(trace.inputs)[: loss_step + 1]
    with np.errstate(all="ignore"):
        prefix = engine.forward(cell, inputs, h0=trace.h0, c0=trace.c0)
        d_hidden = np.zeros_like(prefix.hidden)
        d_hidden[-1] = 1.0 / math.sqrt(d_hidden.shape[-1])
        grads = engine.backward(cell, prefix, d_hidden)
        cell_state = np.asarray(prefix.cell_state)
        forget = np.asarray(prefix.gates["f"])
        output = np.asarray(prefix.gates["o"])
        norms = np.full(total, np.nan)
        carried = np.full(total, np.nan)
        d_cell_next = np.zeros(cell_state.shape[-1])
        for t in range(loss_step, -1, -1):
            if t < loss_step:
                carry = d_cell_next * forget[t + 1]
                carried[t] = engine.stable_norm(carry)
            else:
                carry = np.zeros_like(d_cell_next)
            tanh_c = np.tanh(cell_state[t])
            d_cell = np.asarray(grads.hidden[t]) * output[t] * (1.0 - tanh_c**2) + carry
            norms[t] = engine.stable_norm(d_cell)
            d_cell_next = d_cell
    return norms, carried


def flow_cost(cell: Any, steps: int) -> float:
    """Multiply-adds of :func:`lstm_cell_gradients`: about a forward and a backward pass."""
    size = int(getattr(cell, "hidden_size", 1))
    gates = max(len(getattr(cell, "gate_names", ())), 1)
    return 4.0 * steps * gates * size * size


def backward_flow(
    kind: str, cell: Any, trace: Any, loss_step: int, hidden_norms: np.ndarray
) -> BackwardFlow:
    """The chain's arrows for one cell: ``hidden_norms`` from the session's gradient report,
    and for the LSTM the cell-state path computed here.

    An overflowed backward pass (non-finite norms) gets no cell-state path.
    """
    hidden = np.asarray(hidden_norms, dtype=float)
    if kind != "lstm" or not np.isfinite(hidden[: loss_step + 1]).all():
        return BackwardFlow(loss_step, hidden)
    try:
        cell_norms, carried = lstm_cell_gradients(cell, trace, loss_step)
    except engine.EngineError:
        return BackwardFlow(loss_step, hidden)
    return BackwardFlow(loss_step, hidden, cell_norms, carried)
