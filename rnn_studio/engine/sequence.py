"""A whole sequence forward (-> an immutable :class:`Trace`) and back (-> :class:`Grads`).

The studio's stepper, heatmap and plots index into a trace by time step, so stepping backwards
is free; backpropagation through time reads the trace and returns every gradient plus the
per-step size of the gradient reaching each hidden state (the gradient-decay curve).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from rnn_studio.engine.cell_base import Cell, StepResult, freeze, frozen_mapping
from rnn_studio.engine.errors import EngineError, as_float_array, check_finite, check_memory
from rnn_studio.engine.numerics import step_norms

if TYPE_CHECKING:
    from rnn_studio.engine.stack import CellStack, StackGrads, StackTrace

__all__ = ["Grads", "Trace", "backward", "forward"]


def _first_bad_step(*arrays: np.ndarray | None) -> int | None:
    """Smallest t where any array holds NaN or infinity, else None."""
    bad = None
    for array in arrays:
        if array is None:
            continue
        rows = ~np.isfinite(array).all(axis=tuple(range(1, array.ndim)))  # views: no copy
        bad = rows if bad is None else bad | rows
    if bad is None or not bad.any():
        return None
    return int(np.argmax(bad))


@dataclass(frozen=True, eq=False)
class Trace:
    """Immutable record of one forward pass; every array is read-only.

    Attributes
    ----------
    kind : str
        ``"rnn"``, ``"lstm"`` or ``"gru"``.
    inputs : ndarray, shape (T, [B,] I)
        The inputs x_t (a copy, in the cell's dtype).
    hidden : ndarray, shape (T, [B,] H)
        h_t after every step.
    cell_state : ndarray or None
        LSTM c_t after every step, shape (T, [B,] H); None for the RNN and GRU.
    gates : Mapping[str, ndarray]
        Gate activations over time by name, each (T, [B,] H); empty for the RNN.
    pre : Mapping[str, ndarray]
        Pre-activations over time (see :class:`rnn_studio.engine.StepResult`), computed with
        the forward pass's weights the first time they are read.
    h0, c0 : ndarray
        The initial state, shape ([B,] H); ``c0`` is None except for the LSTM.
    first_nonfinite_step : int or None
        First t whose hidden (or cell) state holds NaN or infinity: an exploding run is
        recorded, not hidden. None when everything is finite.
    saved : Mapping[str, ndarray]
        Internal buffers that backpropagation reuses (not part of the public contract).
    """

    kind: str
    inputs: np.ndarray
    hidden: np.ndarray
    cell_state: np.ndarray | None
    gates: Mapping[str, np.ndarray]
    pre: Mapping[str, np.ndarray]
    h0: np.ndarray
    c0: np.ndarray | None
    first_nonfinite_step: int | None
    saved: Mapping[str, np.ndarray] = field(repr=False)
    params_token: object = field(repr=False)

    def __len__(self) -> int:
        return self.hidden.shape[0]

    @property
    def has_nonfinite(self) -> bool:
        """True when some step's state holds NaN or infinity."""
        return self.first_nonfinite_step is not None

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """``()`` for a single sequence, ``(B,)`` for a batch."""
        return self.hidden.shape[1:-1]

    def step(self, t: int) -> StepResult:
        """Everything about step ``t`` (negative counts from the end), as views, no copy."""
        steps = len(self)
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not -steps <= t < steps:
            raise EngineError(
                f"step index must be an integer in [{-steps}, {steps - 1}], got {t!r}"
            )
        return StepResult(
            self.hidden[t],
            None if self.cell_state is None else self.cell_state[t],
            {name: values[t] for name, values in self.gates.items()},
            {name: values[t] for name, values in self.pre.items()},
        )


#: Largest bound on the parameter gradients' global norm that ``backward(weights=False)``
#: accepts as proof they are finite: every entry and partial sum is at most the bound, and
#: the global norm (:func:`rnn_studio.engine.optim.global_norm`, scaled by the largest entry)
#: stays below the largest float (~1.8e308).
WEIGHT_BOUND_LIMIT = 1e300


@dataclass(frozen=True, eq=False)
class Grads:
    """Gradients from one backpropagation through time.

    Attributes
    ----------
    params : dict[str, ndarray]
        dL/dθ with the same keys and shapes as ``cell.params``.
    inputs : ndarray, shape (T, [B,] I)
        dL/dx_t.
    h0 : ndarray, shape ([B,] H)
        dL/dh_0.
    c0 : ndarray or None
        dL/dc_0 for the LSTM, else None.
    hidden : ndarray, shape (T, [B,] H)
        The total dL/dh_t reaching step t: the caller's d_hidden[t] plus the gradient carried
        back from step t+1 (min-char-rnn's ``dhnext``).
    norms : ndarray, shape (T,)
        ‖hidden[t]‖₂ over all of step t's entries (batch included), computed without
        underflow: the gradient-decay curve, correct down to ~1e-300.
    first_nonfinite_step : int or None
        Largest t (the first one reached going backwards) at which a gradient holds NaN or
        infinity: dL/dh_t itself, or the weight and input gradients summed over steps
        t … T−1 (an overflowed forward pass makes da_t h_{t-1}ᵀ non-finite while dL/dh_t may
        stay finite). None when everything is finite.
    weight_norm_bound : float or None
        Set when ``backward(..., weights=False)`` left dW_ih and dW_hh out of ``params``: an
        upper bound (at most :data:`WEIGHT_BOUND_LIMIT`) on the global norm of all the
        parameter gradients, which proves them finite. None when ``params`` holds them all.
    """

    params: dict[str, np.ndarray]
    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray | None
    hidden: np.ndarray
    norms: np.ndarray
    first_nonfinite_step: int | None
    weight_norm_bound: float | None = None

    @property
    def has_nonfinite(self) -> bool:
        """True when any gradient (per step, parameter, input or initial state) is NaN/inf."""
        if self.first_nonfinite_step is not None:
            return True
        others = [*self.params.values(), self.inputs, self.h0]
        if self.c0 is not None:
            others.append(self.c0)
        return not all(np.isfinite(array).all() for array in others)


def _check_cell(cell: Any) -> Cell:
    if not isinstance(cell, Cell):
        if type(cell).__name__ == "CellStack":
            raise EngineError(
                "this works on one cell, and a CellStack has one per layer and direction: "
                "pass stack.cell(layer, direction) (and trace.traces[layer][direction])"
            )
        raise EngineError(f"cell must be made by make_cell, got {type(cell).__name__}")
    return cell


@overload
def forward(cell: Cell, xs: Any, h0: Any = None, c0: Any = None) -> Trace: ...


@overload
def forward(cell: CellStack, xs: Any, h0: Any = None, c0: Any = None) -> StackTrace: ...


def forward(cell: Cell | CellStack, xs: Any, h0: Any = None, c0: Any = None) -> Trace | StackTrace:
    """Run ``cell`` over a whole sequence (or a batch of sequences).

    Parameters
    ----------
    cell : Cell or CellStack
        From :func:`rnn_studio.engine.make_cell`. A stack (``num_layers`` > 1 or
        ``bidirectional``) is run by :func:`rnn_studio.engine.stack.forward_stack`: its
        ``h0``/``c0`` have shape (L·D, [B,] H) and it returns a ``StackTrace`` whose
        ``hidden`` is torch's ``output`` (T, [B,] D·H).
    xs : array_like, shape (T, I) or (T, B, I)
        Inputs; T ≥ 1 time steps, B ≥ 1 sequences; finite numbers.
    h0 : array_like, shape ([B,] H), optional
        Initial hidden state; zeros by default.
    c0 : array_like, shape ([B,] H), optional
        Initial LSTM cell state; zeros by default. Other cells refuse it.

    Returns
    -------
    Trace
        Immutable record: the same numbers as calling ``cell.step`` T times.

    Raises
    ------
    EngineError
        Wrong shapes, empty sequences, NaN or infinity in the inputs or initial state.

    Notes
    -----
    The per-cell equations are in :mod:`rnn_studio.engine.rnn`, :mod:`~rnn_studio.engine.lstm`
    and :mod:`~rnn_studio.engine.gru`. The input projections W_ih x_t of a block of steps
    (the whole sequence when T·B·G·H ≤ ``blocks.CHUNK_ENTRIES``) are one matrix product;
    each step is one fused gate product with W_hh, written into buffers allocated once.
    NaN or infinity that the run itself produces (an exploding relu RNN) is kept and flagged
    in ``first_nonfinite_step``.
    """
    if not isinstance(cell, Cell):  # the one-cell fast path pays only this isinstance
        from rnn_studio.engine.stack import CellStack, forward_stack

        if isinstance(cell, CellStack):
            return forward_stack(cell, xs, h0, c0)
    cell = _check_cell(cell)
    xs = check_inputs(xs, cell.input_size, cell.dtype)
    steps, batch = xs.shape[0], (xs.shape[1] if xs.ndim == 3 else 1)
    blocks = len(cell.block_names)
    check_memory(  # states, gates, pre-activations and what the backward pass saves
        steps * batch * cell.hidden_size * (2 + 3 * blocks),
        cell.dtype.itemsize,
        f"a forward pass of {steps} steps x {batch} sequences at hidden size {cell.hidden_size}",
    )
    h0, c0 = cell.check_state(h0, c0, xs.shape[1:-1])
    h0 = np.array(h0, copy=True)
    c0 = None if c0 is None else np.array(c0, copy=True)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        record = cell._forward_sequence(xs, h0, c0)
    return Trace(
        kind=cell.kind,
        inputs=freeze(xs),
        hidden=freeze(record.hidden),
        cell_state=None if record.cell_state is None else freeze(record.cell_state),
        gates=frozen_mapping(record.gates),
        pre=record.pre,
        h0=freeze(h0),
        c0=None if c0 is None else freeze(c0),
        first_nonfinite_step=_first_bad_step(record.hidden, record.cell_state),
        saved=frozen_mapping(record.saved),
        params_token=cell._params_token,
    )


def check_inputs(xs: Any, input_size: int, dtype: np.dtype) -> np.ndarray:
    """A validated copy of a sequence ``xs`` of shape (T, I) or (T, B, I), T, B ≥ 1, finite."""
    xs = np.array(as_float_array(xs, "xs", dtype), copy=True)
    expected = f"(T, {input_size}) or (T, B, {input_size})"
    if xs.ndim not in (2, 3) or xs.shape[-1] != input_size:
        raise EngineError(f"xs must have shape {expected}, got {xs.shape}")
    if xs.shape[0] == 0:
        raise EngineError("xs is an empty sequence: it needs at least one time step")
    if xs.ndim == 3 and xs.shape[1] == 0:
        raise EngineError("xs has a batch of 0 sequences: it needs at least one")
    check_finite(xs, "xs")
    return xs


def check_trace(cell: Cell, trace: Any) -> Trace:
    """Refuse a trace that ``cell`` (with its current parameters) did not record."""
    cell = _check_cell(cell)
    if not isinstance(trace, Trace):
        raise EngineError(f"trace must come from forward(), got {type(trace).__name__}")
    if trace.kind != cell.kind:
        raise EngineError(f"trace was recorded by a {trace.kind} cell, not this {cell.kind} cell")
    if trace.params_token is not cell._params_token:
        raise EngineError(
            "trace was recorded with other parameters (the cell changed since forward); "
            "run forward again"
        )
    return trace


def _check_upstream(value: Any, name: str, like: np.ndarray, dtype: np.dtype) -> np.ndarray:
    array = as_float_array(value, name, dtype)
    if array.shape != like.shape:
        raise EngineError(f"{name} must have the trace's shape {like.shape}, got {array.shape}")
    check_finite(array, name)
    return array


@overload
def backward(
    cell: Cell, trace: Trace, d_hidden: Any, d_cell: Any = None, *, weights: bool = True
) -> Grads: ...


@overload
def backward(
    cell: CellStack, trace: StackTrace, d_hidden: Any, d_cell: Any = None, *, weights: bool = True
) -> StackGrads: ...


def backward(
    cell: Cell | CellStack,
    trace: Trace | StackTrace,
    d_hidden: Any,
    d_cell: Any = None,
    *,
    weights: bool = True,
) -> Grads | StackGrads:
    """Backpropagation through time.

    Parameters
    ----------
    cell : Cell or CellStack
        The cell that recorded ``trace`` (unchanged since). A stack is backpropagated by
        :func:`rnn_studio.engine.stack.backward_stack` (no ``d_cell``): its ``grads.params``
        use PyTorch's names and ``grads.h0``/``c0`` have shape (L·D, [B,] H).
    trace : Trace or StackTrace
        From :func:`forward`.
    d_hidden : array_like, shape like ``trace.hidden``
        dL/dh_t from the loss at every step (zeros except the last for a loss on the final
        step).
    d_cell : array_like, shape like ``trace.cell_state``, optional
        LSTM only: dL/dc_t from the loss directly (rarely needed; zeros by default).
    weights : bool
        False (a cell over one sequence, for a caller that needs the gradients reaching
        the states but not the weights'; a stack ignores it): dW_ih and dW_hh are left out
        of ``grads.params`` when a bound proves them finite (``grads.weight_norm_bound``),
        so every other result, ``first_nonfinite_step`` included, is what the full pass
        gives; otherwise (bound over :data:`WEIGHT_BOUND_LIMIT`) they are computed after
        all. Saves their two products per block (a third of an LSTM's backward pass at
        hidden 256).

    Returns
    -------
    Grads
        Gradients of every parameter, the inputs, h0 (and c0), the total gradient reaching
        each hidden state and its per-step norm.

    Raises
    ------
    EngineError
        Trace from another cell or older parameters, wrong shapes, NaN or infinity upstream.

    Notes
    -----
    Walking t = T−1 … 0: dh_t = d_hidden[t] + dhnext, then each cell's local backward (see
    the cell modules) gives the pre-activation gradients da_t and the carried dhnext (and
    dcnext). Time is walked in cache-sized blocks (one block for short sequences): each
    block's local derivatives are computed before its loop, vectorised over its steps, and
    its weight gradients are one matrix product each after it: dW_hh += Σ_t da_t h_{t-1}ᵀ,
    dW_ih += Σ_t da_t x_tᵀ. Reused block buffers keep the working set in cache and avoid
    the page faults that fresh whole-sequence temporaries cost.
    """
    if not isinstance(cell, Cell):
        from rnn_studio.engine.stack import CellStack, StackTrace, backward_stack

        if isinstance(cell, CellStack):
            if d_cell is not None:
                raise EngineError("d_cell is not taken by a stack: give d_hidden only")
            if not isinstance(trace, StackTrace):
                raise EngineError(
                    f"trace must come from forward() on this stack, got {type(trace).__name__}"
                )
            return backward_stack(cell, trace, d_hidden)
    trace = check_trace(cell, trace)
    d_hidden = _check_upstream(d_hidden, "d_hidden", trace.hidden, cell.dtype)
    if d_cell is not None:
        if trace.cell_state is None:
            raise EngineError(f"d_cell is only used by the LSTM, not the {cell.kind} cell")
        d_cell = _check_upstream(d_cell, "d_cell", trace.cell_state, cell.dtype)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if weights:
            record = cell._backward_sequence(trace, d_hidden, d_cell)
        else:
            record = cell._backward_sequence(trace, d_hidden, d_cell, weights=False)
        bounded = "weight_hh" not in record.params
        if bounded and not record.weight_bound <= WEIGHT_BOUND_LIMIT:  # NaN too
            record = cell._backward_sequence(trace, d_hidden, d_cell)  # not proven finite
            bounded = False
        norms = step_norms(record.hidden)
    bad = ~np.isfinite(norms)  # a NaN or infinite entry makes its step's norm non-finite
    first_bad = int(np.flatnonzero(bad)[-1]) if bad.any() else None
    if not all(np.isfinite(array).all() for array in (*record.params.values(), record.inputs)):
        first_bad = _last_nonfinite_share(cell, trace, d_hidden, d_cell, first_bad or 0)
    return Grads(
        params=record.params,
        inputs=record.inputs,
        h0=record.h0,
        c0=record.c0,
        hidden=record.hidden,
        norms=norms,
        first_nonfinite_step=first_bad,
        weight_norm_bound=record.weight_bound if bounded else None,
    )


def _last_nonfinite_share(
    cell: Cell, trace: Trace, d_hidden: np.ndarray, d_cell: np.ndarray | None, lowest: int
) -> int:
    """Largest t ≥ ``lowest`` whose weight or input gradients, summed over t … T−1, are not
    finite (``lowest`` when none above it is).

    Only called once a backward pass has produced non-finite weight or input gradients.
    Being non-finite is inherited going back (adding to inf or NaN keeps it non-finite),
    so a bisection over t finds the step: each probe backpropagates the suffix t … T−1 from
    the recorded state h_{t−1} (c_{t−1}), and a non-finite h_{t−1} settles it at once, since
    it enters dW_hh through da_t h_{t−1}ᵀ.
    """

    def broken_from(t: int) -> bool:
        h_prev = trace.h0 if t == 0 else trace.hidden[t - 1]
        c_prev = trace.c0 if t == 0 or trace.cell_state is None else trace.cell_state[t - 1]
        if not np.isfinite(h_prev).all() or (c_prev is not None and not np.isfinite(c_prev).all()):
            return True
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            suffix = forward(cell, trace.inputs[t:], h0=h_prev, c0=c_prev)
            record = cell._backward_sequence(
                suffix, d_hidden[t:], None if d_cell is None else d_cell[t:]
            )
        arrays = (*record.params.values(), record.inputs)
        return not all(np.isfinite(array).all() for array in arrays)

    low, high = lowest, len(trace) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if broken_from(middle):
            low = middle
        else:
            high = middle - 1
    return low
