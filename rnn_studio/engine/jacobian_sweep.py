"""The exact Jacobian-norm curve, a block of steps at a time, from the last step back.

:func:`jacobian_log10_sweep` yields ``log10 ‖∂h_{T-1}/∂h_t‖_F`` in blocks, starting at the
last step: a caller can draw the curve as it grows (the natural animation of "how far back
does the last state still depend on h_t?") and stop between any two blocks as soon as the
curve is no longer wanted (a newer setting superseded it). Together the blocks are exactly
:func:`rnn_studio.engine.jacobian_log10_norms`, the same loop cut into pieces.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass

import numpy as np

from rnn_studio.engine.cell_base import Cell
from rnn_studio.engine.interrupt import checkpoint
from rnn_studio.engine.numerics import log10_step_norms
from rnn_studio.engine.sequence import Trace, check_trace

__all__ = ["GUARD", "PROBES", "RANK_TOLERANCE", "JacobianBlock", "jacobian_log10_sweep"]


@dataclass(frozen=True)
class JacobianBlock:
    """Consecutive values of the curve, as :func:`jacobian_log10_sweep` yields them.

    Attributes
    ----------
    start : int
        The first step t the block covers; it covers ``start … start + len(log10_norms) − 1``.
    log10_norms : numpy.ndarray, shape (n,)
        ``log10 ‖∂h_{T-1}/∂h_t‖_F`` for those steps, in increasing t.
    """

    start: int
    log10_norms: np.ndarray

    @property
    def stop(self) -> int:
        """One past the last step the block covers."""
        return self.start + len(self.log10_norms)


def jacobian_log10_sweep(
    cell: Cell,
    trace: Trace,
    *,
    block_steps: int = 8,
    rank_tolerance: float = 0.0,
    first_block_steps: int | None = None,
) -> Generator[JacobianBlock, None, None]:
    """Yield ``log10 ‖∂h_{T-1}/∂h_t‖_F`` in blocks, from t = T−1 back to t = 0.

    Parameters
    ----------
    cell : Cell
        The cell that recorded ``trace`` (its parameters unchanged since).
    trace : Trace
        An unbatched or batched trace from :func:`rnn_studio.engine.forward`.
    block_steps : int
        Steps per yielded block (the last block, the one holding t = 0, may be shorter).
    rank_tolerance : float
        0 (the default) carries the whole H × H product. Above 0 (e.g.
        :data:`RANK_TOLERANCE`), an unbatched trace's product is carried on a thin basis
        that drops directions whose singular value is below ``rank_tolerance`` × the
        largest, guarded by probe rows (see Notes); the values then agree with the whole
        product's to ~1e-12 in log10 (tested to 1e-8).
    first_block_steps : int, optional
        Steps of the first block (the one ending at t = T−1); ``block_steps`` by default.
        The first steps are the costliest (the product still has full rank), so a short
        first block puts the start of the curve on screen sooner.

    Yields
    ------
    JacobianBlock
        Blocks in decreasing ``start``; together they cover every step once. With
        ``rank_tolerance=0`` the values are those of
        :func:`~rnn_studio.engine.jacobian_log10_norms` (the same arithmetic).

    Notes
    -----
    With J_s = ∂h_s/∂h_{s−1}, the matrix at step t is M_t = J_{T−1} ⋯ J_{t+1} (for the LSTM
    the state is (h, c), M_t = ∂h_{T−1}/∂(h_t, c_t), and its h columns are reported).
    Going back one step is M_{t−1} = M_t J_t: the adjoint step BPTT takes, applied to the H
    rows of M_t, at G·H³ multiply-adds (G = 1, 4, 3 gate blocks). M_t is divided by its
    largest entry after each step and the log of the factor kept, so it neither underflows
    nor overflows however small or large the product gets. Stopping the iteration stops the
    work: nothing runs between two blocks.

    Thin basis: write M_t = A_t B_t with A_t's columns orthonormal (A_t is never formed).
    Then ‖M_t‖_F = ‖B_t‖_F (the same for the h columns) and M_{t−1} = A_t (B_t J_t), so
    only the rows of B_t are carried back. Every 16 steps or so (less often while nothing
    is dropped) B_t = U S Vᵀ is replaced by S_k V_kᵀ, keeping the k singular values above
    the tolerance: the products of many Jacobians have quickly decaying singular values (at
    hidden 256 over 1,000 steps k falls to ~170 after 50 steps and ~20 after 500 for the
    studio's cells), so a step costs G·k·H² instead of G·H³. What is dropped is tiny now but
    a non-normal W_hh can amplify it past the rest later (the studio's "surprise" demo does,
    by more than 10¹⁴). So :data:`PROBES` extra rows carry random combinations of
    everything dropped, plus random vectors the size of the SVD's rounding: their norm
    estimates the error the thin basis has made so far. When it exceeds
    :data:`GUARD` × ‖B_t‖, the sweep goes on with the whole product from the last step
    (the steps already yielded are not yielded again).
    """
    first = block_steps if first_block_steps is None else first_block_steps
    if block_steps < 1 or first < 1:
        raise ValueError(
            f"block_steps and first_block_steps must be at least 1, got {block_steps}, {first}"
        )
    trace = check_trace(cell, trace)
    steps = len(trace)
    derivatives = cell._local_derivatives(trace)
    if rank_tolerance > 0 and not trace.batch_shape:
        values = _thin_values(cell, trace, derivatives, rank_tolerance)
    else:
        values = _whole_values(cell, trace, derivatives)
    pending: list[float] = []  # values of steps t … stop − 1, latest step first
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        size = first
        for t, value in values:
            pending.append(value)
            if len(pending) == size or t == 0:
                yield JacobianBlock(t, np.array(pending[::-1]))
                pending, size = [], block_steps
    assert not pending and steps > 0


#: Relative singular value below which the thin sweep drops a direction (see
#: :func:`jacobian_log10_sweep`): a few hundred times float64's rounding.
RANK_TOLERANCE = 1e-14

#: Probe rows the thin sweep carries to estimate the error of what it dropped.
PROBES = 4

#: The thin sweep falls back to the whole product when its estimated relative error
#: exceeds this (the tests ask 1e-8 in log10, i.e. 2.3e-8 relative).
GUARD = 1e-10

#: Size of the SVD's rounding, relative to the largest singular value, per kept row.
_ROUNDING = 64 * float(np.finfo(np.float64).eps)

#: Steps between two looks for directions to drop (doubled, up to _MAX_INTERVAL, each time
#: a look drops none: a look costs about as much as 5 to 20 steps at full rank).
_FIRST_INTERVAL = 16
_MAX_INTERVAL = 128


def _whole_values(cell: Cell, trace: Trace, derivatives: object) -> Iterator[tuple[int, float]]:
    """``(t, log10 ‖M_t‖_F)`` for t = T−1 … 0 from the whole H × H product."""
    steps, size = len(trace), cell.hidden_size
    batch_shape = trace.batch_shape
    # Adjoint rows: dh[..., k, :] = ∂h_{T-1}[k] / ∂h_t (and dc the same w.r.t. c_t).
    dh = np.broadcast_to(np.eye(size, dtype=cell.dtype), (*batch_shape, size, size)).copy()
    dc = np.zeros_like(dh) if cell.kind == "lstm" else None
    log10_scale = 0.0  # true adjoint = 10**log10_scale × (dh, dc)
    work: dict[str, np.ndarray] = {}  # buffers the cell's adjoint steps reuse
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        yield steps - 1, float(log10_step_norms(dh[None])[0])
        for t in range(steps - 1, 0, -1):
            checkpoint()  # a stale caller stops here (engine.interruptible)
            dh, dc = cell._adjoint_step(derivatives, t, dh, dc, work)
            log10_scale += _renormalise(dh, dc)
            yield t - 1, log10_scale + float(log10_step_norms(dh[None])[0])


def _thin_values(
    cell: Cell, trace: Trace, derivatives: object, tolerance: float
) -> Iterator[tuple[int, float]]:
    """``(t, log10 ‖M_t‖_F)`` for t = T−1 … 0 on a guarded thin basis (see the sweep)."""
    steps, size = len(trace), cell.hidden_size
    rng = np.random.default_rng(0)  # the same probes, so the same curve, every time
    dh = np.zeros((size + PROBES, size), dtype=np.float64)
    dh[:size] = np.eye(size)
    dc = np.zeros_like(dh) if cell.kind == "lstm" else None
    log10_scale = 0.0
    work: dict[str, np.ndarray] = {}
    looks, interval, next_look = 0, _FIRST_INTERVAL, _FIRST_INTERVAL
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        yield steps - 1, float(log10_step_norms(dh[None, :size])[0])
        for t in range(steps - 1, 0, -1):
            checkpoint()
            dh, dc = cell._adjoint_step(derivatives, t, dh, dc, work)
            log10_scale += _renormalise(dh, dc)
            if steps - t >= next_look:
                rows = dh.shape[0]
                dh, dc = _thin(dh, dc, tolerance, rng)
                looks += 1
                dropped = dh.shape[0] < rows
                interval = _FIRST_INTERVAL if dropped else min(2 * interval, _MAX_INTERVAL)
                next_look = steps - t + interval
            kept = dh.shape[0] - PROBES
            if looks and not _trusted(dh, dc, kept, looks):
                # The dropped part may have grown: the whole product from here on.
                for earlier, value in _whole_values(cell, trace, derivatives):
                    if earlier <= t - 1:
                        yield earlier, value
                return
            yield t - 1, log10_scale + float(log10_step_norms(dh[None, :kept])[0])


def _renormalise(dh: np.ndarray, dc: np.ndarray | None) -> float:
    """Divide the adjoint by its largest entry, in place; return log10 of that factor."""
    peak = np.abs(dh).max() if dc is None else max(np.abs(dh).max(), np.abs(dc).max())
    if not (np.isfinite(peak) and peak > 0):
        return 0.0
    dh /= peak
    if dc is not None:
        dc /= peak
    return float(np.log10(peak))


def _trusted(dh: np.ndarray, dc: np.ndarray | None, kept: int, looks: int) -> bool:
    """Whether the probes' error estimate is below :data:`GUARD` × the kept rows' norm.

    Each probe row's expected squared norm is Σ_l ‖D_l Π_l‖²_F over the looks l (D_l what
    look l dropped, Π_l the steps since): averaged over the probes and times the number of
    looks (Cauchy-Schwarz), it bounds the squared error of ‖B_t‖_F in expectation.
    """
    kept_square = float(np.einsum("ij,ij->", dh[:kept], dh[:kept]))
    probe_square = float(np.einsum("ij,ij->", dh[kept:], dh[kept:]))
    if dc is not None:
        probe_square += float(np.einsum("ij,ij->", dc[kept:], dc[kept:]))
    estimate = probe_square / PROBES * looks
    return bool(np.isfinite(estimate)) and estimate <= GUARD**2 * kept_square


def _thin(
    dh: np.ndarray, dc: np.ndarray | None, tolerance: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows S_k V_kᵀ of the thin SVD of the kept rows of [dh dc], and the probe rows with
    random combinations of the dropped rows and of rounding-sized vectors added.

    Returns new arrays (the LSTM's adjoint step writes ``dc`` in place and the buffers are
    kept by shape). Rows that are not finite are returned as they are.
    """
    size = dh.shape[-1]
    kept = dh.shape[0] - PROBES
    carried = dh if dc is None else np.concatenate([dh, dc], axis=-1)
    if not np.isfinite(carried).all():
        return dh, dc
    _, singular, right = np.linalg.svd(carried[:kept], full_matrices=False)
    if singular.size == 0 or singular[0] == 0:
        return dh, dc
    keep = max(int(np.count_nonzero(singular > tolerance * singular[0])), 1)
    probes = carried[kept:].copy()
    dropped = singular[keep:, None] * right[keep:]
    if len(dropped):
        probes += rng.standard_normal((PROBES, len(dropped))) @ dropped
    width = carried.shape[1]
    rounding = _ROUNDING * singular[0] * np.sqrt(kept / width)
    probes += rng.standard_normal((PROBES, width)) * rounding
    rows = np.empty((keep + PROBES, width))
    rows[:keep] = singular[:keep, None] * right[:keep]
    rows[keep:] = probes
    if dc is None:
        return rows, None
    return np.ascontiguousarray(rows[:, :size]), np.ascontiguousarray(rows[:, size:])
