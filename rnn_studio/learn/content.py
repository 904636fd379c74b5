"""Load and validate the teaching content in ``resources/`` (Qt-free, standard library only).

The files and their schemas are documented in ``resources/README.md``:

``demos.json``
    ``{id: {title, description, setup}}``; every ``setup`` must pass ``DemoSetup.from_dict``.
``glossary.json``
    ``{schema, entries: [{id, term, aliases, definition, explanation, related, demo}]}``.
``lessons/<id>.json``
    The lesson: dialogues with recaps, overview at three depths, chapters with analogies,
    key concepts, real-life examples, memory aids.
``decks/<id>.json``
    Flashcards ``{id, front, back, tags, source, demo}``.
``quizzes/<id>.json``
    Hand-written practice questions (multiple choice, true/false, typed).
``examples.json``
    The studio's preset sequences.

Every text field may carry the inline markup of :mod:`rnn_studio.learn.markup`; every
``[[term]]`` must resolve to a glossary id, term or alias, and every ``{{demo:id}}`` (and
every ``demo`` field) to ``demos.json``. A problem raises :class:`ContentError` whose message
names the file and the field path, e.g. ``glossary.json: entries[12].definition: must not be
empty``.

The ``load_*`` functions read the packaged files once and cache the result;
:func:`load_content_dir` reads a whole folder (used by tests on broken copies). The records
live in :mod:`rnn_studio.learn.content_types` and the per-file parsers in
:mod:`rnn_studio.learn.content_parse`; this module re-exports both, so callers need only
``from rnn_studio.learn import content``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from importlib.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rnn_studio import resources
from rnn_studio.learn import markup
from rnn_studio.learn.content_parse import (
    MEMORY_AID_KINDS,
    OVERVIEW_DEPTHS,
    QUESTION_KINDS,
    SCHEMA_VERSION,
    count_tokens,
    parse_deck,
    parse_demos,
    parse_examples,
    parse_glossary,
    parse_lesson,
    parse_quiz,
)
from rnn_studio.learn.content_types import (
    Analogy,
    Chapter,
    Content,
    ContentError,
    Deck,
    Demo,
    Dialogue,
    DialogueLine,
    Example,
    Flashcard,
    Glossary,
    GlossaryEntry,
    KeyConcept,
    Lesson,
    LessonExample,
    MemoryAid,
    QuizChoice,
    QuizQuestion,
    QuizSet,
    Source,
    Speaker,
    normalise_name,
)

__all__ = [
    "MEMORY_AID_KINDS",
    "OVERVIEW_DEPTHS",
    "QUESTION_KINDS",
    "SCHEMA_VERSION",
    "Analogy",
    "Chapter",
    "Content",
    "ContentError",
    "Deck",
    "Demo",
    "Dialogue",
    "DialogueLine",
    "Example",
    "Flashcard",
    "Glossary",
    "GlossaryEntry",
    "KeyConcept",
    "Lesson",
    "LessonExample",
    "MemoryAid",
    "QuizChoice",
    "QuizQuestion",
    "QuizSet",
    "Source",
    "Speaker",
    "count_tokens",
    "load_all",
    "load_content_dir",
    "load_deck",
    "load_decks",
    "load_demos",
    "load_examples",
    "load_glossary",
    "load_lesson",
    "load_lessons",
    "load_quizzes",
    "parse_deck",
    "parse_demos",
    "parse_examples",
    "parse_glossary",
    "parse_lesson",
    "parse_quiz",
    "render_text",
    "search_glossary",
]


# --------------------------------------------------------------------------- loading


def load_content_dir(root: Path | Traversable) -> Content:
    """Load and cross-check every content file under ``root`` (a ``resources/`` folder).

    Parameters
    ----------
    root : pathlib.Path or importlib.abc.Traversable
        A folder laid out like ``resources/``: ``demos.json``, ``glossary.json``,
        ``examples.json`` and the folders ``lessons/``, ``decks/`` and ``quizzes/``.

    Returns
    -------
    Content

    Raises
    ------
    ContentError
        A missing file or folder, or the first problem in any file, naming file and field;
        also duplicate ids across files. Editorial quotas (how many cards, which glossary
        terms, sentence counts) are not checked here: ``tests/learn/test_editorial.py`` holds them.
    """

    def read(*parts: str) -> str:
        node = root
        for part in parts:
            node = node / part
        if not node.is_file():
            raise ContentError(f"{'/'.join(parts)}: file not found")
        return node.read_text(encoding="utf-8")

    def folder(name: str) -> list[str]:
        node = root / name
        if not node.is_dir():
            raise ContentError(f"{name}/: folder not found")
        found = sorted(child.name for child in node.iterdir() if child.name.endswith(".json"))
        if not found:
            raise ContentError(f"{name}/: no .json files")
        return found

    demos = parse_demos(read("demos.json"))
    demo_ids = frozenset(demos)
    glossary = parse_glossary(read("glossary.json"), demo_ids)
    lessons = tuple(
        sorted(
            (
                parse_lesson(read("lessons", name), glossary, demo_ids, f"lessons/{name}")
                for name in folder("lessons")
            ),
            key=lambda lesson: lesson.order,  # stable: file-name order within one place
        )
    )
    _check_unique_ids(lessons, "lessons/")
    anchors = frozenset().union(*(lesson.anchors for lesson in lessons))
    # A deck or quiz named like a lesson takes that lesson's place in the course.
    place = {lesson.id: n for n, lesson in enumerate(lessons)}

    def in_course_order(items: Any) -> tuple[Any, ...]:
        return tuple(sorted(items, key=lambda item: place.get(item.id, len(place))))

    decks = in_course_order(
        parse_deck(read("decks", name), glossary, demo_ids, anchors, f"decks/{name}")
        for name in folder("decks")
    )
    _check_unique_ids(decks, "decks/")
    _check_unique_ids([c for d in decks for c in d.cards], "decks/ (card ids)")
    quizzes = in_course_order(
        parse_quiz(read("quizzes", name), glossary, demo_ids, anchors, f"quizzes/{name}")
        for name in folder("quizzes")
    )
    _check_unique_ids(quizzes, "quizzes/")
    _check_unique_ids([q for quiz in quizzes for q in quiz.questions], "quizzes/ (question ids)")
    examples = parse_examples(read("examples.json"), demo_ids)
    return Content(MappingProxyType(demos), glossary, lessons, decks, quizzes, examples)


def _check_unique_ids(items: Any, where: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ContentError(f"{where}: duplicate id {item.id!r}")
        seen.add(item.id)


@functools.cache
def load_all() -> Content:
    """Load every packaged content file once (cached) and return it cross-checked."""
    return load_content_dir(resources.resource_root())


def load_demos() -> Mapping[str, Demo]:
    """Return the demos by id."""
    return load_all().demos


def load_glossary() -> Glossary:
    """Return the glossary."""
    return load_all().glossary


def load_lessons() -> tuple[Lesson, ...]:
    """Return every lesson."""
    return load_all().lessons


def load_lesson(lesson_id: str = "core-idea") -> Lesson:
    """Return the lesson with ``lesson_id``."""
    return _by_id(load_all().lessons, lesson_id, "lesson")


def load_decks() -> tuple[Deck, ...]:
    """Return every flashcard deck."""
    return load_all().decks


def load_deck(deck_id: str = "core-idea") -> Deck:
    """Return the flashcard deck with ``deck_id``."""
    return _by_id(load_all().decks, deck_id, "deck")


def load_quizzes() -> tuple[QuizSet, ...]:
    """Return every hand-written quiz."""
    return load_all().quizzes


def load_examples() -> tuple[Example, ...]:
    """Return the studio presets."""
    return load_all().examples


def _by_id(items: tuple[Any, ...], item_id: str, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    known = ", ".join(item.id for item in items)
    raise ContentError(f"no {what} {item_id!r} (known: {known})")


# --------------------------------------------------------------------------- helpers for views


def render_text(text: str, glossary: Glossary | None = None) -> str:
    """Render a content text field to inline HTML with term links resolved to glossary ids.

    Parameters
    ----------
    text : str
        Text in the markup of :mod:`rnn_studio.learn.markup`.
    glossary : Glossary, optional
        Defaults to the packaged glossary.

    Raises
    ------
    rnn_studio.learn.markup.MarkupError
        Malformed markup or a term the glossary does not know.
    """
    glossary = glossary if glossary is not None else load_glossary()
    return markup.render_inline(text, glossary.resolve)


def search_glossary(query: str, glossary: Glossary | None = None) -> list[GlossaryEntry]:
    """Return the entries matching ``query``, best first, for search-as-you-type.

    Ranking (case and spacing ignored): a term or alias equal to the query; then one that
    starts with it; then one with a word starting with it; then one containing it; then
    entries whose definition, and last those whose explanation, contain it. Ties keep
    alphabetical order of the term. An empty query returns every entry alphabetically.
    """
    glossary = glossary if glossary is not None else load_glossary()
    needle = normalise_name(query)
    alphabetical = sorted(glossary.entries, key=lambda e: e.term.casefold())
    if not needle:
        return alphabetical
    ranked: list[tuple[int, int, GlossaryEntry]] = []
    for order, entry in enumerate(alphabetical):
        rank = _search_rank(entry, needle)
        if rank is not None:
            ranked.append((rank, order, entry))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [entry for _, _, entry in ranked]


def _search_rank(entry: GlossaryEntry, needle: str) -> int | None:
    names = [normalise_name(name) for name in (*entry.names, entry.id.replace("-", " "))]
    if needle in names:
        return 0
    if any(name.startswith(needle) for name in names):
        return 1
    if any(word.startswith(needle) for name in names for word in re.split(r"[\s\-]+", name)):
        return 2
    if any(needle in name for name in names):
        return 3
    if needle in normalise_name(markup.plain_text(entry.definition)):
        return 4
    if needle in normalise_name(markup.plain_text(entry.explanation)):
        return 5
    return None
