"""The Train area's state, without Qt: what to train, the run in progress, and what it shows.

A :class:`TrainingSetup` holds the learner's choices (task, cell or all three, sizes,
optimiser, clipping, steps, seed) and builds the engine's task, models and trainers. A
:class:`TrainingJob` trains one model, or the RNN, LSTM and GRU side by side on the same task
and seed, one update each in turn so their curves grow together; it pauses, resumes and
stops between updates (:class:`rnn_studio.engine.train.TrainingControl`), so a stop returns
within one update and keeps every model as it is. :meth:`TrainingJob.snapshot` copies what
the plots draw and :func:`make_preview` makes the samples and predictions, so a view thread
never reads lists a worker thread is appending to.

::

    job = TrainingJob(TrainingSetup(task="memory", cell="compare", lag=20, steps=200))
    outcome = job.run(on_update=lambda: None)     # "finished", "stopped" or "diverged"
    job.snapshot().curves["lstm"].eval_metrics    # held-out accuracy over time
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from rnn_studio.engine.encoding import detokenize
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.model import Model, rollout, sample
from rnn_studio.engine.tasks import (
    FORECAST_SERIES,
    ForecastTask,
    MemoryTask,
    SentimentTask,
    Task,
    TextTask,
)
from rnn_studio.engine.train import (
    RECIPES,
    Trainer,
    TrainingConfig,
    TrainingControl,
    TrainingDivergedError,
)

TASK_CHOICES = ("text", "sentiment", "forecast", "memory")
CELL_KINDS = ("rnn", "lstm", "gru")
CELL_CHOICES = (*CELL_KINDS, "compare")
OPTIMIZER_CHOICES = ("adam", "sgd")
TEXT_MODES = ("chars", "words")
DTYPE_CHOICES = ("float64", "float32")
"""Training precisions: exact float64 (the default) or faster float32."""
#: Held-out evaluations per run (the held-out curve gets about this many points).
EVALUATIONS_PER_RUN = 30
#: Tokens sampled for the text preview.
SAMPLE_LENGTH = 160
#: Steps of the forecast preview: history read first, then the rollout.
FORECAST_HISTORY = 48
FORECAST_ROLLOUT = 48
#: Phrases the sentiment preview labels (negation flips the first three).
SENTIMENT_EXAMPLES = (
    "the film was not bad",
    "the food is not good",
    "this movie was really great",
    "the service was terrible",
)


class TrainingSetupError(ValueError):
    """A training choice the Train area cannot use; the message names the field."""


@dataclass(frozen=True)
class TrainingSetup:
    """Everything the learner chooses before pressing Start.

    Attributes
    ----------
    task : {"text", "sentiment", "forecast", "memory"}
    cell : {"rnn", "lstm", "gru", "compare"}
        One cell, or all three trained on the same task and seed.
    text : str
        The text the text task learns from.
    text_mode : {"chars", "words"}
        Predict the next character or the next word.
    series : {"sine", "sines", "walk"}
        Forecast task: a sine, a sum of sines with noise, or a price-like random walk.
    lag : int
        Memory task: L, steps between the symbol and the cue.
    memory_init : bool
        Memory task: start the LSTM's and GRU's gates in their long-memory setting
        (:data:`rnn_studio.engine.tasks.MEMORY_GATE_BIAS`); False uses the usual zero biases.
    hidden_size : int
    learning_rate : float
    optimizer : {"adam", "sgd"}
    batch_size : int
    bptt : int or None
        Truncated backpropagation window in steps; None for whole sequences.
    clip : float or None
        Gradient-norm clipping threshold; None turns clipping off.
    steps : int
        Updates per cell.
    seed : int
        Seeds the weights, the data and the batch order.
    dtype : {"float64", "float32"}
        Precision the model trains in. float32 is faster (about ×1.2–2.2 per update, most
        at large hidden sizes) and reaches the same final scores within tolerance
        (tests/engine/test_float32_training.py); float64 is exact to the engine's gradient
        checks. A float32 model opens in the studio in float64.
    """

    task: str = "sentiment"
    cell: str = "lstm"
    text: str = ""
    text_mode: str = "chars"
    series: str = "sine"
    lag: int = 10
    memory_init: bool = True
    hidden_size: int = 16
    learning_rate: float = 0.01
    optimizer: str = "adam"
    batch_size: int = 16
    bptt: int | None = None
    clip: float | None = 1.0
    steps: int = 300
    seed: int = 0
    dtype: str = "float64"

    def __post_init__(self) -> None:
        for name, choices in (
            ("task", TASK_CHOICES),
            ("dtype", DTYPE_CHOICES),
            ("cell", CELL_CHOICES),
            ("text_mode", TEXT_MODES),
            ("series", FORECAST_SERIES),
            ("optimizer", OPTIMIZER_CHOICES),
        ):
            if getattr(self, name) not in choices:
                raise TrainingSetupError(
                    f"{name} must be one of {', '.join(choices)}, got {getattr(self, name)!r}"
                )
        if self.task == "text" and not self.text.strip():
            raise TrainingSetupError("The text task needs a text: type one or pick the book.")
        for name in ("hidden_size", "batch_size", "steps"):
            _check_whole(name, getattr(self, name), 1)
        _check_whole("lag", self.lag, 0)
        if not isinstance(self.memory_init, bool):
            raise TrainingSetupError(f"memory_init must be True or False, got {self.memory_init!r}")
        _check_whole("seed", self.seed, 0)
        if self.bptt is not None:
            _check_whole("bptt", self.bptt, 1)
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise TrainingSetupError(f"learning rate must be above 0, got {self.learning_rate}")
        if self.clip is not None and not (math.isfinite(self.clip) and self.clip > 0):
            raise TrainingSetupError(f"clipping threshold must be above 0, got {self.clip}")

    @classmethod
    def recipe(cls, task: str, **changes: Any) -> TrainingSetup:
        """The engine's recipe for ``task`` (:data:`rnn_studio.engine.train.RECIPES`)."""
        if task not in RECIPES:
            raise TrainingSetupError(f"task must be one of {', '.join(TASK_CHOICES)}")
        recipe = RECIPES[task]
        settings: dict[str, Any] = {
            "task": task,
            "hidden_size": recipe.hidden_size,
            "steps": recipe.steps,
            "learning_rate": recipe.learning_rate,
            "batch_size": recipe.batch_size,
            "clip": recipe.clip,
            "optimizer": recipe.optimizer,
        }
        settings.update(changes)
        return cls(**settings)

    def with_changes(self, **changes: Any) -> TrainingSetup:
        """A validated copy with ``changes``."""
        return replace(self, **changes)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The cells to train: one, or all three in compare mode."""
        return CELL_KINDS if self.cell == "compare" else (self.cell,)

    def config(self) -> TrainingConfig:
        """The engine's :class:`TrainingConfig` for one cell."""
        return TrainingConfig(
            steps=self.steps,
            batch_size=self.batch_size,
            learning_rate=self.learning_rate,
            optimizer=self.optimizer,
            clip=self.clip,
            bptt=self.bptt,
            eval_every=max(1, self.steps // EVALUATIONS_PER_RUN),
            seed=self.seed,
        )

    def make_task(self) -> Task:
        """The engine task these choices describe (its data drawn from :attr:`seed`)."""
        try:
            if self.task == "text":
                return TextTask(self.text, self.text_mode)
            if self.task == "sentiment":
                return SentimentTask(seed=self.seed)
            if self.task == "forecast":
                return ForecastTask(self.series, seed=self.seed)
            return MemoryTask(lag=self.lag, seed=self.seed)
        except EngineError as error:
            raise TrainingSetupError(str(error)) from None

    def make_model(self, task: Task, kind: str) -> Model:
        """A fresh model for ``task``; every cell gets the same weight seed."""
        dtype = np.dtype(self.dtype)
        if isinstance(task, MemoryTask):
            return task.make_model(
                kind, self.hidden_size, seed=self.seed, memory_init=self.memory_init, dtype=dtype
            )
        return task.make_model(kind, self.hidden_size, seed=self.seed, dtype=dtype)


def _check_whole(name: str, value: object, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise TrainingSetupError(f"{name} must be a whole number ≥ {low}, got {value!r}")


@dataclass(frozen=True)
class Curves:
    """Copies of one cell's training history, safe to draw while training goes on.

    Attributes
    ----------
    losses, norms_before, norms_after : numpy.ndarray, shape (updates,)
        Batch loss and global gradient norm before and after clipping, per update.
    eval_steps : numpy.ndarray of int
        Updates after which the held-out batch was scored (0 is before training).
    eval_losses, eval_metrics : numpy.ndarray
        Held-out loss and metric (accuracy, or the loss again) at ``eval_steps``.
    status : {"ready", "running", "finished", "stopped", "diverged"}
    message : str
        Why it stopped, for a diverged cell.
    """

    losses: np.ndarray
    norms_before: np.ndarray
    norms_after: np.ndarray
    eval_steps: np.ndarray
    eval_losses: np.ndarray
    eval_metrics: np.ndarray
    status: str
    message: str = ""


@dataclass(frozen=True)
class TrainingSnapshot:
    """What the Train area draws at one moment.

    Attributes
    ----------
    curves : dict of str to Curves
        By cell kind, in training order.
    done, total : int
        Updates done and planned, over all cells.
    elapsed : float
        Seconds of training so far, pauses excluded.
    metric_name : str
        ``"accuracy"`` or ``"loss"``.
    chance : float or None
        Accuracy of guessing (accuracy tasks).
    """

    curves: dict[str, Curves]
    done: int
    total: int
    elapsed: float
    metric_name: str
    chance: float | None

    @property
    def fraction(self) -> float:
        """Share of the planned updates done, 0 to 1."""
        return self.done / self.total if self.total else 0.0

    @property
    def remaining(self) -> float:
        """Estimated seconds left at the pace so far (NaN before the first update)."""
        if not self.done:
            return math.nan
        return self.elapsed / self.done * (self.total - self.done)


def format_seconds(seconds: float) -> str:
    """``"42 s"``, ``"3 min 05 s"`` or ``"–"`` for an unknown time."""
    if not math.isfinite(seconds):
        return "–"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


class TrainingJob:
    """One training run: a model per cell in :attr:`TrainingSetup.kinds`, trained in turn.

    Parameters
    ----------
    setup : TrainingSetup

    Raises
    ------
    TrainingSetupError
        The task cannot be built (e.g. a text too short to predict).

    Notes
    -----
    Call :meth:`run` on a worker thread; :attr:`control` pauses, resumes and stops it from
    any thread. Everything else is read from the view thread only through :meth:`snapshot`
    (while running) or directly once :meth:`run` has returned.
    """

    def __init__(self, setup: TrainingSetup) -> None:
        self.setup = setup
        self.task = setup.make_task()
        config = setup.config()
        self.models: dict[str, Model] = {}
        self.trainers: dict[str, Trainer] = {}
        for kind in setup.kinds:
            model = setup.make_model(self.task, kind)
            self.models[kind] = model
            self.trainers[kind] = Trainer(model, self.task, config)
        self.status: dict[str, str] = dict.fromkeys(setup.kinds, "ready")
        self.messages: dict[str, str] = dict.fromkeys(setup.kinds, "")
        self.control = TrainingControl()
        self.elapsed = 0.0
        self.outcome = "ready"

    @property
    def total(self) -> int:
        """Updates planned over all cells."""
        return self.setup.steps * len(self.trainers)

    @property
    def done(self) -> int:
        """Updates done over all cells (a diverged cell counts its planned ones as done)."""
        return sum(
            self.setup.steps if self.status[kind] == "diverged" else trainer.steps_done
            for kind, trainer in self.trainers.items()
        )

    def run(self, on_update: Callable[[], Any] | None = None) -> str:
        """Train every cell to ``setup.steps`` updates, one update per cell in turn.

        Parameters
        ----------
        on_update : callable, optional
            Called after every update (on this thread); throttle any drawing it triggers.

        Returns
        -------
        str
            ``"finished"``, ``"stopped"`` (by :attr:`control`; the models keep their
            weights) or ``"diverged"`` (every cell still training diverged; see
            :attr:`messages`).
        """
        began = time.perf_counter()
        paused_for = 0.0
        for kind, trainer in self.trainers.items():
            if not trainer.history.eval_steps:
                trainer.evaluate()
            if self.status[kind] in ("ready", "stopped"):
                self.status[kind] = "running"
        steps = self.setup.steps
        eval_every = self.setup.config().eval_every
        self.outcome = "running"
        while True:
            active = [k for k, t in self.trainers.items() if self.status[k] == "running"]
            if not active:
                break
            for kind in active:
                if self.control.paused:
                    wait_began = time.perf_counter()
                    self.control.wait_while_paused()
                    paused_for += time.perf_counter() - wait_began
                if self.control.stopped:
                    return self._end("stopped", began, paused_for)
                trainer = self.trainers[kind]
                try:
                    trainer.step()
                except TrainingDivergedError as error:
                    self.status[kind] = "diverged"
                    self.messages[kind] = f"{kind.upper()}: {error}"
                    continue
                if trainer.steps_done % eval_every == 0 or trainer.steps_done == steps:
                    trainer.evaluate()
                if trainer.steps_done >= steps:
                    self.status[kind] = "finished"
                self.elapsed = time.perf_counter() - began - paused_for
                if on_update is not None:
                    on_update()
        if all(status == "diverged" for status in self.status.values()):
            return self._end("diverged", began, paused_for)
        return self._end("finished", began, paused_for)

    def _end(self, outcome: str, began: float, paused_for: float) -> str:
        # No held-out evaluation here: at lag 60 it costs ~0.1 s per cell, and Stop must
        # return at once. The held-out curve ends at its last scheduled point.
        for kind, status in self.status.items():
            if status == "running":
                self.status[kind] = "stopped"
        self.elapsed = time.perf_counter() - began - paused_for
        self.outcome = outcome
        return outcome

    @property
    def message(self) -> str:
        """One paragraph on how the run ended: the scores, and why a cell diverged (the
        first reason in full, the other cells by the update they diverged at)."""
        diverged = [kind for kind, text in self.messages.items() if text]
        reasons = [self.messages[kind] for kind in diverged[:1]]
        if len(diverged) > 1:
            others = ", ".join(
                f"the {kind.upper()} at update {self.trainers[kind].steps_done + 1}"
                for kind in diverged[1:]
            )
            reasons.append(f"Also diverged: {others}.")
        heads = {
            "finished": f"Finished {self.done} updates in {format_seconds(self.elapsed)}.",
            "stopped": f"Stopped after {self.done} updates; the models keep their weights.",
            "diverged": "Training diverged.",
        }
        head = heads.get(self.outcome, "")
        return " ".join(part for part in (head, self.scores(), *reasons) if part)

    def scores(self) -> str:
        """The last held-out score of every cell that trained, with the guessing baseline,
        e.g. ``"Held-out accuracy: RNN 26 %, LSTM 100 % (guessing: 25 %)."``."""
        parts = []
        for kind, trainer in self.trainers.items():
            history = trainer.history
            if self.status[kind] == "diverged" or len(history.eval_steps) < 2:
                continue
            value = history.eval_metrics[-1]
            shown = f"{value:.0%}" if self.task.metric_name == "accuracy" else f"{value:.3g}"
            parts.append(f"{kind.upper()} {shown}")
        if not parts:
            return ""
        if self.task.metric_name == "accuracy":
            label, baseline = "accuracy", f"{self.task.chance or 0:.0%}"
        elif isinstance(self.task, TextTask):
            label, baseline = "loss (nats per token)", f"{self.task.chance_loss:.3g}"
            # The number a text model must beat (issue 10): a bigram count model's loss.
            baseline += f"; bigram count model: {self._bigram():.3g}"
        else:
            label, baseline = "loss (MSE in standard deviations)", "about 1"
        return f"Held-out {label}: {', '.join(parts)} (guessing: {baseline})."

    def _bigram(self) -> float:
        """The text task's bigram baseline (held-out loss), computed once."""
        cached = getattr(self, "_bigram_loss", None)
        if cached is None:
            assert isinstance(self.task, TextTask)
            cached = self._bigram_loss = self.task.bigram_baseline()
        return cached

    def snapshot(self) -> TrainingSnapshot:
        """Copies of every cell's curves and the progress (cheap: a few thousand floats)."""
        curves = {}
        for kind, trainer in self.trainers.items():
            history = trainer.history
            # Lengths first: the worker may append between reads, never remove.
            n_updates = len(history.norms_after)
            n_evals = len(history.eval_metrics)
            curves[kind] = Curves(
                losses=np.array(history.losses[:n_updates], dtype=float),
                norms_before=np.array(history.norms_before[:n_updates], dtype=float),
                norms_after=np.array(history.norms_after[:n_updates], dtype=float),
                eval_steps=np.array(history.eval_steps[:n_evals], dtype=int),
                eval_losses=np.array(history.eval_losses[:n_evals], dtype=float),
                eval_metrics=np.array(history.eval_metrics[:n_evals], dtype=float),
                status=self.status[kind],
                message=self.messages[kind],
            )
        return TrainingSnapshot(
            curves=curves,
            done=self.done,
            total=self.total,
            elapsed=self.elapsed,
            metric_name=self.task.metric_name,
            chance=self.task.chance,
        )


# --------------------------------------------------------------------------- previews
@dataclass(frozen=True)
class Preview:
    """Samples or predictions from the models at one moment of training.

    Attributes
    ----------
    task : str
    samples : dict of str to str
        Text task: generated text per cell (after :attr:`prompt`).
    prompt : str
        Text task: the text read before sampling.
    temperature : float
    truth : numpy.ndarray or None
        Forecast: the held-out series in its own units, history then future.
    history_length : int
        Forecast: points read before the rollout starts.
    one_step : dict of str to numpy.ndarray
        Forecast: next-value predictions along ``truth`` (entry t predicts ``truth[t+1]``).
    rollouts : dict of str to numpy.ndarray
        Forecast: predictions fed back as inputs after ``history_length`` points.
    labels : dict of str to list of (str, str, float)
        Sentiment and memory: per cell, (input, predicted label, probability) examples.
    """

    task: str
    samples: dict[str, str] = field(default_factory=dict)
    prompt: str = ""
    temperature: float = 1.0
    truth: np.ndarray | None = None
    history_length: int = 0
    one_step: dict[str, np.ndarray] = field(default_factory=dict)
    rollouts: dict[str, np.ndarray] = field(default_factory=dict)
    labels: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)


def make_preview(
    task: Task, models: Mapping[str, Model], *, temperature: float = 1.0, seed: int = 0
) -> Preview:
    """Samples (text), predictions and rollout (forecast) or labelled examples (sentiment,
    memory) from ``models``; call it on the thread that trains them.

    Parameters
    ----------
    task : Task
    models : mapping of str to Model
    temperature : float
        Text sampling: 0 always picks the most likely token, 1 samples the model's own
        probabilities, above 1 flattens them.
    seed : int
        Sampling draws (the same seed gives the same sample).
    """
    if isinstance(task, TextTask):
        return _text_preview(task, models, temperature, seed)
    if isinstance(task, ForecastTask):
        return _forecast_preview(task, models)
    if isinstance(task, SentimentTask):
        phrases = SENTIMENT_EXAMPLES
        inputs = np.stack([task.encode_phrase(text) for text in phrases], axis=1)
        return Preview("sentiment", labels=_label_examples(models, phrases, inputs))
    if isinstance(task, MemoryTask):
        batch = task.train_batch(np.random.default_rng([seed, 31]), 4)
        vocabulary = task.vocabulary
        rows = ["".join(vocabulary.token(int(i)) for i in column) for column in batch.inputs.T]
        return Preview("memory", labels=_label_examples(models, rows, batch.inputs))
    raise EngineError(f"No preview for task {type(task).__name__}.")


def _text_preview(
    task: TextTask, models: Mapping[str, Model], temperature: float, seed: int
) -> Preview:
    vocabulary = task.vocabulary
    prompt_tokens = [
        vocabulary.token(int(i)) for i in task.ids[: 12 if task.mode == "chars" else 3]
    ]
    mode = task.mode
    samples = {}
    for kind, model in models.items():
        rng = np.random.default_rng(seed)
        with np.errstate(all="ignore"):
            tokens = sample(model, prompt_tokens, SAMPLE_LENGTH, temperature=temperature, rng=rng)
        samples[kind] = detokenize(tokens, mode)
    return Preview(
        "text", samples=samples, prompt=detokenize(prompt_tokens, mode), temperature=temperature
    )


def _forecast_preview(task: ForecastTask, models: Mapping[str, Model]) -> Preview:
    cut = len(task.train_values)
    span = FORECAST_HISTORY + FORECAST_ROLLOUT
    scaled = task.values[cut : cut + span, 0]
    truth = task.scaler.inverse(scaled)
    one_step, rollouts = {}, {}
    for kind, model in models.items():
        with np.errstate(all="ignore"):
            predicted = model.predict(scaled[:, None])[:, 0]
            ahead = rollout(model, scaled[:FORECAST_HISTORY, None], FORECAST_ROLLOUT)[:, 0]
        one_step[kind] = task.scaler.inverse(predicted)
        rollouts[kind] = task.scaler.inverse(ahead)
    return Preview(
        "forecast",
        truth=truth,
        history_length=FORECAST_HISTORY,
        one_step=one_step,
        rollouts=rollouts,
    )


def _label_examples(
    models: Mapping[str, Model], names: Sequence[str], inputs: np.ndarray
) -> dict[str, list[tuple[str, str, float]]]:
    labels: dict[str, list[tuple[str, str, float]]] = {}
    for kind, model in models.items():
        with np.errstate(all="ignore"):
            probabilities = model.probabilities(inputs)[-1]
        classes = model.labels or ()
        rows = []
        for name, row in zip(names, probabilities, strict=True):
            best = int(np.nanargmax(row)) if np.isfinite(row).any() else 0
            rows.append((name, classes[best] if classes else str(best), float(row[best])))
        labels[kind] = rows
    return labels


# --------------------------------------------------------------------------- lag sweep
#: Lags of the "accuracy against L" sweep.
SWEEP_LAGS = (5, 10, 20, 40, 60)


@dataclass(frozen=True)
class SweepResult:
    """Held-out accuracy of each cell after training at each lag of the memory task.

    Attributes
    ----------
    lags : tuple of int
        The lags trained so far (a stopped sweep has fewer).
    accuracies : dict of str to list of float
        By cell kind, one accuracy per lag in ``lags`` (NaN for a diverged run).
    chance : float
        Accuracy of guessing.
    complete : bool
        False when the sweep was stopped early.
    """

    lags: tuple[int, ...]
    accuracies: dict[str, list[float]]
    chance: float
    complete: bool


def lag_sweep(
    setup: TrainingSetup,
    lags: Sequence[int] = SWEEP_LAGS,
    *,
    control: TrainingControl | None = None,
    on_progress: Callable[[int, int], Any] | None = None,
) -> SweepResult:
    """Train a fresh RNN, LSTM and GRU on the memory task at every lag, same budget each.

    Parameters
    ----------
    setup : TrainingSetup
        Hidden size, optimiser, learning rate, clipping, steps and seed of every run (its
        task, cell and lag are replaced).
    lags : sequence of int
    control : TrainingControl, optional
        ``stop()`` ends the sweep after the current update; the lags finished so far are
        returned.
    on_progress : callable, optional
        Called as ``on_progress(done, total)`` after every update, counting all runs.
    """
    control = control or TrainingControl()
    total = len(lags) * len(CELL_KINDS) * setup.steps
    accuracies: dict[str, list[float]] = {kind: [] for kind in CELL_KINDS}
    done_lags: list[int] = []
    done = 0
    chance = 1.0
    for lag in lags:
        base = setup.with_changes(task="memory", lag=int(lag))
        task = base.make_task()
        chance = float(task.chance or 0.0)
        scores: dict[str, float] = {}
        for kind in CELL_KINDS:
            trainer = Trainer(base.make_model(task, kind), task, base.config())
            for _ in range(base.steps):
                if control.stopped:
                    return SweepResult(tuple(done_lags), accuracies, chance, False)
                try:
                    trainer.step()
                except TrainingDivergedError:
                    done += base.steps - trainer.steps_done
                    break
                done += 1
                if on_progress is not None:
                    on_progress(done, total)
            else:
                scores[kind] = trainer.evaluate().metric
                continue
            scores[kind] = math.nan
        for kind in CELL_KINDS:
            accuracies[kind].append(scores[kind])
        done_lags.append(int(lag))
    return SweepResult(tuple(done_lags), accuracies, chance, True)
