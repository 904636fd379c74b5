"""Stacked and bidirectional RNNs: ``torch.nn.RNN/LSTM/GRU(num_layers=L, bidirectional=...)``.

A :class:`CellStack` holds L·D ordinary cells (D = 2 directions when bidirectional, else 1),
one per layer l and direction d, each with PyTorch's one-layer layout. The stack's own
``state_dict`` uses PyTorch's names: ``weight_ih_l{l}``, ``weight_hh_l{l}``,
``bias_ih_l{l}``, ``bias_hh_l{l}``, with the suffix ``_reverse`` for d = 1.

Equations (layer l = 0 … L−1, direction d; the cell equations are those of
:mod:`rnn_studio.engine.rnn`, :mod:`~rnn_studio.engine.lstm`, :mod:`~rnn_studio.engine.gru`)::

    input of layer 0:        u⁰_t = x_t                                   (I features)
    forward direction:       h^{l,0}_t = cell_{l,0}(u^l_t, h^{l,0}_{t-1})   t = 0 … T−1
    reverse direction:       h^{l,1}_t = cell_{l,1}(u^l_t, h^{l,1}_{t+1})   t = T−1 … 0
    output of layer l:       y^l_t = [h^{l,0}_t ; h^{l,1}_t]               (D·H features)
    input of layer l+1:      u^{l+1}_t = y^l_t
    the stack's output:      output_t = y^{L-1}_t                           (torch's output)

The reverse direction is the same cell run on the reversed sequence, its states put back in
the original time order before concatenating. Initial states h0 (and the LSTM's c0) have
shape (L·D, [B,] H), row l·D + d for layer l, direction d (PyTorch's order); so do the final
states ``h_n`` and ``c_n``.

Backpropagation runs the layers top down: the output gradient of layer l is split into its
D direction blocks (the reverse block time-reversed), each cell's BPTT gives dL/du^l_t, and
the directions' input gradients add up to the output gradient of layer l−1.

Nothing here is a new kernel: every layer and direction is one ordinary ``forward`` and
``backward`` of an existing cell, so the stack is exactly as fast and as correct as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_studio.engine.cell_base import PARAM_NAMES, Cell, State, StepResult, freeze
from rnn_studio.engine.cells import make_cell
from rnn_studio.engine.errors import (
    EngineError,
    as_float_array,
    check_finite,
    check_params,
    check_seed,
    check_shape,
    check_size,
)
from rnn_studio.engine.numerics import step_norms
from rnn_studio.engine.sequence import Grads, Trace, check_inputs, check_trace
from rnn_studio.engine.sequence import backward as cell_backward
from rnn_studio.engine.sequence import forward as cell_forward

__all__ = [
    "MAX_LAYERS",
    "CellStack",
    "StackGrads",
    "StackTrace",
    "backward_stack",
    "direction_suffix",
    "forward_stack",
    "make_stack",
    "torch_name",
]

#: Most layers a stack may have (a teaching app: deeper stacks teach nothing more).
MAX_LAYERS = 8
DIRECTION_NAMES = ("forward", "reverse")


def direction_suffix(direction: int) -> str:
    """``""`` for the forward direction, ``"_reverse"`` for the reverse one (PyTorch's)."""
    return "_reverse" if direction == 1 else ""


def torch_name(param: str, layer: int, direction: int) -> str:
    """PyTorch's name: ``torch_name("weight_hh", 0, 1) == "weight_hh_l0_reverse"``."""
    return f"{param}_l{layer}{direction_suffix(direction)}"


def _check_bidirectional(value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise EngineError(f"bidirectional must be True or False, got {value!r}")
    return bool(value)


class CellStack:
    """L layers × D directions of one cell kind, like a multi-layer PyTorch RNN module.

    Build it with :func:`rnn_studio.engine.make_cell` (``num_layers=2, bidirectional=True``)
    or :func:`rnn_studio.engine.make_stack`.

    Parameters
    ----------
    cells : sequence of sequence of Cell
        ``cells[l][d]``: layer l, direction d. All of one kind, hidden size, nonlinearity and
        dtype; layer 0 reads I inputs, every higher layer D·H.

    Notes
    -----
    Initialisation follows PyTorch: every parameter ~ U(−1/√H, 1/√H), drawn layer by layer,
    direction by direction, each in the order weight_ih, weight_hh, bias_ih, bias_hh.
    """

    def __init__(self, cells: Any) -> None:
        rows = tuple(tuple(row) for row in cells)
        if not rows or not all(rows) or len({len(row) for row in rows}) != 1:
            raise EngineError("a stack needs the same number (1 or 2) of directions per layer")
        if len(rows) > MAX_LAYERS or len(rows[0]) > 2:
            raise EngineError(f"a stack has 1 to {MAX_LAYERS} layers and 1 or 2 directions")
        first = rows[0][0]
        if not all(isinstance(cell, Cell) for row in rows for cell in row):
            raise EngineError("a stack is made of cells from make_cell")
        for layer, row in enumerate(rows):
            wanted = first.input_size if layer == 0 else len(row) * first.hidden_size
            for cell in row:
                same = (cell.kind, cell.hidden_size, cell.nonlinearity, cell.dtype)
                if same != (first.kind, first.hidden_size, first.nonlinearity, first.dtype):
                    raise EngineError("every cell of a stack has one kind, size and dtype")
                if cell.input_size != wanted:
                    raise EngineError(
                        f"layer {layer} must read {wanted} inputs, its cell reads {cell.input_size}"
                    )
        self._cells = rows

    # --- identity ------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        """``"rnn"``, ``"lstm"`` or ``"gru"``."""
        return self._cells[0][0].kind

    @property
    def input_size(self) -> int:
        """I, features per time step of the sequence fed to layer 0."""
        return self._cells[0][0].input_size

    @property
    def hidden_size(self) -> int:
        """H, hidden units of every layer and direction."""
        return self._cells[0][0].hidden_size

    @property
    def num_layers(self) -> int:
        """L."""
        return len(self._cells)

    @property
    def bidirectional(self) -> bool:
        """True when every layer also runs over the reversed sequence."""
        return len(self._cells[0]) == 2

    @property
    def num_directions(self) -> int:
        """D, 2 when bidirectional, else 1."""
        return len(self._cells[0])

    @property
    def output_size(self) -> int:
        """D·H, features of the output (and of the input of every layer above the first)."""
        return self.num_directions * self.hidden_size

    @property
    def nonlinearity(self) -> str:
        """``"tanh"`` or ``"relu"`` (the latter only for the vanilla RNN)."""
        return self._cells[0][0].nonlinearity

    @property
    def dtype(self) -> np.dtype:
        """Float dtype of parameters and results."""
        return self._cells[0][0].dtype

    @property
    def gate_names(self) -> tuple[str, ...]:
        """The gates of every cell (see :attr:`rnn_studio.engine.Cell.gate_names`)."""
        return self._cells[0][0].gate_names

    @property
    def block_names(self) -> tuple[str, ...]:
        """Row blocks of every cell's weights."""
        return self._cells[0][0].block_names

    @property
    def cells(self) -> tuple[tuple[Cell, ...], ...]:
        """``cells[l][d]``: the cell of layer l, direction d (change weights through the stack
        or through the cell's own ``set_params``)."""
        return self._cells

    def cell(self, layer: int, direction: int = 0) -> Cell:
        """The cell of ``layer`` (0 = nearest the input) and ``direction`` (1 = reverse)."""
        self._check_index(layer, direction)
        return self._cells[layer][direction]

    def _check_index(self, layer: Any, direction: Any) -> None:
        for value, name, count in (
            (layer, "layer", self.num_layers),
            (direction, "direction", self.num_directions),
        ):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise EngineError(f"{name} must be an integer, got {value!r}")
            if not 0 <= value < count:
                raise EngineError(f"{name} must be in [0, {count - 1}], got {value}")

    def __repr__(self) -> str:
        extra = f", nonlinearity={self.nonlinearity!r}" if self.kind == "rnn" else ""
        return (
            f"CellStack({self.kind!r}, input_size={self.input_size}, "
            f"hidden_size={self.hidden_size}, num_layers={self.num_layers}, "
            f"bidirectional={self.bidirectional}{extra}, dtype={self.dtype.name})"
        )

    # --- parameters ----------------------------------------------------------------------------
    def _named_cells(self) -> list[tuple[int, int, Cell]]:
        return [
            (layer, direction, cell)
            for layer, row in enumerate(self._cells)
            for direction, cell in enumerate(row)
        ]

    @property
    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Every parameter's PyTorch name and shape, in PyTorch's order."""
        return {
            torch_name(name, layer, direction): shape
            for layer, direction, cell in self._named_cells()
            for name, shape in cell.param_shapes.items()
        }

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Every parameter (read-only arrays) under its PyTorch name, in PyTorch's order."""
        return {
            torch_name(name, layer, direction): value
            for layer, direction, cell in self._named_cells()
            for name, value in cell.params.items()
        }

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Replace every parameter (validated copies), keyed by PyTorch names.

        Raises
        ------
        EngineError
            Missing or unknown names, wrong shapes, non-numbers, NaN or infinity; then no
            cell is changed.
        """
        if not isinstance(params, Mapping):
            raise EngineError(f"params must be a mapping of arrays, got {type(params).__name__}")
        expected = self.param_shapes
        unknown = sorted(set(params) - set(expected))
        if unknown:
            raise EngineError(f"state_dict has unknown keys {unknown}; expected {list(expected)}")
        missing = [key for key in expected if key not in params]
        if missing:
            raise EngineError(f"state_dict is missing {missing}")
        checked = check_params(params, expected, self.dtype)  # all checked before any is set
        for layer, direction, cell in self._named_cells():
            cell.set_params(
                {name: checked[torch_name(name, layer, direction)] for name in PARAM_NAMES}
            )

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter under PyTorch's names (``weight_ih_l1_reverse`` ...).

        ``module.load_state_dict({k: torch.from_numpy(v) for k, v in stack.state_dict().items()})``
        loads them into ``torch.nn.LSTM(I, H, num_layers=L, bidirectional=...)``.
        """
        return {name: value.copy() for name, value in self.params.items()}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Set every parameter from PyTorch names (``load_state_dict(module.state_dict())``)."""
        if not isinstance(state_dict, Mapping):
            raise EngineError(
                f"state_dict must be a mapping of arrays, got {type(state_dict).__name__}"
            )
        self.set_params(state_dict)

    def copy(self) -> CellStack:
        """An independent stack with the same cells' kind, sizes, dtype and parameters."""
        return CellStack([[cell.copy() for cell in row] for row in self._cells])

    # --- states --------------------------------------------------------------------------------
    def state_shape(self, batch_shape: tuple[int, ...] = ()) -> tuple[int, ...]:
        """(L·D, [B,] H), the shape of h0, c0, h_n and c_n."""
        return (self.num_layers * self.num_directions, *batch_shape, self.hidden_size)

    def check_states(
        self, h0: Any, c0: Any, batch_shape: tuple[int, ...]
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Validated copies of h0 (and c0) of shape (L·D, [B,] H); zeros when not given."""
        shape = self.state_shape(batch_shape)

        def one(value: Any, name: str) -> np.ndarray:
            if value is None:
                return np.zeros(shape, dtype=self.dtype)
            array = np.array(as_float_array(value, name, self.dtype), copy=True)
            check_shape(array, shape, f"{name} (layers × directions, [batch,] hidden)")
            check_finite(array, name)
            return array

        h = one(h0, "h0")
        if self.kind != "lstm":
            if c0 is not None:
                raise EngineError(f"c0 is only used by the LSTM, not the {self.kind} cell")
            return h, None
        return h, one(c0, "c0")

    def initial_state(self, batch: int | None = None) -> State:
        """Zero states of shape (L·D, [batch,] H); ``c`` likewise for the LSTM, else None."""
        shape = self.state_shape(() if batch is None else (check_size(batch, "batch"),))
        c = np.zeros(shape, dtype=self.dtype) if self.kind == "lstm" else None
        return State(np.zeros(shape, dtype=self.dtype), c)

    def step(self, x_t: Any, state: Any = None) -> tuple[State, tuple[StepResult, ...]]:
        """Advance a one-direction stack by one time step, layer by layer.

        Parameters
        ----------
        x_t : array_like, shape (I,) or (B, I)
            The input at this step.
        state : State or (h, c), optional
            States of shape (L, [B,] H) (None: zeros).

        Returns
        -------
        state : State
            The new states, row l for layer l.
        results : tuple of StepResult
            What each layer computed, layer 0 first (``results[-1].h`` is the output).

        Raises
        ------
        EngineError
            For a bidirectional stack: its reverse direction's state at step t depends on
            every input after t, so it cannot run one step at a time (nor generate text);
            use ``forward(stack, xs)`` on the whole sequence.
        """
        if self.bidirectional:
            raise EngineError(
                "a bidirectional stack cannot step: its backward direction's state at step t "
                "depends on the inputs after t, so it needs the whole sequence at once; use "
                "forward(stack, xs)"
            )
        x = as_float_array(x_t, "x_t", self.dtype)
        batch_shape = x.shape[:-1] if x.ndim == 2 else ()
        if state is None:
            h_all, c_all = self.check_states(None, None, batch_shape)
        elif isinstance(state, tuple) and len(state) == 2:
            h_all, c_all = self.check_states(state[0], state[1], batch_shape)
        else:
            raise EngineError("state must be a State(h, c) (or an (h, c) tuple) or None")
        layer_input, results, new_h, new_c = x, [], [], []
        for layer, (cell,) in enumerate(self._cells):
            c_prev = None if c_all is None else c_all[layer]
            layer_state, result = cell.step(layer_input, State(h_all[layer], c_prev))
            new_h.append(layer_state.h)
            if layer_state.c is not None:
                new_c.append(layer_state.c)
            results.append(result)
            layer_input = layer_state.h  # u^{l+1}_t = h^l_t
        c_new = freeze(np.stack(new_c)) if new_c else None
        return State(freeze(np.stack(new_h)), c_new), tuple(results)


@dataclass(frozen=True, eq=False)
class StackTrace:
    """Immutable record of one forward pass of a :class:`CellStack`.

    Attributes
    ----------
    kind : str
        The cell kind.
    inputs : ndarray, shape (T, [B,] I)
        x_t, the input of layer 0.
    hidden : ndarray, shape (T, [B,] D·H)
        The top layer's output y^{L-1}_t, as torch's ``output``: each step's forward state,
        then (bidirectional) its reverse state.
    layer_outputs : tuple of ndarray
        y^l_t for every layer l, each (T, [B,] D·H); the last is :attr:`hidden`.
    h_n, c_n : ndarray
        Final states (L·D, [B,] H) as torch returns them: the forward direction's state
        after step T−1, the reverse direction's after step 0. ``c_n`` is None except for the
        LSTM.
    h0, c0 : ndarray
        The initial states (L·D, [B,] H); ``c0`` is None except for the LSTM.
    traces : tuple of tuple of Trace
        ``traces[l][d]``: the cell's own trace. The reverse direction's runs over the
        reversed sequence (its step 0 is time T−1); :meth:`states`, :meth:`cell_states` and
        :meth:`gates` give every direction in the original time order.
    first_nonfinite_step : int or None
        First original time step at which any layer's state holds NaN or infinity.
    """

    kind: str
    inputs: np.ndarray
    hidden: np.ndarray
    layer_outputs: tuple[np.ndarray, ...]
    h_n: np.ndarray
    c_n: np.ndarray | None
    h0: np.ndarray
    c0: np.ndarray | None
    traces: tuple[tuple[Trace, ...], ...]
    first_nonfinite_step: int | None

    def __len__(self) -> int:
        return self.hidden.shape[0]

    @property
    def num_layers(self) -> int:
        """L."""
        return len(self.traces)

    @property
    def num_directions(self) -> int:
        """D."""
        return len(self.traces[0])

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """``()`` for a single sequence, ``(B,)`` for a batch."""
        return self.hidden.shape[1:-1]

    @property
    def has_nonfinite(self) -> bool:
        """True when some layer's state holds NaN or infinity."""
        return self.first_nonfinite_step is not None

    def trace(self, layer: int, direction: int = 0) -> Trace:
        """The cell trace of ``layer``, ``direction`` (reverse: in reversed time)."""
        if not (0 <= layer < self.num_layers and 0 <= direction < self.num_directions):
            raise EngineError(
                f"no layer {layer}, direction {direction} in a trace of {self.num_layers} "
                f"layers and {self.num_directions} directions"
            )
        return self.traces[layer][direction]

    def states(self, layer: int, direction: int = 0) -> np.ndarray:
        """h^{l,d}_t for t = 0 … T−1 in the original time order, shape (T, [B,] H)."""
        hidden = self.trace(layer, direction).hidden
        return hidden[::-1] if direction == 1 else hidden

    def cell_states(self, layer: int, direction: int = 0) -> np.ndarray | None:
        """LSTM c^{l,d}_t in the original time order (T, [B,] H); None for other cells."""
        cells = self.trace(layer, direction).cell_state
        if cells is None:
            return None
        return cells[::-1] if direction == 1 else cells

    def gates(self, layer: int, direction: int = 0) -> dict[str, np.ndarray]:
        """Gate activations of ``layer``, ``direction`` by name, in the original time order."""
        gates = self.trace(layer, direction).gates
        return {name: values[::-1] if direction == 1 else values for name, values in gates.items()}


@dataclass(frozen=True, eq=False)
class StackGrads:
    """Gradients from one backpropagation through a :class:`CellStack`.

    Attributes
    ----------
    params : dict[str, ndarray]
        dL/dθ under PyTorch's names (``grad.params["weight_hh_l0_reverse"]``).
    inputs : ndarray, shape (T, [B,] I)
        dL/dx_t.
    h0 : ndarray, shape (L·D, [B,] H)
        dL/dh0, rows like ``h0``.
    c0 : ndarray or None
        dL/dc0 for the LSTM, else None.
    hidden : ndarray, shape (L·D, T, [B,] H)
        The total dL/dh^{l,d}_t reaching each layer and direction's state, original time
        order, row l·D + d.
    norms : ndarray, shape (L·D, T)
        ‖hidden[k, t]‖₂ (underflow-free): each layer and direction's gradient-decay curve.
    grads : tuple of tuple of Grads
        ``grads[l][d]``: the cell's own gradients (the reverse direction's in reversed time).
    """

    params: dict[str, np.ndarray]
    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray | None
    hidden: np.ndarray
    norms: np.ndarray
    grads: tuple[tuple[Grads, ...], ...]

    @property
    def has_nonfinite(self) -> bool:
        """True when any gradient of any layer and direction is NaN or infinite."""
        return any(g.has_nonfinite for row in self.grads for g in row) or not bool(
            np.isfinite(self.inputs).all()
        )


def _reversed(array: np.ndarray) -> np.ndarray:
    """``array`` with time (axis 0) reversed, as a new contiguous array."""
    return np.ascontiguousarray(array[::-1])


def forward_stack(stack: CellStack, xs: Any, h0: Any = None, c0: Any = None) -> StackTrace:
    """Run every layer and direction of ``stack`` over ``xs`` (see the module equations).

    Parameters
    ----------
    stack : CellStack
        From :func:`rnn_studio.engine.make_cell` with ``num_layers`` or ``bidirectional``.
    xs : array_like, shape (T, I) or (T, B, I)
        Inputs; T ≥ 1 steps; finite numbers.
    h0, c0 : array_like, shape (L·D, [B,] H), optional
        Initial states, row l·D + d (zeros by default); ``c0`` only for the LSTM.

    Returns
    -------
    StackTrace
        ``trace.hidden`` equals torch's ``output``; ``trace.h_n``/``c_n`` its final states.

    Raises
    ------
    EngineError
        Wrong shapes, empty sequences, NaN or infinity in the inputs or initial states.
    """
    if not isinstance(stack, CellStack):
        raise EngineError(f"stack must be made by make_cell, got {type(stack).__name__}")
    xs = check_inputs(xs, stack.input_size, stack.dtype)
    batch_shape = xs.shape[1:-1]
    h0_all, c0_all = stack.check_states(h0, c0, batch_shape)
    directions = stack.num_directions
    layer_input = xs
    traces: list[tuple[Trace, ...]] = []
    outputs: list[np.ndarray] = []
    h_n, c_n = np.empty_like(h0_all), None if c0_all is None else np.empty_like(c0_all)
    for layer, row in enumerate(stack.cells):
        row_traces = []
        parts = []
        for direction, cell in enumerate(row):
            k = layer * directions + direction
            c_init = None if c0_all is None else c0_all[k]
            sequence = layer_input if direction == 0 else _reversed(layer_input)
            trace = cell_forward(cell, sequence, h0_all[k], c_init)
            row_traces.append(trace)
            parts.append(trace.hidden if direction == 0 else trace.hidden[::-1])
            h_n[k] = trace.hidden[-1]  # the direction's last step: t = T−1, or t = 0 reversed
            if c_n is not None and trace.cell_state is not None:
                c_n[k] = trace.cell_state[-1]
        layer_output = np.concatenate(parts, axis=-1)  # y^l_t = [h^{l,0}_t ; h^{l,1}_t]
        traces.append(tuple(row_traces))
        outputs.append(freeze(layer_output))
        layer_input = layer_output
    first_bad = None
    for layer_output in outputs:
        rows = ~np.isfinite(layer_output).all(axis=tuple(range(1, layer_output.ndim)))
        if rows.any():
            step = int(np.argmax(rows))
            first_bad = step if first_bad is None else min(first_bad, step)
    for layer_traces in traces:  # an LSTM's c can overflow while h = o·tanh(c) stays finite
        for direction, trace in enumerate(layer_traces):
            if trace.first_nonfinite_step is not None:
                step = trace.first_nonfinite_step
                step = len(trace) - 1 - step if direction == 1 else step
                first_bad = step if first_bad is None else min(first_bad, step)
    return StackTrace(
        kind=stack.kind,
        inputs=freeze(xs),
        hidden=outputs[-1],
        layer_outputs=tuple(outputs),
        h_n=freeze(h_n),
        c_n=None if c_n is None else freeze(c_n),
        h0=freeze(h0_all),
        c0=None if c0_all is None else freeze(c0_all),
        traces=tuple(traces),
        first_nonfinite_step=first_bad,
    )


def check_stack_trace(stack: CellStack, trace: Any) -> StackTrace:
    """Refuse a trace that ``stack`` (with its current parameters) did not record."""
    if not isinstance(trace, StackTrace):
        raise EngineError(
            f"trace must come from forward() on this stack, got {type(trace).__name__}"
        )
    if (trace.num_layers, trace.num_directions) != (stack.num_layers, stack.num_directions):
        raise EngineError(
            f"trace has {trace.num_layers} layers × {trace.num_directions} directions, the "
            f"stack {stack.num_layers} × {stack.num_directions}"
        )
    for row, cells in zip(trace.traces, stack.cells, strict=True):
        for sub, cell in zip(row, cells, strict=True):
            check_trace(cell, sub)
    return trace


def backward_stack(stack: CellStack, trace: StackTrace, d_hidden: Any) -> StackGrads:
    """Backpropagation through every layer and direction and through time.

    Parameters
    ----------
    stack : CellStack
        The stack that recorded ``trace`` (unchanged since).
    trace : StackTrace
        From :func:`rnn_studio.engine.forward`.
    d_hidden : array_like, shape like ``trace.hidden`` (T, [B,] D·H)
        dL/d output_t from the loss at every step.

    Returns
    -------
    StackGrads
        ``params`` under PyTorch's names, ``inputs`` (dL/dx_t), ``h0`` (and ``c0``) of
        shape (L·D, [B,] H), and each layer and direction's dL/dh_t and its norms.

    Raises
    ------
    EngineError
        Trace from another stack or older parameters, wrong shape, NaN or infinity upstream.

    Notes
    -----
    For l = L−1 … 0: g^l = dL/dy^l (the caller's ``d_hidden`` for the top layer); its block
    d (columns d·H … (d+1)·H), time-reversed for d = 1, is the d_hidden of cell (l, d), whose
    BPTT gives dL/du^l_t; summed over directions (the reverse one put back in time order),
    that is g^{l−1}. dL/dx_t = g^{−1}.
    """
    trace = check_stack_trace(stack, trace)
    upstream = as_float_array(d_hidden, "d_hidden", stack.dtype)
    check_shape(upstream, trace.hidden.shape, "d_hidden (the trace's hidden shape)")
    check_finite(upstream, "d_hidden")
    size, directions = stack.hidden_size, stack.num_directions
    params: dict[str, np.ndarray] = {}
    all_grads: list[tuple[Grads, ...]] = [() for _ in range(stack.num_layers)]
    h0 = np.empty_like(trace.h0)
    c0 = None if trace.c0 is None else np.empty_like(trace.c0)
    hidden = np.empty((stack.num_layers * directions, *upstream.shape[:-1], size), stack.dtype)
    for layer in reversed(range(stack.num_layers)):
        d_input: np.ndarray | None = None
        row: list[Grads] = []
        for direction, cell in enumerate(stack.cells[layer]):
            k = layer * directions + direction
            block = upstream[..., direction * size : (direction + 1) * size]
            grads = cell_backward(
                cell, trace.traces[layer][direction], block if direction == 0 else _reversed(block)
            )
            row.append(grads)
            for name, value in grads.params.items():
                params[torch_name(name, layer, direction)] = value
            h0[k] = grads.h0
            if c0 is not None and grads.c0 is not None:
                c0[k] = grads.c0
            hidden[k] = grads.hidden if direction == 0 else grads.hidden[::-1]
            dx = grads.inputs if direction == 0 else grads.inputs[::-1]
            d_input = dx.copy() if d_input is None else d_input + dx  # Σ over directions
        all_grads[layer] = tuple(row)
        assert d_input is not None
        upstream = d_input  # dL/dy^{l-1} = dL/du^l
    flat = hidden.reshape(hidden.shape[0], hidden.shape[1], -1)
    norms = np.stack([step_norms(rows) for rows in flat])
    return StackGrads(
        params={name: params[name] for name in stack.param_shapes},  # PyTorch's order
        inputs=upstream,
        h0=h0,
        c0=c0,
        hidden=hidden,
        norms=norms,
        grads=tuple(all_grads),
    )


def make_stack(
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 2,
    bidirectional: bool = True,
    *,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    nonlinearity: str = "tanh",
    dtype: Any = np.float64,
) -> CellStack:
    """A :class:`CellStack` of ``num_layers`` layers (1 … ``MAX_LAYERS``) and 1 or 2 directions.

    Parameters are those of :func:`rnn_studio.engine.make_cell`; even ``num_layers=1,
    bidirectional=False`` gives a stack here (``make_cell`` gives a plain cell for that).
    Weights are drawn like PyTorch's, layer by layer and direction by direction, from one
    generator.
    """
    layers = check_size(num_layers, "num_layers")
    if layers > MAX_LAYERS:
        raise EngineError(f"num_layers must be at most {MAX_LAYERS}, got {layers}")
    directions = 2 if _check_bidirectional(bidirectional) else 1
    if seed is not None and rng is not None:
        raise EngineError("give either seed or rng, not both")
    if rng is None:
        rng = np.random.default_rng(check_seed(seed))
    hidden = check_size(hidden_size, "hidden_size")
    cells = [
        [
            make_cell(
                kind,
                input_size if layer == 0 else directions * hidden,
                hidden,
                rng=rng,
                nonlinearity=nonlinearity,
                dtype=dtype,
            )
            for _ in range(directions)
        ]
        for layer in range(layers)
    ]
    return CellStack(cells)
