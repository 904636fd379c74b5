"""Backpropagation through time for the studio: the decay curves, clipping and the verdict.

The loss the studio backpropagates is deliberately simple so the curve shows the cell, not the
loss: ``L = u · h_L`` with a fixed unit vector ``u = (1, …, 1)/√H`` read at the loss step L.
Its gradient ``∂L/∂h_L = u`` has norm 1, and every earlier ``‖∂L/∂h_t‖`` is how much of that
unit gradient survives the trip back to step t. The loss and the verdict (thresholds and
factor per step) live in :mod:`rnn_studio.studio_core`, shared with the Learn area.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from rnn_studio import engine
from rnn_studio.engine.optim import clip_grad_norm, global_norm
from rnn_studio.studio_core.recipe import studio_backward
from rnn_studio.studio_core.verdict import Verdict, judge

#: Largest T·G·H³ (multiply-adds of the exact ∂h_L/∂h_t product) computed inline, about 50 ms;
#: bigger ones (e.g. 1,000 steps at hidden 256) run as a :class:`JacobianJob` off the UI thread.
JACOBIAN_INLINE_BUDGET = 2e8


@dataclass(frozen=True, eq=False)
class GradientReport:
    """One cell's backward pass from the loss step.

    Attributes
    ----------
    kind : str
        ``"rnn"``, ``"lstm"`` or ``"gru"``.
    loss_step : int
        Step L the loss is read at (0-based).
    grad_norms : numpy.ndarray, shape (T,)
        ``‖∂L/∂h_t‖`` for t ≤ L; NaN after the loss step (no gradient flows forward in time).
    jacobian_norms : numpy.ndarray or None, shape (T,)
        ``‖∂h_L/∂h_t‖_F / √H`` (1 at t = L) for t ≤ L, NaN after; None while a
        :class:`JacobianJob` is still computing it.
    clip : float or None
        Norm-clipping threshold c, or None when clipping is off.
    clip_factor : float
        The one factor norm clipping multiplies the whole gradient by:
        ``min(1, c / ‖∂L/∂W‖)`` (1 with clipping off; NaN when ‖∂L/∂W‖ is not finite,
        which no factor can rescale).
    clipped_norms : numpy.ndarray, shape (T,)
        ``clip_factor · ‖∂L/∂h_t‖``: every step's share of the clipped gradient (BPTT is
        linear in the loss gradient, so scaling the whole gradient scales every step by the
        same factor and the ratios between steps are kept). Equal to ``grad_norms`` when
        clipping is off.
    param_norm_before, param_norm_after : float
        Global norm ``‖∂L/∂W‖`` of all weight gradients before and after clipping.
    verdict : Verdict
        Judged on ``grad_norms`` (factor per step back from L).
    """

    kind: str
    loss_step: int
    grad_norms: np.ndarray
    jacobian_norms: np.ndarray | None
    clip: float | None
    clip_factor: float
    clipped_norms: np.ndarray
    param_norm_before: float
    param_norm_after: float
    verdict: Verdict

    def with_jacobian(self, norms: np.ndarray) -> GradientReport:
        """Return a copy holding the finished ``jacobian_norms``."""
        return replace(self, jacobian_norms=norms)


@dataclass(frozen=True, eq=False)
class JacobianJob:
    """The exact ``‖∂h_L/∂h_t‖`` curve for one cell, to compute off the UI thread.

    :meth:`run` is pure (it reads the cell and inputs, writes nothing), so a worker thread may
    call it; hand the result back with :meth:`StudioSession.attach_jacobian`, which ignores a
    job whose ``generation`` is out of date.
    """

    generation: int
    kind: str
    cell: engine.Cell
    inputs: np.ndarray
    total: int
    cost: float

    def run(self) -> np.ndarray:
        """Compute and return the normalised norms, shape (total,)."""
        return jacobian_curve(self.cell, self.inputs, self.total)


def jacobian_cost(cell: object, steps: int) -> float:
    """Multiply-adds of the exact Jacobian product: T·G·H³."""
    size = int(getattr(cell, "hidden_size", 1))
    gates = max(len(getattr(cell, "gate_names", ())), 1)
    return float(steps) * gates * size**3


def jacobian_curve(cell: engine.Cell, inputs: np.ndarray, total: int) -> np.ndarray:
    """``‖∂h_L/∂h_t‖_F / √H`` for t ≤ L = len(inputs) - 1, padded with NaN to ``total``."""
    with np.errstate(all="ignore"):
        prefix = engine.forward(cell, inputs)
        norms = np.asarray(engine.jacobian_norms(cell, prefix), dtype=np.float64)
        norms = norms / math.sqrt(prefix.hidden.shape[-1])
    return _pad(norms, total)


def backprop_report(
    cell: engine.Cell, inputs: np.ndarray, loss_step: int, clip: float | None, rho: float
) -> tuple[GradientReport, bool]:
    """Run BPTT for ``cell`` on ``inputs`` (T, I) with the loss at ``loss_step``.

    The forward pass is rerun on the prefix ``inputs[:loss_step + 1]`` (identical to the
    full trace up to L, and cheap). Returns the report and whether its Jacobian curve is
    still to be computed (too costly to do inline: see :data:`JACOBIAN_INLINE_BUDGET`).
    Never raises for numbers that overflow: they give the "overflowed" verdict.

    Notes
    -----
    Norm clipping (``torch.nn.utils.clip_grad_norm_``) rescales the whole weight gradient
    g = ∂L/∂W by one factor, g ← g · min(1, c/‖g‖). Since BPTT is linear in the loss
    gradient, the same factor scales every ∂L/∂h_t, so the clipped curve is the unclipped
    one moved down on the log axis, its shape (and every ratio between steps) unchanged.
    """
    total = len(inputs)
    prefix_inputs = inputs[: loss_step + 1]
    overflow_step = state_overflow_step = None
    with np.errstate(all="ignore"):
        try:
            prefix, grads = studio_backward(cell, prefix_inputs)
            state_overflow_step = prefix.first_nonfinite_step
            grad_norms = _pad(np.asarray(grads.norms, dtype=float), total)
            clipped_params = {name: np.array(g) for name, g in grads.params.items()}
            if clip is None:
                param_before = param_after = global_norm(clipped_params)
            else:
                clipping = clip_grad_norm(clipped_params, clip)
                param_before, param_after = clipping.norm_before, clipping.norm_after
            overflow_step = grads.first_nonfinite_step
        except (engine.EngineError, ArithmeticError):
            # Refused or overflowed on the way: report it as an overflow, never raise.
            grad_norms = _pad(np.full(loss_step + 1, np.inf), total)
            param_before = param_after = math.inf
    nonfinite = bool(
        (~np.isfinite(grad_norms[: loss_step + 1])).any() or not math.isfinite(param_before)
    )
    pending = not nonfinite and jacobian_cost(cell, loss_step + 1) > JACOBIAN_INLINE_BUDGET
    jacobian = None
    if not pending:
        jacobian = (
            np.full(total, np.nan) if nonfinite else jacobian_curve(cell, prefix_inputs, total)
        )
    # One factor for the whole gradient; an infinite norm cannot be rescaled (NaN).
    if clip is None:
        factor = 1.0
    elif math.isfinite(param_before) and param_before > 0:
        factor = param_after / param_before
    else:
        factor = math.nan if not math.isfinite(param_before) else 1.0
    with np.errstate(all="ignore"):
        clipped = grad_norms * factor if clip is not None else grad_norms.copy()
    report = GradientReport(
        kind=str(getattr(cell, "kind", "rnn")),
        loss_step=loss_step,
        grad_norms=grad_norms,
        jacobian_norms=jacobian,
        clip=clip,
        clip_factor=factor,
        clipped_norms=clipped,
        param_norm_before=param_before,
        param_norm_after=param_after,
        verdict=judge(
            grad_norms[: loss_step + 1],
            rho,
            nonfinite,
            overflow_step=overflow_step,
            clipping=clip is not None,
            state_overflow_step=state_overflow_step,
        ),
    )
    return report, pending


def _pad(values: np.ndarray, total: int) -> np.ndarray:
    padded = np.full(total, np.nan)
    padded[: len(values)] = values
    return padded
