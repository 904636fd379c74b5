"""Lenient matching of typed answers: forgive case, spacing, accents and small typos, no more.

An answer is accepted when, after :func:`normalise`, it equals the expected answer or one of
its aliases, or is within a few typing slips of one (Damerau-Levenshtein distance, where
swapping two neighbouring letters counts as one slip). The number of slips forgiven grows with
the length of the expected answer (:func:`allowed_typos`): none for short words and acronyms,
so "LSTM" never matches "GRU" and "tanh" never matches "than". Digits must match exactly
("0.9" is not "0.8"), and an answer that is closer to another known term than to the expected
one is refused, so "input gate" is not accepted for "output gate".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_TAG = re.compile(r"<[^>]*>")
_LINK = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")
_DEMO = re.compile(r"\{\{[^}]*\}\}")
_NOT_WORD = re.compile(r"[^\w]+")
_ARTICLES = ("the ", "a ", "an ")


def normalise(text: str) -> str:
    """Fold ``text`` for comparison.

    Lower-case (case-folded), accents removed, inline markup (``[[term|shown]]``, tags)
    reduced to its visible text, punctuation and hyphens turned into spaces, runs of spaces
    collapsed, and a leading "the", "a" or "an" dropped.

    Examples
    --------
    >>> normalise("  The Hidden-State! ")
    'hidden state'
    >>> normalise("Rückwärts")
    'ruckwarts'
    """
    text = _LINK.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(1), text)
    text = _DEMO.sub(" ", _TAG.sub("", text))
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = _NOT_WORD.sub(" ", stripped.casefold()).replace("_", " ")
    folded = " ".join(folded.split())
    for article in _ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            folded = folded[len(article) :]
            break
    return folded


def damerau_levenshtein(first: str, second: str) -> int:
    """Edit distance counting insertions, deletions, substitutions and adjacent swaps.

    This is the "optimal string alignment" variant: each substring is edited at most once,
    which is what a typing slip looks like.

    Examples
    --------
    >>> damerau_levenshtein("gate", "gaet")
    1
    >>> damerau_levenshtein("LSTM", "GRU")
    4
    """
    rows, cols = len(first) + 1, len(second) + 1
    table = [[0] * cols for _ in range(rows)]
    for i in range(rows):
        table[i][0] = i
    for j in range(cols):
        table[0][j] = j
    for i in range(1, rows):
        for j in range(1, cols):
            cost = 0 if first[i - 1] == second[j - 1] else 1
            best = min(
                table[i - 1][j] + 1,  # deletion
                table[i][j - 1] + 1,  # insertion
                table[i - 1][j - 1] + cost,  # substitution
            )
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                best = min(best, table[i - 2][j - 2] + 1)  # transposition
            table[i][j] = best
    return table[-1][-1]


def allowed_typos(expected: str) -> int:
    """How many slips to forgive in an answer whose normalised form is ``expected``.

    0 up to 4 letters, 1 up to 8, 2 up to 14, 3 beyond (spaces not counted).
    """
    length = len(expected.replace(" ", ""))
    if length <= 4:
        return 0
    if length <= 8:
        return 1
    if length <= 14:
        return 2
    return 3


@dataclass(frozen=True)
class Match:
    """The verdict on one typed answer.

    Attributes
    ----------
    accepted : bool
        Whether the answer counts as right.
    matched : str or None
        The expected answer or alias it was matched to (as written), if accepted.
    distance : int
        Slips between the answer and ``matched`` (0 for an exact match after folding).
    reason : str
        Why it was refused, in plain words ("" when accepted).
    """

    accepted: bool
    matched: str | None
    distance: int
    reason: str = ""

    @property
    def exact(self) -> bool:
        """True when accepted with no slips at all."""
        return self.accepted and self.distance == 0


def match_answer(answer: str, accepted: Iterable[str], confusables: Iterable[str] = ()) -> Match:
    """Judge a typed ``answer`` against the ``accepted`` spellings.

    Parameters
    ----------
    answer : str
        What the learner typed.
    accepted : iterable of str
        The expected answer first, then aliases; any of them counts.
    confusables : iterable of str
        Other terms the learner might mean instead; an answer at least as close to one of
        these as to every accepted spelling is refused.
    """
    wanted = [(name, normalise(name)) for name in accepted if normalise(name)]
    if not wanted:
        raise ValueError("match_answer needs at least one non-empty accepted answer")
    given = normalise(answer)
    if not given:
        return Match(False, None, -1, "no answer was given")
    best_name, best_distance, best_target = None, None, ""
    for name, target in wanted:
        distance = damerau_levenshtein(given, target)
        if best_distance is None or distance < best_distance:
            best_name, best_distance, best_target = name, distance, target
    assert best_distance is not None
    if best_distance == 0:
        return Match(True, best_name, 0)
    if _digits(given) != _digits(best_target):
        return Match(False, None, best_distance, "the numbers differ")
    if best_distance > allowed_typos(best_target):
        return Match(False, None, best_distance, "too different from the expected answer")
    accepted_forms = {target for _, target in wanted}
    for other in confusables:
        folded = normalise(other)
        ambiguous = folded and folded not in accepted_forms
        if ambiguous and damerau_levenshtein(given, folded) <= best_distance:
            return Match(False, None, best_distance, f"closer to “{other}”")
    return Match(True, best_name, best_distance)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
