"""Open a trained model in the studio: step through it and watch its gates on real inputs.

The studio reads a typed sequence its own way: text becomes one-hot vectors over the
sequence's own (sorted) vocabulary, numbers are standardised by the sequence's own mean and
spread. A trained :class:`~rnn_studio.engine.model.Model` expects its training vocabulary
(or embedding) and its training scaler instead. :func:`studio_cell` builds the cell that,
fed the studio's encoding, computes exactly the hidden states the trained model computes on
the same text (only the input weights change; the recurrent weights are the trained ones):

* tokens: column j of the studio's ``W_ih`` is the trained column of the j-th token
  (``W_ih E[k]`` for an embedding model);
* numbers: with the studio's :math:`x^s = (v - m_s)/s_s` and the model's
  :math:`x^m = (v - m_m)/s_m = a x^s + c`, :math:`a = s_s/s_m`, :math:`c = (m_s - m_m)/s_m`,
  the studio cell uses :math:`W_{ih} a` and :math:`b_{ih} + W_{ih} c`.

:func:`open_in_studio` hands these cells to a :class:`StudioSession` and shows the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.engine.encoding import Vocabulary, tokenize
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.model import Model
from rnn_studio.engine.tasks import ForecastTask, MemoryTask, SentimentTask, Task, TextTask
from rnn_studio.state.demo import MAX_HIDDEN_SIZE, DemoSetup
from rnn_studio.state.sequence import EncodedSequence, SequenceError, encode_sequence
from rnn_studio.state.session import StudioSession

#: Longest example handed to the studio (it steps through every step).
EXAMPLE_LENGTH = 80


class TrainedModelError(ValueError):
    """The trained model cannot read this sequence; the message says why."""


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


def studio_cell(model: Model, sequence: EncodedSequence) -> Any:
    """The engine cell that computes ``model``'s hidden states from the studio's encoding.

    Parameters
    ----------
    model : Model
        A trained model.
    sequence : EncodedSequence
        The studio's reading of the text (:func:`rnn_studio.state.sequence.encode_sequence`).

    Raises
    ------
    TrainedModelError
        Numbers for a token model (or text for a numbers model), or a token the model never
        saw in training (named in the message).
    """
    params = {name: np.array(value) for name, value in model.cell.params.items()}
    weight_ih = params["weight_ih"]
    if model.inputs == "tokens":
        if sequence.is_numeric or model.vocabulary is None:
            raise TrainedModelError("This model reads text; type characters or words, not numbers.")
        raw = [str(token) for token in tokenize(sequence.text, sequence.mode, max_length=10**6)]
        studio_order = Vocabulary.from_tokens(raw, mode=sequence.mode).tokens
        unknown = [token for token in studio_order if token not in model.vocabulary]
        if unknown:
            shown = ", ".join(repr(token) for token in unknown[:5])
            raise TrainedModelError(
                f"The trained model never saw {shown} in training; use only tokens of its "
                "training data."
            )
        ids = [model.vocabulary.index(token) for token in studio_order]
        embedding = model.params.get("embedding.weight")
        if embedding is None:
            params["weight_ih"] = weight_ih[:, ids]
        else:
            params["weight_ih"] = weight_ih @ np.asarray(embedding)[ids].T
    else:
        if not sequence.is_numeric or model.input_size != 1:
            raise TrainedModelError("This model reads one number per step; type numbers.")
        mean, std = (0.0, 1.0) if model.scaler is None else (model.scaler.mean, model.scaler.std)
        scale = sequence.scale / std
        shift = (sequence.mean - mean) / std
        params["weight_ih"] = weight_ih * scale
        params["bias_ih"] = params["bias_ih"] + weight_ih[:, 0] * shift
    options: dict[str, Any] = {"dtype": model.dtype}
    if model.kind == "rnn":
        options["nonlinearity"] = model.nonlinearity
    cell = engine.make_cell(model.kind, sequence.input_size, model.hidden_size, seed=0, **options)
    cell.set_params(params)
    return cell


def open_in_studio(
    session: StudioSession,
    models: Mapping[str, Model],
    text: str,
    mode: str,
    *,
    seed: int = 0,
    backprop: bool = False,
) -> None:
    """Show ``text`` in the studio run through the trained ``models``.

    Parameters
    ----------
    session : StudioSession
    models : mapping of str to Model
        One model (the studio shows that cell) or an RNN, LSTM and GRU with one hidden size
        (the studio compares them).
    text, mode :
        The sequence and how to read it (``"chars"``, ``"words"`` or ``"numbers"``).
    seed : int
        The studio seed the trained cells are filed under; changing the studio's seed,
        size or text afterwards shows fresh random cells again, as usual.
    backprop : bool
        Also backpropagate from the last step, so the gradient-decay view shows how far
        back the trained cell's gradient reaches.

    Raises
    ------
    TrainedModelError
        The models cannot read ``text`` (or do not fit the studio); nothing changes.
    """
    kinds = tuple(models)
    if kinds not in (("rnn",), ("lstm",), ("gru",), ("rnn", "lstm", "gru")):
        raise TrainedModelError(f"Open one model or an RNN, LSTM and GRU, not {kinds}.")
    sizes = {model.hidden_size for model in models.values()}
    if len(sizes) != 1:
        raise TrainedModelError("Compared models must have the same hidden size.")
    hidden = sizes.pop()
    if hidden > MAX_HIDDEN_SIZE:
        raise TrainedModelError(f"The studio shows at most {MAX_HIDDEN_SIZE} hidden units.")
    try:
        sequence = encode_sequence(text, mode)
        cells = {kind: studio_cell(model, sequence) for kind, model in models.items()}
    except (SequenceError, EngineError) as error:
        raise TrainedModelError(str(error)) from None
    nonlinearity = models["rnn"].nonlinearity if "rnn" in models else "tanh"
    for kind, cell in cells.items():
        _file_cell(session, kind, cell, sequence.input_size, seed)
    setup = DemoSetup(
        text=text,
        mode=mode,
        cell=kinds[0] if len(kinds) == 1 else "compare",
        hidden_size=hidden,
        seed=seed,
        nonlinearity=nonlinearity,
        cursor=-1,
        backprop=backprop,
    )
    session.apply_demo(setup)


def _file_cell(session: StudioSession, kind: str, cell: Any, input_size: int, seed: int) -> None:
    """Put ``cell`` in the session's cell cache under the key its controls will look up.

    This is the one place that relies on the session's internals (the cache and its key
    layout, see ``rnn_studio.state.session._make_cell``); ``tests/state/test_trained.py``
    fails if they change. A public ``StudioSession`` method would be better (see the
    Train helper's report).
    """
    nonlinearity = cell.nonlinearity if kind == "rnn" else "tanh"
    key = (kind, input_size, cell.hidden_size, seed, nonlinearity, None, None)
    with np.errstate(all="ignore"):
        rho = float(engine.spectral_radius(cell))
    cache = session._cells
    cache.pop(key, None)
    cache[key] = (cell, rho)


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

    The studio's Outputs panel shows its own (untrained) readout, so the Train area says what
    the trained readout predicts: the label and its probability (sentiment, memory), the
    three likeliest next tokens (text), or the next value (forecast).
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
        ids = model.vocabulary.encode(tokenize(text, mode))
        probabilities = model.probabilities(ids)[-1]
    order = np.argsort(-probabilities, kind="stable")
    if model.labels is not None:
        best = int(order[0])
        return f"The trained {name} reads it as {model.labels[best]} ({probabilities[best]:.0%})."
    top = ", ".join(f"“{model.vocabulary.token(int(i))}” {probabilities[i]:.0%}" for i in order[:3])
    return f"The trained {name}'s likeliest next tokens: {top}."
