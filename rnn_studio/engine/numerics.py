"""Numerics the plots depend on: an overflow-free sigmoid and L2 norms that never underflow.

Over a 1,000-step decaying run a gradient reaches ~1e-230, which float64 holds, but squaring it
does not: ``sqrt(sum(g**2))`` (and :func:`numpy.linalg.norm` along an axis) returns exactly 0
once the entries fall below ~1e-154. Scaling by the largest magnitude first keeps every norm
correct down to the smallest normal float64 (~2.2e-308).
"""

from __future__ import annotations

import numpy as np


def sigmoid(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic sigmoid that cannot overflow.

    Parameters
    ----------
    a : ndarray
        Pre-activations, any shape.
    out : ndarray, optional
        Where to write the result (may be ``a`` itself).

    Returns
    -------
    ndarray
        ``σ(a)``, same shape as ``a``.

    Notes
    -----
    σ(a) = 1 / (1 + e^(−a)) = ½·tanh(½a) + ½. The tanh form never evaluates an exponential,
    so a = ±1000 gives exactly 0 or 1 without an overflow warning. Its error is absolute (about
    one unit in the last place of 1), which is what the plots and PyTorch parity need.
    """
    a = np.asarray(a)
    if out is None:
        out = np.empty(a.shape, dtype=np.result_type(a.dtype, np.float32))
    np.multiply(a, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def stable_norm(x: np.ndarray) -> float:
    """L2 norm of all entries of ``x``, correct for tiny and huge magnitudes.

    Notes
    -----
    ‖x‖ = m·sqrt(Σ (x_i/m)²) with m = max |x_i|. NaN anywhere gives NaN; an infinity (and no
    NaN) gives inf; an all-zero array gives 0.
    """
    return float(step_norms(np.asarray(x).reshape(1, -1))[0])


def step_norms(x: np.ndarray) -> np.ndarray:
    """L2 norm over everything but the first axis, one value per time step.

    Parameters
    ----------
    x : ndarray, shape (T, ...)
        For example ``grads.hidden`` of shape (T, H) or (T, B, H).

    Returns
    -------
    ndarray, shape (T,)
        ``‖x[t]‖₂`` over all of that step's entries, in ``x``'s float dtype.

    Notes
    -----
    Row-wise m_t = max |x[t]|, then ‖x[t]‖ = m_t·sqrt(Σ (x[t]/m_t)²). Rows that are all zero
    give 0, rows with an infinity give inf and rows with a NaN give NaN.
    """
    x = np.asarray(x)
    if x.ndim == 0:
        raise ValueError("step_norms needs at least one axis (time)")
    rows = _time_rows(x)
    if rows.shape[1] == 0:
        return np.zeros(x.shape[0], dtype=np.result_type(x.dtype, np.float32))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore", under="ignore"):
        # m_t = max |x[t]| without an |x| temporary (NaN propagates through max and min).
        scale = np.maximum(rows.max(axis=1), -rows.min(axis=1))
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))
        # Squaring is exact enough while m_t² stays far from under/overflow; rescale the rest.
        tiny, huge = np.sqrt(np.finfo(rows.dtype).tiny), np.sqrt(np.finfo(rows.dtype).max)
        redo = np.flatnonzero((scale < tiny * 2.0**26) | (scale > huge / 2.0**26))
        if redo.size:
            scale_redo = scale[redo]
            usable = np.isfinite(scale_redo) & (scale_redo > 0)
            safe = np.where(usable, scale_redo, 1.0)
            scaled = rows[redo] / safe[:, None]
            fixed = safe * np.sqrt(np.einsum("ij,ij->i", scaled, scaled))
            # Zero rows give 0; inf rows give inf; NaN rows give NaN.
            norms[redo] = np.where(usable, fixed, scale_redo)
    return norms


def _time_rows(x: np.ndarray) -> np.ndarray:
    """``x`` (T, ...) as (T, N) rows, its trailing axes taken in memory order.

    A row's norm does not depend on the order of its entries, so a transposed view (the
    batched cells' feature-major ``grads.hidden``) is reshaped without a copy.
    """
    order = sorted(range(1, x.ndim), key=lambda axis: -abs(x.strides[axis]))
    return x.transpose(0, *order).reshape(x.shape[0], -1)


def log10_step_norms(x: np.ndarray) -> np.ndarray:
    """``log10`` of :func:`step_norms` without ever leaving log space (−inf for zero rows).

    Useful below the float64 range: the norm of values near 1e-310 (subnormals) still has a
    finite logarithm.
    """
    x = np.asarray(x)
    rows = np.abs(x.reshape(x.shape[0], -1)).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore", under="ignore"):
        scale = rows.max(axis=1) if rows.shape[1] else np.zeros(x.shape[0])
        usable = np.isfinite(scale) & (scale > 0)
        safe_scale = np.where(usable, scale, 1.0)
        scaled = rows / safe_scale[:, None]
        log_norms = np.log10(safe_scale) + 0.5 * np.log10(np.einsum("ij,ij->i", scaled, scaled))
        return np.where(usable, log_norms, np.log10(scale))
