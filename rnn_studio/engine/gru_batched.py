"""The GRU's batched sequence loops, run feature-major so that every gate is contiguous.

As in :mod:`rnn_studio.engine.lstm_batched`: a batch of B sequences is walked with states
stored as (H, B) and gates as (3H, B) per step (order r, z, n), so each gate of a step is one
contiguous block of H·B entries instead of a strided view of a (B, 3H) row block. The
recurrent product is W_hh (3H, H) @ h (H, B) and dhnext = W_hhᵀ (H, 3H) @ d (3H, B).

The caller sees the engine's layout: ``hidden`` is a C-contiguous (T, B, H) array, the gate
activations and ``hn`` are (T, B, ·) views of the feature-major buffers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_studio.engine.blocks import (
    BackwardRecord,
    WeightGradients,
    forward_chunks,
    kept_buffer,
    longest_chunk,
    time_chunks,
    to_feature_major,
)
from rnn_studio.engine.interrupt import checkpoint


def forward_feature_major(
    k: Any, xs: np.ndarray, h0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the GRU over a batch ``xs`` (T, B, I) from ``h0`` (B, H).

    Parameters
    ----------
    k : GRUConstants
        The cell's cached constants.

    Returns
    -------
    hidden : ndarray, shape (T, B, H)
        h_t, C-contiguous.
    act : ndarray, shape (T, B, 3H)
        Gate activations r, z, n, a view of a (T, 3H, B) buffer.
    hn : ndarray, shape (T, B, H)
        W_hn h_{t-1} + b_hn, a view of a (T, H, B) buffer.
    """
    steps, batch = xs.shape[:2]
    size = k.w_hh_half.shape[1]
    dtype = xs.dtype
    act = np.empty((steps, 3 * size, batch), dtype=dtype)
    hn_all = np.empty((steps, size, batch), dtype=dtype)
    hidden = np.empty((steps, batch, size), dtype=dtype)
    chunks = forward_chunks(steps, 3 * size * batch)
    longest = longest_chunk(chunks)
    input_block = kept_buffer("gru.forward.input", (longest, 3 * size, batch), dtype)
    h_block = kept_buffer("gru.forward.h", (longest, size, batch), dtype)
    recurrent = np.empty((3 * size, batch), dtype=dtype)
    rec_rz, rec_n = recurrent[: 2 * size], recurrent[2 * size :]
    a_n = np.empty((size, batch), dtype=dtype)
    bias = k.input_bias_half[:, None]
    b_hn = k.b_hn[:, None]
    w_hh = k.w_hh_half
    h = np.ascontiguousarray(h0.T)
    for start, stop in chunks:
        checkpoint()  # a stale caller stops here (engine.interruptible)
        n_steps = stop - start
        input_part = input_block[:n_steps]  # W_ih x_t + b; r, z part completed in place
        np.matmul(k.w_ih_half, xs[start:stop].transpose(0, 2, 1), out=input_part)
        input_part += bias
        h_out = h_block[:n_steps]
        for a_rz_half, in_n_t, hn, act_rz, r, z, n, h_t in zip(
            input_part[:, : 2 * size],
            input_part[:, 2 * size :],
            hn_all[start:stop],
            act[start:stop, : 2 * size],
            act[start:stop, :size],
            act[start:stop, size : 2 * size],
            act[start:stop, 2 * size :],
            h_out,
            strict=True,
        ):
            np.dot(w_hh, h, out=recurrent)  # [½W_hr h, ½W_hz h, W_hn h]
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
        hidden[start:stop] = h_out.transpose(0, 2, 1)
        h = hidden[stop - 1].T  # h_out is overwritten by the next block
    return hidden, act.transpose(0, 2, 1), hn_all.transpose(0, 2, 1)


def _local_derivatives(
    act: np.ndarray, hn: np.ndarray, trace: Any, start: int, stop: int, out: np.ndarray
) -> np.ndarray:
    """Local derivatives of steps ``start … stop−1`` into ``out`` (n, 3, H, B).

    ``act`` (T, 3H, B) and ``hn`` (T, H, B) are feature-major. Slots: 0 ∂h/∂a_n =
    (1 − z)(1 − n²), 1 ∂a_n/∂a_r = hn ⊙ r(1−r), 2 ∂h/∂a_z = (h_{t-1} − n) ⊙ z(1−z).
    """
    steps, rows, batch = act[start:stop].shape
    size = rows // 3
    gates = act[start:stop].reshape(steps, 3, size, batch)
    r, z, n = gates[:, 0], gates[:, 1], gates[:, 2]
    an_h, ar_an, az_h = out[:, 0], out[:, 1], out[:, 2]
    np.subtract(1.0, z, out=ar_an)  # (scratch) 1 − z
    np.multiply(n, n, out=an_h)
    np.subtract(1.0, an_h, out=an_h)
    an_h *= ar_an  # ∂h/∂a_n = (1 − z)(1 − n²)
    if start == 0:
        np.subtract(trace.hidden[: stop - 1].transpose(0, 2, 1), n[1:], out=az_h[1:])
        np.subtract(trace.h0.T, n[0], out=az_h[0])
    else:
        np.subtract(trace.hidden[start - 1 : stop - 1].transpose(0, 2, 1), n, out=az_h)
    az_h *= z
    az_h *= ar_an  # ∂h/∂a_z = (h_{t-1} − n) ⊙ z(1−z)
    np.subtract(1.0, r, out=ar_an)
    ar_an *= r
    ar_an *= hn[start:stop]  # ∂a_n/∂a_r = hn ⊙ r(1−r)
    return out


def backward_feature_major(k: Any, trace: Any, d_hidden: np.ndarray) -> BackwardRecord:
    """BPTT for a batched trace recorded by :func:`forward_feature_major`.

    Walks time in blocks: a block's local derivatives are computed vectorised before its
    loop; after it, its gradients [da_r, da_z, d hn] (hidden side) and [da_r, da_z, da_n]
    (input side) are turned to (n, B, 3H) rows and the weight gradients are one product each.
    """
    steps, batch, size = d_hidden.shape
    dtype = d_hidden.dtype
    act = trace.saved["act"].transpose(0, 2, 1)  # (T, 3H, B), contiguous
    hn = trace.saved["hn"].transpose(0, 2, 1)  # (T, H, B), contiguous
    gates = act.reshape(steps, 3, size, batch)
    chunks = time_chunks(steps, 3 * size * batch)
    longest = longest_chunk(chunks)
    derivative_block = kept_buffer("gru.backward.derivatives", (longest, 3, size, batch), dtype)
    d_gh_block = kept_buffer("gru.backward.d_gh", (longest, 3 * size, batch), dtype)
    d_an_block = kept_buffer("gru.backward.d_an", (longest, size, batch), dtype)
    d_gh_rows_block = kept_buffer("gru.backward.d_gh_rows", (longest, batch, 3 * size), dtype)
    d_gx_rows_block = kept_buffer("gru.backward.d_gx_rows", (longest, batch, 3 * size), dtype)
    upstream_block = kept_buffer("gru.backward.upstream", (longest, size, batch), dtype)
    total = np.empty((steps, size, batch), dtype=dtype)  # dL/dh_t, feature-major
    weights = WeightGradients(trace, 3 * size, np.empty_like(trace.inputs))
    hidden_side_bias = np.zeros(3 * size, dtype=dtype)
    dhnext = np.zeros((size, batch), dtype=dtype)
    carried = np.empty_like(dhnext)
    w_hh_t = k.w_hh_t
    for start, stop in chunks:
        checkpoint()  # a stale caller stops here (engine.interruptible)
        n_steps = stop - start
        dv = _local_derivatives(act, hn, trace, start, stop, derivative_block[:n_steps])
        upstream = upstream_block[:n_steps]
        to_feature_major(d_hidden[start:stop], upstream)
        d_gh, d_an, totals = d_gh_block[:n_steps], d_an_block[:n_steps], total[start:stop]
        for d_out, dh, dgh, dr, dz, dhn, dan, an_h, ar_an, az_h, r, z in zip(
            upstream[::-1],
            totals[::-1],
            d_gh[::-1],
            d_gh[::-1, :size],
            d_gh[::-1, size : 2 * size],
            d_gh[::-1, 2 * size :],
            d_an[::-1],
            dv[::-1, 0],
            dv[::-1, 1],
            dv[::-1, 2],
            gates[start:stop][::-1, 0],
            gates[start:stop][::-1, 1],
            strict=True,
        ):
            np.add(d_out, dhnext, out=dh)  # dh_t = dL/dh_t + dhnext
            np.multiply(dh, an_h, out=dan)  # da_n = dh ⊙ (1−z)(1−n²)
            np.multiply(dan, ar_an, out=dr)  # da_r = da_n ⊙ hn ⊙ r(1−r)
            np.multiply(dh, az_h, out=dz)  # da_z = dh ⊙ (h_{t-1}−n) ⊙ z(1−z)
            np.multiply(dan, r, out=dhn)  # d hn = da_n ⊙ r
            np.dot(w_hh_t, dgh, out=dhnext)  # W_hhᵀ [da_r; da_z; d hn]
            np.multiply(dh, z, out=carried)
            dhnext += carried  # + dh ⊙ z (the direct path through the update gate)
        d_gh_rows = d_gh_rows_block[:n_steps]
        d_gh_rows[...] = d_gh.transpose(0, 2, 1)
        d_gx_rows = d_gx_rows_block[:n_steps]
        d_gx_rows[..., : 2 * size] = d_gh_rows[..., : 2 * size]
        d_gx_rows[..., 2 * size :] = d_an.transpose(0, 2, 1)
        weights.add(start, d_gx_rows, d_gh_rows, k.w_ih)
        hidden_side_bias += d_gh_rows.reshape(-1, 3 * size).sum(axis=0)
    params = {
        "weight_ih": weights.weight_ih,
        "weight_hh": weights.weight_hh,
        "bias_ih": weights.bias,
        "bias_hh": hidden_side_bias,
    }
    return BackwardRecord(
        params,
        weights.d_inputs,
        np.ascontiguousarray(dhnext.T),
        None,
        total.transpose(0, 2, 1),
    )
