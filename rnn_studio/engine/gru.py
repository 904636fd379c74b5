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
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from rnn_studio.engine.cell_base import (
    BackwardRecord,
    Cell,
    ForwardRecord,
    State,
    StepResult,
    outer_sum,
    previous,
    project_rows,
)


class GRUConstants(NamedTuple):
    """Weight-derived arrays cached until the parameters change."""

    w_ih_t_half: np.ndarray  # (I, 3H) W_ihᵀ, r and z columns × ½
    w_hh_t_half: np.ndarray  # (H, 3H) W_hhᵀ, r and z columns × ½
    input_bias_half: np.ndarray  # (3H,) [b_ir + b_hr, b_iz + b_hz, b_in], r, z entries × ½
    b_hn: np.ndarray  # (H,)
    w_ih: np.ndarray  # (3H, I)
    w_hh: np.ndarray  # (3H, H)


class GRUDerivatives(NamedTuple):
    """Local derivatives of every step, computed once over all t."""

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
        return GRUConstants(
            w_ih_t_half=np.ascontiguousarray((p["weight_ih"] * half[:, None]).T),
            w_hh_t_half=np.ascontiguousarray((p["weight_hh"] * half[:, None]).T),
            input_bias_half=input_bias * half,
            b_hn=p["bias_hh"][2 * size :].copy(),
            w_ih=p["weight_ih"],
            w_hh=p["weight_hh"],
        )

    def _step(self, x: np.ndarray, h: np.ndarray, c: Any) -> tuple[State, StepResult]:
        k, size = self.constants, self._hidden_size
        input_part = x @ k.w_ih_t_half
        input_part += k.input_bias_half
        gh = h @ k.w_hh_t_half  # [½W_hr h, ½W_hz h, W_hn h]
        gh[..., : 2 * size] += input_part[..., : 2 * size]  # ½a_r, ½a_z
        hn = gh[..., 2 * size :]
        hn += k.b_hn  # hn = W_hn h + b_hn
        act = np.tanh(gh[..., : 2 * size])
        act *= 0.5
        act += 0.5  # r, z = σ(a) = ½tanh(½a) + ½
        r, z = act[..., :size], act[..., size:]
        a_n = r * hn
        a_n += input_part[..., 2 * size :]  # a_n = W_in x + b_in + r ⊙ hn
        n = np.tanh(a_n)
        h_new = h - n
        h_new *= z
        h_new += n  # h = n + z ⊙ (h_{t-1} − n)
        pre_rz = gh[..., : 2 * size] * 2.0
        gates = {"r": r, "z": z, "n": n}
        pre = {"r": pre_rz[..., :size], "z": pre_rz[..., size:], "n": a_n, "hn": hn}
        return State(h_new, None), StepResult(h_new, None, gates, pre)

    def _forward_sequence(self, xs: np.ndarray, h0: np.ndarray, c0: Any) -> ForwardRecord:
        k, size = self.constants, self._hidden_size
        input_part = project_rows(xs, k.w_ih_t_half)  # all W_ih x_t in one product
        input_part += k.input_bias_half
        gh_all = np.empty_like(input_part)
        act = np.empty_like(input_part)
        state_shape = (*input_part.shape[:-1], size)
        a_n_all = np.empty(state_shape, dtype=self._dtype)
        hidden = np.empty(state_shape, dtype=self._dtype)
        in_rz, in_n = input_part[..., : 2 * size], input_part[..., 2 * size :]
        gh_rz, hn_all = gh_all[..., : 2 * size], gh_all[..., 2 * size :]
        act_rz = act[..., : 2 * size]
        reset, update, cand = _blocks(act, size)
        w_hh_t, b_hn = k.w_hh_t_half, k.b_hn
        h = h0
        for in_rz_t, in_n_t, gh_t, gh_rz_t, hn, act_rz_t, r, z, n, a_n, h_t in zip(
            in_rz,
            in_n,
            gh_all,
            gh_rz,
            hn_all,
            act_rz,
            reset,
            update,
            cand,
            a_n_all,
            hidden,
            strict=True,
        ):
            np.dot(h, w_hh_t, out=gh_t)  # [½W_hr h, ½W_hz h, W_hn h]
            gh_rz_t += in_rz_t  # ½a_r, ½a_z
            hn += b_hn  # hn = W_hn h_{t-1} + b_hn
            np.tanh(gh_rz_t, out=act_rz_t)
            act_rz_t *= 0.5
            act_rz_t += 0.5  # r, z = σ(a) = ½tanh(½a) + ½
            np.multiply(r, hn, out=a_n)
            a_n += in_n_t  # a_n = W_in x + b_in + r ⊙ hn
            np.tanh(a_n, out=n)  # n = tanh(a_n)
            np.subtract(h, n, out=h_t)
            h_t *= z
            h_t += n  # h_t = n + z ⊙ (h_{t-1} − n)
            h = h_t
        pre_rz = gh_rz * 2.0  # undo the folded ½: true pre-activations of r and z
        return ForwardRecord(
            hidden,
            None,
            {"r": reset, "z": update, "n": cand},
            {"r": pre_rz[..., :size], "z": pre_rz[..., size:], "n": a_n_all, "hn": hn_all},
            {"act": act},
        )

    def _local_derivatives(self, trace: Any) -> GRUDerivatives:
        r, z, n = (trace.gates[name] for name in ("r", "z", "n"))
        h_prev = previous(trace.h0, trace.hidden)
        return GRUDerivatives(
            a_n_per_h=(1.0 - z) * (1.0 - n * n),
            a_r_per_a_n=trace.pre["hn"] * r * (1.0 - r),
            a_z_per_h=(h_prev - n) * z * (1.0 - z),
            reset=r,
            update=z,
        )

    def _backward_sequence(self, trace: Any, d_hidden: np.ndarray, d_cell: Any) -> BackwardRecord:
        k, size = self.constants, self._hidden_size
        dv = self._local_derivatives(trace)
        total = np.empty_like(d_hidden)
        d_gh = np.empty((*d_hidden.shape[:-1], 3 * size), dtype=self._dtype)
        d_a_n = np.empty_like(d_hidden)
        d_r, d_z, d_hn = _blocks(d_gh, size)
        dhnext = np.zeros_like(trace.h0)
        carried = np.empty_like(trace.h0)
        w_hh = k.w_hh
        for d_out, dh, dgh, dr, dz, dhn, dan, an_h, ar_an, az_h, r, z in zip(
            d_hidden[::-1],
            total[::-1],
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
        d_gx = d_gh.copy()
        d_gx[..., 2 * size :] = d_a_n  # input side sees da_n, hidden side d hn = r ⊙ da_n
        params = {
            "weight_ih": outer_sum(d_gx, trace.inputs),
            "weight_hh": outer_sum(d_gh, previous(trace.h0, trace.hidden)),
            "bias_ih": d_gx.reshape(-1, 3 * size).sum(axis=0),
            "bias_hh": d_gh.reshape(-1, 3 * size).sum(axis=0),
        }
        d_inputs = project_rows(d_gx, k.w_ih)
        return BackwardRecord(params, d_inputs, dhnext, None, total)

    def _adjoint_step(
        self, derivatives: GRUDerivatives, t: int, dh: np.ndarray, dc: Any
    ) -> tuple[np.ndarray, None]:
        """Carry adjoints dh of shape ([B,] K, H) from h_t back to h_{t-1}."""
        dv = derivatives

        def at(array: np.ndarray) -> np.ndarray:
            return array[t][..., None, :]

        dan = dh * at(dv.a_n_per_h)
        d_gh = np.concatenate(
            [dan * at(dv.a_r_per_a_n), dh * at(dv.a_z_per_h), dan * at(dv.reset)], -1
        )
        return d_gh @ self.constants.w_hh + dh * at(dv.update), None
