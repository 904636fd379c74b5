"""Turn what the learner typed into the cell's inputs, or one plain message saying why not.

Text (characters or words) becomes one-hot vectors over the sequence's own vocabulary, so the
input size stays small enough to draw every weight in the unrolled and equation views. Numbers
become one standardised value per step (zero mean, unit spread), so a price series near 100 and
a sine wave near 0 drive the cell alike.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from rnn_studio.engine import encoding
from rnn_studio.engine.errors import EngineError
from rnn_studio.studio_core import recipe
from rnn_studio.studio_core.demo import MODE_CHOICES

#: The longest sequence the studio steps through. A thousand steps is the classic
#: vanishing-gradient demo and still plays smoothly at hidden size 256.
MAX_SEQUENCE_LENGTH = 1000

MODE_LABELS = {"chars": "characters", "words": "words", "numbers": "numbers"}


class SequenceError(ValueError):
    """Input the studio cannot read; the message says what is wrong in plain words."""


@dataclass(frozen=True, eq=False)
class EncodedSequence:
    """A sequence read from text, ready to feed the cell.

    Attributes
    ----------
    text : str
        The text as typed.
    mode : {"chars", "words", "numbers"}
        How ``text`` was read.
    tokens : tuple of str
        One display label per time step (a space shows as ``␣``).
    inputs : numpy.ndarray, shape (T, I)
        The cell's input per step: one-hot rows (text) or one standardised value (numbers).
    vocabulary : tuple of str
        The one-hot columns, sorted (:func:`~rnn_studio.studio_core.recipe.one_hot_inputs`);
        empty for numbers.
    values : numpy.ndarray or None, shape (T,)
        The numbers as typed (numbers mode only).
    mean, scale : float
        Standardisation used for numbers: ``inputs = (values - mean) / scale``.
    """

    text: str
    mode: str
    tokens: tuple[str, ...]
    inputs: np.ndarray
    vocabulary: tuple[str, ...]
    values: np.ndarray | None = None
    mean: float = 0.0
    scale: float = 1.0

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def input_size(self) -> int:
        """Width of one input vector ``x_t``."""
        return int(self.inputs.shape[1])

    @property
    def is_numeric(self) -> bool:
        """True when the sequence is a series of numbers."""
        return self.values is not None

    def target_index(self, t: int) -> int | None:
        """Vocabulary index of the token after step ``t`` (None at the end or for numbers)."""
        if self.is_numeric or t + 1 >= len(self.tokens):
            return None
        return int(np.argmax(self.inputs[t + 1]))


def display_token(token: str) -> str:
    """Return a token as it is drawn under a cell: blanks made visible."""
    return {" ": "␣", "\n": "↵", "\t": "⇥"}.get(token, token)


def encode_sequence(text: str, mode: str) -> EncodedSequence:
    """Read ``text`` as ``mode`` and build the cell inputs.

    Tokenising is the engine's (:func:`rnn_studio.engine.encoding.tokenize`), so the studio
    and the Train area read a text the same way; the studio adds its own, shorter length cap.

    Raises
    ------
    SequenceError
        When the text is empty, longer than :data:`MAX_SEQUENCE_LENGTH` steps, or (numbers
        mode) holds something that is not a finite number; the message names the problem.
    """
    if mode not in MODE_CHOICES:
        raise SequenceError(f"Unknown reading mode {mode!r}: choose {', '.join(MODE_CHOICES)}.")
    try:
        tokens = encoding.tokenize(text, mode, max_length=sys.maxsize)
    except EngineError as error:
        raise SequenceError(str(error)) from None
    if len(tokens) > MAX_SEQUENCE_LENGTH:
        raise SequenceError(
            f"The sequence has {len(tokens)} {MODE_LABELS[mode]}; the studio steps through at "
            f"most {MAX_SEQUENCE_LENGTH} (its length cap). Shorten it."
        )
    if mode == "numbers":
        return _encode_numbers(text, [float(value) for value in tokens])
    words = [str(token) for token in tokens]
    vocabulary, inputs = recipe.one_hot_inputs(words, mode)
    return EncodedSequence(
        text=text,
        mode=mode,
        tokens=tuple(display_token(token) for token in words),
        inputs=inputs,
        vocabulary=tuple(display_token(token) for token in vocabulary),
    )


def _encode_numbers(text: str, values: list[float]) -> EncodedSequence:
    series = np.asarray(values, dtype=np.float64)
    scaler = encoding.Scaler.fit(series)
    return EncodedSequence(
        text=text,
        mode="numbers",
        tokens=tuple(_short_number(v) for v in values),
        inputs=scaler.transform(series)[:, None],
        vocabulary=(),
        values=series,
        mean=scaler.mean,
        scale=scaler.std,
    )


def _short_number(value: float) -> str:
    return f"{value:.4g}"
