"""The course corpus: the app's own lessons, glossary, cards and quizzes as plain text.

The next-character models of the zoo learn from this text ("a network that learned from
this course"). :func:`course_corpus` walks every JSON file under ``resources/lessons``,
``glossary.json``, ``resources/decks`` and ``resources/quizzes`` in a fixed order, keeps the
prose (strings of at least :data:`MIN_WORDS` words), removes the inline markup (glossary
links keep their shown text, "Show me" links and tags vanish) and folds the characters into
a small alphabet: lower case, ASCII letters, digits, space and common punctuation (curly
quotes become straight ones, dashes a hyphen). One paragraph per line.

The result is deterministic: the same resources give the same text, byte for byte.

:func:`repeats_corpus` makes the other training text, made-up words said three times in a
row, for the model behind the "hello hello hello" demo (it has to copy from memory).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from rnn_studio.atomic_files import atomic_write_text
from rnn_studio.resources import resource_path

MIN_WORDS = 4
"""Strings with fewer words (ids, tags, short labels) are not prose and are left out."""

SOURCES = ("lessons", "glossary.json", "decks", "quizzes")
"""Where the corpus comes from, in reading order (folders are read file by file, sorted)."""

ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 .,;:!?'\"()-\n")
"""Every character the corpus may contain after folding."""

_FOLD = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2011": "-",
        "\u00d7": "x",
        "\u2026": "...",
        "\u00a0": " ",
    }
)
_TERM = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
_DEMO = re.compile(r"\{\{[^}]*\}\}")
_TAG = re.compile(r"<[^>]*>")


def fold(text: str) -> str:
    """``text`` without markup, lower case and inside :data:`ALPHABET` (other characters
    are dropped; runs of spaces become one)."""
    text = _TERM.sub(lambda match: match.group(2) or match.group(1), text)
    text = _DEMO.sub("", text)
    text = _TAG.sub("", text)
    text = unicodedata.normalize("NFKC", text.translate(_FOLD)).lower()
    kept = "".join(char for char in text if char in ALPHABET and char != "\n")
    return re.sub(r" +", " ", kept).strip()


def _strings(node: Any) -> Iterator[str]:
    """Every string value inside a JSON document, in document order (keys are skipped)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)


def _documents() -> Iterator[Any]:
    for source in SOURCES:
        node = resource_path(source)
        files = sorted(node.iterdir(), key=lambda f: f.name) if node.is_dir() else [node]
        for file in files:
            if file.name.endswith(".json"):
                yield json.loads(file.read_text(encoding="utf-8"))


def course_corpus() -> str:
    """The course's prose, folded (see the module docstring), one paragraph per line."""
    lines: list[str] = []
    seen: set[str] = set()
    for document in _documents():
        for raw in _strings(document):
            if len(raw.split()) < MIN_WORDS:
                continue
            line = fold(raw)
            if line and line not in seen:  # repeated sentences would leak into the held-out part
                seen.add(line)
                lines.append(line)
    return "\n".join(lines) + "\n"


def write_course_text() -> Path:
    """Rewrite ``resources/texts/course.txt`` with :func:`course_corpus`; return its path."""
    target = Path(str(resource_path("texts", "course.txt")))
    atomic_write_text(target, course_corpus())
    return target


REPEATS_SIZE = 60_000
"""Characters of the repeated-words corpus (:func:`repeats_corpus`)."""
REPEATS = 3
"""How many times each word is said in a row."""
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def repeats_corpus(seed: int = 0, size: int = REPEATS_SIZE) -> str:
    """Made-up words, each said :data:`REPEATS` times in a row, one word per line::

        qzt qzt qzt
        ebwmo ebwmo ebwmo

    Each word is 2 to 7 letters drawn uniformly at random (``numpy.random.default_rng(seed)``),
    so a network cannot learn the words themselves: to predict the second and third saying
    it has to carry the first one in its hidden state and copy it. "hello" is as unknown to
    it as any other word, which is what the "hello hello hello" demo relies on.
    """
    rng = np.random.default_rng(seed)
    alphabet = np.array(list(LETTERS))
    lines: list[str] = []
    length = 0
    while length < size:
        word = "".join(rng.choice(alphabet, size=int(rng.integers(2, 8))))
        line = " ".join([word] * REPEATS)
        lines.append(line)
        length += len(line) + 1
    return "\n".join(lines) + "\n"
