"""Backpropagation through time for the studio: the decay curves, clipping and the verdict.

The loss the studio backpropagates is deliberately simple so the curve shows the cell, not the
loss: ``L = u · h_L`` with a fixed unit vector ``u = (1, …, 1)/√H`` read at the loss step L.
Its gradient ``∂L/∂h_L = u`` has norm 1, and every earlier ``‖∂L/∂h_t‖`` is how much of that
unit gradient survives the trip back to step t. The loss and the verdict (thresholds and
factor per step) live in :mod:`rnn_studio.studio_core`, shared with the Learn area.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from rnn_studio import engine
from rnn_studio.engine.jacobian_sweep import RANK_TOLERANCE
from rnn_studio.engine.optim import clip_grad_norm, global_norm
from rnn_studio.studio_core.recipe import studio_backward
from rnn_studio.studio_core.verdict import Verdict, judge

#: Largest T·G·H³ (multiply-adds of the exact ∂h_L/∂h_t product) computed inline, about 50 ms;
#: bigger ones (e.g. 1,000 steps at hidden 256) run as a :class:`JacobianJob` off the UI thread.
JACOBIAN_INLINE_BUDGET = 2e8


class ParamNorms:
    """‖∂L/∂W‖ of a report before and after clipping, given or computed on first read.

    With clipping off the studio shows no ‖∂L/∂W‖, so its backward pass leaves the weight
    gradients out whenever a bound proves them finite (``engine.backward(weights=False)``);
    then ``compute`` gives the norm (the full pass again) if something reads it.
    """

    def __init__(
        self,
        before: float | None = None,
        after: float | None = None,
        compute: Callable[[], float] | None = None,
    ) -> None:
        self._before, self._after, self._compute = before, after, compute

    @classmethod
    def unclipped(cls, norm: float) -> ParamNorms:
        """Clipping off: the same norm before and after."""
        return cls(norm, norm)

    @property
    def finite(self) -> bool:
        """True when ‖∂L/∂W‖ is finite, without computing it when it was proven so."""
        return self._compute is not None or math.isfinite(self.before)

    @property
    def before(self) -> float:
        if self._before is None:
            assert self._compute is not None
            self._before = self._compute()
        return self._before

    @property
    def after(self) -> float:
        return self.before if self._after is None else self._after


def _weight_norm(
    cell: engine.Cell, inputs: np.ndarray, trace: engine.Trace | None
) -> Callable[[], float]:
    """‖∂L/∂W‖ of the studio's loss over ``inputs`` (``trace``: their forward pass, if kept),
    computed when called."""

    def compute() -> float:
        with np.errstate(all="ignore"):
            return global_norm(studio_backward(cell, inputs, trace=trace)[1].params)

    return compute


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
        ``‖∂h_L/∂h_t‖_F / √H`` (1 at t = L) for t ≤ L, NaN after; None until a
        :class:`JacobianJob` has computed its first block. While the job runs, the steps
        it has not reached yet (the earliest ones: it works back from L) are NaN.
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
    param_norms : ParamNorms
        Global norm ``‖∂L/∂W‖`` of all weight gradients before and after clipping
        (:attr:`param_norm_before`, :attr:`param_norm_after`).
    verdict : Verdict
        Judged on ``grad_norms`` (factor per step back from L).
    jacobian_complete : bool
        False while a :class:`JacobianJob` is still filling ``jacobian_norms`` in.
    """

    kind: str
    loss_step: int
    grad_norms: np.ndarray
    jacobian_norms: np.ndarray | None
    clip: float | None
    clip_factor: float
    clipped_norms: np.ndarray
    param_norms: ParamNorms
    verdict: Verdict
    jacobian_complete: bool = True

    @property
    def param_norm_before(self) -> float:
        """‖∂L/∂W‖ before clipping (with clipping off, computed on first read)."""
        return self.param_norms.before

    @property
    def param_norm_after(self) -> float:
        """‖∂L/∂W‖ after clipping (equal to :attr:`param_norm_before` with clipping off)."""
        return self.param_norms.after

    def with_jacobian(self, norms: np.ndarray | None, complete: bool = True) -> GradientReport:
        """Return a copy holding ``jacobian_norms`` (``complete`` False: computed so far;
        None with ``complete`` False: not started)."""
        return replace(self, jacobian_norms=norms, jacobian_complete=complete)

    def with_spectral_radius(self, rho: float) -> GradientReport:
        """Return a copy whose verdict holds ρ(W_hh) = ``rho`` (solved after the report)."""
        return replace(self, verdict=replace(self.verdict, spectral_radius=rho))


@dataclass(frozen=True, eq=False)
class JacobianJob:
    """The exact ``‖∂h_L/∂h_t‖`` curve for one cell, to compute off the UI thread.

    Its methods are pure (they read the cell and the trace, write nothing), so a worker thread
    may call them; :func:`run_jacobian_jobs` runs several, a block of steps at a time.
    """

    generation: int
    kind: str
    cell: engine.Cell
    trace: engine.Trace
    total: int
    cost: float

    def blocks(
        self, block_steps: int = 8, first_block_steps: int | None = None
    ) -> Generator[tuple[int, np.ndarray], None, None]:
        """Yield ``(start, norms)``: the normalised norms of steps ``start …``, from L back
        (the first block ``first_block_steps`` long, ``block_steps`` by default).

        From hidden size :data:`THIN_FROM_HIDDEN` on, on the engine's guarded thin basis
        (the same curve to ~1e-12 in log10, several times cheaper: see
        :func:`rnn_studio.engine.jacobian_log10_sweep`).
        """
        size = self.cell.hidden_size
        scale = math.log10(math.sqrt(size))
        tolerance = RANK_TOLERANCE if size >= THIN_FROM_HIDDEN else 0.0
        with np.errstate(all="ignore"):
            for block in engine.jacobian_log10_sweep(
                self.cell,
                self.trace,
                block_steps=block_steps,
                rank_tolerance=tolerance,
                first_block_steps=first_block_steps,
            ):
                yield block.start, np.power(10.0, block.log10_norms - scale)

    def run(self) -> np.ndarray:
        """Compute and return the whole normalised curve, shape (total,)."""
        curve = np.full(self.total, np.nan)
        for start, norms in self.blocks(block_steps=len(self.trace)):
            curve[start : start + len(norms)] = norms
        return curve


#: Hidden sizes from which the curve is carried on a thin basis (below, the whole H × H
#: product costs little more than the thin basis's SVDs).
THIN_FROM_HIDDEN = 32

#: A snapshot of the curves :func:`run_jacobian_jobs` publishes: kind → (curve, complete).
JacobianProgress = dict[str, tuple[np.ndarray, bool]]

#: Steps of one cell's curve computed between two looks at ``cancelled`` (at hidden 256,
#: ~7 ms for the RNN, ~25 ms for the LSTM).
JACOBIAN_BLOCK_STEPS = 8

#: Steps of each curve's first block: L and L−1, i.e. one adjoint step. The first steps
#: are the costliest (full rank: at hidden 256 a first block of 8 steps cost ~70 ms for the
#: three cells, one of 2 steps ~22 ms), so the curves start on screen sooner.
JACOBIAN_FIRST_BLOCK_STEPS = 2

#: Seconds between two publications of curves in progress (the first blocks and the
#: finished curves are published at once).
JACOBIAN_PUBLISH_SECONDS = 0.1


def run_jacobian_jobs(
    jobs: Sequence[JacobianJob],
    cancelled: Callable[[], bool],
    publish: Callable[[JacobianProgress], None],
    *,
    block_steps: int | None = None,
    first_block_steps: int | None = None,
    publish_every: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """Compute the jobs' curves together, a block of each in turn, from the loss step back.

    Parameters
    ----------
    jobs : sequence of JacobianJob
        One per cell (compare mode: three), all of one computation.
    cancelled : callable
        Asked before every block and at every step inside one
        (:func:`rnn_studio.engine.interruptible`); when it answers True the work stops there.
    publish : callable
        Called with the curves so far (copies: kind → (curve, complete)): after the first
        block of each, then at most every ``publish_every`` seconds of ``clock``, and with
        every curve that has just been finished.
    block_steps : int, optional
        Steps per block (:data:`JACOBIAN_BLOCK_STEPS` by default).
    first_block_steps : int, optional
        Steps of each curve's first block (:data:`JACOBIAN_FIRST_BLOCK_STEPS` by default,
        at most ``block_steps``).
    publish_every : float, optional
        :data:`JACOBIAN_PUBLISH_SECONDS` by default.
    clock : callable
        Seconds, for ``publish_every``.

    Returns
    -------
    bool
        True when every curve was finished, False when cancelled.

    Notes
    -----
    Taking one block of each cell in turn makes the three curves grow together from the
    loss step (the front at the same t in each), so each is on screen after its first
    block however long the others take.
    """
    block_steps = JACOBIAN_BLOCK_STEPS if block_steps is None else block_steps
    first = JACOBIAN_FIRST_BLOCK_STEPS if first_block_steps is None else first_block_steps
    first = min(first, block_steps)
    publish_every = JACOBIAN_PUBLISH_SECONDS if publish_every is None else publish_every
    curves = {job.kind: np.full(job.total, np.nan) for job in jobs}
    sweeps = {job.kind: job.blocks(block_steps, first) for job in jobs}
    changed: set[str] = set()
    finished: set[str] = set()
    started: set[str] = set()
    last_published = clock()
    with engine.interruptible(cancelled):  # also asked at every step inside a block
        while sweeps:
            if not _next_blocks(sweeps, curves, changed, finished, cancelled):
                for open_sweep in sweeps.values():
                    open_sweep.close()
                return False
            first_round = not started
            started.update(changed)
            due = clock() - last_published >= publish_every
            if changed and (first_round or due or finished & changed or not sweeps):
                publish({kind: (curves[kind].copy(), kind in finished) for kind in sorted(changed)})
                changed.clear()
                last_published = clock()
    return True


def _next_blocks(
    sweeps: dict[str, Generator[tuple[int, np.ndarray], None, None]],
    curves: dict[str, np.ndarray],
    changed: set[str],
    finished: set[str],
    cancelled: Callable[[], bool],
) -> bool:
    """One block of each sweep in turn, written into ``curves``; False when cancelled
    (before a block, or inside one: ``engine.Interrupted``)."""
    for kind, sweep in list(sweeps.items()):
        if cancelled():
            return False
        try:
            block = next(sweep, None)
        except engine.Interrupted:
            del sweeps[kind]  # that sweep ended with the exception
            return False
        if block is None:
            del sweeps[kind]
            finished.add(kind)
        else:
            start, norms = block
            curves[kind][start : start + len(norms)] = norms
        changed.add(kind)
    return True


def jacobian_cost(cell: object, steps: int) -> float:
    """Multiply-adds of the exact Jacobian product: T·G·H³."""
    size = int(getattr(cell, "hidden_size", 1))
    gates = max(len(getattr(cell, "gate_names", ())), 1)
    return float(steps) * gates * size**3


def jacobian_curve(cell: engine.Cell, trace: engine.Trace, total: int) -> np.ndarray:
    """``‖∂h_L/∂h_t‖_F / √H`` for t ≤ L = len(trace) - 1, padded with NaN to ``total``."""
    return JacobianJob(0, str(cell.kind), cell, trace, total, 0.0).run()


def backprop_report(
    cell: engine.Cell,
    inputs: np.ndarray,
    loss_step: int,
    clip: float | None,
    rho: float | None,
    trace: engine.Trace | None = None,
) -> tuple[GradientReport, engine.Trace | None]:
    """Run BPTT for ``cell`` on ``inputs`` (T, I) with the loss at ``loss_step``.

    ``trace`` is the forward pass over all of ``inputs``, reused when the loss is at the last
    step; otherwise the forward pass is rerun on the prefix ``inputs[:loss_step + 1]``
    (identical to the full trace up to L). Returns the report and, when its Jacobian curve
    is still to be computed (too costly to do inline: see :data:`JACOBIAN_INLINE_BUDGET`),
    the forward pass to compute it from (else None). Never raises for numbers that
    overflow: they give the "overflowed" verdict.

    Notes
    -----
    Norm clipping (``torch.nn.utils.clip_grad_norm_``) rescales the whole weight gradient
    g = ∂L/∂W by one factor, g ← g · min(1, c/‖g‖). Since BPTT is linear in the loss
    gradient, the same factor scales every ∂L/∂h_t, so the clipped curve is the unclipped
    one moved down on the log axis, its shape (and every ratio between steps) unchanged.
    """
    total = len(inputs)
    prefix_inputs = inputs[: loss_step + 1]
    reuse = trace if trace is not None and len(trace) == loss_step + 1 else None
    overflow_step = state_overflow_step = None
    prefix = None
    with np.errstate(all="ignore"):
        try:
            # Clipping off, nothing on screen reads ‖∂L/∂W‖: the weight gradients are left
            # out when a bound proves them finite (the verdict reads only that), and their
            # norm is computed if and when it is read (ParamNorms).
            prefix, grads = studio_backward(
                cell, prefix_inputs, trace=reuse, weights=clip is not None
            )
            state_overflow_step = prefix.first_nonfinite_step
            grad_norms = _pad(np.asarray(grads.norms, dtype=float), total)
            if grads.weight_norm_bound is not None:
                norms = ParamNorms(compute=_weight_norm(cell, prefix_inputs, reuse))
            elif clip is None:
                norms = ParamNorms.unclipped(global_norm(grads.params))
            else:
                clipped_params = {name: np.array(g) for name, g in grads.params.items()}
                clipping = clip_grad_norm(clipped_params, clip)
                norms = ParamNorms(clipping.norm_before, clipping.norm_after)
            overflow_step = grads.first_nonfinite_step
        except (engine.EngineError, ArithmeticError):
            # Refused or overflowed on the way: report it as an overflow, never raise.
            grad_norms = _pad(np.full(loss_step + 1, np.inf), total)
            norms = ParamNorms.unclipped(math.inf)
    nonfinite = bool((~np.isfinite(grad_norms[: loss_step + 1])).any() or not norms.finite)
    pending = not nonfinite and jacobian_cost(cell, loss_step + 1) > JACOBIAN_INLINE_BUDGET
    jacobian = None
    if not pending:
        if nonfinite or prefix is None:
            jacobian = np.full(total, np.nan)
        else:
            jacobian = jacobian_curve(cell, prefix, total)
    # One factor for the whole gradient; an infinite norm cannot be rescaled (NaN).
    if clip is None:
        factor = 1.0
    elif math.isfinite(norms.before) and norms.before > 0:
        factor = norms.after / norms.before
    else:
        factor = math.nan if not math.isfinite(norms.before) else 1.0
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
        param_norms=norms,
        verdict=judge(
            grad_norms[: loss_step + 1],
            rho,
            nonfinite,
            overflow_step=overflow_step,
            clipping=clip is not None,
            state_overflow_step=state_overflow_step,
        ),
        jacobian_complete=not pending,
    )
    return report, prefix if pending else None


def _pad(values: np.ndarray, total: int) -> np.ndarray:
    padded = np.full(total, np.nan)
    padded[: len(values)] = values
    return padded
