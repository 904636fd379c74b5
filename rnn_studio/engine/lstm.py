"""The LSTM cell, PyTorch's gate order i, f, g, o.

Forward, ``torch.nn.LSTM``'s equations (σ the logistic sigmoid)::

    [a_i; a_f; a_g; a_o] = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh
    i = σ(a_i)   f = σ(a_f)   g = tanh(a_g)   o = σ(a_o)
    c_t = f ⊙ c_{t-1} + i ⊙ g
    h_t = o ⊙ tanh(c_t)

Backward, given the total dh_t and the carried dcnext::

    da_o = dh_t ⊙ tanh(c_t) ⊙ o(1−o)
    dc_t = dh_t ⊙ o ⊙ (1 − tanh²c_t) + dcnext  (+ the caller's dL/dc_t)
    da_i = dc_t ⊙ g ⊙ i(1−i)   da_f = dc_t ⊙ c_{t-1} ⊙ f(1−f)   da_g = dc_t ⊙ i ⊙ (1−g²)
    dcnext = dc_t ⊙ f          dhnext = W_hhᵀ da

Speed: in the forward pass the gate blocks are reordered to (o, i, f, g), so the three
sigmoid gates are contiguous (one tanh call for all four gates, then σ = ½tanh(½a)+½ on the
first 3H with the ½ folded into cached weights). Backward works in PyTorch's order, where the
three gates driven by dc_t (i, f, g) are contiguous. A batch (T, B, I) runs feature-major,
states (H, B) and gates (4H, B) per step, so each gate is contiguous
(:mod:`rnn_studio.engine.lstm_batched`, which defines the internal order
``INTERNAL_NAMES`` and the local-derivative slots ``DERIVATIVE_SLOTS`` both paths use).
Everything the caller sees is in PyTorch's order.

Names in the fast paths of every cell: ``a`` is a pre-activation, ``a_half`` one with the ½
of the sigmoid gates folded in, ``act`` the gate activations, ``z`` only ever the GRU's update
gate; ``*_per_*`` are local derivatives (``h_per_c`` = ∂h_t/∂c_t). The plain equations, in
PyTorch's order, are :mod:`rnn_studio.engine.reference`, the oracle these paths are tested
against.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

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
from rnn_studio.engine.interrupt import checkpoint
from rnn_studio.engine.lstm_batched import (
    INTERNAL_BLOCKS,
    INTERNAL_NAMES,
    backward_feature_major,
    forward_feature_major,
)


class LSTMConstants(NamedTuple):
    """Weight-derived arrays cached until the parameters change.

    The ``*_half`` arrays (forward) use the internal gate order (o, i, f, g); ``w_ih`` and
    ``w_hh`` (backward) are the parameters in PyTorch's order.
    """

    w_ih_t_half: np.ndarray  # (I, 4H) W_ihᵀ, σ-gate columns × ½
    w_hh_t_half: np.ndarray  # (H, 4H) W_hhᵀ, σ-gate columns × ½
    bias_half: np.ndarray  # (4H,) b_ih + b_hh, σ-gate entries × ½
    w_cat_t_half: np.ndarray  # (I + H, 4H) [W_ih W_hh]ᵀ, σ-gate columns × ½ (single steps)
    w_ih: np.ndarray  # (4H, I) PyTorch order, unscaled (backward)
    w_hh: np.ndarray  # (4H, H) PyTorch order, unscaled (backward)
    w_ih_half: np.ndarray  # (4H, I) internal order, σ-gate rows × ½ (batched forward)
    w_hh_half: np.ndarray  # (4H, H) internal order, σ-gate rows × ½ (batched forward)
    w_ih_internal: np.ndarray  # (4H, I) internal order, unscaled (batched backward)
    w_hh_internal_t: np.ndarray  # (H, 4H) internal order W_hhᵀ, unscaled (batched backward)
    internal_rows: np.ndarray  # (4H,) PyTorch row of each internal row


class LSTMDerivatives(NamedTuple):
    """Local derivatives of a block of steps, computed vectorised over the block."""

    h_per_a_o: np.ndarray  # (T, [B,] H) tanh(c_t) ⊙ o(1−o)
    h_per_c: np.ndarray  # (T, [B,] H) o ⊙ (1 − tanh²c_t)
    c_per_a_ifg: np.ndarray  # (T, [B,] 3, H) [g i(1−i), c_{t-1} f(1−f), i(1−g²)]
    forget: np.ndarray  # (T, [B,] H) f


def _views(act: np.ndarray, hidden_size: int) -> dict[str, np.ndarray]:
    """Gate views of an internal-order (…, 4H) array, keyed by PyTorch gate name."""
    return {
        name: act[..., k * hidden_size : (k + 1) * hidden_size]
        for k, name in enumerate(INTERNAL_NAMES)
    }


def _in_torch_order(views: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: views[name] for name in ("i", "f", "g", "o")}


class LSTMCell(Cell):
    """Long short-term memory cell with ``torch.nn.LSTM``'s parameters and equations.

    Notes
    -----
    ``weight_ih`` (4H, I), ``weight_hh`` (4H, H), ``bias_ih`` and ``bias_hh`` (4H,), row blocks
    in gate order i, f, g, o (see the module docstring for the equations). The forget-gate
    bias is ``bias_ih[H:2H] + bias_hh[H:2H]``.
    """

    kind = "lstm"
    gate_names = ("i", "f", "g", "o")
    block_names = ("i", "f", "g", "o")

    def _build_constants(self) -> LSTMConstants:
        p, h = self._params, self._hidden_size
        rows = np.concatenate([np.arange(b * h, (b + 1) * h) for b in INTERNAL_BLOCKS])
        half = np.ones(4 * h, dtype=self._dtype)
        half[: 3 * h] = 0.5  # σ(a) = ½tanh(½a) + ½: the ½ goes into the weights
        w_ih = p["weight_ih"][rows]
        w_hh = p["weight_hh"][rows]
        w_ih_t_half = np.ascontiguousarray((w_ih * half[:, None]).T)
        w_hh_t_half = np.ascontiguousarray((w_hh * half[:, None]).T)
        return LSTMConstants(
            w_ih_t_half=w_ih_t_half,
            w_hh_t_half=w_hh_t_half,
            bias_half=(p["bias_ih"] + p["bias_hh"])[rows] * half,
            w_cat_t_half=np.concatenate([w_ih_t_half, w_hh_t_half]),
            w_ih=p["weight_ih"],
            w_hh=p["weight_hh"],
            w_ih_half=np.ascontiguousarray(w_ih_t_half.T),
            w_hh_half=np.ascontiguousarray(w_hh_t_half.T),
            w_ih_internal=w_ih,
            w_hh_internal_t=np.ascontiguousarray(w_hh.T),
            internal_rows=rows,
        )

    def _step(self, x: np.ndarray, h: np.ndarray, c: np.ndarray) -> tuple[State, StepResult]:
        k, size = self.constants, self._hidden_size
        a_half = np.concatenate((x, h), axis=-1) @ k.w_cat_t_half  # W_ih x + W_hh h, one product
        a_half += k.bias_half  # ½a for σ gates, a for g
        act = np.tanh(a_half)
        sig = act[..., : 3 * size]
        sig *= 0.5
        sig += 0.5  # σ(a) = ½tanh(½a) + ½
        gates = _views(act, size)
        c_new = gates["f"] * c  # f ⊙ c_{t-1}
        c_new += gates["i"] * gates["g"]  # + i ⊙ g
        h_new = gates["o"] * np.tanh(c_new)  # h = o ⊙ tanh(c)
        a_half[..., : 3 * size] *= 2.0  # back to the true pre-activations a
        return State(h_new, c_new), StepResult(
            h_new, c_new, _in_torch_order(gates), _in_torch_order(_views(a_half, size))
        )

    def _forward_sequence(self, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray) -> ForwardRecord:
        k, size = self.constants, self._hidden_size
        if xs.ndim == 3:  # a batch: feature-major loops (lstm_batched)
            hidden, cell_state, act = forward_feature_major(k, xs, h0, c0)
        else:
            hidden, cell_state, act = self._forward_rows(xs, h0, c0)

        def pre_activations() -> dict[str, np.ndarray]:
            a_all = project_rows(xs, k.w_ih_t_half)
            a_all += k.bias_half
            a_all += project_rows(previous(h0, hidden), k.w_hh_t_half)
            a_all[..., : 3 * size] *= 2.0  # undo the folded ½: true pre-activations
            return _in_torch_order(_views(a_all, size))

        return ForwardRecord(
            hidden,
            cell_state,
            _in_torch_order(_views(act, size)),
            LazyArrays(("i", "f", "g", "o"), pre_activations),
            {"act": act},
        )

    def _forward_rows(
        self, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The forward loop for a single sequence (T, I): hidden, cell state, activations."""
        k, size = self.constants, self._hidden_size
        act = np.empty((*xs.shape[:-1], 4 * size), dtype=self._dtype)
        state_shape = (*xs.shape[:-1], size)
        cell_state = np.empty(state_shape, dtype=self._dtype)
        hidden = np.empty(state_shape, dtype=self._dtype)
        chunks = forward_chunks(len(xs), act[0].size)
        a_half_block = np.empty_like(act[: longest_chunk(chunks)])
        recurrent = np.empty_like(act[0])
        tc = np.empty_like(h0)  # tanh(c_t)
        ig = np.empty_like(h0)
        gate = _views(act, size)
        w_hh_t = k.w_hh_t_half
        h, c = h0, c0
        for start, stop in chunks:
            checkpoint()  # a stale caller stops here (engine.interruptible)
            a_half = a_half_block[: stop - start]  # ½a (σ gates) or a (g), completed per step
            project_rows(xs[start:stop], k.w_ih_t_half, out=a_half)  # W_ih x_t for the block
            a_half += k.bias_half
            for a_half_t, act_t, sig_t, o, i, f, g, c_t, h_t in zip(
                a_half,
                act[start:stop],
                act[start:stop, ..., : 3 * size],
                gate["o"][start:stop],
                gate["i"][start:stop],
                gate["f"][start:stop],
                gate["g"][start:stop],
                cell_state[start:stop],
                hidden[start:stop],
                strict=True,
            ):
                np.dot(h, w_hh_t, out=recurrent)
                a_half_t += recurrent  # ½a (σ gates) or a (g) = W_ih x + b + W_hh h_{t-1}
                np.tanh(a_half_t, out=act_t)
                sig_t *= 0.5
                sig_t += 0.5  # i, f, o = σ(a) = ½tanh(½a) + ½
                np.multiply(f, c, out=c_t)
                np.multiply(i, g, out=ig)
                c_t += ig  # c_t = f ⊙ c_{t-1} + i ⊙ g
                np.tanh(c_t, out=tc)
                np.multiply(o, tc, out=h_t)  # h_t = o ⊙ tanh(c_t)
                h, c = h_t, c_t
        return hidden, cell_state, act

    def _local_derivatives(
        self, trace: Any, start: int = 0, stop: int | None = None, out: np.ndarray | None = None
    ) -> LSTMDerivatives:
        """Local derivatives of steps ``start … stop−1``, written into ``out`` (n, [B,] 5, H).

        Slots as in the batched loops (:data:`~rnn_studio.engine.lstm_batched.DERIVATIVE_SLOTS`):
        0 ∂h/∂c, 1 ∂h/∂a_o, 2 ∂c/∂a_i, 3 ∂c/∂a_f, 4 ∂c/∂a_g, so that the σ slopes of o, i, f
        (slots 1–3) are computed at once and the three gates driven by dc_t are contiguous.
        """
        stop = len(trace) if stop is None else stop
        size = self._hidden_size
        act = trace.saved["act"][start:stop]  # internal order o, i, f, g
        gate = _views(act, size)
        i, f, g, o = gate["i"], gate["f"], gate["g"], gate["o"]
        if out is None:
            out = np.empty((*i.shape[:-1], 5, size), dtype=self._dtype)
        h_per_c, h_per_a_o, c_per_a_i, c_per_a_f, c_per_a_g = (out[..., k, :] for k in range(5))
        sigma_slope = out[..., 1:4, :].reshape(*i.shape[:-1], 3 * size)  # a view: slots 1-3
        np.subtract(1.0, act[..., : 3 * size], out=sigma_slope)
        sigma_slope *= act[..., : 3 * size]  # σ'(a) = σ(1−σ) for o, i, f at once
        np.tanh(trace.cell_state[start:stop], out=h_per_c)  # (scratch) tanh(c_t)
        h_per_a_o *= h_per_c  # ∂h/∂a_o = tanh(c) ⊙ o(1−o)
        np.multiply(h_per_c, h_per_c, out=h_per_c)
        np.subtract(1.0, h_per_c, out=h_per_c)
        h_per_c *= o  # ∂h/∂c = o ⊙ (1 − tanh²c)
        c_per_a_i *= g  # ∂c/∂a_i = g ⊙ i(1−i)
        if start == 0:
            c_per_a_f[1:] *= trace.cell_state[: stop - 1]
            c_per_a_f[0] *= trace.c0
        else:
            c_per_a_f *= trace.cell_state[start - 1 : stop - 1]  # ∂c/∂a_f = c_{t-1} ⊙ f(1−f)
        np.multiply(g, g, out=c_per_a_g)
        np.subtract(1.0, c_per_a_g, out=c_per_a_g)
        c_per_a_g *= i  # ∂c/∂a_g = i ⊙ (1 − g²)
        return LSTMDerivatives(h_per_a_o, h_per_c, out[..., 2:5, :], f)

    def _backward_sequence(
        self, trace: Any, d_hidden: np.ndarray, d_cell: np.ndarray | None, weights: bool = True
    ) -> BackwardRecord:
        k, size = self.constants, self._hidden_size
        if d_hidden.ndim == 3:  # a batch: feature-major loops (lstm_batched)
            return backward_feature_major(k, trace, d_hidden, d_cell)
        batch_shape = d_hidden.shape[1:-1]
        chunks = time_chunks(len(d_hidden), int(np.prod(batch_shape)) * 4 * size)
        longest = longest_chunk(chunks)
        derivative_block = np.empty((longest, *batch_shape, 5, size), dtype=self._dtype)
        d_pre_block = np.empty((longest, *batch_shape, 4 * size), dtype=self._dtype)
        total = np.empty_like(d_hidden)
        gradients = WeightGradients(trace, 4 * size, np.empty_like(trace.inputs), weights)
        dhnext = np.zeros_like(trace.h0)
        dcnext = np.zeros_like(trace.h0)
        dc = np.empty_like(trace.h0)
        dc_spread = dc[..., None, :]  # broadcast dc over the i, f, g blocks
        w_hh = k.w_hh
        for start, stop in chunks:
            checkpoint()  # a stale caller stops here (engine.interruptible)
            dv = self._local_derivatives(trace, start, stop, derivative_block[: stop - start])
            d_pre = d_pre_block[: stop - start]
            by_gate = d_pre.reshape(*d_pre.shape[:-1], 4, size)
            d_cell_rev = (
                d_cell[stop - 1 : start - 1 if start else None : -1]
                if d_cell is not None
                else itertools.repeat(None, stop - start)
            )
            for d_out, d_c_out, dh, da, da_o, da_ifg, h_per_a_o, h_per_c, c_per_a_ifg, f in zip(
                d_hidden[start:stop][::-1],
                d_cell_rev,
                total[start:stop][::-1],
                d_pre[::-1],
                by_gate[::-1, ..., 3, :],
                by_gate[::-1, ..., :3, :],
                dv.h_per_a_o[::-1],
                dv.h_per_c[::-1],
                dv.c_per_a_ifg[::-1],
                dv.forget[::-1],
                strict=True,
            ):
                np.add(d_out, dhnext, out=dh)  # dh_t = dL/dh_t + dhnext
                np.multiply(dh, h_per_a_o, out=da_o)  # da_o = dh ⊙ tanh(c) ⊙ o(1−o)
                np.multiply(dh, h_per_c, out=dc)
                dc += dcnext  # dc_t = dh ⊙ o ⊙ (1 − tanh²c) + dcnext
                if d_c_out is not None:
                    dc += d_c_out
                np.multiply(dc_spread, c_per_a_ifg, out=da_ifg)  # da_i, da_f, da_g
                np.multiply(dc, f, out=dcnext)  # dcnext = dc_t ⊙ f
                np.dot(da, w_hh, out=dhnext)  # dhnext = W_hhᵀ da
            gradients.add(start, d_pre, d_pre, k.w_ih)
        params = gradients.params(gradients.bias.copy())
        return BackwardRecord(params, gradients.d_inputs, dhnext, dcnext, total, gradients.bound)

    def _adjoint_step(
        self, derivatives: LSTMDerivatives, t: int, dh: np.ndarray, dc: np.ndarray, work: dict
    ) -> tuple[np.ndarray, np.ndarray]:
        """Carry adjoints (dh, dc) of shape ([B,] K, H) from step t back to step t−1.

        ``dc`` is updated in place; the other buffers live in ``work``.
        """
        dv, size = derivatives, self._hidden_size
        dc_total = scratch(work, "dc_total", dh.shape, dh.dtype)
        np.multiply(dh, dv.h_per_c[t][..., None, :], out=dc_total)
        dc_total += dc  # dc_t = dh ⊙ o ⊙ (1 − tanh²c) + dcnext
        da = scratch(work, "da", (*dh.shape[:-1], 4, size), dh.dtype)  # PyTorch order i, f, g, o
        np.multiply(dc_total[..., None, :], dv.c_per_a_ifg[t][..., None, :, :], out=da[..., :3, :])
        np.multiply(dh, dv.h_per_a_o[t][..., None, :], out=da[..., 3, :])
        flat = da.reshape(*dh.shape[:-1], 4 * size)
        new = np.matmul(flat, self.constants.w_hh, out=next_adjoint(work, dh))
        np.multiply(dc_total, dv.forget[t][..., None, :], out=dc)  # dcnext = dc_t ⊙ f
        return new, dc
