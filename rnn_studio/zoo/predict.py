"""Run a model over a typed sequence and say what it predicts at every step.

Used by ``rnn-studio predict`` (and usable for any :class:`~rnn_studio.engine.model.Model`):
the model reads the sequence from the zero state, one token (or value) per step, and after
each step its readout gives the most likely next token or class with its probability, or
the next value in the units typed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_studio.engine.encoding import tokenize
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.losses import softmax
from rnn_studio.engine.model import Model

SHOWN_AS = {" ": "␣", "\n": "↵", "\t": "⇥"}
"""How invisible tokens are printed (the studio shows them the same way)."""


def show_token(token: str) -> str:
    """``token`` with a space, newline or tab made visible."""
    return SHOWN_AS.get(token, token)


@dataclass(frozen=True)
class StepPrediction:
    """What the model predicts after reading step ``t``.

    Attributes
    ----------
    t : int
    token : str
        What it read (a number is written as typed, via ``%g``).
    predicted : str
        The most likely next token or class, or the predicted next value (``%.6g``).
    probability : float or None
        Its probability; None for a value.
    """

    t: int
    token: str
    predicted: str
    probability: float | None


def model_mode(model: Model) -> str:
    """How the model reads text: ``"numbers"`` for value inputs, else its vocabulary's mode."""
    if model.inputs == "values":
        return "numbers"
    mode = model.vocabulary.mode if model.vocabulary is not None else None
    return mode or "chars"


def predict_sequence(model: Model, text: str, mode: str | None = None) -> list[StepPrediction]:
    """One :class:`StepPrediction` per step of ``text`` read by ``model``.

    Parameters
    ----------
    model : Model
    text : str
    mode : {"chars", "words", "numbers"}, optional
        Must match how the model reads (:func:`model_mode`), which is the default.

    Raises
    ------
    EngineError
        The mode does not fit the model, the text is empty or too long, or it has tokens
        the model never saw (the message names them).
    """
    own = model_mode(model)
    mode = own if mode is None else mode
    if mode != own:
        raise EngineError(f"This model reads {own}, not {mode}: use --mode {own}.")
    tokens = tokenize(text, mode)
    if mode == "numbers":
        values = np.asarray(tokens, dtype=np.float64)
        scaled = model.scaler.transform(values) if model.scaler is not None else values
        _, outputs = model.forward(scaled.reshape(-1, 1))
        raw = outputs[:, 0]
        predicted = model.scaler.inverse(raw) if model.scaler is not None else raw
        return [
            StepPrediction(t, f"{value:g}", f"{guess:.6g}", None)
            for t, (value, guess) in enumerate(zip(values, predicted, strict=True))
        ]
    vocabulary = model.vocabulary
    if vocabulary is None:
        raise EngineError("This model has no vocabulary, so it cannot read text.")
    words = [str(token) for token in tokens]
    unknown = sorted({token for token in words if token not in vocabulary}, key=words.index)
    if unknown:
        named = ", ".join(repr(token) for token in unknown[:12])
        more = f" and {len(unknown) - 12} more" if len(unknown) > 12 else ""
        raise EngineError(
            f"The model does not know {named}{more}: it learned {len(vocabulary)} "
            f"{'characters' if mode == 'chars' else 'words'}, {_known(vocabulary.tokens, mode)}."
        )
    _, outputs = model.forward(vocabulary.encode(words))
    probabilities = softmax(outputs)
    names = model.labels if model.labels is not None else vocabulary.tokens
    best = probabilities.argmax(axis=-1)
    return [
        StepPrediction(t, show_token(token), show_token(names[k]), float(probabilities[t, k]))
        for t, (token, k) in enumerate(zip(words, best, strict=True))
    ]


def _known(tokens: tuple[str, ...], mode: str) -> str:
    shown = [show_token(token) for token in tokens]
    if mode == "chars":
        return "".join(sorted(shown))
    listed = ", ".join(shown[:30])
    return listed + (", …" if len(shown) > 30 else "")
