"""The LSTM's batched sequence loops, run feature-major so that every gate is contiguous.

A batch of B sequences is walked with states stored as (H, B) and gates as (4H, B) per step
(internal gate order o, i, f, g, see :mod:`rnn_studio.engine.lstm`). Each gate of a step is
then one contiguous block of H·B entries: NumPy works through a gate *view* of a (B, 4H)
row block row by row, at several times the cost of the same operation on contiguous memory,
and at batch 32 those operations are most of the time. The recurrent product becomes
W_hh (4H, H) @ h (H, B) and dhnext = W_hhᵀ (H, 4H) @ da (4H, B), one product each; the
forward product is [W_hh b] @ [h; 1], so it also adds the bias.

What the caller sees keeps the engine's layout: ``hidden`` is a C-contiguous (T, B, H)
array, ``cell_state`` and the gate activations are (T, B, ·) views of the feature-major
buffers, and the gradients have PyTorch's shapes and row order.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import numpy as np

from rnn_studio.engine.blocks import (
    BackwardRecord,
    WeightGradients,
    forward_chunks,
    kept_buffer,
    longest_chunk,
    time_chunks,
)
from rnn_studio.engine.interrupt import checkpoint

#: The LSTM's gate blocks inside the fast paths, as indices into PyTorch's (i, f, g, o): the
#: three sigmoid gates first and contiguous, so one tanh call computes all four gates and
#: σ(a) = ½tanh(½a) + ½ finishes the first 3H rows. What callers see is in PyTorch's order.
INTERNAL_BLOCKS = (3, 0, 1, 2)
INTERNAL_NAMES = ("o", "i", "f", "g")
#: Slots of the local-derivative buffers (n, [B,] 5, H) or (n, 5, H, B), both layouts:
#: 0 ∂h/∂c = o ⊙ (1 − tanh²c), 1 ∂h/∂a_o = tanh(c) ⊙ o(1−o), 2 ∂c/∂a_i = g ⊙ i(1−i),
#: 3 ∂c/∂a_f = c_{t-1} ⊙ f(1−f), 4 ∂c/∂a_g = i ⊙ (1 − g²). Slots 1–3 are the σ slopes of
#: o, i, f (the internal order's first three gates, computed at once); 2–4 are the gates
#: that dc_t drives.
DERIVATIVE_SLOTS = ("h_per_c", "h_per_a_o", "c_per_a_i", "c_per_a_f", "c_per_a_g")


def forward_feature_major(
    k: Any, xs: np.ndarray, h0: np.ndarray, c0: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the LSTM over a batch ``xs`` (T, B, I) from ``h0``, ``c0`` (B, H).

    Parameters
    ----------
    k : LSTMConstants
        The cell's cached constants.

    Returns
    -------
    hidden : ndarray, shape (T, B, H)
        h_t, C-contiguous.
    cell_state : ndarray, shape (T, B, H)
        c_t, a view of a feature-major (T, H, B) buffer.
    act : ndarray, shape (T, B, 4H)
        Gate activations in the internal order (o, i, f, g), a view of a (T, 4H, B) buffer.
    """
    steps, batch = xs.shape[:2]
    size = k.w_hh_half.shape[1]
    dtype = xs.dtype
    act = np.empty((steps, 4 * size, batch), dtype=dtype)
    cell = np.empty((steps, size, batch), dtype=dtype)
    hidden = np.empty((steps, batch, size), dtype=dtype)
    chunks = forward_chunks(steps, 4 * size * batch)
    longest = longest_chunk(chunks)
    a_half_block = kept_buffer("lstm.forward.a_half", (longest, 4 * size, batch), dtype)
    # h_{t-1} carries a row of ones and W_hh a column b, so the recurrent product adds the bias.
    h_block = kept_buffer("lstm.forward.h", (longest, size + 1, batch), dtype)
    h_block[:, size] = 1.0
    w_hh_bias = np.concatenate((k.w_hh_half, k.bias_half[:, None]), axis=1)  # [W_hh b]
    recurrent = np.empty((4 * size, batch), dtype=dtype)
    ig = np.empty((size, batch), dtype=dtype)
    tanh_cell = np.empty((size, batch), dtype=dtype)
    gates = act.reshape(steps, 4, size, batch)  # [:, 0] o, [:, 1] i, [:, 2] f, [:, 3] g
    carry = np.empty((size + 1, batch), dtype=dtype)  # [h; 1] entering a block
    carry[:size] = h0.T
    carry[size] = 1.0
    h, c = carry, np.ascontiguousarray(c0.T)
    for start, stop in chunks:
        checkpoint()  # a stale caller stops here (engine.interruptible)
        n = stop - start
        a_half = a_half_block[:n]  # ½a (σ gates) or a (g), completed step by step
        np.matmul(k.w_ih_half, xs[start:stop].transpose(0, 2, 1), out=a_half)  # W_ih x_t
        h_out = h_block[:n]
        for a_half_t, act_t, sig_t, o, i, f, g, c_t, h_t, h_with_one in zip(
            a_half,
            act[start:stop],
            act[start:stop, : 3 * size],
            gates[start:stop, 0],
            gates[start:stop, 1],
            gates[start:stop, 2],
            gates[start:stop, 3],
            cell[start:stop],
            h_out[:, :size],
            h_out,
            strict=True,
        ):
            np.dot(w_hh_bias, h, out=recurrent)
            a_half_t += recurrent  # ½a (σ gates) or a (g) = W_ih x + W_hh h_{t-1} + b
            np.tanh(a_half_t, out=act_t)
            sig_t *= 0.5
            sig_t += 0.5  # o, i, f = σ(a) = ½tanh(½a) + ½
            np.multiply(f, c, out=c_t)
            np.multiply(i, g, out=ig)
            c_t += ig  # c_t = f ⊙ c_{t-1} + i ⊙ g
            np.tanh(c_t, out=tanh_cell)
            np.multiply(o, tanh_cell, out=h_t)  # h_t = o ⊙ tanh(c_t)
            h, c = h_with_one, c_t
        hidden[start:stop] = h_out[:, :size].transpose(0, 2, 1)
        carry[:size] = h_out[n - 1, :size]  # h_out is overwritten by the next block
        h = carry
    return hidden, cell.transpose(0, 2, 1), act.transpose(0, 2, 1)


def _local_derivatives(
    act: np.ndarray, cell: np.ndarray, c0: np.ndarray, start: int, stop: int, out: np.ndarray
) -> np.ndarray:
    """Local derivatives of steps ``start … stop−1`` into ``out`` (n, 5, H, B).

    ``act`` (T, 4H, B) and ``cell`` (T, H, B) are feature-major; ``c0`` is (H, B). Slots:
    :data:`DERIVATIVE_SLOTS`.
    """
    steps, rows, batch = act[start:stop].shape
    size = rows // 4
    gates = act[start:stop].reshape(steps, 4, size, batch)  # o, i, f, g
    o, i, g = gates[:, 0], gates[:, 1], gates[:, 3]
    h_per_c, h_per_a_o, c_per_a_i, c_per_a_f, c_per_a_g = (out[:, k] for k in range(5))
    sigma_slope = out[:, 1:4]
    np.subtract(1.0, gates[:, :3], out=sigma_slope)
    sigma_slope *= gates[:, :3]  # σ'(a) = σ(1−σ) for o, i, f at once
    np.tanh(cell[start:stop], out=h_per_c)  # (scratch) tanh(c_t)
    h_per_a_o *= h_per_c
    np.multiply(h_per_c, h_per_c, out=h_per_c)
    np.subtract(1.0, h_per_c, out=h_per_c)
    h_per_c *= o
    c_per_a_i *= g
    if start == 0:
        c_per_a_f[1:] *= cell[: stop - 1]
        c_per_a_f[0] *= c0
    else:
        c_per_a_f *= cell[start - 1 : stop - 1]
    np.multiply(g, g, out=c_per_a_g)
    np.subtract(1.0, c_per_a_g, out=c_per_a_g)
    c_per_a_g *= i
    return out


def backward_feature_major(
    k: Any, trace: Any, d_hidden: np.ndarray, d_cell: np.ndarray | None
) -> BackwardRecord:
    """BPTT for a batched trace recorded by :func:`forward_feature_major`.

    Walks time in blocks (:func:`rnn_studio.engine.blocks.time_chunks`): a block's local
    derivatives are computed vectorised before its loop, whose pre-activation gradients are
    written gate-major (4H, n, B) so that after it the weight gradients are one product each
    with the trace's (n·B, ·) rows, without a transpose. Each step's W_hhᵀ da_t is written
    straight into the previous step's total gradient, and blocks where the loss adds nothing
    to dL/dh skip that addition.
    """
    steps, batch, size = d_hidden.shape
    dtype = d_hidden.dtype
    act = trace.saved["act"].transpose(0, 2, 1)  # (T, 4H, B), contiguous
    cell = trace.cell_state.transpose(0, 2, 1)  # (T, H, B), contiguous
    forget = act.reshape(steps, 4, size, batch)[:, 2]
    chunks = time_chunks(steps, 4 * size * batch)
    longest = longest_chunk(chunks)
    derivative_block = kept_buffer("lstm.backward.derivatives", (longest, 5, size, batch), dtype)
    d_pre_block = kept_buffer("lstm.backward.d_pre", (4 * size * longest * batch,), dtype)
    upstream_block = kept_buffer("lstm.backward.upstream", (longest, size, batch), dtype)
    d_cell_block = (
        None
        if d_cell is None
        else kept_buffer("lstm.backward.d_cell", (longest, size, batch), dtype)
    )
    total = np.empty((steps, size, batch), dtype=dtype)  # dL/dh_t, feature-major
    total[-1] = 0.0  # nothing is carried into the last step
    weights = WeightGradients(trace, 4 * size, np.empty_like(trace.inputs))
    dhnext = np.empty((size, batch), dtype=dtype)  # dL/dh0, written by step 0
    dcnext = np.zeros_like(dhnext)
    dc = np.empty_like(dhnext)
    w_hh_t = k.w_hh_internal_t
    c0 = trace.c0.T
    for start, stop in chunks:
        checkpoint()  # a stale caller stops here (engine.interruptible)
        n = stop - start
        dv = _local_derivatives(act, cell, c0, start, stop, derivative_block[:n])
        d_out_rev: Iterable[np.ndarray | None]
        if d_hidden[start:stop].any():  # a loss on the last step leaves most blocks zero
            upstream = upstream_block[:n]
            upstream[...] = d_hidden[start:stop].transpose(0, 2, 1)
            d_out_rev = upstream[::-1]
        else:
            d_out_rev = itertools.repeat(None, n)
        # Step t's W_hhᵀ da_t goes straight into total[t−1] (into dhnext for t = 0).
        carried = list(total[max(start - 1, 0) : stop - 1][::-1])
        if start == 0:
            carried.append(dhnext)
        d_cell_rev: Iterable[np.ndarray | None]
        if d_cell is None or d_cell_block is None:
            d_cell_rev = itertools.repeat(None, n)
        else:
            d_cell_now = d_cell_block[:n]
            d_cell_now[...] = d_cell[start:stop].transpose(0, 2, 1)
            d_cell_rev = d_cell_now[::-1]
        # Gate-major (4H, n, B): da_t is a (4H, B) view with rows of B, and the block is one
        # (4H, n·B) matrix for the weight-gradient products.
        d_pre = d_pre_block[: 4 * size * n * batch].reshape(4 * size, n, batch)
        per_step = d_pre.transpose(1, 0, 2)  # (n, 4H, B) views
        by_gate = per_step.reshape(n, 4, size, batch)
        totals = total[start:stop]
        for d_out, d_c_out, dh, d_prev, da, da_o, da_ifg, h_per_c, h_per_a_o, c_per_a_ifg, f in zip(
            d_out_rev,
            d_cell_rev,
            totals[::-1],
            carried,
            per_step[::-1],
            by_gate[::-1, 0],
            by_gate[::-1, 1:],
            dv[::-1, 0],
            dv[::-1, 1],
            dv[::-1, 2:],
            forget[start:stop][::-1],
            strict=True,
        ):
            if d_out is not None:
                dh += d_out  # dh_t = dL/dh_t + W_hhᵀ da_{t+1}
            np.multiply(dh, h_per_a_o, out=da_o)  # da_o = dh ⊙ tanh(c) ⊙ o(1−o)
            np.multiply(dh, h_per_c, out=dc)
            dc += dcnext  # dc_t = dh ⊙ o ⊙ (1 − tanh²c) + dcnext
            if d_c_out is not None:
                dc += d_c_out
            np.multiply(dc, c_per_a_ifg, out=da_ifg)  # da_i, da_f, da_g
            np.multiply(dc, f, out=dcnext)  # dcnext = dc_t ⊙ f
            np.dot(w_hh_t, da, out=d_prev)  # W_hhᵀ da_t, carried to step t−1
        _add_weight_gradients(weights, k.w_ih_internal, start, d_pre.reshape(4 * size, -1))
    rows = k.internal_rows
    params = {
        "weight_ih": _in_torch_rows(weights.weight_ih, rows),
        "weight_hh": _in_torch_rows(weights.weight_hh, rows),
        "bias_ih": _in_torch_rows(weights.bias, rows),
        "bias_hh": _in_torch_rows(weights.bias, rows),
    }
    return BackwardRecord(
        params,
        weights.d_inputs,
        np.ascontiguousarray(dhnext.T),
        np.ascontiguousarray(dcnext.T),
        total.transpose(0, 2, 1),
    )


def _add_weight_gradients(
    weights: WeightGradients, w_ih: np.ndarray, start: int, d_pre: np.ndarray
) -> None:
    """Add the block of steps ``start …`` with gate-major gradients ``d_pre`` (4H, n·B).

    dW_ih += Σ_t da_t x_tᵀ and dW_hh += Σ_t da_t h_{t-1}ᵀ are one product each with the
    trace's contiguous (n·B, ·) row blocks, db += Σ da_t, and dx_t = W_ihᵀ da_t.
    """
    trace = weights.trace
    batch = trace.h0.shape[0]
    stop = start + d_pre.shape[1] // batch
    inputs = trace.inputs[start:stop].reshape(-1, trace.inputs.shape[-1])
    weights.weight_ih += np.dot(d_pre, inputs)
    if start == 0:
        hidden = trace.hidden[: stop - 1].reshape(-1, trace.hidden.shape[-1])
        weights.weight_hh += np.dot(d_pre[:, batch:], hidden)
        weights.weight_hh += np.dot(d_pre[:, :batch], trace.h0)
    else:
        hidden = trace.hidden[start - 1 : stop - 1].reshape(-1, trace.hidden.shape[-1])
        weights.weight_hh += np.dot(d_pre, hidden)
    weights.bias += d_pre.sum(axis=1)
    d_inputs = weights.d_inputs[start:stop]
    np.dot(d_pre.T, w_ih, out=d_inputs.reshape(-1, d_inputs.shape[-1]))


def _in_torch_rows(internal: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A new array holding the internal-order (4H, …) ``internal`` in PyTorch's row order."""
    result = np.empty_like(internal)
    result[rows] = internal
    return result
