"""The studio session: everything the studio window shows, with no Qt in sight.

A :class:`StudioSession` holds the learner's choices (sequence, reading mode, cell, sizes,
seed, spectral radius, forget bias, cursor, loss step, clipping) and the results computed from
them (a :class:`Run` with one trace per cell, and the gradient reports after backprop). Every
setter validates, recomputes at once and announces what changed through :class:`Signal`
events; the Qt views subscribe (through :mod:`rnn_studio.ui.qt_bridge`) and write back only
through these setters.

Events (each a :class:`~rnn_studio.state.events.Signal`):

``controls_changed()``
    Any control value changed (also after a demo or a reset): views re-read the properties.
``trace_changed(run)``
    A new :class:`Run` replaced the old one (new sequence, cell, size, seed, ρ ...).
``cursor_changed(t)``
    The current step moved.
``error_changed(message)``
    The sequence could not be read ("" when it is fine). The last valid run stays.
``warning_changed(message)``
    The run overflowed (NaN or infinity); a plain explanation, "" when the run is finite.
``gradients_changed(reports)``
    New gradient reports (a dict kind → :class:`GradientReport`), or None when cleared.
``view_cell_changed(kind)``
    In compare mode, the cell the single-cell views (memory, gates, equations, outputs) show.
``demo_applied(setup)``
    :meth:`apply_demo` set everything from a :class:`DemoSetup`.

Trained models (:meth:`StudioSession.show_trained`): the session computes with the trained
weights and the model's own readout whenever the controls match the trained model (its cell,
hidden size, nonlinearity, the seed it was opened under, no ρ rescaling, no forget bias).
Changing one of those shows a fresh random cell with the untrained readout, and
:attr:`StudioSession.trained_note` says so and how to get the trained model back; setting the
controls back shows it again. A demo (:meth:`StudioSession.apply_demo`) or Reset puts the
trained model away. Typing a text keeps it, as long as it knows every token.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.engine.model import Model
from rnn_studio.state.events import Signal
from rnn_studio.state.gradients import (
    GradientReport,
    JacobianJob,
    backprop_report,
    jacobian_cost,
)
from rnn_studio.state.readout import Outputs, compute_outputs
from rnn_studio.state.sequence import EncodedSequence, SequenceError, encode_sequence
from rnn_studio.state.trained_model import (
    Readout,
    TrainedEntry,
    TrainedModelError,
    describe_trained,
    studio_cell,
)
from rnn_studio.studio_core import recipe
from rnn_studio.studio_core.demo import (
    CELL_CHOICES,
    MAX_HIDDEN_SIZE,
    MODE_CHOICES,
    NONLINEARITY_CHOICES,
    DemoSetup,
)

CELL_KINDS = ("rnn", "lstm", "gru")
#: Cells kept for reuse (switching cells or typing keeps ρ and the weights without recomputing).
CELL_CACHE_SIZE = 12
DEFAULT_SETUP = DemoSetup(text="not bad", mode="words", cell="rnn", hidden_size=8, cursor=0)


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
    spectral_radius : float
        ρ(W_hh) after any rescaling (max over gate blocks for gated cells).
    outputs : Outputs
        The readout at every step (``outputs.trained``: a trained model's own readout).
    first_nonfinite_step : int or None
        First step whose hidden (or cell) state is NaN/infinite, None if all finite.
    """

    kind: str
    cell: Any
    trace: Any
    spectral_radius: float
    outputs: Outputs
    first_nonfinite_step: int | None


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


class StudioSession:
    """The studio's state and computations (see the module docstring for the events).

    Parameters
    ----------
    setup : DemoSetup, optional
        The starting point; :data:`DEFAULT_SETUP` ("not bad", vanilla RNN) by default.
    """

    def __init__(self, setup: DemoSetup | None = None) -> None:
        self.controls_changed = Signal("controls_changed")
        self.trace_changed = Signal("trace_changed")
        self.cursor_changed = Signal("cursor_changed")
        self.error_changed = Signal("error_changed")
        self.warning_changed = Signal("warning_changed")
        self.gradients_changed = Signal("gradients_changed")
        self.view_cell_changed = Signal("view_cell_changed")
        self.demo_applied = Signal("demo_applied")
        self._view_cell = "rnn"
        self._run: Run | None = None
        self._gradients: dict[str, GradientReport] | None = None
        self._error = ""
        self._warning = ""
        self._cursor = 0
        self._backprop = False
        self._generation = 0
        self._in_flight = 0
        self._executor: Executor = run_inline
        self._cells: dict[tuple[Any, ...], tuple[Any, float]] = {}
        self._pinned: dict[tuple[Any, ...], tuple[Any, float, Readout | None]] = {}
        self._trained: dict[str, TrainedEntry] = {}
        self._trained_seed = 0
        self._load(setup or DEFAULT_SETUP)
        self._recompute(cursor=(setup or DEFAULT_SETUP).cursor, announce=False)

    # ----------------------------------------------------------------- read-only state
    @property
    def text(self) -> str:
        """The sequence as typed (may be invalid: see :attr:`error`)."""
        return self._text

    @property
    def mode(self) -> str:
        """How the text is read: ``"chars"``, ``"words"`` or ``"numbers"``."""
        return self._mode

    @property
    def cell_kind(self) -> str:
        """``"rnn"``, ``"lstm"``, ``"gru"`` or ``"compare"`` (all three)."""
        return self._cell_kind

    @property
    def hidden_size(self) -> int:
        """Hidden units per cell, 1 to 256."""
        return self._hidden_size

    @property
    def seed(self) -> int:
        """Seed of the weights: the same seed gives the same demo."""
        return self._seed

    @property
    def nonlinearity(self) -> str:
        """The vanilla RNN's activation, ``"tanh"`` or ``"relu"``."""
        return self._nonlinearity

    @property
    def spectral_radius(self) -> float | None:
        """Requested ρ(W_hh), or None to keep the initialisation."""
        return self._spectral_radius

    @property
    def forget_bias(self) -> float | None:
        """Added to the LSTM forget-gate bias ``b_if``, or None to keep the initialisation."""
        return self._forget_bias

    @property
    def loss_step(self) -> int:
        """Requested loss step (0-based), -1 for the last step."""
        return self._loss_step

    @property
    def clip(self) -> float | None:
        """Gradient-clipping threshold, None when clipping is off."""
        return self._clip

    @property
    def backprop_enabled(self) -> bool:
        """True once Backprop was pressed: gradients follow every change until cleared."""
        return self._backprop

    @property
    def cursor(self) -> int:
        """The current step t (0-based) of the last valid run."""
        return self._cursor

    @property
    def run(self) -> Run | None:
        """The last valid run (kept on screen while the input is invalid)."""
        return self._run

    @property
    def gradients(self) -> MappingProxyType[str, GradientReport] | None:
        """Gradient reports by cell kind, or None before Backprop."""
        return None if self._gradients is None else MappingProxyType(self._gradients)

    @property
    def view_cell(self) -> str:
        """The cell the single-cell views show (the chosen cell, or one of three in compare)."""
        return self._view_cell

    @property
    def shown(self) -> CellRun | None:
        """The :class:`CellRun` the single-cell views show, None before any valid run."""
        if self._run is None:
            return None
        return self._run.cells.get(self._view_cell, self._run.primary)

    @property
    def error(self) -> str:
        """Why the current input could not be used, "" when it is fine."""
        return self._error

    @property
    def warning(self) -> str:
        """A plain explanation when the run overflowed to NaN/infinity, else ""."""
        return self._warning

    @property
    def trained_models(self) -> MappingProxyType[str, Any]:
        """The trained models put in the studio by :meth:`show_trained`, by cell kind."""
        return MappingProxyType({kind: entry.model for kind, entry in self._trained.items()})

    @property
    def trained_seed(self) -> int:
        """The studio seed the trained models are shown under."""
        return self._trained_seed

    @property
    def shows_trained(self) -> bool:
        """True when the cell the single-cell views show is a trained model's."""
        shown = self.shown
        return shown is not None and shown.kind in self._trained and shown.outputs.trained

    @property
    def trained_note(self) -> str:
        """One sentence on the trained model, "" when none is loaded.

        Says whether the studio shows the trained weights and readout, or a fresh random
        cell because a control no longer matches (naming the control and the trained value).
        """
        shown = self.shown
        return describe_trained(
            self._trained,
            self._view_cell if shown is None else shown.kind,
            on_show=self.shows_trained,
            cell_key=self._cell_key_base(),
            seed=self._trained_seed,
        )

    @property
    def length(self) -> int:
        """Number of steps in the last valid run (0 before any)."""
        return 0 if self._run is None else len(self._run)

    @property
    def resolved_loss_step(self) -> int:
        """The loss step as an index into the current run."""
        last = max(self.length - 1, 0)
        return last if self._loss_step < 0 else min(self._loss_step, last)

    # ------------------------------------------------------------------------ setters
    def set_sequence(self, text: str, mode: str | None = None) -> None:
        """Set the text (and optionally the reading mode) and recompute."""
        if mode is not None:
            _check_choice("mode", mode, MODE_CHOICES)
            self._mode = mode
        self._text = str(text)
        self._changed()

    def set_text(self, text: str) -> None:
        """Set the text and recompute."""
        self.set_sequence(text)

    def set_mode(self, mode: str) -> None:
        """Read the text as ``"chars"``, ``"words"`` or ``"numbers"`` and recompute."""
        self.set_sequence(self._text, mode)

    def set_cell_kind(self, kind: str) -> None:
        """Show ``"rnn"``, ``"lstm"``, ``"gru"`` or ``"compare"`` (all three, same seed)."""
        _check_choice("cell", kind, CELL_CHOICES)
        self._cell_kind = kind
        self._follow_cell_kind()
        self._changed()

    def set_view_cell(self, kind: str) -> None:
        """In compare mode, show ``kind`` ("rnn", "lstm" or "gru") in the single-cell views."""
        _check_choice("view cell", kind, CELL_KINDS)
        if self._cell_kind != "compare" and kind != self._cell_kind:
            raise ValueError(f"only the {self._cell_kind.upper()} is computed; use compare mode")
        if kind != self._view_cell:
            self._view_cell = kind
            self.view_cell_changed.emit(kind)

    def set_hidden_size(self, size: int) -> None:
        """Set the hidden units per cell (1 to 256) and recompute."""
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
            raise ValueError(f"hidden size must be a whole number, got {size!r}")
        if not 1 <= size <= MAX_HIDDEN_SIZE:
            raise ValueError(f"hidden size must be from 1 to {MAX_HIDDEN_SIZE}, got {size}")
        self._hidden_size = int(size)
        self._changed()

    def set_seed(self, seed: int) -> None:
        """Set the weight seed (0 to 2**32 - 1) and recompute."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"seed must be a whole number, got {seed!r}")
        if not 0 <= seed <= 2**32 - 1:
            raise ValueError(f"seed must be from 0 to 2**32 - 1, got {seed}")
        self._seed = int(seed)
        self._changed()

    def set_nonlinearity(self, name: str) -> None:
        """Set the vanilla RNN's activation (``"tanh"`` or ``"relu"``) and recompute."""
        _check_choice("nonlinearity", name, NONLINEARITY_CHOICES)
        self._nonlinearity = name
        self._changed()

    def set_spectral_radius(self, rho: float | None) -> None:
        """Rescale W_hh to spectral radius ``rho`` (0 to 10), or None for the initialisation."""
        self._spectral_radius = _optional_float("spectral radius", rho, 0.0, 10.0)
        self._changed()

    def set_forget_bias(self, bias: float | None) -> None:
        """Add ``bias`` (−20 to 20) to the LSTM forget-gate bias, or None for none."""
        self._forget_bias = _optional_float("forget bias", bias, -20.0, 20.0)
        self._changed()

    def set_cursor(self, t: int) -> None:
        """Move to step ``t``, clamped to the run; -1 means the last step."""
        if self._run is None:
            return
        last = len(self._run) - 1
        target = last if t < 0 else min(int(t), last)
        if target != self._cursor:
            self._cursor = target
            self.cursor_changed.emit(target)

    def step_forward(self) -> None:
        """Advance one step (stays at the end)."""
        self.set_cursor(min(self._cursor + 1, max(self.length - 1, 0)))

    def step_back(self) -> None:
        """Go back one step (stays at the start)."""
        self.set_cursor(max(self._cursor - 1, 0))

    def go_to_start(self) -> None:
        """Jump to the first step."""
        self.set_cursor(0)

    def go_to_end(self) -> None:
        """Jump to the last step."""
        self.set_cursor(-1)

    @property
    def at_end(self) -> bool:
        """True when the cursor is on the last step."""
        return self._cursor >= self.length - 1

    def set_loss_step(self, t: int) -> None:
        """Put the loss at step ``t`` (0-based; -1 for the last step)."""
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < -1:
            raise ValueError(f"loss step must be -1 or a step index, got {t!r}")
        self._loss_step = int(t)
        self.controls_changed.emit()
        if self._backprop:
            self._update_gradients()

    def set_clip(self, threshold: float | None) -> None:
        """Clip each step's gradient to norm ``threshold`` (> 0), or None to turn it off."""
        value = _optional_float("clipping threshold", threshold, 0.0, 1e6)
        if value is not None and value <= 0:
            raise ValueError("clipping threshold must be above 0")
        self._clip = value
        self.controls_changed.emit()
        if self._backprop:
            self._update_gradients()

    def backprop(self) -> None:
        """Run backpropagation through time from the loss step (and keep it on)."""
        self._backprop = True
        self.controls_changed.emit()
        self._update_gradients()

    def clear_gradients(self) -> None:
        """Turn backprop off and clear the gradient views."""
        self._backprop = False
        self.controls_changed.emit()
        self._update_gradients()

    def reset(self) -> None:
        """Put the model controls back to their defaults, keeping the sequence.

        A trained model (:meth:`show_trained`) is put away: Reset shows a fresh random cell.
        """
        self._trained = {}
        defaults = DemoSetup(text=self._text or "x", mode=self._mode)
        self._hidden_size = defaults.hidden_size
        self._seed = defaults.seed
        self._nonlinearity = defaults.nonlinearity
        self._spectral_radius = None
        self._forget_bias = None
        self._clip = None
        self._loss_step = -1
        self._changed(cursor=0)

    def apply_demo(self, setup: DemoSetup, *, keep_trained: bool = False) -> None:
        """Set everything from ``setup`` with one recompute, then announce ``demo_applied``.

        A demo shows random weights, so a trained model is put away unless
        ``keep_trained`` (used when reopening a saved session).
        """
        if not isinstance(setup, DemoSetup):
            raise TypeError(f"apply_demo needs a DemoSetup, got {type(setup).__name__}")
        if not keep_trained:
            self._trained = {}
        self._load(setup)
        self.controls_changed.emit()
        self._recompute(cursor=setup.cursor, announce=True)
        self.demo_applied.emit(setup)

    def to_setup(self) -> DemoSetup:
        """Return the current controls as a :class:`DemoSetup` (for scenes and links)."""
        return DemoSetup(
            text=self._text if self._text.strip() else "x",
            mode=self._mode,
            cell=self._cell_kind,
            hidden_size=self._hidden_size,
            seed=self._seed,
            nonlinearity=self._nonlinearity,
            spectral_radius=self._spectral_radius,
            forget_bias=self._forget_bias,
            cursor=self._cursor,
            backprop=self._backprop,
            loss_step=self._loss_step,
            clip=self._clip,
        )

    # ---------------------------------------------------------------------- internals
    def _load(self, setup: DemoSetup) -> None:
        self._text = setup.text
        self._mode = setup.mode
        self._cell_kind = setup.cell
        self._hidden_size = setup.hidden_size
        self._seed = setup.seed
        self._nonlinearity = setup.nonlinearity
        self._spectral_radius = setup.spectral_radius
        self._forget_bias = setup.forget_bias
        self._loss_step = setup.loss_step
        self._clip = setup.clip
        self._backprop = setup.backprop
        self._follow_cell_kind()

    def _follow_cell_kind(self) -> None:
        if self._cell_kind != "compare":
            kind = self._cell_kind
        else:
            # Show a gated cell first in compare mode, so the gates panel has something.
            kind = self._view_cell if self._view_cell != "rnn" else "lstm"
        if kind != self._view_cell:
            self._view_cell = kind
            self.view_cell_changed.emit(kind)

    def _changed(self, cursor: int | None = None) -> None:
        self.controls_changed.emit()
        if cursor is None:
            at_end = self._run is not None and self.at_end
            cursor = -1 if at_end else self._cursor
        self._recompute(cursor=cursor, announce=True)

    def set_executor(self, executor: Executor | None) -> None:
        """Choose how computations run: ``executor(work, done, cost)``.

        ``work()`` computes (it touches no session state that views read) and ``done(result)``
        must then be called on the session's thread. ``cost`` estimates the work in
        multiply-adds so an executor can run cheap work inline and costly work on a worker
        thread. None (the default) runs everything inline, at once.
        """
        self._executor = executor or run_inline

    def register_cell(self, cell: Any, seed: int, readout: Readout | None = None) -> None:
        """Use ``cell`` (e.g. one saved in a session file) whenever the controls ask for it.

        The cell is found when the session's cell kind (or compare mode) includes
        ``cell.kind``, the sequence's input size is ``cell.input_size``, and hidden size,
        ``seed`` and the RNN nonlinearity match, with no ρ rescaling and no forget bias.
        Changing any of those controls shows a fresh random cell again; setting them back
        brings this one back. Call :meth:`apply_demo` afterwards to show it. With a
        ``readout``, the Outputs come from it instead of the untrained readout. To show a
        trained :class:`~rnn_studio.engine.model.Model` on any text it can read, use
        :meth:`show_trained`.
        """
        kind = str(cell.kind)
        _check_choice("cell kind", kind, CELL_KINDS)
        if readout is not None and readout.hidden_size != int(cell.hidden_size):
            raise ValueError(
                f"the readout reads {readout.hidden_size} hidden units, the cell has "
                f"{cell.hidden_size}"
            )
        nonlinearity = str(getattr(cell, "nonlinearity", "tanh")) if kind == "rnn" else "tanh"
        key = (kind, int(cell.input_size), int(cell.hidden_size), int(seed), nonlinearity)
        with np.errstate(all="ignore"):
            rho = float(engine.spectral_radius(cell))
        self._pinned[(*key, None, None)] = (cell, rho, readout)

    def load_trained(self, models: Mapping[str, Any], *, seed: int = 0) -> None:
        """Put trained models in the studio without changing the controls.

        Parameters
        ----------
        models : mapping of str to Model
            One trained :class:`~rnn_studio.engine.model.Model` per cell kind (its
            ``kind``), all with the same hidden size (at most 256).
        seed : int
            The studio seed the trained models are shown under.

        Raises
        ------
        TrainedModelError
            No model, a kind that is not its model's, or sizes the studio cannot show;
            nothing changes.
        """
        entries = {}
        if not models:
            raise TrainedModelError("Open at least one trained model.")
        for kind, model in models.items():
            if not isinstance(model, Model):
                raise TrainedModelError(f"{kind}: expected a trained Model, got {model!r}")
            if kind not in CELL_KINDS or model.kind != kind:
                raise TrainedModelError(f"The model filed as {kind!r} is not one of {CELL_KINDS}.")
            entries[kind] = TrainedEntry.of(model)
        if len({entry.model.hidden_size for entry in entries.values()}) != 1:
            raise TrainedModelError("Compared models must have the same hidden size.")
        if next(iter(entries.values())).model.hidden_size > MAX_HIDDEN_SIZE:
            raise TrainedModelError(f"The studio shows at most {MAX_HIDDEN_SIZE} hidden units.")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TrainedModelError(f"seed must be a whole number, got {seed!r}")
        self._trained = entries
        self._trained_seed = int(seed)

    def show_trained(
        self,
        models: Mapping[str, Any],
        text: str,
        mode: str,
        *,
        seed: int = 0,
        backprop: bool = False,
    ) -> None:
        """Step through ``text`` with the trained ``models``: their weights and readouts.

        Parameters
        ----------
        models : mapping of str to Model
            One model (the studio shows that cell) or an RNN, LSTM and GRU with one hidden
            size (the studio compares them).
        text, mode :
            The sequence and how to read it (``"chars"``, ``"words"`` or ``"numbers"``).
        seed : int
            The studio seed the trained models are filed under (see the module docstring
            for what changing a control afterwards does).
        backprop : bool
            Also backpropagate from the last step.

        Raises
        ------
        TrainedModelError
            The models cannot read ``text`` or do not fit the studio; nothing changes.
        """
        kinds = tuple(models)
        if kinds not in (("rnn",), ("lstm",), ("gru",), ("rnn", "lstm", "gru")):
            raise TrainedModelError(f"Open one model or an RNN, LSTM and GRU, not {kinds}.")
        try:
            sequence = encode_sequence(text, mode)
            for model in models.values():
                studio_cell(model, sequence)
        except (SequenceError, engine.EngineError) as error:
            raise TrainedModelError(str(error)) from None
        previous = (self._trained, self._trained_seed)
        self.load_trained(models, seed=seed)
        first = next(iter(models.values()))
        nonlinearity = models["rnn"].nonlinearity if "rnn" in models else "tanh"
        try:
            setup = DemoSetup(
                text=text,
                mode=mode,
                cell=kinds[0] if len(kinds) == 1 else "compare",
                hidden_size=first.hidden_size,
                seed=seed,
                nonlinearity=nonlinearity,
                cursor=-1,
                backprop=backprop,
            )
        except ValueError as error:
            self._trained, self._trained_seed = previous
            raise TrainedModelError(str(error)) from None
        self.apply_demo(setup, keep_trained=True)

    @property
    def busy(self) -> bool:
        """True while a computation handed to the executor has not come back."""
        return self._in_flight > 0

    def _recompute(self, cursor: int, announce: bool, with_run: bool = True) -> None:
        self._generation += 1
        if with_run or self._run is None:
            try:
                sequence = encode_sequence(self._text, self._mode)
            except SequenceError as problem:
                self._set_error(str(problem), announce)
                return
        else:
            sequence = self._run.sequence
        request = _Request(
            generation=self._generation,
            sequence=sequence,
            previous=None if with_run else self._run,
            kinds=CELL_KINDS if self._cell_kind == "compare" else (self._cell_kind,),
            cell_key=self._cell_key_base(),
            backprop=self._backprop,
            loss_step=self._loss_step,
            clip=self._clip,
            cursor=cursor,
            announce=announce,
        )
        cells = _CellStore(self._cells, dict(self._pinned), self._matching_trained())

        def work() -> _Outcome:
            if request.generation != self._generation:
                return _Outcome(request, error="superseded")  # dropped by _commit
            return _compute(request, cells)

        self._in_flight += 1
        self._executor(work, self._commit, request.cost())

    def _commit(self, outcome: _Outcome) -> None:
        self._in_flight -= 1
        request = outcome.request
        if request.generation != self._generation:
            return  # a newer change superseded this one
        announce = request.announce
        if outcome.error:
            self._set_error(outcome.error, announce)
            return
        run = outcome.run
        assert run is not None
        new_run = run is not self._run
        self._run = run
        last = len(run) - 1
        cursor_moved = False
        if new_run:
            target = last if request.cursor < 0 else min(request.cursor, last)
            cursor_moved = target != self._cursor
            self._cursor = target
            self._set_error("", announce)
            self._set_warning(_overflow_message(run), announce)
        if new_run and announce:
            self.trace_changed.emit(run)
            self.cursor_changed.emit(self._cursor)
        elif cursor_moved and announce:
            self.cursor_changed.emit(self._cursor)
        if outcome.gradients is not None or self._gradients is not None:
            self._gradients = outcome.gradients
            if announce:
                self.gradients_changed.emit(self.gradients)
        for job in outcome.jacobian_jobs:
            self._in_flight += 1
            self._executor(
                functools.partial(self._run_job, job),
                functools.partial(self._attach_jacobian, job),
                job.cost,
            )

    def _run_job(self, job: JacobianJob) -> np.ndarray | None:
        return job.run() if job.generation == self._generation else None

    def _attach_jacobian(self, job: JacobianJob, norms: np.ndarray | None) -> None:
        self._in_flight -= 1
        if norms is None or job.generation != self._generation or self._gradients is None:
            return
        report = self._gradients.get(job.kind)
        if report is not None:
            self._gradients[job.kind] = report.with_jacobian(norms)
            self.gradients_changed.emit(self.gradients)

    def _update_gradients(self) -> None:
        self._recompute(cursor=self._cursor, announce=True, with_run=False)

    def _matching_trained(self) -> MappingProxyType[str, TrainedEntry]:
        """The trained models whose controls match the current ones (shown when computing)."""
        key = self._cell_key_base()
        return MappingProxyType(
            {
                kind: entry
                for kind, entry in self._trained.items()
                if not entry.mismatches(key, self._trained_seed)
            }
        )

    def _cell_key_base(self) -> tuple[Any, ...]:
        return (
            self._hidden_size,
            self._seed,
            self._nonlinearity,
            self._spectral_radius,
            self._forget_bias,
        )

    def _set_error(self, message: str, announce: bool) -> None:
        if message != self._error:
            self._error = message
            if announce:
                self.error_changed.emit(message)

    def _set_warning(self, message: str, announce: bool) -> None:
        if message != self._warning:
            self._warning = message
            if announce:
                self.warning_changed.emit(message)


Executor = Callable[[Callable[[], Any], Callable[[Any], None], float], None]


def run_inline(work: Callable[[], Any], done: Callable[[Any], None], cost: float) -> None:
    """The default executor: compute now, on this thread."""
    done(work())


@dataclass(frozen=True, eq=False)
class _Request:
    """Everything one computation needs, copied so a worker thread can run it."""

    generation: int
    sequence: EncodedSequence
    previous: Run | None
    kinds: tuple[str, ...]
    cell_key: tuple[Any, ...]
    backprop: bool
    loss_step: int
    clip: float | None
    cursor: int
    announce: bool

    def cost(self) -> float:
        """Rough multiply-adds: forward (and backward) over T steps, G·H² each, per cell."""
        size = self.cell_key[0]
        passes = (0 if self.previous is not None else 1) + (2 if self.backprop else 0)
        gates = sum({"rnn": 1, "lstm": 4, "gru": 3}[kind] for kind in self.kinds)
        return float(len(self.sequence)) * gates * size * (size + 8) * max(passes, 1)


@dataclass(frozen=True, eq=False)
class _Outcome:
    request: _Request
    run: Run | None = None
    gradients: dict[str, GradientReport] | None = None
    jacobian_jobs: tuple[JacobianJob, ...] = ()
    error: str = ""


@dataclass(frozen=True, eq=False)
class _CellStore:
    """Recently built cells (evicted oldest first), registered cells (never evicted) and the
    trained models that match the controls."""

    recent: dict[tuple[Any, ...], tuple[Any, float]]
    pinned: dict[tuple[Any, ...], tuple[Any, float, Readout | None]]
    trained: MappingProxyType[str, TrainedEntry]


def _compute(request: _Request, cells: _CellStore) -> _Outcome:
    """Compute a run (unless reused) and its gradients; never raises for bad numbers."""
    try:
        run = request.previous
        if run is None:
            computed = {kind: _compute_cell(kind, request, cells) for kind in request.kinds}
            run = Run(sequence=request.sequence, cells=MappingProxyType(computed))
        if not request.backprop:
            return _Outcome(request, run)
        inputs = run.sequence.inputs
        last = len(run) - 1
        loss_step = last if request.loss_step < 0 else min(request.loss_step, last)
        gradients: dict[str, GradientReport] = {}
        jobs = []
        for kind, cell_run in run.cells.items():
            report, pending = backprop_report(
                cell_run.cell, inputs, loss_step, request.clip, cell_run.spectral_radius
            )
            gradients[kind] = report
            if pending:
                jobs.append(
                    JacobianJob(
                        request.generation,
                        kind,
                        cell_run.cell,
                        inputs[: loss_step + 1],
                        len(inputs),
                        jacobian_cost(cell_run.cell, loss_step + 1),
                    )
                )
        return _Outcome(request, run, gradients, tuple(jobs))
    except TrainedModelError as problem:
        return _Outcome(request, error=f"{problem} (Reset shows a fresh random model instead.)")
    except engine.EngineError as problem:
        return _Outcome(request, error=str(problem))


def _compute_cell(kind: str, request: _Request, cells: _CellStore) -> CellRun:
    sequence = request.sequence
    trained = cells.trained.get(kind)
    if trained is not None:
        cell = studio_cell(trained.model, sequence)
        rho, readout = trained.spectral_radius, trained.readout
    else:
        cell, rho, readout = _make_cell(kind, sequence.input_size, request.cell_key, cells)
    with np.errstate(all="ignore"):
        trace = engine.forward(cell, sequence.inputs)
    hidden = np.asarray(trace.hidden)
    if readout is not None and _readout_fits(readout, sequence):
        outputs = readout.outputs(hidden)
    else:
        outputs = compute_outputs(hidden, sequence, request.cell_key[1])
    return CellRun(
        kind=kind,
        cell=cell,
        trace=trace,
        spectral_radius=rho,
        outputs=outputs,
        first_nonfinite_step=_first_nonfinite_step(trace),
    )


def _readout_fits(readout: Readout, sequence: EncodedSequence) -> bool:
    """A value readout reads numbers, a token or class readout reads text."""
    return (readout.kind == "values") == sequence.is_numeric


def _make_cell(
    kind: str,
    input_size: int,
    cell_key: tuple[Any, ...],
    store: _CellStore,
) -> tuple[Any, float, Readout | None]:
    """Build (or reuse) the cell and its ρ: eigenvalues cost ~30 ms at hidden 256."""
    hidden_size, seed, nonlinearity, rho_target, forget_bias = cell_key
    if kind != "rnn":
        nonlinearity = "tanh"
    if kind != "lstm":
        forget_bias = None
    key = (kind, input_size, hidden_size, seed, nonlinearity, rho_target, forget_bias)
    if key in store.pinned:
        return store.pinned[key]
    cells = store.recent
    cached = cells.pop(key, None)
    if cached is None:
        cell = recipe.studio_cell(
            kind,
            input_size,
            hidden_size,
            seed,
            nonlinearity=nonlinearity,
            spectral_radius=rho_target,
            forget_bias=forget_bias,
        )
        with np.errstate(all="ignore"):
            cached = (cell, float(engine.spectral_radius(cell)))
    cells[key] = cached  # most recently used last
    while len(cells) > CELL_CACHE_SIZE:
        cells.pop(next(iter(cells)))
    return (*cached, None)


def _first_nonfinite_step(trace: Any) -> int | None:
    states = [np.asarray(trace.hidden)]
    if getattr(trace, "cell_state", None) is not None:
        states.append(np.asarray(trace.cell_state))
    bad = np.zeros(len(states[0]), dtype=bool)
    for state in states:
        bad |= ~np.isfinite(state.reshape(len(state), -1)).all(axis=1)
    return int(np.argmax(bad)) if bad.any() else None


def _overflow_message(run: Run) -> str:
    for kind, cell_run in run.cells.items():
        step = cell_run.first_nonfinite_step
        if step is not None:
            return (
                f"The {kind.upper()}'s hidden state overflowed to infinity at step {step}: "
                f"with ρ(W_hh) = {cell_run.spectral_radius:.3g} each step multiplies it, and "
                "past about 1e308 the computer cannot hold the number. Lower the spectral "
                "radius or use tanh."
            )
    return ""


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")


def _optional_float(name: str, value: object, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"{name} must be a number or None, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(f"{name} must be from {low:g} to {high:g}, got {value!r}")
    return number
