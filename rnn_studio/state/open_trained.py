"""Open a trained model in the studio: step through it and watch its gates on real inputs.

The adaptation of a trained :class:`~rnn_studio.engine.model.Model` to the studio's own
encoding (:func:`trained_cell`) and its readout (:class:`Readout`) live in
:mod:`rnn_studio.state.trained_adapter`; :meth:`StudioSession.show_trained` computes with
them. This module picks a sequence of the task to show (:func:`studio_example`), a task for a
loaded model (:func:`task_for_model`) and says in words what the model predicts
(:func:`describe_prediction`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

import numpy as np

from rnn_studio.engine.encoding import tokenize
from rnn_studio.engine.model import Model
from rnn_studio.engine.tasks import ForecastTask, MemoryTask, SentimentTask, Task, TextTask
from rnn_studio.state.session import StudioSession
from rnn_studio.state.trained_adapter import Readout, TrainedModelError, trained_cell

__all__ = [
    "EXAMPLE_LENGTH",
    "Readout",
    "TrainedModelError",
    "describe_prediction",
    "open_in_studio",
    "studio_example",
    "task_for_model",
    "trained_cell",
]

#: Longest example handed to the studio (it steps through every step).
EXAMPLE_LENGTH = 80


def studio_example(task: Task, seed: int = 0) -> tuple[str, str]:
    """A sequence of ``task`` to step through in the studio, as ``(text, mode)``.

    Text: the start of the training text; sentiment: "the film was not bad"; forecast: the
    start of the held-out series; memory: one row (symbol, L distractors, cue).
    """
    if isinstance(task, TextTask):
        tokens = [task.vocabulary.token(int(i)) for i in task.ids[:EXAMPLE_LENGTH]]
        text = "".join(tokens) if task.mode == "chars" else " ".join(tokens)
        return text, task.mode
    if isinstance(task, SentimentTask):
        return "the film was not bad", "words"
    if isinstance(task, ForecastTask):
        cut = len(task.train_values)
        values = task.raw[cut : cut + EXAMPLE_LENGTH]
        return " ".join(f"{value:.6g}" for value in values), "numbers"
    if isinstance(task, MemoryTask):
        row = task.train_batch(np.random.default_rng([seed, 101]), 1).inputs[:, 0]
        return "".join(task.vocabulary.token(int(i)) for i in row), "chars"
    raise TrainedModelError(f"No studio example for task {type(task).__name__}.")


def open_in_studio(
    session: StudioSession,
    models: Mapping[str, Model],
    text: str,
    mode: str,
    *,
    seed: int = 0,
    backprop: bool = False,
) -> None:
    """Show ``text`` in the studio run through the trained ``models`` and their readouts.

    The same as :meth:`StudioSession.show_trained`.

    Parameters
    ----------
    session : StudioSession
    models : mapping of str to Model
        One model (the studio shows that cell) or an RNN, LSTM and GRU with one hidden size
        (the studio compares them).
    text, mode :
        The sequence and how to read it (``"chars"``, ``"words"`` or ``"numbers"``).
    seed : int
        The studio seed the trained models are shown under. Changing the studio's seed,
        hidden size, nonlinearity, ρ or forget bias afterwards shows a fresh random cell
        with the untrained readout (the session's ``trained_note`` says so); setting them
        back shows the trained model again. Typing another text keeps the trained model as
        long as it knows every token.
    backprop : bool
        Also backpropagate from the last step, so the gradient-decay view shows how far
        back the trained cell's gradient reaches.

    Raises
    ------
    TrainedModelError
        The models cannot read ``text`` (or do not fit the studio); nothing changes.
    """
    session.show_trained(models, text, mode, seed=seed, backprop=backprop)


def task_for_model(model: Model, *, seed: int = 0) -> Task:
    """A built-in task that fits a loaded ``model`` (for previews and studio examples).

    Regression models get the sine forecast; a positive/negative classifier the sentiment
    phrases; a classifier over capital letters with a ``?`` cue the memory task (lag 10);
    any other next-token model a text it writes itself (greedy, from its first letter).
    """
    from rnn_studio.engine.model import sample
    from rnn_studio.engine.tasks import SENTIMENT_LABELS

    if model.task == "regress":
        return ForecastTask("sine", seed=seed)
    vocabulary = model.vocabulary
    if vocabulary is None:
        raise TrainedModelError("This model has no vocabulary, so it cannot read any text.")
    if model.labels == SENTIMENT_LABELS:
        return SentimentTask(seed=seed)
    if model.labels is not None and MemoryTask.CUE in vocabulary:
        symbols = len(model.labels)
        return MemoryTask(lag=10, symbols=symbols, distractors=len(vocabulary) - symbols - 1)
    if model.labels is not None:
        raise TrainedModelError("This classifier's labels match no built-in task.")
    start = next((t for t in vocabulary.tokens if t.isalpha()), vocabulary.tokens[0])
    tokens = [
        start,
        *sample(model, [start], EXAMPLE_LENGTH, temperature=0.0, rng=np.random.default_rng(seed)),
    ]
    mode = vocabulary.mode or "chars"
    text = "".join(tokens) if mode == "chars" else " ".join(tokens)
    return TextTask(text, mode, sequence_length=8)


def describe_prediction(kind: str, model: Model, text: str, mode: str) -> str:
    """What the trained ``model`` makes of ``text`` at its last step, in one sentence.

    The Train area's message after opening a model in the studio: the label and its
    probability (sentiment, memory), the three likeliest next tokens (text), or the next value
    (forecast). The studio's Outputs panel shows the same readout at every step.
    """
    name = kind.upper()
    with np.errstate(all="ignore"):
        if model.inputs == "values":
            values = np.asarray(tokenize(text, "numbers"), dtype=float)
            scaled = values if model.scaler is None else model.scaler.transform(values)
            predicted = model.predict(scaled[:, None])[-1, 0]
            if model.scaler is not None:
                predicted = float(model.scaler.inverse(np.array([predicted]))[0])
            return f"The trained {name} predicts the next value {predicted:.4g}."
        if model.vocabulary is None:
            return ""
        tokens = cast("list[str]", tokenize(text, mode))  # chars or words: text tokens
        ids = model.vocabulary.encode(tokens)
        probabilities = model.probabilities(ids)[-1]
    order = np.argsort(-probabilities, kind="stable")
    if model.labels is not None:
        best = int(order[0])
        return f"The trained {name} reads it as {model.labels[best]} ({probabilities[best]:.0%})."
    top = ", ".join(f"“{model.vocabulary.token(int(i))}” {probabilities[i]:.0%}" for i in order[:3])
    return f"The trained {name}'s likeliest next tokens: {top}."
