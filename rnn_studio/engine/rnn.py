"""The vanilla (Elman) RNN cell: one equation forward, two backward.

Forward, PyTorch's ``torch.nn.RNN``::

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    h_t = tanh(a_t)            (or relu(a_t))

Backward, given the total gradient dh_t reaching h_t (the caller's dL/dh_t plus dhnext)::

    da_t     = dh_t ⊙ f'(a_t)          f' = 1 − h_t² for tanh, [a_t > 0] for relu
    dhnext   = W_hhᵀ da_t              (carried to step t−1)
    dW_hh   += da_t h_{t-1}ᵀ,  dW_ih += da_t x_tᵀ,  db_ih = db_hh += da_t
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

import numpy as np

from rnn_studio.engine.blocks import (
    BackwardRecord,
    ForwardRecord,
    LazyArrays,
    WeightGradients,
    forward_chunks,
    longest_chunk,
    next_adjoint,
    previous,
    project_rows,
    scratch,
    time_chunks,
)
from rnn_studio.engine.cell_base import Cell, State, StepResult
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.interrupt import checkpoint


class RNNConstants(NamedTuple):
    """Weight-derived arrays cached until the parameters change."""

    w_ih_t: np.ndarray  # (I, H) contiguous W_ihᵀ
    w_cat_t: np.ndarray  # (I + H, H) [W_ih W_hh]ᵀ for one product per single step
    w_hh_t: np.ndarray  # (H, H) contiguous W_hhᵀ
    w_ih: np.ndarray  # (H, I)
    w_hh: np.ndarray  # (H, H)
    bias: np.ndarray  # (H,) b_ih + b_hh


class RNNDerivatives(NamedTuple):
    """Local derivatives of a block of steps, computed vectorised over the block."""

    activation_slope: np.ndarray  # (T, [B,] H) f'(a_t)


class RNNCell(Cell):
    """Vanilla RNN cell, h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).

    Notes
    -----
    Parameters and equations are exactly ``torch.nn.RNN(I, H, nonlinearity=...)``'s:
    ``weight_ih`` (H, I), ``weight_hh`` (H, H), ``bias_ih`` (H,), ``bias_hh`` (H,).
    ``pre["h"]`` is a_t; there are no gates.
    """

    kind = "rnn"
    gate_names: ClassVar[tuple[str, ...]] = ()
    block_names = ("h",)

    def _check_nonlinearity(self, nonlinearity: str) -> str:
        if nonlinearity not in ("tanh", "relu"):
            raise EngineError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        return nonlinearity

    def _build_constants(self) -> RNNConstants:
        p = self._params
        return RNNConstants(
            w_ih_t=np.ascontiguousarray(p["weight_ih"].T),
            w_cat_t=np.concatenate([p["weight_ih"].T, p["weight_hh"].T]),
            w_hh_t=np.ascontiguousarray(p["weight_hh"].T),
            w_ih=p["weight_ih"],
            w_hh=p["weight_hh"],
            bias=p["bias_ih"] + p["bias_hh"],
        )

    def _activate(self, a: np.ndarray, out: np.ndarray) -> np.ndarray:
        if self._nonlinearity == "tanh":
            return np.tanh(a, out=out)  # h = tanh(a)
        return np.maximum(a, 0.0, out=out)  # h = relu(a)

    def _step(self, x: np.ndarray, h: np.ndarray, c: Any) -> tuple[State, StepResult]:
        k = self.constants
        a = np.concatenate((x, h), axis=-1) @ k.w_cat_t  # W_ih x + W_hh h in one product
        a += k.bias  # a = W_ih x + b_ih + W_hh h + b_hh
        h_new = self._activate(a, np.empty_like(a))
        return State(h_new, None), StepResult(h_new, None, {}, {"h": a})

    def _forward_sequence(self, xs: np.ndarray, h0: np.ndarray, c0: Any) -> ForwardRecord:
        k = self.constants
        steps, size = len(xs), self._hidden_size
        hidden = np.empty((*xs.shape[:-1], size), dtype=self._dtype)
        chunks = forward_chunks(steps, hidden[0].size)
        pre_block = np.empty_like(hidden[: longest_chunk(chunks)])
        recurrent = np.empty_like(h0)
        w_hh_t = k.w_hh_t
        activate = np.tanh if self._nonlinearity == "tanh" else _relu
        h = h0
        for start, stop in chunks:
            checkpoint()  # a stale caller stops here (engine.interruptible)
            pre = pre_block[: stop - start]
            project_rows(xs[start:stop], k.w_ih_t, out=pre)  # W_ih x_t for the whole block
            pre += k.bias
            for a_t, h_t in zip(pre, hidden[start:stop], strict=True):
                np.dot(h, w_hh_t, out=recurrent)  # W_hh h_{t-1}
                a_t += recurrent  # a_t = W_ih x_t + b + W_hh h_{t-1}
                activate(a_t, out=h_t)  # h_t = f(a_t)
                h = h_t

        def pre_activations() -> dict[str, np.ndarray]:
            a = project_rows(xs, k.w_ih_t)
            a += k.bias
            a += project_rows(previous(h0, hidden), k.w_hh_t)
            return {"h": a}

        return ForwardRecord(hidden, None, {}, LazyArrays(("h",), pre_activations), {})

    def _slope(
        self, trace: Any, start: int = 0, stop: int | None = None, out: np.ndarray | None = None
    ) -> np.ndarray:
        """f'(a_t) for steps ``start … stop−1``: 1 − h_t² for tanh, [a_t > 0] for relu."""
        if self._nonlinearity == "tanh":
            hidden = trace.hidden[start:stop]
            out = np.multiply(hidden, hidden, out=out)
            return np.subtract(1.0, out, out=out)
        positive = trace.hidden[start:stop] > 0.0  # h = relu(a) > 0 exactly when a > 0
        if out is None:
            return positive.astype(self._dtype)
        np.copyto(out, positive)
        return out

    def _local_derivatives(self, trace: Any) -> RNNDerivatives:
        return RNNDerivatives(self._slope(trace))

    def _backward_sequence(
        self, trace: Any, d_hidden: np.ndarray, d_cell: Any, weights: bool = True
    ) -> BackwardRecord:
        k = self.constants
        chunks = time_chunks(len(d_hidden), d_hidden[0].size)
        d_pre_block = np.empty_like(d_hidden[: longest_chunk(chunks)])
        total = np.empty_like(d_hidden)  # dL/dh_t reaching each step
        outer = weights or d_hidden.ndim != 2  # a batch computes them (bound: one sequence)
        gradients = WeightGradients(trace, self._hidden_size, np.empty_like(trace.inputs), outer)
        dhnext = np.zeros_like(trace.h0)
        w_hh = k.w_hh
        for start, stop in chunks:
            checkpoint()  # a stale caller stops here (engine.interruptible)
            d_pre = self._slope(trace, start, stop, out=d_pre_block[: stop - start])
            for d_out, dh, da in zip(
                d_hidden[start:stop][::-1], total[start:stop][::-1], d_pre[::-1], strict=True
            ):
                np.add(d_out, dhnext, out=dh)  # dh_t = dL/dh_t + dhnext
                np.multiply(dh, da, out=da)  # da_t = dh_t ⊙ f'(a_t)
                np.dot(da, w_hh, out=dhnext)  # dhnext = W_hhᵀ da_t
            gradients.add(start, d_pre, d_pre, k.w_ih)  # dx_t = W_ihᵀ da_t
        params = gradients.params(gradients.bias.copy())
        return BackwardRecord(params, gradients.d_inputs, dhnext, None, total, gradients.bound)

    def _adjoint_step(
        self, derivatives: RNNDerivatives, t: int, dh: np.ndarray, dc: Any, work: dict
    ) -> tuple[np.ndarray, None]:
        """Carry adjoints dh of shape ([B,] K, H) from h_t back to h_{t-1} (buffers in work)."""
        da = scratch(work, "da", dh.shape, dh.dtype)
        np.multiply(dh, derivatives.activation_slope[t][..., None, :], out=da)
        return np.matmul(da, self.constants.w_hh, out=next_adjoint(work, dh)), None


def _relu(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0.0, out=out)
