"""The studio's compute pipeline: from a request (sequence + controls) to a run and gradients.

:func:`compute` is pure apart from the cell cache: it reads a :class:`ComputeRequest` (a copy
of everything it needs), so the session can hand it to a worker thread through an
:data:`Executor` and commit the :class:`Outcome` on its own thread. Bad numbers never raise:
an overflow is recorded in the run (``first_nonfinite_step``) and explained by
:func:`overflow_message`; an engine refusal becomes the outcome's ``error``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.state.cell_cache import CellCache
from rnn_studio.state.controls import CellKey
from rnn_studio.state.cursor import resolved_loss_step
from rnn_studio.state.gradients import (
    GradientReport,
    JacobianJob,
    backprop_report,
    jacobian_cost,
)
from rnn_studio.state.readout import Outputs, compute_outputs
from rnn_studio.state.sequence import EncodedSequence
from rnn_studio.state.trained_adapter import Readout, TrainedModelError, trained_cell
from rnn_studio.state.trained_match import TrainedEntry
from rnn_studio.studio_core import recipe
from rnn_studio.studio_core.numbers import format_number


@dataclass(frozen=True, eq=False)
class CellRun:
    """One cell's forward pass over the sequence.

    Attributes
    ----------
    kind : str
        ``"rnn"``, ``"lstm"`` or ``"gru"``.
    cell : object
        The engine cell (weights as set up: seed, ρ, forget bias).
    trace : engine.Trace
        The immutable record of the pass: index it by t, never recompute.
    spectral_radius : float or None
        ρ(W_hh) after any rescaling (max over gate blocks for gated cells); None while it
        is pending: W_hh as initialised, its eigenvalues solved after the run and the
        gradients are on screen (:func:`pending_radii`, :meth:`Run.with_radii`).
    outputs : Outputs
        The readout at every step (``outputs.trained``: a trained model's own readout).
    first_nonfinite_step : int or None
        First step whose hidden (or cell) state is NaN/infinite, None if all finite.
    stack : engine.CellStack or None
        With more than one layer or both directions: the stack whose layer 0, forward
        direction, is ``cell`` (:func:`rnn_studio.studio_core.recipe.studio_stack`).
    stack_trace : engine.StackTrace or None
        The stack's forward pass over the same inputs: every layer's and direction's states.
    """

    kind: str
    cell: Any
    trace: Any
    spectral_radius: float | None
    outputs: Outputs
    first_nonfinite_step: int | None
    stack: Any = None
    stack_trace: Any = None


@dataclass(frozen=True, eq=False)
class Run:
    """A computed run: the encoded sequence and one :class:`CellRun` per cell shown."""

    sequence: EncodedSequence
    cells: MappingProxyType[str, CellRun]

    def __len__(self) -> int:
        return len(self.sequence)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The cells in this run, in display order."""
        return tuple(self.cells)

    @property
    def primary(self) -> CellRun:
        """The cell the single-cell views show (the first one in compare mode)."""
        return next(iter(self.cells.values()))

    @property
    def hidden_size(self) -> int:
        """Hidden units per cell."""
        return int(self.primary.trace.hidden.shape[-1])

    def with_cell_run(self, cell_run: CellRun) -> Run:
        """This run with ``cell_run`` in place of its kind's (the order kept)."""
        cells = dict(self.cells)
        cells[cell_run.kind] = cell_run
        return Run(sequence=self.sequence, cells=MappingProxyType(cells))

    @property
    def radii_pending(self) -> bool:
        """Whether some cell's ρ(W_hh) is still to be solved (``spectral_radius`` None)."""
        return any(cell_run.spectral_radius is None for cell_run in self.cells.values())

    def with_radii(self, radii: Mapping[str, float]) -> Run:
        """This run with the pending ρ of the cells in ``radii`` filled in (the same cells,
        traces and outputs: only the number that was pending is new)."""
        cells = {
            kind: replace(cell_run, spectral_radius=radii[kind])
            if cell_run.spectral_radius is None and kind in radii
            else cell_run
            for kind, cell_run in self.cells.items()
        }
        return Run(sequence=self.sequence, cells=MappingProxyType(cells))


#: ``executor(work, done, cost)``: call ``work()`` (here or on a worker thread), then
#: ``done(result)`` on the session's thread; ``cost`` is the work in multiply-adds.
Executor = Callable[[Callable[[], Any], Callable[[Any], None], float], None]


def run_inline(work: Callable[[], Any], done: Callable[[Any], None], cost: float) -> None:
    """The default executor: compute now, on this thread."""
    done(work())


#: ``post(callback, value)``: call ``callback(value)`` on the session's thread, soon and in
#: the order posted. An executor that runs work on another thread has a ``post`` method, so
#: the work can hand over results before it ends (the traces before the gradients, curves
#: as they grow); for one that runs work on the session's thread, :func:`post_now`.
Post = Callable[[Callable[[Any], None], Any], None]


def post_now(callback: Callable[[Any], None], value: Any) -> None:
    """Post on the session's own thread: call ``callback(value)`` at once."""
    callback(value)


#: A computation at least this costly (multiply-adds) hands its traces over before it
#: computes the gradients (about 25 ms of work); a cheaper one hands both over at once.
EARLY_TRACE_COST = 5e7


@dataclass(frozen=True, eq=False)
class ComputeRequest:
    """Everything one computation needs, copied so a worker thread can run it.

    ``previous`` is the run to keep (only the gradients are recomputed), or None to compute a
    new run. ``cursor`` and ``announce`` are for the session's commit, not the computation.

    ``shown`` and ``shown_gradients`` are the run and gradients on screen when the request was
    made: a new run reuses a cell's forward pass (and then its gradient report) where the
    change left that cell and the sequence as they were (:func:`reused_cell_run`), e.g. the
    RNN and the GRU when only the LSTM's forget bias moved.

    ``first`` (compare mode: the cell on view) is computed first and its run handed over
    alone (:func:`staged_first`), so the single-cell views draw it before the other cells'
    passes; None computes every cell before handing over.
    """

    generation: int
    sequence: EncodedSequence
    previous: Run | None
    kinds: tuple[str, ...]
    cell_key: CellKey
    backprop: bool
    loss_step: int
    clip: float | None
    cursor: int
    announce: bool
    num_layers: int = 1
    bidirectional: bool = False
    shown: Run | None = None
    shown_gradients: Mapping[str, GradientReport] | None = None
    first: str | None = None

    @property
    def stacked(self) -> bool:
        """True when the run also needs a stack (more layers or both directions)."""
        return self.num_layers > 1 or self.bidirectional

    def cost(self) -> float:
        """Rough multiply-adds: forward (and backward) over T steps, G·H² each, per cell
        (and the stack's extra layers and directions forward), and with backprop the exact
        Jacobian curve, G·H³ per step."""
        size = self.cell_key.hidden_size
        passes = (0 if self.previous is not None else 1) + (2 if self.backprop else 0)
        gates = sum({"rnn": 1, "lstm": 4, "gru": 3}[kind] for kind in self.kinds)
        if self.previous is None:
            passes += self.num_layers * (2 if self.bidirectional else 1) - 1
        steps = float(len(self.sequence))
        jacobian = steps * gates * size**3 if self.backprop else 0.0
        return steps * gates * size * (size + 8) * max(passes, 1) + jacobian


@dataclass(frozen=True, eq=False)
class Outcome:
    """What a computation produced: a run and gradients, or an error message.

    ``partial``: the run holds only ``request.first`` (the rest of the run comes in a later
    outcome of the same request, which holds that very cell run).
    """

    request: ComputeRequest
    run: Run | None = None
    gradients: dict[str, GradientReport] | None = None
    jacobian_jobs: tuple[JacobianJob, ...] = ()
    error: str = ""
    partial: bool = False


def never() -> bool:
    """The ``cancelled`` of a computation nobody cancels."""
    return False


def compute(
    request: ComputeRequest,
    cells: CellCache,
    trained: Mapping[str, TrainedEntry],
    cancelled: Callable[[], bool] = never,
) -> Outcome | None:
    """Compute a run (unless ``request.previous`` is kept) and, with backprop, its gradients.

    The two halves are :func:`compute_run` and :func:`compute_gradients`; None when
    ``cancelled()`` answered True on the way.
    """
    outcome = compute_run(request, cells, trained, cancelled)
    if outcome is None or outcome.error or not request.backprop:
        return outcome
    assert outcome.run is not None
    return compute_gradients(request, outcome.run, cancelled)


def staged_first(request: ComputeRequest) -> bool:
    """Whether ``request``'s run is handed over in two parts: ``request.first`` alone, then
    every cell with the gradients. Only for a new, costly, one-layer run of several cells
    with backprop on (the gradients' arrival then brings the other cells' ρ to the views
    that list them); a cheap one is handed over whole at once."""
    return (
        request.first is not None
        and request.first in request.kinds
        and len(request.kinds) > 1
        and request.previous is None
        and request.backprop
        and not request.stacked
        and request.cost() >= EARLY_TRACE_COST
    )


def compute_run(
    request: ComputeRequest,
    cells: CellCache,
    trained: Mapping[str, TrainedEntry],
    cancelled: Callable[[], bool] = never,
    *,
    kinds: tuple[str, ...] | None = None,
    computed: Mapping[str, CellRun] | None = None,
) -> Outcome | None:
    """The run (every cell's forward pass), or ``request.previous`` when it is kept.

    ``trained`` holds the trained models that match the controls: those cells are computed
    with the trained weights and readout. A cell the change left as it was keeps its pass
    from ``request.shown`` (:func:`reused_cell_run`). ``cancelled`` is asked before each cell
    and inside the passes, once per block of steps (None is returned when it says so).
    Never raises for bad numbers.

    ``kinds`` (default ``request.kinds``) are the cells to put in the run; ``computed`` holds
    cell runs already computed for it (taken as they are).
    """

    def work() -> Outcome | None:
        run = request.previous
        if run is None:
            done = dict(computed or {})
            results = {}
            for kind in request.kinds if kinds is None else kinds:
                if kind not in done and cancelled():
                    return None
                results[kind] = done.get(kind) or compute_cell(kind, request, cells, trained)
            run = Run(sequence=request.sequence, cells=MappingProxyType(results))
        return Outcome(request, run)

    return _guarded(request, work, cancelled)


def compute_gradients(
    request: ComputeRequest, run: Run, cancelled: Callable[[], bool] = never
) -> Outcome | None:
    """BPTT from the loss step for every cell of ``run``, and the Jacobian curves to come.

    Curves too costly to compute here come back as :class:`JacobianJob` s (run them with
    :func:`~rnn_studio.state.gradients.run_jacobian_jobs`). A cell whose forward pass was
    reused keeps its report from ``request.shown_gradients`` (:func:`reused_report`).
    ``cancelled`` is asked before each cell and once per block of steps of its backward
    pass (None is returned when it says so). Never raises for bad numbers.
    """

    def work() -> Outcome | None:
        inputs = run.sequence.inputs
        loss_step = resolved_loss_step(request.loss_step, len(run))
        gradients: dict[str, GradientReport] = {}
        jobs = []
        for kind, cell_run in run.cells.items():
            if cancelled():
                return None
            kept = reused_report(kind, cell_run, request, loss_step)
            if kept is not None:
                report, pending = kept
            else:
                report, pending = backprop_report(
                    cell_run.cell,
                    inputs,
                    loss_step,
                    request.clip,
                    cell_run.spectral_radius,
                    trace=cell_run.trace,
                )
            gradients[kind] = report
            if pending is not None:
                jobs.append(
                    JacobianJob(
                        request.generation,
                        kind,
                        cell_run.cell,
                        pending,
                        len(inputs),
                        jacobian_cost(cell_run.cell, loss_step + 1),
                    )
                )
        return Outcome(request, run, gradients, tuple(jobs))

    return _guarded(request, work, cancelled)


def pending_radii(
    request: ComputeRequest, run: Run, cells: CellCache, cancelled: Callable[[], bool] = never
) -> dict[str, float] | None:
    """ρ(W_hh) of every cell of ``run`` whose radius is pending, the cell on view first.

    The eigenvalue problems (about 25 ms per gate block at hidden 256) are what a new seed
    with no ρ asked leaves out of the path to its trace and gradients; the session solves
    them afterwards and shows them with :meth:`Run.with_radii`. ``cancelled`` is asked
    before each eigenvalue problem (None is returned when it says so); {} when none is
    pending.
    """
    pending = [kind for kind, cell_run in run.cells.items() if cell_run.spectral_radius is None]
    if request.first in pending:
        pending.remove(request.first)
        pending.insert(0, request.first)

    def work() -> dict[str, float]:
        input_size = run.sequence.input_size
        with np.errstate(all="ignore"):
            return {kind: cells.radius(kind, input_size, request.cell_key) for kind in pending}

    try:
        return _stoppable(work, cancelled)
    except engine.Interrupted:
        return None


#: The seeds next to the one on screen whose radii are solved ahead, once the work of a costly
#: change is done: the seed box's arrows step by one.
NEIGHBOUR_SEEDS = (1, -1)

#: Seeds run from 0 to this (excluded).
SEED_LIMIT = 2**32


def neighbour_radii(
    request: ComputeRequest, cells: CellCache, cancelled: Callable[[], bool] = never
) -> None:
    """Solve ahead the spectral radii of the cells at the seeds next to ``request``'s.

    With a ρ asked, a new seed's weights need them before its trace (the rescaling, 25 ms
    per gate block at hidden 256: 100 ms for the LSTM on view, 200 ms for compare mode); a
    step of the seed box then finds them kept. Only for costly requests (at small sizes the
    eigenvalues cost microseconds), after everything else; ``cancelled`` is asked before each
    eigenvalue problem (any change stops it there).
    """
    if request.cost() < EARLY_TRACE_COST or request.stacked:
        return
    input_size = request.sequence.input_size

    def work() -> None:
        with np.errstate(all="ignore"):
            for step in NEIGHBOUR_SEEDS:
                seed = request.cell_key.seed + step
                if 0 <= seed < SEED_LIMIT:
                    key = request.cell_key._replace(seed=seed)
                    for kind in request.kinds:
                        cells.prepare(kind, input_size, key)

    try:
        _stoppable(work, cancelled)
    except engine.Interrupted:
        return


def _stoppable(work: Callable[[], Any], cancelled: Callable[[], bool]) -> Any:
    """``work()``, with the engine's passes asking ``cancelled`` once per block of steps
    (:func:`rnn_studio.engine.interruptible`: ``engine.Interrupted`` when it says so)."""
    if cancelled is never:
        return work()
    with engine.interruptible(cancelled):
        return work()


def _guarded(
    request: ComputeRequest,
    work: Callable[[], Outcome | None],
    cancelled: Callable[[], bool] = never,
) -> Outcome | None:
    """Run ``work``, turning an engine refusal or an overflow into the outcome's error.

    The engine's passes ask ``cancelled`` once per block of steps (and per eigenvalue
    problem) while ``work`` runs (:func:`rnn_studio.engine.interruptible`): a pass that a
    newer change made stale stops there and None is returned, so the new change waits a
    few milliseconds for the worker, not the rest of the old pass.
    """
    try:
        return _stoppable(work, cancelled)
    except engine.Interrupted:
        return None
    except TrainedModelError as problem:
        return Outcome(request, error=f"{problem} (Reset shows a fresh random model instead.)")
    except engine.EngineError as problem:
        return Outcome(request, error=str(problem))
    except ArithmeticError as problem:
        # A number ran past what a float holds somewhere outside the engine's guarded
        # loops: say so (the panels then do not pretend to show the new controls' run).
        return Outcome(
            request,
            error=(
                f"The numbers overflowed ({problem}): lower the spectral radius, use tanh or "
                "a shorter sequence."
            ),
        )


def reused_cell_run(kind: str, request: ComputeRequest, cell: Any) -> CellRun | None:
    """The cell run on screen for ``kind`` when computing it again would give the same run.

    That is when the request's cell is the very object the shown run used (the cell cache
    gives the same object for the same weights, so a change that leaves this cell alone,
    like the LSTM's forget bias for the RNN and the GRU, keeps it), over the very same
    sequence, with no stack. None otherwise: then the pass is computed.
    """
    shown = request.shown
    if shown is None or request.stacked or shown.sequence is not request.sequence:
        return None
    cell_run = shown.cells.get(kind)
    if cell_run is None or cell_run.cell is not cell or cell_run.stack is not None:
        return None
    return cell_run


def reused_report(
    kind: str, cell_run: CellRun, request: ComputeRequest, loss_step: int
) -> tuple[GradientReport, Any] | None:
    """The shown gradient report for ``cell_run`` when its pass was reused (same trace, loss
    step and clipping): ``(report, None)`` when its Jacobian curve is complete, else the report
    with no curve yet and the trace to compute the curve from. None: compute it (also for an
    unfinished curve with the loss before the last step: its job needs the prefix's trace,
    which the run does not keep)."""
    shown, reports = request.shown, request.shown_gradients
    if shown is None or not reports or kind not in reports or kind not in shown.cells:
        return None
    report = reports[kind]
    same_pass = shown.cells[kind].trace is cell_run.trace
    if not same_pass or report.loss_step != loss_step or report.clip != request.clip:
        return None
    if report.jacobian_complete and report.jacobian_norms is not None:
        return report, None
    if len(cell_run.trace) != loss_step + 1:
        return None
    return report.with_jacobian(None, complete=False), cell_run.trace


def compute_cell(
    kind: str, request: ComputeRequest, cells: CellCache, trained: Mapping[str, TrainedEntry]
) -> CellRun:
    """One cell's forward pass and readout (a trained model's when it matches), or the shown
    one when the change left this cell and the sequence alone (:func:`reused_cell_run`)."""
    sequence = request.sequence
    entry = trained.get(kind)
    readout: Readout | None
    rho: float | None
    if entry is not None:
        cell = trained_cell(entry.model, sequence)
        rho, readout = entry.spectral_radius, entry.readout
    else:
        cell, rho, readout = cells.cell(kind, sequence.input_size, request.cell_key)
        kept = reused_cell_run(kind, request, cell)
        if kept is not None:
            return kept
    with np.errstate(all="ignore"):
        trace = engine.forward(cell, sequence.inputs)
    hidden = np.asarray(trace.hidden)
    if readout is not None and _readout_fits(readout, sequence):
        outputs = readout.outputs(hidden)
    else:
        outputs = compute_outputs(hidden, sequence, request.cell_key.seed)
    stack = stack_trace = None
    if request.stacked:
        key = request.cell_key
        stack = recipe.studio_stack(
            cell,
            request.num_layers,
            request.bidirectional,
            key.seed,
            build=lambda inputs, seed: cells.cell(kind, inputs, key._replace(seed=seed))[0],
        )
        with np.errstate(all="ignore"):
            stack_trace = engine.forward(stack, sequence.inputs)
    return CellRun(
        kind=kind,
        cell=cell,
        trace=trace,
        spectral_radius=rho,
        outputs=outputs,
        first_nonfinite_step=first_nonfinite_step(trace),
        stack=stack,
        stack_trace=stack_trace,
    )


def _readout_fits(readout: Readout, sequence: EncodedSequence) -> bool:
    """A value readout reads numbers, a token or class readout reads text."""
    return (readout.kind == "values") == sequence.is_numeric


def first_nonfinite_step(trace: Any) -> int | None:
    """First step whose hidden (or LSTM cell) state holds NaN or infinity, None if none."""
    states = [np.asarray(trace.hidden)]
    if getattr(trace, "cell_state", None) is not None:
        states.append(np.asarray(trace.cell_state))
    bad = np.zeros(len(states[0]), dtype=bool)
    for state in states:
        bad |= ~np.isfinite(state.reshape(len(state), -1)).all(axis=1)
    return int(np.argmax(bad)) if bad.any() else None


def overflow_message(run: Run) -> str:
    """A plain explanation of the first overflowed cell in ``run``, "" when all are finite."""
    for kind, cell_run in run.cells.items():
        step = cell_run.first_nonfinite_step
        if step is not None:
            rho = cell_run.spectral_radius
            # (A pending ρ is named when it comes: the session writes this text again.)
            with_rho = (
                "each step multiplies it by W_hh"
                if rho is None
                else (f"with ρ(W_hh) = {format_number(rho)} each step multiplies it")
            )
            return (
                f"The {kind.upper()}'s hidden state overflowed to infinity at step t = {step}: "
                f"{with_rho}, and past about 10³⁰⁸ the computer cannot hold the number. "
                "Lower the spectral radius or use tanh."
            )
    return ""
