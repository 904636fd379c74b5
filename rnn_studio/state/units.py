"""Interpretable units: what one hidden unit of a trained model does as it reads a text.

For a next-character model (``chars-*`` in the zoo) :func:`unit_activations` runs the text
from the zero state and returns h_t for every step (for the LSTM also c_t, the cell state,
where the long-lived features of Karpathy's "visualizing and understanding" show best).
:data:`FEATURES` are simple properties of each character position; :func:`rank_units` orders
the units by the Pearson correlation of their activation with one of them, so a learner can
"find units that track" it. :func:`tracking_hint` says which unit tracks a feature best on
:data:`REFERENCE_TEXT`, computed from the shipped model each time (never stored).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rnn_studio.engine.encoding import tokenize
from rnn_studio.engine.model import Model

Feature = Callable[[list[str]], np.ndarray]


def inside_quotes(chars: list[str]) -> np.ndarray:
    """1 at characters between an opening and a closing ``"`` (the quotes included), else 0."""
    values = np.zeros(len(chars))
    inside = False
    for t, char in enumerate(chars):
        if char == '"':
            inside = not inside
            values[t] = 1.0
        elif inside:
            values[t] = 1.0
    return values


def inside_brackets(chars: list[str]) -> np.ndarray:
    """1 at characters between ``(`` and ``)`` (nested brackets count once), else 0."""
    values = np.zeros(len(chars))
    depth = 0
    for t, char in enumerate(chars):
        if char == "(":
            depth += 1
        values[t] = 1.0 if depth > 0 else 0.0
        if char == ")":
            depth = max(0, depth - 1)
    return values


def after_not(chars: list[str]) -> np.ndarray:
    """1 at the characters of the word that follows the word "not", else 0."""
    text = "".join(chars)
    values = np.zeros(len(chars))
    for match in re.finditer(r"\bnot\s+(\w+)", text):
        values[match.start(1) : match.end(1)] = 1.0
    return values


def word_position(chars: list[str]) -> np.ndarray:
    """Position of the character inside its word (1 for the first letter), 0 outside words."""
    values = np.zeros(len(chars))
    position = 0
    for t, char in enumerate(chars):
        position = position + 1 if char.isalnum() or char == "'" else 0
        values[t] = position
    return values


def since_start(chars: list[str]) -> np.ndarray:
    """Steps since the first character: for the memory task, the distance since the symbol
    to remember."""
    return np.arange(len(chars), dtype=float)


FEATURES: dict[str, tuple[str, Feature]] = {
    "quotes": ("inside quotes", inside_quotes),
    "brackets": ("inside brackets", inside_brackets),
    "after-not": ('the word after "not"', after_not),
    "word-position": ("position in the word", word_position),
    "since-start": ("distance since the first symbol", since_start),
}
"""Feature id → (name shown, function of the characters)."""

REFERENCE_TEXT = (
    'the teacher said "a hidden state is a summary, not a recording" (see the glossary) and '
    'the students wrote it down. "not bad" is a compliment (a mild one), and "not good" is '
    "not praise at all. an lstm keeps its cell state (the c in its equations) open while the "
    'forget gate stays near one; a plain rnn (with no gates) does "not remember" far back.'
)
"""The text the hint's claim is measured on: course prose with quotes, brackets and "not"."""

HINT_THRESHOLD = 0.5
"""A unit is said to track a feature in the hint only at |r| at least this."""


@dataclass(frozen=True)
class UnitActivations:
    """What every unit did at every step of a text.

    Attributes
    ----------
    chars : list of str
        The characters read.
    hidden : numpy.ndarray, shape (T, H)
        h_t.
    cell : numpy.ndarray or None, shape (T, H)
        c_t for an LSTM, else None.
    """

    chars: list[str]
    hidden: np.ndarray
    cell: np.ndarray | None

    def values(self, state: str = "h") -> np.ndarray:
        """``hidden`` for ``"h"``, ``cell`` for ``"c"`` (an LSTM's)."""
        if state == "c":
            if self.cell is None:
                raise ValueError("Only an LSTM has a cell state c_t.")
            return self.cell
        return self.hidden


def unit_activations(model: Model, text: str) -> UnitActivations:
    """Run ``model`` (a next-character model) over ``text`` from the zero state.

    Raises
    ------
    EngineError
        ``text`` has characters the model never saw (the message names them).
    """
    from rnn_studio.zoo.predict import predict_sequence

    predict_sequence(model, text, "chars")  # checks the characters, naming unknown ones
    chars = [str(char) for char in tokenize(text, "chars")]
    assert model.vocabulary is not None
    trace, _ = model.forward(model.vocabulary.encode(chars))
    cell = None if trace.cell_state is None else np.asarray(trace.cell_state)
    return UnitActivations(chars, np.asarray(trace.hidden), cell)


def correlations(values: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson r between each column of ``values`` (T, H) and ``feature`` (T,); 0 where
    either is constant."""
    x = values - values.mean(axis=0)
    y = feature - feature.mean()
    norms = np.sqrt((x**2).sum(axis=0) * (y**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (x * y[:, None]).sum(axis=0) / norms
    return np.where(norms > 0, r, 0.0)


def rank_units(
    activations: UnitActivations, feature_id: str, state: str = "h"
) -> list[tuple[int, float]]:
    """Units ordered by |r| with the feature, strongest first: ``[(unit, r), ...]``."""
    feature = FEATURES[feature_id][1](activations.chars)
    r = correlations(activations.values(state), feature)
    order = np.argsort(-np.abs(r), kind="stable")
    return [(int(unit), float(r[unit])) for unit in order]


def tracking_hint(model: Model, name: str) -> str:
    """One sentence naming the unit of ``model`` that tracks a feature best on
    :data:`REFERENCE_TEXT`, only when some |r| ≥ :data:`HINT_THRESHOLD`; "" otherwise."""
    activations = unit_activations(model, REFERENCE_TEXT)
    best: tuple[float, str, int, str] | None = None
    states = ("c", "h") if activations.cell is not None else ("h",)
    for feature_id in FEATURES:
        if feature_id == "since-start":
            continue  # on prose, "steps since the start" is a clock, not a property of text
        for state in states:
            unit, r = rank_units(activations, feature_id, state)[0]
            if best is None or abs(r) > abs(best[0]):
                best = (r, feature_id, unit, state)
    if best is None or abs(best[0]) < HINT_THRESHOLD:
        return ""
    r, feature_id, unit, state = best
    where = "cell state c" if state == "c" else "hidden state h"
    return (
        f"In {name}, unit {unit} of the {where} tracks {FEATURES[feature_id][0]}: "
        f"r = {r:+.2f} on the sample text. Pick it to see."
    )
