"""The unrolled view's rows for a stacked or bidirectional run: one row per layer and direction.

With ``num_layers`` > 1 or ``bidirectional`` the studio also computes a stack
(:func:`rnn_studio.studio_core.recipe.studio_stack`) whose layer 0, forward direction, is the
cell every other panel shows. The chain draws one row of cells per layer and direction, top
layer first and, within a layer, the backward (reverse) row above the forward one; each cell
shows that row's hidden state h^{l,d}_t, read from the engine's
:class:`~rnn_studio.engine.StackTrace` in the original time order.

After Backprop, :func:`layer_gradient_norms` gives each row's ‖∂L/∂h^{l,d}_t‖ for the
studio's loss put on the stack's output: L = u · y_{L}, u = (1, …, 1)/√(D·H), read at the
loss step (the one-cell loss of :mod:`rnn_studio.studio_core.recipe`, on the top layer).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.studio_core import recipe

__all__ = ["LayerRow", "layer_gradient_norms", "layer_rows", "row_label"]


@dataclass(frozen=True, eq=False)
class LayerRow:
    """One row of the stacked chain.

    Attributes
    ----------
    layer : int
        0-based layer (0 reads the inputs).
    direction : int
        0 forward (left to right), 1 reverse (right to left).
    label : str
        How the row is named on screen ("layer 2 ←").
    states : ndarray, shape (T, H)
        h^{l,d}_t for t = 0 … T−1 (read-only).
    """

    layer: int
    direction: int
    label: str
    states: np.ndarray

    @property
    def reverse(self) -> bool:
        """True for the backward row (its state flows from step t+1 to step t)."""
        return self.direction == 1


def row_label(layer: int, direction: int) -> str:
    """``"layer 1 →"`` for layer 0 forward, ``"layer 2 ←"`` for layer 1 reverse."""
    return f"layer {layer + 1} {'←' if direction == 1 else '→'}"


def layer_rows(cell_run: Any) -> tuple[LayerRow, ...]:
    """The rows of ``cell_run``'s stack, top to bottom; ``()`` for a one-layer, one-way run.

    Parameters
    ----------
    cell_run : rnn_studio.state.compute.CellRun
        A computed cell; its ``stack_trace`` is None unless the controls asked for layers.
    """
    trace = getattr(cell_run, "stack_trace", None)
    if trace is None:
        return ()
    rows = []
    for layer in reversed(range(trace.num_layers)):
        for direction in reversed(range(trace.num_directions)):
            states = np.asarray(trace.states(layer, direction))
            rows.append(LayerRow(layer, direction, row_label(layer, direction), states))
    return tuple(rows)


def layer_gradient_norms(cell_run: Any, loss_step: int) -> tuple[np.ndarray, ...]:
    """‖∂L/∂h^{l,d}_t‖ for every row of :func:`layer_rows` (same order), each (T,).

    The loss reads the stack's output at ``loss_step`` (see the module docstring). A forward
    row gets no gradient after the loss step; a backward row does, since its states run from
    the end: h^{l,1}_t for t > loss step feeds h^{l,1} at the loss step. ``()`` when the run
    has no stack.

    Raises
    ------
    rnn_studio.engine.EngineError
        The stack's forward pass overflowed (the engine refuses to backpropagate it).
    """
    stack, trace = getattr(cell_run, "stack", None), getattr(cell_run, "stack_trace", None)
    if stack is None or trace is None:
        return ()
    d_output = np.zeros_like(np.asarray(trace.hidden))
    d_output[: loss_step + 1] = recipe.loss_gradient(trace.hidden[: loss_step + 1])
    with np.errstate(all="ignore"):
        grads = engine.backward(stack, trace, d_output)
    directions = stack.num_directions
    return tuple(
        np.asarray(grads.norms[layer * directions + direction])
        for layer in reversed(range(stack.num_layers))
        for direction in reversed(range(directions))
    )
