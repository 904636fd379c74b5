"""Turn what the learner types into tokens, token indices, one-hot vectors or scaled numbers.

Three ways to read a text (``mode``):

``"chars"``
    One token per user-perceived character: the text is NFC-normalised and combining marks,
    variation selectors, emoji skin-tone modifiers and zero-width-joiner sequences stay
    attached to the character before them, so "é", "👍🏽" and "👩‍💻" are one token each.
``"words"``
    Words (letters, digits, inner apostrophes and hyphens) and single punctuation marks:
    ``"not bad!"`` gives ``["not", "bad", "!"]``.
``"numbers"``
    Decimal numbers separated by commas and/or whitespace: ``"1, 2.5 -3e2"``.

A :class:`Vocabulary` maps tokens to indices; :func:`one_hot` turns indices into vectors and
:class:`Scaler` standardises numbers, keeping the mean and standard deviation so predictions
can be mapped back.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_studio.engine.errors import EngineError

MAX_SEQUENCE_LENGTH = 5000
"""Longest sequence (in tokens) the studio accepts: enough to see decay, small enough to draw."""

TOKEN_MODES = ("chars", "words", "numbers")
UNKNOWN_TOKEN = "<unk>"

#: Words of ASCII text (the fast path of :func:`split_words`).
_WORD_PATTERN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]", re.UNICODE)
_NUMBER_PATTERN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NUMBER_TOKEN = re.compile(r"[^,\s]+")
_EMPTY_BETWEEN_COMMAS = re.compile(r",\s*,")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-"})
_ZERO_WIDTH_JOINER = "\u200d"


def _attaches_to_previous(char: str) -> bool:
    """True for code points that modify the character before them rather than stand alone."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (text/emoji presentation)
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def split_characters(text: str) -> list[str]:
    """Split NFC-normalised ``text`` into user-perceived characters (an approximation of
    Unicode grapheme clusters that needs no third-party package).

    Parameters
    ----------
    text : str
        Any text; it is NFC-normalised first.

    Returns
    -------
    list of str
        One string per character; combining marks, variation selectors, skin-tone modifiers,
        zero-width-joiner sequences and flag pairs stay together.
    """
    clusters: list[str] = []
    join_next = False
    for char in unicodedata.normalize("NFC", text):
        if clusters and (join_next or _attaches_to_previous(char)):
            clusters[-1] += char
            join_next = False
        elif char == _ZERO_WIDTH_JOINER and clusters:
            clusters[-1] += char
            join_next = True
        elif (
            clusters
            and _is_regional_indicator(char)
            and len(clusters[-1]) == 1
            and _is_regional_indicator(clusters[-1])
        ):
            clusters[-1] += char
        else:
            clusters.append(char)
            join_next = False
    return clusters


def _starts_word(cluster: str) -> bool:
    """Whether a user-perceived character belongs in a word (letter, digit, mark or _)."""
    base = cluster[0]
    return base == "_" or base.isalnum() or unicodedata.category(base)[0] in "LMN"


def split_words(text: str) -> list[str]:
    """Split NFC-normalised ``text`` into words and single punctuation marks or emoji.

    Works on user-perceived characters (:func:`split_characters`), so a word keeps its
    combining marks and vowel signs (Hindi नमस्ते, Yoruba ẹ̀kọ́, Thai สวัสดี) and an emoji
    zero-width-joiner sequence (👩‍👩‍👧) stays one token. An apostrophe or hyphen between two
    word characters stays inside the word (``don't``, ``well-known``), as before.
    """
    if text.isascii():  # no marks, no emoji: the regular expression is the same and faster
        return _WORD_PATTERN.findall(text)
    tokens: list[str] = []
    word = ""
    joiner = ""  # an apostrophe or hyphen that may continue the word
    for cluster in split_characters(text):
        if _starts_word(cluster):
            word += joiner + cluster
            joiner = ""
            continue
        if cluster in ("'", "’", "-") and word and not joiner:
            joiner = cluster
            continue
        tokens.extend(part for part in (word, joiner) if part)
        word = joiner = ""
        if not cluster[0].isspace():
            tokens.append(cluster)
    tokens.extend(part for part in (word, joiner) if part)
    return tokens


def parse_numbers(text: str) -> list[float]:
    """Read decimal numbers separated by commas and/or whitespace.

    Parameters
    ----------
    text : str
        For example ``"0.5, 1, -2e-3"`` or one number per line. The Unicode minus sign is
        accepted as ``-``.

    Returns
    -------
    list of float

    Raises
    ------
    EngineError
        For an empty list, an empty value between two commas, a token that is not a decimal
        number (the message names it and its position), or NaN/infinite values.
    """
    text = unicodedata.normalize("NFC", text).translate(_MINUS_SIGNS)
    empty = _EMPTY_BETWEEN_COMMAS.search(text)
    if empty is not None:
        raise EngineError(f"Empty value between two commas at character {empty.start() + 1}.")
    values: list[float] = []
    for number, match in enumerate(_NUMBER_TOKEN.finditer(text), start=1):
        token = match.group()
        where = f"Value {number} (character {match.start() + 1})"
        if token.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise EngineError(
                f"{where} is {token!r}: NaN and infinity are not allowed; use finite numbers."
            )
        if _NUMBER_PATTERN.fullmatch(token) is None:
            raise EngineError(f"{where} is {token!r}, which is not a number.")
        value = float(token)
        if not math.isfinite(value):
            raise EngineError(f"{where} is {token!r}, which is too large to represent.")
        values.append(value)
    return values


def tokenize(
    text: str, mode: str, *, max_length: int = MAX_SEQUENCE_LENGTH
) -> list[str] | list[float]:
    """Split ``text`` into tokens according to ``mode``.

    Parameters
    ----------
    text : str
        What the learner typed or pasted.
    mode : {"chars", "words", "numbers"}
        How to read it (see the module docstring).
    max_length : int, optional
        Longest accepted sequence, :data:`MAX_SEQUENCE_LENGTH` by default.

    Returns
    -------
    list of str, or list of float for ``mode="numbers"``

    Raises
    ------
    EngineError
        Unknown mode, non-string text, empty input (after removing whitespace for words and
        numbers), a bad number, or more than ``max_length`` tokens.
    """
    if mode not in TOKEN_MODES:
        raise EngineError(f"Unknown mode {mode!r}; choose one of {', '.join(TOKEN_MODES)}.")
    if not isinstance(text, str):
        raise EngineError(f"Text must be a string, not {type(text).__name__}.")
    tokens: list[str] | list[float]
    if mode == "chars":
        tokens = split_characters(text)
    elif mode == "words":
        tokens = split_words(text)
    else:
        tokens = parse_numbers(text)
    if not tokens:
        kind = {"chars": "characters", "words": "words", "numbers": "numbers"}[mode]
        raise EngineError(f"The text is empty: type at least one token ({kind}).")
    if len(tokens) > max_length:
        raise EngineError(
            f"The sequence has {len(tokens)} tokens; the limit is {max_length} "
            f"(MAX_SEQUENCE_LENGTH). Shorten the text."
        )
    return tokens


def detokenize(tokens: Iterable[str], mode: str) -> str:
    """Join tokens back into text: characters with nothing between, words with spaces."""
    if mode == "chars":
        return "".join(tokens)
    if mode == "words":
        text = " ".join(tokens)
        return re.sub(r" ([.,;:!?)\]}])", r"\1", text)
    raise EngineError(f"Cannot join tokens in mode {mode!r}; use 'chars' or 'words'.")


class Vocabulary:
    """An ordered list of distinct tokens and the index of each.

    Parameters
    ----------
    tokens : sequence of str
        The tokens in index order; duplicates are an error.
    unknown : str or None, optional
        A token (added at the end if absent) that stands in for tokens outside the
        vocabulary. Without it, an unknown token is an error that names it.
    mode : {"chars", "words"} or None, optional
        How the tokens were made; used to join sampled tokens back into text.
    """

    def __init__(
        self, tokens: Sequence[str], *, unknown: str | None = None, mode: str | None = None
    ) -> None:
        items = [str(token) for token in tokens]
        if unknown is not None and unknown not in items:
            items.append(unknown)
        if not items:
            raise EngineError("A vocabulary needs at least one token.")
        index: dict[str, int] = {}
        for position, token in enumerate(items):
            if token in index:
                raise EngineError(f"Token {token!r} appears twice in the vocabulary.")
            index[token] = position
        if mode is not None and mode not in ("chars", "words"):
            raise EngineError(f"Vocabulary mode must be 'chars' or 'words', not {mode!r}.")
        self._tokens = tuple(items)
        self._index = index
        self.unknown = unknown
        self.mode = mode

    @classmethod
    def from_tokens(
        cls, tokens: Iterable[str], *, unknown: str | None = None, mode: str | None = None
    ) -> Vocabulary:
        """Build a vocabulary of the distinct ``tokens`` in sorted (code point) order, so the
        same text always gives the same indices."""
        return cls(sorted(set(tokens)), unknown=unknown, mode=mode)

    @classmethod
    def from_text(cls, text: str, mode: str, *, unknown: str | None = None) -> Vocabulary:
        """Tokenize ``text`` (``"chars"`` or ``"words"``) and build its vocabulary."""
        if mode not in ("chars", "words"):
            raise EngineError(f"A vocabulary is built from 'chars' or 'words', not {mode!r}.")
        return cls.from_tokens(tokenize(text, mode), unknown=unknown, mode=mode)  # type: ignore[arg-type]

    @property
    def tokens(self) -> tuple[str, ...]:
        """The tokens in index order."""
        return self._tokens

    def __len__(self) -> int:
        return len(self._tokens)

    @property
    def size(self) -> int:
        """Number of tokens."""
        return len(self._tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return (self._tokens, self.unknown, self.mode) == (other._tokens, other.unknown, other.mode)

    def __hash__(self) -> int:
        return hash((self._tokens, self.unknown, self.mode))

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens, unknown={self.unknown!r}, mode={self.mode!r})"

    def index(self, token: str) -> int:
        """Index of ``token`` (of the unknown token if it is missing and one is set).

        Raises
        ------
        EngineError
            The token is not in the vocabulary and there is no unknown token.
        """
        position = self._index.get(token)
        if position is not None:
            return position
        if self.unknown is not None:
            return self._index[self.unknown]
        raise EngineError(
            f"Token {token!r} is not in the vocabulary ({len(self)} tokens); "
            "retrain on text that contains it or use a vocabulary with an unknown token."
        )

    def token(self, index: int) -> str:
        """Token at ``index``."""
        if not 0 <= int(index) < len(self._tokens):
            raise EngineError(f"Token index {index} is outside 0..{len(self._tokens) - 1}.")
        return self._tokens[int(index)]

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """Indices (int64 array) of ``tokens``; an unknown token raises naming it and where."""
        indices = []
        for position, token in enumerate(tokens):
            try:
                indices.append(self.index(token))
            except EngineError as error:
                raise EngineError(f"At position {position + 1}: {error}") from None
        return np.asarray(indices, dtype=np.int64)

    def decode(self, indices: Iterable[int]) -> list[str]:
        """Tokens at ``indices``."""
        return [self.token(int(index)) for index in np.asarray(indices).ravel()]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description; :meth:`from_dict` rebuilds the same vocabulary."""
        return {"tokens": list(self._tokens), "unknown": self.unknown, "mode": self.mode}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Vocabulary:
        """Rebuild a vocabulary from :meth:`to_dict` output, validating every field."""
        if not isinstance(data, Mapping):
            raise EngineError("Vocabulary data must be a mapping with a 'tokens' list.")
        tokens = data.get("tokens")
        if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
            raise EngineError("Vocabulary field 'tokens' must be a list of strings.")
        unknown = data.get("unknown")
        if unknown is not None and not isinstance(unknown, str):
            raise EngineError("Vocabulary field 'unknown' must be a string or null.")
        return cls(tokens, unknown=unknown, mode=data.get("mode"))


def one_hot(indices: np.ndarray | Sequence[int], size: int, dtype: Any = np.float64) -> np.ndarray:
    """One-hot vectors for integer ``indices``.

    Parameters
    ----------
    indices : array_like of int, shape (...)
        Token indices in ``0..size-1``.
    size : int
        Vocabulary size.
    dtype : numpy dtype, optional

    Returns
    -------
    numpy.ndarray, shape (..., size)
        ``out[..., k] = 1`` where ``indices == k``, else 0.
    """
    idx = np.asarray(indices)
    if idx.size and not np.issubdtype(idx.dtype, np.integer):
        raise EngineError(f"One-hot indices must be integers, not {idx.dtype}.")
    if size < 1:
        raise EngineError(f"One-hot size must be at least 1, not {size}.")
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise EngineError(f"One-hot indices must lie in 0..{size - 1}.")
    out = np.zeros((*idx.shape, size), dtype=dtype)
    np.put_along_axis(out, idx[..., None].astype(np.intp), 1, axis=-1)
    return out


@dataclass(frozen=True)
class Scaler:
    """Standardisation ``z = (x - mean) / std`` with the statistics kept for the inverse.

    Attributes
    ----------
    mean : float
    std : float
        Always positive (1.0 when the data are constant).
    """

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mean) and math.isfinite(self.std) and self.std > 0):
            raise EngineError(
                f"The numbers' mean ({self.mean:.4g}) and spread ({self.std:.4g}) must be "
                "finite, and the spread above 0."
            )

    @classmethod
    def fit(cls, values: np.ndarray | Sequence[float]) -> Scaler:
        """Mean and standard deviation of ``values`` (std 1 for constant data)."""
        data = np.asarray(values, dtype=np.float64)
        if data.size == 0:
            raise EngineError("Cannot fit a scaler to an empty sequence.")
        # Computed on data / max|x|, then scaled back: the squares of 1e200 would overflow
        # (std = inf) although the true spread is finite. Both results are at most max|x|.
        largest = float(np.max(np.abs(data)))
        if not math.isfinite(largest):
            raise EngineError("The numbers must be finite to be standardised.")
        if largest == 0.0:
            return cls(0.0, 1.0)
        scaled = data / largest
        std = float(scaled.std()) * largest
        return cls(float(scaled.mean()) * largest, std if std > 0 else 1.0)

    def transform(self, values: np.ndarray | Sequence[float]) -> np.ndarray:
        """``(values - mean) / std``."""
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.std

    def inverse(self, values: np.ndarray | Sequence[float]) -> np.ndarray:
        """``values * std + mean``."""
        return np.asarray(values, dtype=np.float64) * self.std + self.mean

    def to_dict(self) -> dict[str, float]:
        """JSON-able form."""
        return {"mean": self.mean, "std": self.std}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scaler:
        """Rebuild from :meth:`to_dict` output."""
        try:
            return cls(float(data["mean"]), float(data["std"]))
        except (KeyError, TypeError, ValueError) as error:
            raise EngineError(f"Scaler data needs numeric 'mean' and 'std': {error}") from None


def encode_numbers(
    values: Sequence[float] | np.ndarray,
    *,
    standardize: bool = False,
    scaler: Scaler | None = None,
    dtype: Any = np.float64,
) -> tuple[np.ndarray, Scaler]:
    """Numbers as a (T, 1) input sequence, optionally standardised.

    Parameters
    ----------
    values : sequence of float, length T
    standardize : bool, optional
        Fit a :class:`Scaler` to ``values`` and apply it (ignored if ``scaler`` is given).
    scaler : Scaler, optional
        Apply this scaler (for example the one stored with a trained model).

    Returns
    -------
    xs : numpy.ndarray, shape (T, 1)
    scaler : Scaler
        The scaler used (identity when none was asked for).
    """
    data = np.asarray(values, dtype=np.float64).reshape(-1)
    if data.size == 0:
        raise EngineError("The sequence of numbers is empty.")
    if not np.all(np.isfinite(data)):
        first = int(np.flatnonzero(~np.isfinite(data))[0])
        raise EngineError(f"Value {first + 1} is {data[first]}: numbers must be finite.")
    if scaler is None:
        scaler = Scaler.fit(data) if standardize else Scaler()
    return scaler.transform(data).astype(dtype).reshape(-1, 1), scaler
