"""The GRU cell, PyTorch's gate order r, z, n, reset gate applied to (W_hn h + b_hn).

Forward, ``torch.nn.GRU``'s equations::

    r = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
    z = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
    hn = W_hn h_{t-1} + b_hn                      (reported as pre["hn"])
    n = tanh(W_in x_t + b_in + r ⊙ hn)
    h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}               (computed as n + z ⊙ (h_{t-1} − n))

Backward, given the total dh_t::

    da_n = dh_t ⊙ (1 − z) ⊙ (1 − n²)
    da_r = da_n ⊙ hn ⊙ r(1−r)      da_z = dh_t ⊙ (h_{t-1} − n) ⊙ z(1−z)
    d hn = da_n ⊙ r
    dhnext = W_hhᵀ [da_r; da_z; d hn] + dh_t ⊙ z
    gradients of the input-side pre-activations: [da_r; da_z; da_n]

Speed: a batch (T, B, I) runs feature-major, states (H, B) and gates (3H, B) per step, so
each gate is contiguous (:mod:`rnn_studio.engine.gru_batched`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from rnn_studio.engine.blocks import (
    BackwardRecord,
    ForwardRecord,
    LazyArrays,
    WeightGradients,
    forward_chunks,
    kept_buffer,
    longest_chunk,
    next_adjoint,
    previous,
    project_rows,
    scratch,
    time_chunks,
)
from rnn_studio.engine.cell_base import Cell, State, StepResult
from rnn_studio.engine.gru_batched import backward_feature_major, forward_feature_major
from rnn_studio.engine.interrupt import checkpoint


class GRUConstants(NamedTuple):
    """Weight-derived arrays cached until the parameters change."""

    w_ih_t_half: np.ndarray  # (I, 3H) W_ihᵀ, r and z columns × ½
    w_hh_t_half: np.ndarray  # (H, 3H) W_hhᵀ, r and z columns × ½
    input_bias_half: np.ndarray  # (3H,) [b_ir + b_hr, b_iz + b_hz, b_in], r, z entries × ½
    b_hn: np.ndarray  # (H,)
    w_cat_t_half: np.ndarray  # (I + H, 4H) [x; h] -> [½a_r, ½a_z, W_in x, W_hn h] (single steps)
    w_ih: np.ndarray  # (3H, I)
    w_hh: np.ndarray  # (3H, H)
    w_ih_half: np.ndarray  # (3H, I) W_ih, r and z rows × ½ (batched forward)
    w_hh_half: np.ndarray  # (3H, H) W_hh, r and z rows × ½ (batched forward)
    w_hh_t: np.ndarray  # (H, 3H) W_hhᵀ (batched backward)


class GRUDerivatives(NamedTuple):
    """Local derivatives of a block of steps, computed vectorised over the block."""

    a_n_per_h: np.ndarray  # (T, [B,] H) (1 − z)(1 − n²)
    a_r_per_a_n: np.ndarray  # (T, [B,] H) hn ⊙ r(1−r)
    a_z_per_h: np.ndarray  # (T, [B,] H) (h_{t-1} − n) ⊙ z(1−z)
    reset: np.ndarray  # (T, [B,] H) r
    update: np.ndarray  # (T, [B,] H) z


def _blocks(array: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return array[..., :size], array[..., size : 2 * size], array[..., 2 * size :]


class GRUCell(Cell):
    """Gated recurrent unit with ``torch.nn.GRU``'s parameters and equations.

    Notes
    -----
    ``weight_ih`` (3H, I), ``weight_hh`` (3H, H), ``bias_ih`` and ``bias_hh`` (3H,), row blocks
    in gate order r, z, n (see the module docstring for the equations). ``pre`` holds the
    pre-activations of r, z and n and, under ``"hn"``, W_hn h_{t-1} + b_hn.
    """

    kind = "gru"
    gate_names = ("r", "z", "n")
    block_names = ("r", "z", "n")

    def _build_constants(self) -> GRUConstants:
        p, size = self._params, self._hidden_size
        half = np.ones(3 * size, dtype=self._dtype)
        half[: 2 * size] = 0.5  # σ(a) = ½tanh(½a) + ½: the ½ goes into the weights
        input_bias = p["bias_ih"].copy()
        input_bias[: 2 * size] += p["bias_hh"][: 2 * size]  # b_hr, b_hz sit outside r ⊙ (...)
        w_ih_t_half = np.ascontiguousarray((p["weight_ih"] * half[:, None]).T)
        w_hh_t_half = np.ascontiguousarray((p["weight_hh"] * half[:, None]).T)
        inputs = self._input_size
        w_cat_t_half = np.zeros((inputs + size, 4 * size), dtype=self._dtype)
        w_cat_t_half[:inputs, : 3 * size] = w_ih_t_half  # ½W_ir, ½W_iz, W_in
        w_cat_t_half[inputs:, : 2 * size] = w_hh_t_half[:, : 2 * size]  # ½W_hr, ½W_hz
        w_cat_t_half[inputs:, 3 * size :] = w_hh_t_half[:, 2 * size :]  # W_hn
        return GRUConstants(
            w_ih_t_half=w_ih_t_half,
            w_hh_t_half=w_hh_t_half,
            w_cat_t_half=w_cat_t_half,
            input_bias_half=input_bias * half,
            b_hn=p["bias_hh"][2 * size :].copy(),
            w_ih=p["weight_ih"],
            w_hh=p["weight_hh"],
            w_ih_half=np.ascontiguousarray(w_ih_t_half.T),
            w_hh_half=np.ascontiguousarray(w_hh_t_half.T),
            w_hh_t=np.ascontiguousarray(p["weight_hh"].T),
        )

    def _step(self, x: np.ndarray, h: np.ndarray, c: Any) -> tuple[State, StepResult]:
        k, size = self.constants, self._hidden_size
        # One product gives [½a_r − ½b, ½a_z − ½b, W_in x, W_hn h]; biases added next.
        parts = np.concatenate((x, h), axis=-1) @ k.w_cat_t_half
        parts[..., : 3 * size] += k.input_bias_half  # ½a_r, ½a_z, W_in x + b_in
        hn = parts[..., 3 * size :]
        hn += k.b_hn  # hn = W_hn h + b_hn
        act = np.tanh(parts[..., : 2 * size])
        act *= 0.5
        act += 0.5  # r, z = σ(a) = ½tanh(½a) + ½
        r, z = act[..., :size], act[..., size:]
        a_n = r * hn
        a_n += parts[..., 2 * size : 3 * size]  # a_n = W_in x + b_in + r ⊙ hn
        n = np.tanh(a_n)
        h_new = h - n
        h_new *= z
        h_new += n  # h = n + z ⊙ (h_{t-1} − n)
        pre_rz = parts[..., : 2 * size] * 2.0
        gates = {"r": r, "z": z, "n": n}
        pre = {"r": pre_rz[..., :size], "z": pre_rz[..., size:], "n": a_n, "hn": hn}
        return State(h_new, None), StepResult(h_new, None, gates, pre)

    def _forward_sequence(self, xs: np.ndarray, h0: np.ndarray, c0: Any) -> ForwardRecord:
        k, size = self.constants, self._hidden_size
        if xs.ndim == 3:  # a batch: feature-major loops (gru_batched)
            hidden, act, hn_all = forward_feature_major(k, xs, h0)
        else:
            hidden, act, hn_all = self._forward_rows(xs, h0)
        reset, update, cand = _blocks(act, size)

        def pre_activations() -> dict[str, np.ndarray]:
            input_part = project_rows(xs, k.w_ih_t_half)
            input_part += k.input_bias_half
            rz = input_part[..., : 2 * size]
            rz += project_rows(previous(h0, hidden), k.w_hh_t_half[:, : 2 * size])
            rz *= 2.0  # undo the folded ½: true pre-activations of r and z
            n_pre = input_part[..., 2 * size :]
            n_pre += reset * hn_all  # a_n = W_in x + b_in + r ⊙ hn
            return {"r": rz[..., :size], "z": rz[..., size:], "n": n_pre, "hn": hn_all}

        return ForwardRecord(
            hidden,
            None,
            {"r": reset, "z": update, "n": cand},
            LazyArrays(("r", "z", "n", "hn"), pre_activations),
            {"hn": hn_all, "act": act},
        )

    def _forward_rows(
        self, xs: np.ndarray, h0: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The forward loop for a single sequence (T, I): hidden, activations, hn."""
        k, size = self.constants, self._hidden_size
        act = np.empty((*xs.shape[:-1], 3 * size), dtype=self._dtype)
        state_shape = (*xs.shape[:-1], size)
        hn_all = np.empty(state_shape, dtype=self._dtype)
        hidden = np.empty(state_shape, dtype=self._dtype)
        chunks = forward_chunks(len(xs), act[0].size)
        input_block = kept_buffer(
            "gru.forward.input", act[: longest_chunk(chunks)].shape, self._dtype
        )
        recurrent = np.empty_like(act[0])
        rec_rz, rec_n = recurrent[..., : 2 * size], recurrent[..., 2 * size :]
        a_n = np.empty_like(h0)
        reset, update, cand = _blocks(act, size)
        w_hh_t, b_hn = k.w_hh_t_half, k.b_hn
        h = h0
        for start, stop in chunks:
            checkpoint()  # a stale caller stops here (engine.interruptible)
            # W_ih x_t for the block; the r, z part is completed in place to ½a_r, ½a_z.
            input_part = project_rows(
                xs[start:stop], k.w_ih_t_half, out=input_block[: stop - start]
            )
            input_part += k.input_bias_half
            for a_rz_half, in_n_t, hn, act_rz, r, z, n, h_t in zip(
                input_part[..., : 2 * size],
                input_part[..., 2 * size :],
                hn_all[start:stop],
                act[start:stop, ..., : 2 * size],
                reset[start:stop],
                update[start:stop],
                cand[start:stop],
                hidden[start:stop],
                strict=True,
            ):
                np.dot(h, w_hh_t, out=recurrent)  # [½W_hr h, ½W_hz h, W_hn h]
                a_rz_half += rec_rz  # ½a_r, ½a_z
                np.add(rec_n, b_hn, out=hn)  # hn = W_hn h_{t-1} + b_hn
                np.tanh(a_rz_half, out=act_rz)
                act_rz *= 0.5
                act_rz += 0.5  # r, z = σ(a) = ½tanh(½a) + ½
                np.multiply(r, hn, out=a_n)
                a_n += in_n_t  # a_n = W_in x + b_in + r ⊙ hn
                np.tanh(a_n, out=n)  # n = tanh(a_n)
                np.subtract(h, n, out=h_t)
                h_t *= z
                h_t += n  # h_t = n + z ⊙ (h_{t-1} − n)
                h = h_t
        return hidden, act, hn_all

    def _local_derivatives(
        self, trace: Any, start: int = 0, stop: int | None = None, out: np.ndarray | None = None
    ) -> GRUDerivatives:
        """Local derivatives of steps ``start … stop−1``, written into ``out`` (n, [B,] 3, H)."""
        stop = len(trace) if stop is None else stop
        r, z, n = (trace.gates[name][start:stop] for name in ("r", "z", "n"))
        if out is None:
            out = np.empty((*n.shape[:-1], 3, self._hidden_size), dtype=self._dtype)
        an_h, ar_an, az_h = (out[..., k, :] for k in range(3))
        np.subtract(1.0, z, out=ar_an)  # (scratch) 1 − z
        np.multiply(n, n, out=an_h)
        np.subtract(1.0, an_h, out=an_h)
        an_h *= ar_an  # ∂h/∂a_n = (1 − z)(1 − n²)
        if start == 0:
            np.subtract(trace.hidden[: stop - 1], n[1:], out=az_h[1:])
            np.subtract(trace.h0, n[0], out=az_h[0])
        else:
            np.subtract(trace.hidden[start - 1 : stop - 1], n, out=az_h)
        az_h *= z
        az_h *= ar_an  # ∂h/∂a_z = (h_{t-1} − n) ⊙ z(1−z)
        np.subtract(1.0, r, out=ar_an)
        ar_an *= r
        ar_an *= trace.saved["hn"][start:stop]  # ∂a_n/∂a_r = hn ⊙ r(1−r)
        return GRUDerivatives(an_h, ar_an, az_h, r, z)

    def _backward_sequence(
        self, trace: Any, d_hidden: np.ndarray, d_cell: Any, weights: bool = True
    ) -> BackwardRecord:
        k, size = self.constants, self._hidden_size
        if d_hidden.ndim == 3:  # a batch: feature-major loops (gru_batched)
            return backward_feature_major(k, trace, d_hidden)
        batch_shape = d_hidden.shape[1:-1]
        chunks = time_chunks(len(d_hidden), int(np.prod(batch_shape)) * 3 * size)
        longest = longest_chunk(chunks)
        block_shape = (longest, *batch_shape, 3 * size)
        derivative_block = kept_buffer(
            "gru.backward.derivatives", (longest, *batch_shape, 3, size), self._dtype
        )
        # Per block: [da_r, da_z, d hn] (hidden side) and [da_r, da_z, da_n] (input side).
        d_gh_block = kept_buffer("gru.backward.d_gh", block_shape, self._dtype)
        d_gx_block = kept_buffer("gru.backward.d_gx", block_shape, self._dtype)
        total = np.empty_like(d_hidden)
        gradients = WeightGradients(trace, 3 * size, np.empty_like(trace.inputs), weights)
        hidden_side_bias = np.zeros(3 * size, dtype=self._dtype)
        dhnext = np.zeros_like(trace.h0)
        carried = np.empty_like(trace.h0)
        w_hh = k.w_hh
        for start, stop in chunks:
            checkpoint()  # a stale caller stops here (engine.interruptible)
            dv = self._local_derivatives(trace, start, stop, derivative_block[: stop - start])
            d_gh, d_gx = d_gh_block[: stop - start], d_gx_block[: stop - start]
            d_r, d_z, d_hn = _blocks(d_gh, size)
            d_a_n = d_gx[..., 2 * size :]
            for d_out, dh, dgh, dr, dz, dhn, dan, an_h, ar_an, az_h, r, z in zip(
                d_hidden[start:stop][::-1],
                total[start:stop][::-1],
                d_gh[::-1],
                d_r[::-1],
                d_z[::-1],
                d_hn[::-1],
                d_a_n[::-1],
                dv.a_n_per_h[::-1],
                dv.a_r_per_a_n[::-1],
                dv.a_z_per_h[::-1],
                dv.reset[::-1],
                dv.update[::-1],
                strict=True,
            ):
                np.add(d_out, dhnext, out=dh)  # dh_t = dL/dh_t + dhnext
                np.multiply(dh, an_h, out=dan)  # da_n = dh ⊙ (1−z)(1−n²)
                np.multiply(dan, ar_an, out=dr)  # da_r = da_n ⊙ hn ⊙ r(1−r)
                np.multiply(dh, az_h, out=dz)  # da_z = dh ⊙ (h_{t-1}−n) ⊙ z(1−z)
                np.multiply(dan, r, out=dhn)  # d hn = da_n ⊙ r
                np.dot(dgh, w_hh, out=dhnext)  # W_hhᵀ [da_r; da_z; d hn]
                np.multiply(dh, z, out=carried)
                dhnext += carried  # + dh ⊙ z (the direct path through the update gate)
            d_gx[..., : 2 * size] = d_gh[..., : 2 * size]
            gradients.add(start, d_gx, d_gh, k.w_ih)
            hidden_side_bias += d_gh.reshape(-1, 3 * size).sum(axis=0)
        params = gradients.params(hidden_side_bias)
        return BackwardRecord(params, gradients.d_inputs, dhnext, None, total, gradients.bound)

    def _adjoint_step(
        self, derivatives: GRUDerivatives, t: int, dh: np.ndarray, dc: Any, work: dict
    ) -> tuple[np.ndarray, None]:
        """Carry adjoints dh of shape ([B,] K, H) from h_t back to h_{t-1} (buffers in work)."""
        dv, size = derivatives, self._hidden_size

        def at(array: np.ndarray) -> np.ndarray:
            return array[t][..., None, :]

        dan = scratch(work, "dan", dh.shape, dh.dtype)
        np.multiply(dh, at(dv.a_n_per_h), out=dan)  # da_n
        d_gh = scratch(work, "d_gh", (*dh.shape[:-1], 3 * size), dh.dtype)
        np.multiply(dan, at(dv.a_r_per_a_n), out=d_gh[..., :size])  # da_r
        np.multiply(dh, at(dv.a_z_per_h), out=d_gh[..., size : 2 * size])  # da_z
        np.multiply(dan, at(dv.reset), out=d_gh[..., 2 * size :])  # d hn
        new = np.matmul(d_gh, self.constants.w_hh, out=next_adjoint(work, dh))
        direct = scratch(work, "direct", dh.shape, dh.dtype)
        np.multiply(dh, at(dv.update), out=direct)
        new += direct  # + dh ⊙ z
        return new, None
