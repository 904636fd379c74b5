"""The studio session: everything the studio window shows, with no Qt in sight.

A :class:`StudioSession` holds the learner's choices (sequence, reading mode, cell, sizes,
seed, spectral radius, forget bias, layers and directions, cursor, loss step, clipping) and the
results computed from them (a :class:`Run` with one trace per cell, plus every layer's and
direction's states when there are more, and the gradient reports after backprop). Every
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
``jacobian_changed(kinds)``
    More of the exact ‖∂h_L/∂h_t‖ curves of these cells (a tuple of kinds) is in
    :attr:`gradients`: a costly curve is computed from the loss step back, a block of steps
    at a time, and published as it grows (``report.jacobian_complete`` once finished).
``radii_changed(run)``
    The pending ρ(W_hh) of the run's cells (``CellRun.spectral_radius`` None: a new seed with
    no ρ asked) were solved: :attr:`run` is the same run with them filled in. They come
    after the run and its gradients, so those do not wait for the eigenvalue problems.

Trained models (:meth:`StudioSession.show_trained`): the session computes with the trained
weights and the model's own readout whenever the controls match the trained model (its cell,
hidden size, nonlinearity, the seed it was opened under, no ρ rescaling, no forget bias).
Changing one of those shows a fresh random cell with the untrained readout, and
:attr:`StudioSession.trained_note` says so and how to get the trained model back; setting the
controls back shows it again. A demo (:meth:`StudioSession.apply_demo`) or Reset puts the
trained model away. Typing a text keeps it, as long as it knows every token.

The session is a facade over modules that each do one job and read on their own:
:mod:`~rnn_studio.state.controls` (the choices and their checks, DemoSetup's rules),
:mod:`~rnn_studio.state.compute` (from controls to a run and gradients, off the UI thread if
the executor says so), :mod:`~rnn_studio.state.cell_cache` (built and registered cells),
:mod:`~rnn_studio.state.trained_match` (which trained model the controls show) and
:mod:`~rnn_studio.state.cursor` (where the cursor lands).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from rnn_studio import engine
from rnn_studio.state import cursor as steps
from rnn_studio.state.cell_cache import CELL_CACHE_SIZE, CellCache
from rnn_studio.state.compute import (
    EARLY_TRACE_COST,
    CellRun,
    ComputeRequest,
    Executor,
    Outcome,
    Post,
    Run,
    compute_gradients,
    compute_run,
    neighbour_radii,
    overflow_message,
    pending_radii,
    post_now,
    run_inline,
    staged_first,
)
from rnn_studio.state.controls import CELL_KINDS, Controls
from rnn_studio.state.events import Signal
from rnn_studio.state.gradients import GradientReport, JacobianProgress, run_jacobian_jobs
from rnn_studio.state.sequence import SequenceError, encode_sequence
from rnn_studio.state.trained_adapter import Readout, TrainedModelError, trained_cell
from rnn_studio.state.trained_match import TrainedModels, with_untrained_readouts
from rnn_studio.studio_core.demo import DemoSetup

__all__ = [
    "CELL_CACHE_SIZE",
    "CELL_KINDS",
    "DEFAULT_SETUP",
    "CellRun",
    "Executor",
    "Run",
    "StudioSession",
    "run_inline",
]

DEFAULT_SETUP = DemoSetup(text="not bad", mode="words", cell="rnn", hidden_size=8, cursor=0)


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
        self.jacobian_changed = Signal("jacobian_changed")
        self.radii_changed = Signal("radii_changed")
        setup = setup or DEFAULT_SETUP
        self._controls = Controls.from_setup(setup)
        self._view_cell = "rnn"
        self._run: Run | None = None
        self._gradients: dict[str, GradientReport] | None = None
        self._error = ""
        self._warning = ""
        self._cursor = 0
        self._generation = 0
        self._partial: int | None = None  # generation whose run on screen is partial
        self._in_flight = 0
        self._executor: Executor = run_inline
        self._post: Post = post_now
        self._cells = CellCache()
        self._trained = TrainedModels()
        self._bundled: dict[str, str] = {}  # kind -> name of the bundled model shown
        self._bundled_family: str | None = None
        self._follow_cell_kind()
        self._recompute(cursor=setup.cursor, announce=False)

    # ----------------------------------------------------------------- read-only state
    @property
    def text(self) -> str:
        """The sequence as typed (may be invalid: see :attr:`error`)."""
        return self._controls.text

    @property
    def mode(self) -> str:
        """How the text is read: ``"chars"``, ``"words"`` or ``"numbers"``."""
        return self._controls.mode

    @property
    def cell_kind(self) -> str:
        """``"rnn"``, ``"lstm"``, ``"gru"`` or ``"compare"`` (all three)."""
        return self._controls.cell

    @property
    def hidden_size(self) -> int:
        """Hidden units per cell, 1 to 256."""
        return self._controls.hidden_size

    @property
    def seed(self) -> int:
        """Seed of the weights: the same seed gives the same demo."""
        return self._controls.seed

    @property
    def nonlinearity(self) -> str:
        """The vanilla RNN's activation, ``"tanh"`` or ``"relu"``."""
        return self._controls.nonlinearity

    @property
    def spectral_radius(self) -> float | None:
        """Requested ρ(W_hh), or None to keep the initialisation."""
        return self._controls.spectral_radius

    @property
    def forget_bias(self) -> float | None:
        """Added to the LSTM forget-gate bias ``b_if``, or None to keep the initialisation."""
        return self._controls.forget_bias

    @property
    def recurrent(self) -> str:
        """The vanilla RNN's W_hh: ``"random"`` (seeded) or the surprise demo's ``"non-normal"``
        (Reset goes back to random)."""
        return self._controls.recurrent

    @property
    def num_layers(self) -> int:
        """Stacked layers (1 or 2); the extra rows are in ``shown.stack_trace``."""
        return self._controls.num_layers

    @property
    def bidirectional(self) -> bool:
        """True when every layer also runs over the reversed sequence."""
        return self._controls.bidirectional

    @property
    def loss_step(self) -> int:
        """Requested loss step (0-based), -1 for the last step."""
        return self._controls.loss_step

    @property
    def clip(self) -> float | None:
        """Gradient-clipping threshold, None when clipping is off."""
        return self._controls.clip

    @property
    def backprop_enabled(self) -> bool:
        """True once Backprop was pressed: gradients follow every change until cleared."""
        return self._controls.backprop

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
        return self._trained.models

    @property
    def trained_seed(self) -> int:
        """The studio seed the trained models are shown under."""
        return self._trained.seed

    @property
    def shows_trained(self) -> bool:
        """True when the cell the single-cell views show is a trained model's."""
        shown = self.shown
        return shown is not None and shown.kind in self._trained.entries and shown.outputs.trained

    @property
    def trained_note(self) -> str:
        """One sentence on the trained model, "" when none is loaded.

        Says whether the studio shows the trained weights and readout, or a fresh random
        cell because a control no longer matches (naming the control and the trained value).
        """
        shown = self.shown
        kind = self._view_cell if shown is None else shown.kind
        return self._trained.note(
            kind, on_show=self.shows_trained, cell_key=self._controls.cell_key
        )

    @property
    def length(self) -> int:
        """Number of steps in the last valid run (0 before any)."""
        return 0 if self._run is None else len(self._run)

    @property
    def resolved_loss_step(self) -> int:
        """The loss step as an index into the current run."""
        return steps.resolved_loss_step(self._controls.loss_step, self.length)

    @property
    def at_end(self) -> bool:
        """True when the cursor is on the last step."""
        return steps.at_end(self._cursor, self.length)

    @property
    def run_partial(self) -> bool:
        """True while the run on screen holds only the cell on view (compare mode at costly
        sizes: its trace is drawn first; the other cells come with the gradients)."""
        return self._partial is not None and self._partial == self._generation

    @property
    def busy(self) -> bool:
        """True while a computation handed to the executor has not come back."""
        return self._in_flight > 0

    # ------------------------------------------------------------------------ setters
    def set_sequence(self, text: str, mode: str | None = None) -> None:
        """Set the text (and optionally the reading mode) and recompute."""
        changes: dict[str, Any] = {"text": str(text)}
        if mode is not None:
            changes["mode"] = mode
        self._set(**changes)

    def set_text(self, text: str) -> None:
        """Set the text and recompute."""
        self.set_sequence(text)

    def set_mode(self, mode: str) -> None:
        """Read the text as ``"chars"``, ``"words"`` or ``"numbers"`` and recompute."""
        self.set_sequence(self.text, mode)

    def set_cell_kind(self, kind: str) -> None:
        """Show ``"rnn"``, ``"lstm"``, ``"gru"`` or ``"compare"`` (all three, same seed)."""
        self._controls = self._controls.changed(cell=kind)
        self._follow_cell_kind()
        self._changed()

    def set_view_cell(self, kind: str) -> None:
        """In compare mode, show ``kind`` ("rnn", "lstm" or "gru") in the single-cell views."""
        if kind not in CELL_KINDS:
            raise ValueError(f"view cell must be one of {', '.join(CELL_KINDS)}, got {kind!r}")
        if self.cell_kind != "compare" and kind != self.cell_kind:
            raise ValueError(f"only the {self.cell_kind.upper()} is computed; use compare mode")
        if kind != self._view_cell:
            self._view_cell = kind
            self.view_cell_changed.emit(kind)

    def set_hidden_size(self, size: int) -> None:
        """Set the hidden units per cell (1 to 256) and recompute."""
        self._set(hidden_size=size)

    def set_seed(self, seed: int) -> None:
        """Set the weight seed (0 to 2**32 - 1) and recompute."""
        self._set(seed=seed)

    def set_nonlinearity(self, name: str) -> None:
        """Set the vanilla RNN's activation (``"tanh"`` or ``"relu"``) and recompute."""
        self._set(nonlinearity=name)

    def set_spectral_radius(self, rho: float | None) -> None:
        """Rescale W_hh to spectral radius ``rho`` (0 to 10), or None for the initialisation."""
        self._set(spectral_radius=rho)

    def set_forget_bias(self, bias: float | None) -> None:
        """Add ``bias`` (−20 to 20) to the LSTM forget-gate bias, or None for none."""
        self._set(forget_bias=bias)

    def set_num_layers(self, layers: int) -> None:
        """Stack 1 or 2 layers (layer 2 reads layer 1's states) and recompute."""
        self._set(num_layers=layers)

    def set_bidirectional(self, on: bool) -> None:
        """Also run every layer over the reversed sequence (or stop) and recompute."""
        self._set(bidirectional=on)

    def set_cursor(self, t: int) -> None:
        """Move to step ``t``, clamped to the run; -1 means the last step."""
        if self._run is None:
            return
        target = steps.clamp_step(t, len(self._run))
        if target != self._cursor:
            self._cursor = target
            self.cursor_changed.emit(target)

    def step_forward(self) -> None:
        """Advance one step (stays at the end)."""
        self.set_cursor(steps.step_forward(self._cursor, self.length))

    def step_back(self) -> None:
        """Go back one step (stays at the start)."""
        self.set_cursor(steps.step_back(self._cursor))

    def go_to_start(self) -> None:
        """Jump to the first step."""
        self.set_cursor(0)

    def go_to_end(self) -> None:
        """Jump to the last step."""
        self.set_cursor(-1)

    def set_loss_step(self, t: int) -> None:
        """Put the loss at step ``t`` (0-based; -1 for the last step)."""
        self._set_backprop_control(loss_step=t)

    def set_clip(self, threshold: float | None) -> None:
        """Clip each step's gradient to norm ``threshold`` (> 0), or None to turn it off."""
        self._set_backprop_control(clip=threshold)

    def backprop(self) -> None:
        """Run backpropagation through time from the loss step (and keep it on)."""
        self._controls = self._controls.changed(backprop=True)
        self.controls_changed.emit()
        self._update_gradients()

    def clear_gradients(self) -> None:
        """Turn backprop off and clear the gradient views."""
        self._controls = self._controls.changed(backprop=False)
        self.controls_changed.emit()
        self._update_gradients()

    def reset(self) -> None:
        """Put the model controls back to their defaults, keeping the sequence.

        A trained model (:meth:`show_trained`) is put away: Reset shows a fresh random cell.
        """
        self._trained.clear()
        self._forget_bundled()
        self._controls = self._controls.reset_model()
        self._changed(cursor=0)

    def apply_demo(self, setup: DemoSetup, *, keep_trained: bool = False) -> None:
        """Set everything from ``setup`` with one recompute, then announce ``demo_applied``.

        A setup with a ``model`` shows that bundled trained model (or RNN, LSTM and GRU
        family) with its weights and readout, filed under the setup's seed, so the weights
        switch can compare it with random weights. Any other demo shows random weights, so
        a trained model is put away unless ``keep_trained`` (used when reopening a saved
        session).

        Raises
        ------
        TrainedModelError
            The bundled model cannot be read or cannot read the setup's text (the message
            names the tokens); nothing changes.
        """
        if not isinstance(setup, DemoSetup):
            raise TypeError(f"apply_demo needs a DemoSetup, got {type(setup).__name__}")
        if setup.model is not None:
            self._load_bundled(setup)
        elif not keep_trained:
            self._trained.clear()
            self._forget_bundled()
        self._controls = Controls.from_setup(setup)
        self._follow_cell_kind()
        self.controls_changed.emit()
        self._recompute(cursor=setup.cursor, announce=True)
        self.demo_applied.emit(setup)

    def to_setup(self) -> DemoSetup:
        """Return the current controls as a :class:`DemoSetup` (for scenes and links).

        While every cell on show is a bundled model opened by a setup's ``model``, the
        setup names it, so a scene made from it shows the trained weights again.
        """
        setup = self._controls.to_setup(self._cursor)
        kinds = self._controls.kinds
        run = self._run
        if not self._bundled or run is None or not all(kind in self._bundled for kind in kinds):
            return setup
        if not all(run.cells[kind].outputs.trained for kind in kinds if kind in run.cells):
            return setup
        if len(kinds) > 1 and self._bundled_family is None:
            return setup
        name = self._bundled[kinds[0]] if len(kinds) == 1 else self._bundled_family
        try:
            return DemoSetup(**{**setup.to_dict(), "model": name})
        except ValueError:  # e.g. a text it cannot read: the random set-up is the honest one
            return setup

    def set_executor(self, executor: Executor | None) -> None:
        """Choose how computations run: ``executor(work, done, cost)``.

        ``work()`` computes (it touches no session state that views read) and ``done(result)``
        must then be called on the session's thread. ``cost`` estimates the work in
        multiply-adds so an executor can run cheap work inline and costly work on a worker
        thread. None (the default) runs everything inline, at once.

        An executor that runs ``work`` on another thread must also have a method
        ``post(callback, value)`` that calls ``callback(value)`` on the session's thread,
        in the order posted: the work posts the traces, then the gradients, then the
        Jacobian curves as they grow (:data:`~rnn_studio.state.compute.Post`). Work that
        a newer change superseded stops at its next look (between cells, per block of
        steps inside a pass, and between blocks of Jacobian steps) and posts nothing more.
        """
        self._executor = executor or run_inline
        self._post = getattr(executor, "post", post_now)

    def stop_work(self) -> None:
        """Stop the computation in progress at its next look and drop what it would post
        (when the window closes). The controls and what is on screen stay as they are."""
        self._generation += 1

    # ---------------------------------------------------------------- cells and models
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
        self._cells.register(cell, seed, readout)

    def forget_registered_cells(self) -> None:
        """Forget the cells :meth:`register_cell` kept (a session file's weights).

        Opening another file, a scene or a new session calls it, so an opened file's
        weights are released and never shown for a later set-up that only happens to have
        the same cell, sizes and seed.
        """
        self._cells.forget_registered()

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
        self._trained.load(models, seed=seed)
        self._forget_bundled()

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
                trained_cell(model, sequence)
        except (SequenceError, engine.EngineError) as error:
            raise TrainedModelError(str(error)) from None
        previous = (self._trained.entries, self._trained.seed)
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
            self._trained.restore(*previous)
            raise TrainedModelError(str(error)) from None
        self.apply_demo(setup, keep_trained=True)

    # ---------------------------------------------------------------------- internals
    def _load_bundled(self, setup: DemoSetup) -> None:
        """Put the bundled model(s) ``setup.model`` names in the studio under its seed."""
        from rnn_studio.zoo import ZooError, load_zoo_model

        try:
            models = {}
            for name in setup.model_names:
                model = load_zoo_model(name)
                models[model.kind] = model
            sequence = encode_sequence(setup.text, setup.mode)
            for model in models.values():
                trained_cell(model, sequence)
        except (ZooError, SequenceError, engine.EngineError, TrainedModelError) as error:
            raise TrainedModelError(f"{setup.model}: {error}") from None
        self.load_trained(models, seed=setup.seed)
        self._bundled = dict(zip(models, setup.model_names, strict=True))
        self._bundled_family = setup.model if setup.cell == "compare" else None

    def _forget_bundled(self) -> None:
        self._bundled = {}
        self._bundled_family = None

    def _set(self, **values: Any) -> None:
        """Check and set model controls, then recompute the run."""
        self._controls = self._controls.changed(**values)
        self._changed()

    def _set_backprop_control(self, **values: Any) -> None:
        """Check and set a backprop control; only the gradients are recomputed."""
        self._controls = self._controls.changed(**values)
        self.controls_changed.emit()
        if self._controls.backprop:
            self._update_gradients()

    def _follow_cell_kind(self) -> None:
        if self.cell_kind != "compare":
            kind = self.cell_kind
        else:
            # Show a gated cell first in compare mode, so the gates panel has something.
            kind = self._view_cell if self._view_cell != "rnn" else "lstm"
        if kind != self._view_cell:
            self._view_cell = kind
            self.view_cell_changed.emit(kind)

    def _changed(self, cursor: int | None = None) -> None:
        self.controls_changed.emit()
        if cursor is None:
            cursor = -1 if self._run is not None and self.at_end else self._cursor
        self._recompute(cursor=cursor, announce=True)

    def _update_gradients(self) -> None:
        self._recompute(cursor=self._cursor, announce=True, with_run=False)

    def _recompute(self, cursor: int, announce: bool, with_run: bool = True) -> None:
        self._generation += 1
        controls = self._controls
        previous = None if self._run is None else self._run.sequence
        if previous is not None and (previous.text, previous.mode) == (
            controls.text,
            controls.mode,
        ):
            sequence = previous  # the same text read the same way (~15 ms at 1,000 numbers)
        elif with_run or self._run is None:
            try:
                sequence = encode_sequence(controls.text, controls.mode)
            except SequenceError as problem:
                self._set_error(str(problem), announce)
                return
        else:
            sequence = self._run.sequence
        request = ComputeRequest(
            generation=self._generation,
            sequence=sequence,
            previous=None if with_run else self._run,
            kinds=controls.kinds,
            cell_key=controls.cell_key,
            backprop=controls.backprop,
            loss_step=controls.loss_step,
            clip=controls.clip,
            cursor=cursor,
            announce=announce,
            num_layers=controls.num_layers,
            bidirectional=controls.bidirectional,
            # What is on screen, for the cells this change leaves alone (copied: the curves
            # in progress are attached to self._gradients on this thread).
            shown=self._run if with_run else None,
            shown_gradients=dict(self._gradients) if with_run and self._gradients else None,
            # Compare mode: the cell on view first, so its trace is drawn sooner.
            first=self._view_cell if self._view_cell in controls.kinds else None,
        )
        cells = self._cells.snapshot()
        trained = self._trained.matching(controls.cell_key)
        untrained = self._trained.untrained_readouts(controls.cell_key)
        generation, post = request.generation, self._post

        def cancelled() -> bool:
            # Asked between cells, per block of steps inside the forward and backward
            # passes, per eigenvalue problem and between blocks of Jacobian steps: a newer
            # change stops this work there, so it never waits behind stale work for long.
            return self._generation != generation

        def post_radii(run: Run | None) -> bool:
            # A new seed's ρ with no ρ asked: solved once its run and gradients are on
            # screen (the views say "pending" meanwhile). False when a newer change stopped it.
            if run is None or not run.radii_pending:
                return True
            radii = pending_radii(request, run, cells, cancelled)
            if radii is None:
                return False
            post(self._commit_radii, (generation, radii))
            return True

        def work() -> None:
            if cancelled():
                return
            first: CellRun | None = None
            if staged_first(request):
                assert request.first is not None
                part = compute_run(request, cells, trained, cancelled, kinds=(request.first,))
                if part is None:
                    return
                part = with_untrained_readouts(part, untrained)
                if part.error:
                    post(self._commit, part)
                    return
                assert part.run is not None
                first = part.run.cells[request.first]
                post(self._commit, replace(part, partial=True))  # the cell on view, drawn now
            computed = {} if first is None else {first.kind: first}
            outcome = compute_run(request, cells, trained, cancelled, computed=computed)
            if outcome is None:
                return
            outcome = with_untrained_readouts(outcome, untrained)
            if first is not None and outcome.run is not None:  # the very cell run on screen
                outcome = replace(outcome, run=outcome.run.with_cell_run(first))
            if outcome.error or not request.backprop:
                post(self._commit, outcome)
                if post_radii(outcome.run) and not outcome.error and not cancelled():
                    neighbour_radii(request, cells, cancelled)
                return
            assert outcome.run is not None
            early = request.previous is None and request.cost() >= EARLY_TRACE_COST
            if early and first is None:
                post(self._commit, outcome)  # the traces on screen before the gradients
            outcome = compute_gradients(request, outcome.run, cancelled)
            if outcome is None:
                return
            post(self._commit, outcome)
            if not post_radii(outcome.run):
                return
            if outcome.jacobian_jobs:
                run_jacobian_jobs(
                    outcome.jacobian_jobs,
                    cancelled,
                    lambda progress: post(self._attach_jacobians, (generation, progress)),
                )
            if not cancelled():  # idle otherwise: the next seed's ρ, for the seed box's arrows
                neighbour_radii(request, cells, cancelled)

        self._in_flight += 1
        self._executor(work, self._work_done, request.cost())

    def _work_done(self, _: object) -> None:
        self._in_flight -= 1

    def _commit(self, outcome: Outcome) -> None:
        request = outcome.request
        if request.generation != self._generation:
            return  # a newer change superseded this one
        announce = request.announce
        if outcome.error:
            self._set_error(outcome.error, announce)
            return
        run = outcome.run
        assert run is not None
        if self._completes_partial(outcome):
            # The rest of a run whose cell on view is on screen already: no new trace
            # (unless the view moved to another cell meanwhile).
            shown = self.shown
            self._run, self._partial = run, None
            self._set_warning(overflow_message(run), announce)
            if announce and self.shown is not shown:
                self.trace_changed.emit(run)
            self._commit_gradients(outcome)
            return
        self._partial = request.generation if outcome.partial else None
        new_run = run is not self._run
        self._run = run
        cursor_moved = False
        if new_run:
            target = steps.clamp_step(request.cursor, len(run))
            cursor_moved = target != self._cursor
            self._cursor = target
            self._set_error("", announce)
            self._set_warning(overflow_message(run), announce)
        if new_run and announce:
            self.trace_changed.emit(run)
            self.cursor_changed.emit(self._cursor)
        elif cursor_moved and announce:
            self.cursor_changed.emit(self._cursor)
        self._commit_gradients(outcome)

    def _completes_partial(self, outcome: Outcome) -> bool:
        """Whether ``outcome`` is the rest of the partial run on screen (same request)."""
        return (
            not outcome.partial
            and self._partial == outcome.request.generation
            and self._run is not None
            and outcome.run is not None
            and outcome.request.first is not None
            and outcome.run.cells.get(outcome.request.first)
            is self._run.cells.get(outcome.request.first)
        )

    def _commit_radii(self, update: tuple[int, dict[str, float]]) -> None:
        generation, radii = update
        if generation != self._generation or self._run is None or not radii:
            return
        self._run = self._run.with_radii(radii)
        if self._gradients is not None:  # the verdicts were judged while ρ was pending
            for kind, rho in radii.items():
                report = self._gradients.get(kind)
                if report is not None and report.verdict.spectral_radius is None:
                    self._gradients[kind] = report.with_spectral_radius(rho)
        self._set_warning(overflow_message(self._run), announce=True)
        self.radii_changed.emit(self._run)

    def _commit_gradients(self, outcome: Outcome) -> None:
        if outcome.gradients is not None or self._gradients is not None:
            self._gradients = outcome.gradients
            if outcome.request.announce:
                self.gradients_changed.emit(self.gradients)

    def _attach_jacobians(self, update: tuple[int, JacobianProgress]) -> None:
        generation, progress = update
        if generation != self._generation or self._gradients is None:
            return
        kinds = []
        for kind, (curve, complete) in progress.items():
            report = self._gradients.get(kind)
            if report is not None:
                self._gradients[kind] = report.with_jacobian(curve, complete)
                kinds.append(kind)
        if kinds:
            self.jacobian_changed.emit(tuple(kinds))

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
