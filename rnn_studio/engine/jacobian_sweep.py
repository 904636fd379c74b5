"""The exact Jacobian-norm curve, a block of steps at a time, from the last step back.

:func:`jacobian_log10_sweep` yields ``log10 ‖∂h_{T-1}/∂h_t‖_F`` in blocks, starting at the
last step: a caller can draw the curve as it grows (the natural animation of "how far back
does the last state still depend on h_t?") and stop between any two blocks as soon as the
curve is no longer wanted (a newer setting superseded it). Together the blocks are exactly
:func:`rnn_studio.engine.jacobian_log10_norms`, the same loop cut into pieces.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from rnn_studio.engine.cell_base import Cell
from rnn_studio.engine.numerics import log10_step_norms
from rnn_studio.engine.sequence import Trace, check_trace

__all__ = ["JacobianBlock", "jacobian_log10_sweep"]


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
    cell: Cell, trace: Trace, *, block_steps: int = 8
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

    Yields
    ------
    JacobianBlock
        Blocks in decreasing ``start``; together they cover every step once, with the values
        of :func:`~rnn_studio.engine.jacobian_log10_norms` (the same arithmetic).

    Notes
    -----
    With J_s = ∂h_s/∂h_{s−1}, the matrix at step t is M_t = J_{T−1} ⋯ J_{t+1} (for the LSTM
    the state is (h, c), M_t = ∂h_{T−1}/∂(h_t, c_t), and its h columns are reported).
    Going back one step is M_{t−1} = M_t J_t: the adjoint step BPTT takes, applied to the H
    rows of M_t, at G·H³ multiply-adds (G = 1, 4, 3 gate blocks). M_t is divided by its
    largest entry after each step and the log of the factor kept, so it neither underflows
    nor overflows however small or large the product gets. Stopping the iteration stops the
    work: nothing runs between two blocks.
    """
    if block_steps < 1:
        raise ValueError(f"block_steps must be at least 1, got {block_steps}")
    trace = check_trace(cell, trace)
    steps, size = len(trace), cell.hidden_size
    batch_shape = trace.batch_shape
    derivatives = cell._local_derivatives(trace)
    # Adjoint rows: dh[..., k, :] = ∂h_{T-1}[k] / ∂h_t (and dc the same w.r.t. c_t).
    dh = np.broadcast_to(np.eye(size, dtype=cell.dtype), (*batch_shape, size, size)).copy()
    dc = np.zeros_like(dh) if cell.kind == "lstm" else None
    log10_scale = 0.0  # true adjoint = 10**log10_scale × (dh, dc)
    work: dict[str, np.ndarray] = {}  # buffers the cell's adjoint steps reuse
    values = np.empty(steps)
    stop = steps  # values[t:stop] are computed and not yet yielded
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        values[steps - 1] = log10_step_norms(dh[None])[0]
        if block_steps == 1 and steps > 1:
            yield JacobianBlock(steps - 1, values[steps - 1 :].copy())
            stop = steps - 1
        for t in range(steps - 1, 0, -1):
            dh, dc = cell._adjoint_step(derivatives, t, dh, dc, work)
            # Renormalise so the product neither underflows nor overflows.
            peak = np.abs(dh).max() if dc is None else max(np.abs(dh).max(), np.abs(dc).max())
            if np.isfinite(peak) and peak > 0:
                dh /= peak
                if dc is not None:
                    dc /= peak
                log10_scale += np.log10(peak)
            values[t - 1] = log10_scale + log10_step_norms(dh[None])[0]
            if stop - (t - 1) >= block_steps:
                yield JacobianBlock(t - 1, values[t - 1 : stop].copy())
                stop = t - 1
    if stop > 0:
        yield JacobianBlock(0, values[:stop].copy())
