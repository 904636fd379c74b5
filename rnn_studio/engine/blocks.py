"""Helpers of the sequence loops: blockwise time, batched products, lazy arrays, records.

Forward and BPTT walk time in blocks of about :data:`CHUNK_ENTRIES` state entries: each
block's input projections (forward) or local derivatives and pre-activation gradients
(backward) live in buffers allocated once and reused, so the working set stays in cache and
no whole-sequence temporaries are allocated (fresh memory costs page faults). A short
sequence is a single block.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from rnn_studio.engine.cell_base import frozen_mapping


class LazyArrays(Mapping):
    """Read-only mapping of read-only arrays computed on first access, then kept.

    The forward loop does not store pre-activations over the whole sequence (fresh memory is
    the slowest thing it could touch); ``trace.pre`` recomputes them with the weights of the
    forward pass the first time anyone looks.
    """

    def __init__(self, names: tuple[str, ...], compute: Callable[[], dict[str, np.ndarray]]):
        self._names = names
        self._compute: Callable[[], dict[str, np.ndarray]] | None = compute
        self._arrays: Mapping[str, np.ndarray] | None = None

    def _load(self) -> Mapping[str, np.ndarray]:
        if self._arrays is None:
            assert self._compute is not None
            with np.errstate(over="ignore", invalid="ignore", under="ignore"):
                self._arrays = frozen_mapping(self._compute())
            self._compute = None
        return self._arrays

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._names:
            raise KeyError(name)
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        state = "computed" if self._arrays is not None else "not yet computed"
        return f"LazyArrays({list(self._names)}, {state})"


class ForwardRecord(NamedTuple):
    """What a cell's sequence loop hands to :func:`rnn_studio.engine.forward`."""

    hidden: np.ndarray
    cell_state: np.ndarray | None
    gates: dict[str, np.ndarray]
    pre: LazyArrays
    saved: dict[str, np.ndarray]


class BackwardRecord(NamedTuple):
    """What a cell's BPTT loop hands to :func:`rnn_studio.engine.backward`."""

    params: dict[str, np.ndarray]
    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray | None
    hidden: np.ndarray
    weight_bound: float = math.nan  # with the weights left out: bounds all of ``params``


def project_rows(xs: np.ndarray, weight_t: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``xs @ weight_t`` over all leading axes as one 2-D matrix product (one BLAS call).

    ``out`` (C-contiguous, shape ``(*xs.shape[:-1], weight_t.shape[1])``) receives the result.
    """
    rows = xs.reshape(-1, xs.shape[-1])
    if out is None:
        return (rows @ weight_t).reshape(*xs.shape[:-1], weight_t.shape[1])
    np.dot(rows, weight_t, out=out.reshape(-1, weight_t.shape[1]))
    return out


def outer_sum(deltas: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Σ over time and batch of ``outer(deltas[t, b], rows[t, b])``: one matrix product."""
    # np.dot, not @: matmul takes a slow path for a single row (an outer product).
    return np.dot(deltas.reshape(-1, deltas.shape[-1]).T, rows.reshape(-1, rows.shape[-1]))


CHUNK_ENTRIES = 32768
"""Backpropagation works through time in blocks of about this many state entries, so the
local derivatives and pre-activation gradients of a block stay in cache and their buffers are
reused (fresh whole-sequence temporaries cost page faults and memory bandwidth)."""


def time_chunks(steps: int, entries_per_step: int) -> list[tuple[int, int]]:
    """``(start, stop)`` blocks covering ``range(steps)``, the last block first."""
    length = max(1, CHUNK_ENTRIES // max(1, entries_per_step))
    return [(max(0, stop - length), stop) for stop in range(steps, 0, -length)]


class WeightGradients:
    """Accumulates dW_ih, dW_hh and db = Σ_t da_t ... block by block (one product per block).

    Parameters
    ----------
    trace
        The forward trace (inputs, hidden, h0).
    rows : int
        G·H, the number of pre-activations.
    d_inputs : ndarray, shape (T, [B,] I)
        Filled block by block with dx_t = W_ihᵀ da_t (``w_ih`` given to :meth:`add`).
    outer : bool
        False: leave out dW_ih and dW_hh (the two products per block that cost most of the
        backward pass's arithmetic after the adjoint) and accumulate :attr:`bound` instead.

    Attributes
    ----------
    bound : float
        With ``outer`` False, an upper bound on the global norm of every parameter gradient
        (dW_ih, dW_hh, db_ih, db_hh), by the triangle inequality and ‖a bᵀ‖_F = ‖a‖‖b‖:

        .. math:: \\sqrt{\\textstyle\\sum_p \\lVert g_p \\rVert_F^2}
           \\le \\sum_t \\lVert \\delta^x_t \\rVert (\\lVert x_t \\rVert + 2)
           + \\lVert \\delta^h_t \\rVert (\\lVert h_{t-1} \\rVert + 1)

        with δˣ_t, δʰ_t the input- and hidden-side pre-activation gradients (equal except for
        the GRU's n gate, whose hidden side is da_n ⊙ r). Infinite or NaN when any of those
        overflowed. NaN with ``outer`` True.
    """

    def __init__(self, trace: Any, rows: int, d_inputs: np.ndarray, outer: bool = True) -> None:
        self.trace = trace
        self.d_inputs = d_inputs
        inputs, hidden = trace.inputs.shape[-1], trace.hidden.shape[-1]
        dtype = trace.hidden.dtype
        self.outer = outer
        kept = rows if outer else 0  # left out: no rows
        self.weight_ih = np.zeros((kept, inputs), dtype=dtype)
        self.weight_hh = np.zeros((kept, hidden), dtype=dtype)
        self.bias = np.zeros(rows, dtype=dtype)
        self.bound = math.nan if outer else 0.0

    def params(self, bias_hh: np.ndarray) -> dict[str, np.ndarray]:
        """The parameter gradients, PyTorch's names (without the weights when left out)."""
        weights = {"weight_ih": self.weight_ih, "weight_hh": self.weight_hh} if self.outer else {}
        return {**weights, "bias_ih": self.bias, "bias_hh": bias_hh}

    def add(
        self,
        start: int,
        d_input_side: np.ndarray,
        d_hidden_side: np.ndarray,
        w_ih: np.ndarray,
    ) -> None:
        """Add block ``[start, start + len)``: dW_ih += Σ da xᵀ, dW_hh += Σ da' h_{t-1}ᵀ."""
        trace, stop = self.trace, start + len(d_input_side)
        if not self.outer:
            previous_hidden = (
                previous(trace.h0, trace.hidden[:stop])
                if start == 0
                else trace.hidden[start - 1 : stop - 1]
            )
            self.bound += float(
                np.sum(_row_norms(d_input_side) * (_row_norms(trace.inputs[start:stop]) + 2.0))
                + np.sum(_row_norms(d_hidden_side) * (_row_norms(previous_hidden) + 1.0))
            )
        else:
            self.weight_ih += outer_sum(d_input_side, trace.inputs[start:stop])
            if start == 0:
                self.weight_hh += recurrent_outer_sum(d_hidden_side, trace.hidden[:stop], trace.h0)
            else:
                self.weight_hh += outer_sum(d_hidden_side, trace.hidden[start - 1 : stop - 1])
        self.bias += d_input_side.reshape(-1, d_input_side.shape[-1]).sum(axis=0)
        block = self.d_inputs[start:stop]
        np.dot(
            d_input_side.reshape(-1, d_input_side.shape[-1]),
            w_ih,
            out=block.reshape(-1, block.shape[-1]),
        )


def _row_norms(rows: np.ndarray) -> np.ndarray:
    """‖row‖₂ of each step of ``rows`` (T, …): over everything but the first axis."""
    flat = rows.reshape(len(rows), -1)
    return np.sqrt(np.einsum("ij,ij->i", flat, flat))


def longest_chunk(chunks: list[tuple[int, int]]) -> int:
    """Length of the longest ``(start, stop)`` block."""
    return max(stop - start for start, stop in chunks)


def forward_chunks(steps: int, entries_per_step: int) -> list[tuple[int, int]]:
    """:func:`time_chunks` in forward order (first block first)."""
    return time_chunks(steps, entries_per_step)[::-1]


def previous(first: np.ndarray, sequence: np.ndarray) -> np.ndarray:
    """The sequence shifted one step: ``[first, sequence[0], ..., sequence[T-2]]``."""
    return np.concatenate([first[None], sequence[:-1]])


def recurrent_outer_sum(deltas: np.ndarray, hidden: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """Σ_t outer(deltas[t], h_{t-1}) with h_{-1} = h0, without building the shifted sequence."""
    total = outer_sum(deltas[1:], hidden[:-1]) if len(deltas) > 1 else 0.0
    return total + outer_sum(deltas[0], h0)


def scratch(work: dict[str, np.ndarray], name: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """A buffer from ``work`` (allocated on first use, reused while the shape holds)."""
    buffer = work.get(name)
    if buffer is None or buffer.shape != shape or buffer.dtype != dtype:
        buffer = work[name] = np.empty(shape, dtype=dtype)
    return buffer


_KEPT = threading.local()


def kept_buffer(name: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """A scratch buffer of this thread kept between calls (reused while the shape holds).

    For block buffers that a loop overwrites before reading and never hands out: freeing and
    reallocating them on every call lets the allocator return the memory to the system, and
    touching fresh pages again costs more than the loop's arithmetic at batch 32.
    """
    store = getattr(_KEPT, "buffers", None)
    if store is None:
        store = _KEPT.buffers = {}
    return scratch(store, name, shape, dtype)


def to_feature_major(source: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``source`` (n, B, H) written transposed into ``out`` (n, H, B).

    An all-zero block (a loss on the last step only leaves most of d_hidden zero) is filled
    instead of transposed, which is several times cheaper.
    """
    if source.any():
        out[...] = source.transpose(0, 2, 1)
    else:
        out.fill(0.0)
    return out


def next_adjoint(work: dict[str, np.ndarray], current: np.ndarray) -> np.ndarray:
    """The one of two alternating adjoint buffers that is not ``current``."""
    first = scratch(work, "adjoint_a", current.shape, current.dtype)
    return (
        first if first is not current else scratch(work, "adjoint_b", current.shape, current.dtype)
    )
