"""Lenient matching of typed answers: forgive case, spacing, plurals, accents and typing
slips, never a different word.

An answer is accepted when, in :func:`canonical` form (case, accents, spacing, plurals and
the way a size is written folded away), it equals the expected answer or one of its aliases,
or differs from one only by typing slips *inside* words (:func:`word_slips`;
Damerau-Levenshtein distance, where swapping two neighbouring letters counts as one slip).
A word with another beginning is another word ("gradient ascent" is not "gradient
descent", "enrolling" is not "unrolling"); the slips forgiven grow with the word's length,
and a short acronym is forgiven one only when it uses its own letters ("LTSM", "bppt"; not
"LSTN", and "than" is never "tanh"). Digits must match exactly ("0.9" is not "0.8"), and an
answer that is another known term, or as close to one as to the expected answer, is refused,
so "input gate" is not accepted for "output gate".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_TAG = re.compile(r"<[^>]*>")
_LINK = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")
_DEMO = re.compile(r"\{\{[^}]*\}\}")
_NOT_WORD = re.compile(r"[^\w]+")
_ARTICLES = ("the ", "a ", "an ")
_ROWS_COLUMNS = re.compile(r"\b(\d+) rows? (?:and |by |x )?(\d+) col(?:umn)?s?\b")
_BY = re.compile(r"\b(\d+) ?(?:x|by) ?(\d+)\b")


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


# Pure functions of strings, cached: every typed answer is judged against each accepted
# spelling and every confusable term, so the same pairs and names come back again and again.
@functools.lru_cache(maxsize=8192)
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


@functools.lru_cache(maxsize=4096)  # pure (see damerau_levenshtein)
def canonical(text: str) -> str:
    """Fold ``text`` further than :func:`normalise` for judging typed answers.

    Dimensions are written one way ("8 × 8", "8 by 8" and "8 rows and 8 columns" all become
    "8x8") and each word is made singular ("losses" → "loss", "seeds" → "seed", "LSTMs" →
    "lstm"), so a plural or another way of writing a size is not a slip.

    Examples
    --------
    >>> canonical("8 rows and 8 columns"), canonical("8x 8"), canonical("The Losses")
    ('8x8', '8x8', 'loss')
    """
    folded = normalise(text.replace("×", " x "))
    folded = _ROWS_COLUMNS.sub(r"\1x\2", folded)
    folded = _BY.sub(r"\1x\2", folded)
    return " ".join(singular(word) for word in folded.split())


def singular(word: str) -> str:
    """A plural English word made singular by its spelling alone (enough for glossary terms).

    Examples
    --------
    >>> [singular(w) for w in ("gates", "losses", "biases", "dependencies", "bias", "rnns")]
    ['gate', 'loss', 'bias', 'dependency', 'bias', 'rnn']
    """
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")) or (
        word.endswith("ses") and word[:-2].endswith("s")
    ):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "as")):
        return word
    return word[:-1]


def word_slips(given: str, expected: str) -> int | None:
    """Slips between two single words, or None when ``given`` is another word altogether.

    A slip is a typing error inside the word: the first letter must match (a changed
    beginning makes another word: "ascent" for "descent", "rolling" or "enrolling" for
    "unrolling"), and the number forgiven grows with the word's length: 1 from 5 letters,
    2 from 9. A word of up to 4 letters (an acronym such as "LSTM" or "BPTT") is forgiven
    one slip only when it is as long and uses no letter the word lacks ("LTSM", "bppt"; not
    "LSTN", and not "tan" for "tanh").
    """
    distance = damerau_levenshtein(given, expected)
    if distance == 0:
        return 0
    if given[:1] != expected[:1]:
        return None
    if len(expected) <= 4:
        same_letters = len(given) == len(expected) and set(given) <= set(expected)
        allowed = 1 if same_letters else 0
    else:
        allowed = 1 if len(expected) <= 8 else 2
    return distance if distance <= allowed else None


def slips(given: str, expected: str) -> int | None:
    """Slips between two :func:`canonical` answers, or None when they are not the same answer.

    Word by word when both have as many words; otherwise (a space typed or missed) on the
    letters alone, where one slip is forgiven in answers longer than 8 letters.
    """
    if given.replace(" ", "") == expected.replace(" ", ""):
        return 0
    if _digits(given) != _digits(expected):
        return None
    given_words, expected_words = given.split(), expected.split()
    if len(given_words) == len(expected_words):
        total = 0
        for word, target in zip(given_words, expected_words, strict=True):
            found = word_slips(word, target)
            if found is None:
                return None
            total += found
        return total
    compact_given, compact_expected = given.replace(" ", ""), expected.replace(" ", "")
    if compact_given[:1] != compact_expected[:1]:
        return None
    distance = damerau_levenshtein(compact_given, compact_expected)
    return distance if distance <= (1 if len(compact_expected) > 8 else 0) else None


def match_answer(answer: str, accepted: Iterable[str], confusables: Iterable[str] = ()) -> Match:
    """Judge a typed ``answer`` against the ``accepted`` spellings.

    Parameters
    ----------
    answer : str
        What the learner typed.
    accepted : iterable of str
        The expected answer first, then aliases; any of them counts.
    confusables : iterable of str
        Other terms the learner might mean instead; an answer that is one of these, or at
        least as close to one of them as to every accepted spelling, is refused.

    Notes
    -----
    Answers are compared in their :func:`canonical` form (plurals, spacing and ways of
    writing a size do not matter). Beyond that, only typing slips inside a word are
    forgiven (:func:`slips`): a different word, or a word with another beginning, is a
    different answer.
    """
    wanted = [(name, canonical(name)) for name in accepted if canonical(name)]
    if not wanted:
        raise ValueError("match_answer needs at least one non-empty accepted answer")
    given = canonical(answer)
    if not given:
        return Match(False, None, -1, "no answer was given")
    scored = [(slips(given, target), name, target) for name, target in wanted]
    found = [(n, name) for n, name, _ in scored if n is not None]
    if not found:
        closest = min(wanted, key=lambda pair: damerau_levenshtein(given, pair[1]))
        distance = damerau_levenshtein(given, closest[1])
        if _digits(given) != _digits(closest[1]):
            return Match(False, None, distance, "the numbers differ")
        return Match(False, None, distance, "too different from the expected answer")
    best_distance, best_name = min(found, key=lambda pair: pair[0])
    if best_distance == 0:
        return Match(True, best_name, 0)
    accepted_forms = {target for _, target in wanted}
    for other in confusables:
        folded = canonical(other)
        if not folded or folded in accepted_forms:
            continue
        near = slips(given, folded)
        if near is not None and near <= best_distance:
            return Match(False, None, best_distance, f"closer to “{other}”")
    return Match(True, best_name, best_distance)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
