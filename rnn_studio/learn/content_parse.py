"""Parse and validate the content files' JSON text into :mod:`content_types` records.

Each ``parse_*`` function takes a file's text (and what it must be checked against: demo ids,
the glossary, the lesson's section ids) and raises :class:`ContentError` naming the file and
the field path on the first problem. Loading from disk lives in :mod:`rnn_studio.learn.content`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from rnn_studio.engine.encoding import tokenize
from rnn_studio.learn import markup
from rnn_studio.learn.content_types import (
    PRACTICE_KINDS,
    Analogy,
    Chapter,
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
    default_panel,
    normalise_name,
)
from rnn_studio.studio_core.demo import MODE_CHOICES, STUDIO_PANELS, DemoError, DemoSetup

__all__ = [
    "MAX_EXAMPLE_TOKENS",
    "MEMORY_AID_KINDS",
    "OVERVIEW_DEPTHS",
    "QUESTION_KINDS",
    "SCHEMA_VERSION",
    "SPEAKER_ROLES",
    "count_tokens",
    "parse_deck",
    "parse_demos",
    "parse_examples",
    "parse_glossary",
    "parse_lesson",
    "parse_quiz",
]

SCHEMA_VERSION = 1
MAX_EXAMPLE_TOKENS = 1000
OVERVIEW_DEPTHS = ("basic", "standard", "detailed")
MEMORY_AID_KINDS = ("rhyme", "story", "mnemonic", "acronym")
QUESTION_KINDS = ("multiple_choice", "true_false", "typed")
SPEAKER_ROLES = ("teacher", "student")


# --------------------------------------------------------------------------- field reader


_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Node:
    """A JSON value plus the path that leads to it, for error messages."""

    def __init__(self, value: Any, file: str, path: str = "") -> None:
        self.value = value
        self.file = file
        self.path = path

    def error(self, message: str) -> ContentError:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return ContentError(f"{where}: {message}")

    def child(self, key: str | int) -> _Node:
        if isinstance(key, int):
            path = f"{self.path}[{key}]"
        else:
            path = f"{self.path}.{key}" if self.path else key
        container = self.value
        return _Node(container[key], self.file, path)

    def obj(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> _Node:
        if not isinstance(self.value, dict):
            raise self.error("must be a JSON object")
        missing = [k for k in required if k not in self.value]
        if missing:
            raise self.error(f"missing field(s): {', '.join(missing)}")
        unknown = sorted(set(self.value) - set(required) - set(optional))
        if unknown:
            raise self.error(f"unknown field(s): {', '.join(unknown)}")
        return self

    def field(self, key: str) -> _Node:
        return self.child(key)

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def items(self, min_len: int = 0) -> list[_Node]:
        if not isinstance(self.value, list):
            raise self.error("must be a list")
        if len(self.value) < min_len:
            raise self.error(f"needs at least {min_len} item(s), has {len(self.value)}")
        return [self.child(i) for i in range(len(self.value))]

    def text(self, check: Callable[[str, _Node], None] | None = None) -> str:
        if not isinstance(self.value, str):
            raise self.error("must be text")
        if not self.value.strip():
            raise self.error("must not be empty")
        if check is not None:
            check(self.value, self)
        return self.value

    def texts(self, check: Callable[[str, _Node], None] | None = None, min_len: int = 1) -> tuple:
        return tuple(item.text(check) for item in self.items(min_len))

    def ident(self) -> str:
        value = self.text()
        if not _ID_PATTERN.match(value):
            raise self.error(f"{value!r} is not an id (lower-case words joined by '-')")
        return value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error("must be true or false")
        return self.value

    def optional_text(self) -> str | None:
        return None if self.value is None else self.text()


def _unique(nodes: list[_Node], key: str) -> None:
    seen: dict[str, str] = {}
    for node in nodes:
        value = node.value.get(key) if isinstance(node.value, dict) else None
        if isinstance(value, str):
            if value in seen:
                raise node.field(key).error(f"duplicate id {value!r} (also at {seen[value]})")
            seen[value] = node.path


def _read_json(text: str, file: str) -> _Node:
    try:
        return _Node(json.loads(text), file)
    except json.JSONDecodeError as exc:
        raise ContentError(f"{file}: not valid JSON: {exc}") from exc


def _check_schema(root: _Node) -> None:
    version = root.field("schema").value
    if version != SCHEMA_VERSION:
        raise root.field("schema").error(
            f"schema version {version!r} is not supported (expected {SCHEMA_VERSION})"
        )


# --------------------------------------------------------------------------- markup checks


class _Links:
    """Checks a text's markup, its term links against the glossary and its demo links."""

    def __init__(self, glossary: Glossary | None, demo_ids: frozenset[str]) -> None:
        self.glossary = glossary
        self.demo_ids = demo_ids

    def __call__(self, text: str, node: _Node) -> None:
        try:
            links = markup.find_links(text)
        except markup.MarkupError as exc:
            raise node.error(str(exc)) from exc
        for link in links:
            if link.kind == "term":
                if self.glossary is None:
                    continue
                if self.glossary.resolve(link.target) is None:
                    raise node.error(f"[[{link.target}]] is not a glossary id, term or alias")
            elif link.kind == "demo" and link.target not in self.demo_ids:
                raise node.error(f"{{{{demo:{link.target}}}}} is not a demo in demos.json")
            elif link.kind == "practice" and link.target not in PRACTICE_KINDS:
                raise node.error(
                    f"{{{{practice:{link.target}}}}} is not a Practice exercise "
                    f"({', '.join(PRACTICE_KINDS)})"
                )
            # "train" links name Train presets (rnn_studio.state.watch, checked by the tests).

    def demo(self, node: _Node) -> str | None:
        value = node.optional_text()
        if value is not None and value not in self.demo_ids:
            raise node.error(f"{value!r} is not a demo in demos.json")
        return value

    def listed_demo(self, node: _Node) -> str:
        value = self.demo(node)
        if value is None:
            raise node.error("must be a demo id, not null")
        return value

    def source(self, node: _Node, lesson_anchors: frozenset[str] | None) -> str:
        value = node.text()
        kind, _, target = value.partition(":")
        if kind == "glossary":
            if self.glossary is not None and target not in self.glossary.by_id:
                raise node.error(f"{target!r} is not a glossary id")
        elif kind == "lesson":
            if lesson_anchors is not None and target not in lesson_anchors:
                raise node.error(
                    f"{target!r} is not a lesson section "
                    f"(one of {', '.join(sorted(lesson_anchors))})"
                )
        else:
            raise node.error(f"{value!r} must be 'glossary:<id>' or 'lesson:<section>'")
        return value


# --------------------------------------------------------------------------- parsers


def parse_demos(text: str, file: str = "demos.json") -> dict[str, Demo]:
    """Parse ``demos.json``: ``{id: {title, description, setup}}``.

    Parameters
    ----------
    text : str
        The file's JSON text.
    file : str, optional
        Name used in error messages.

    Returns
    -------
    dict of str to Demo
        In file order; each ``setup`` is a validated
        :class:`~rnn_studio.studio_core.demo.DemoSetup`.

    Raises
    ------
    ContentError
        Bad JSON, a bad id, a missing field, a setup ``DemoSetup.from_dict`` rejects, a text
        the tokeniser rejects or one longer than :data:`MAX_EXAMPLE_TOKENS` steps.
    """
    root = _read_json(text, file)
    if not isinstance(root.value, dict) or not root.value:
        raise root.error("must be a non-empty JSON object mapping demo ids to demos")
    demos: dict[str, Demo] = {}
    for demo_id in root.value:
        node = root.child(demo_id).obj(("title", "description", "setup"), ("panel",))
        if not _ID_PATTERN.match(demo_id):
            raise node.error(f"{demo_id!r} is not an id (lower-case words joined by '-')")
        setup_node = node.field("setup")
        try:
            setup = DemoSetup.from_dict(setup_node.value)
        except (DemoError, TypeError) as exc:
            raise setup_node.error(str(exc)) from exc
        _check_token_count(setup.text, setup.mode, setup_node.field("text"))
        links = _Links(None, frozenset(root.value))
        panel = node.field("panel").text() if node.has("panel") else default_panel(setup)
        if panel not in STUDIO_PANELS:
            raise node.field("panel").error(f"{panel!r} is not one of {', '.join(STUDIO_PANELS)}")
        demos[demo_id] = Demo(
            demo_id,
            node.field("title").text(links),
            node.field("description").text(links),
            setup,
            panel,
        )
    return demos


def parse_glossary(text: str, demo_ids: frozenset[str], file: str = "glossary.json") -> Glossary:
    """Parse ``glossary.json`` and check ids, names, related ids, links and demos.

    Parameters
    ----------
    text : str
        The file's JSON text.
    demo_ids : frozenset of str
        Ids in ``demos.json`` that ``demo`` fields and ``{{demo:...}}`` links may name.
    file : str, optional
        Name used in error messages.

    Returns
    -------
    Glossary

    Raises
    ------
    ContentError
        Naming the file and the field path of the first problem.
    """
    root = _read_json(text, file).obj(("schema", "entries"))
    _check_schema(root)
    nodes = root.field("entries").items(min_len=1)
    _unique(nodes, "id")
    plain = _Links(None, demo_ids)
    entries: list[GlossaryEntry] = []
    names: dict[str, str] = {}
    for node in nodes:
        node.obj(("id", "term", "aliases", "definition", "explanation", "related", "demo"))
        entry_id = node.field("id").ident()
        term = node.field("term").text()
        aliases = node.field("aliases").texts(min_len=0)
        for index, name in enumerate((entry_id, term, *aliases)):
            key = normalise_name(name)
            owner = names.get(key)
            if owner is not None and owner != entry_id:
                where = "term" if index == 1 else ("id" if index == 0 else f"aliases[{index - 2}]")
                raise node.field(
                    "id" if index == 0 else ("term" if index == 1 else "aliases")
                ).error(f"{where} {name!r} is already used by entry {owner!r}")
            names[key] = entry_id
        definition = node.field("definition").text(plain)
        entries.append(
            GlossaryEntry(
                entry_id,
                term,
                aliases,
                definition,
                node.field("explanation").text(plain),
                node.field("related").texts(min_len=0),
                plain.demo(node.field("demo")),
            )
        )
    glossary = Glossary.from_entries(tuple(entries))
    links = _Links(glossary, demo_ids)
    for node, entry in zip(nodes, entries, strict=True):
        links(entry.definition, node.field("definition"))
        links(entry.explanation, node.field("explanation"))
        related_node = node.field("related")
        for index, related in enumerate(entry.related):
            if related not in glossary.by_id:
                raise related_node.child(index).error(f"{related!r} is not a glossary id")
            if related == entry.id:
                raise related_node.child(index).error("an entry must not relate to itself")
    return glossary


def parse_lesson(
    text: str, glossary: Glossary, demo_ids: frozenset[str], file: str = "lesson.json"
) -> Lesson:
    """Parse a lesson file and check every part's shape, links and demos.

    Parameters
    ----------
    text : str
        The file's JSON text.
    glossary : Glossary
        What ``[[term]]`` links must resolve against.
    demo_ids : frozenset of str
        Ids in ``demos.json``.
    file : str, optional
        Name used in error messages.

    Returns
    -------
    Lesson

    Raises
    ------
    ContentError
        Naming the file and the field path of the first problem.
    """
    root = _read_json(text, file).obj(
        (
            "schema",
            "id",
            "title",
            "summary",
            "speakers",
            "dialogues",
            "overview",
            "chapters",
            "key_concepts",
            "examples",
            "memory_aids",
        ),
        ("sources", "order"),
    )
    _check_schema(root)
    links = _Links(glossary, demo_ids)
    order = root.field("order").value if root.has("order") else 0
    if isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 1000:
        raise root.field("order").error(f"must be a whole number 0–1000, got {order!r}")

    speaker_nodes = root.field("speakers").items(min_len=2)
    _unique(speaker_nodes, "id")
    speakers = []
    for node in speaker_nodes:
        node.obj(("id", "name", "role"))
        role = node.field("role").text()
        if role not in SPEAKER_ROLES:
            raise node.field("role").error(f"{role!r} is not one of {', '.join(SPEAKER_ROLES)}")
        speakers.append(Speaker(node.field("id").ident(), node.field("name").text(), role))
    speaker_ids = {s.id for s in speakers}

    dialogue_nodes = root.field("dialogues").items(min_len=1)
    dialogues = []
    for node in dialogue_nodes:
        node.obj(("id", "title", "lines", "recap"))
        lines = []
        for line_node in node.field("lines").items(min_len=2):
            line_node.obj(("speaker", "text"))
            speaker = line_node.field("speaker").text()
            if speaker not in speaker_ids:
                raise line_node.field("speaker").error(f"{speaker!r} is not a speaker id")
            lines.append(DialogueLine(speaker, line_node.field("text").text(links)))
        dialogues.append(
            Dialogue(
                node.field("id").ident(),
                node.field("title").text(links),
                tuple(lines),
                node.field("recap").texts(links),
            )
        )
    overview_node = root.field("overview").obj(OVERVIEW_DEPTHS)
    overview = {depth: overview_node.field(depth).texts(links) for depth in OVERVIEW_DEPTHS}

    chapter_nodes = root.field("chapters").items(min_len=1)
    chapters = []
    for node in chapter_nodes:
        node.obj(("id", "title", "paragraphs", "analogy"), ("equations", "demos"))
        analogy = node.field("analogy").obj(("title", "paragraphs"))
        chapters.append(
            Chapter(
                node.field("id").ident(),
                node.field("title").text(links),
                node.field("paragraphs").texts(links),
                node.field("equations").texts(links, 0) if node.has("equations") else (),
                Analogy(
                    analogy.field("title").text(links), analogy.field("paragraphs").texts(links)
                ),
                tuple(links.listed_demo(d) for d in node.field("demos").items())
                if node.has("demos")
                else (),
            )
        )

    concepts = []
    for node in root.field("key_concepts").items(min_len=1):
        node.obj(("id", "title", "paragraphs"))
        concepts.append(
            KeyConcept(
                node.field("id").ident(),
                node.field("title").text(links),
                node.field("paragraphs").texts(links),
            )
        )

    examples = []
    for node in root.field("examples").items(min_len=1):
        node.obj(("id", "title", "paragraphs", "demo"))
        examples.append(
            LessonExample(
                node.field("id").ident(),
                node.field("title").text(links),
                node.field("paragraphs").texts(links),
                links.demo(node.field("demo")),
            )
        )

    aid_nodes = root.field("memory_aids").items(min_len=1)
    aids = []
    for node in aid_nodes:
        node.obj(("id", "kind", "title", "lines"))
        kind = node.field("kind").text()
        if kind not in MEMORY_AID_KINDS:
            raise node.field("kind").error(f"{kind!r} is not one of {', '.join(MEMORY_AID_KINDS)}")
        aids.append(
            MemoryAid(
                node.field("id").ident(),
                kind,
                node.field("title").text(links),
                node.field("lines").texts(links),
            )
        )

    # Section ids share one namespace: cards and questions cite them as lesson:<id>.
    sections: dict[str, str] = {"overview": "overview"}
    for group_name in ("dialogues", "chapters", "key_concepts", "examples", "memory_aids"):
        for node in root.field(group_name).items():
            section_id = node.value["id"]
            if section_id in sections:
                raise node.field("id").error(
                    f"duplicate section id {section_id!r} (also at {sections[section_id]})"
                )
            sections[section_id] = node.path

    sources = (
        tuple(_parse_source(node) for node in root.field("sources").items(min_len=1))
        if (root.has("sources"))
        else ()
    )

    return Lesson(
        root.field("id").ident(),
        root.field("title").text(),
        root.field("summary").text(links),
        tuple(speakers),
        tuple(dialogues),
        MappingProxyType(overview),
        tuple(chapters),
        tuple(concepts),
        tuple(examples),
        tuple(aids),
        sources,
        order,
    )


def _parse_source(node: _Node) -> Source:
    """One entry of a lesson's ``sources``: who, when, what, where, and what it backs."""
    node.obj(("authors", "year", "title", "published", "used_for"), ("url",))
    year = node.field("year").value
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        raise node.field("year").error(f"must be a year between 1900 and 2100, got {year!r}")
    url = node.field("url").text() if node.has("url") else None
    if url is not None and not url.startswith("https://"):
        raise node.field("url").error("must be an https:// address")
    return Source(
        node.field("authors").text(),
        year,
        node.field("title").text(),
        node.field("published").text(),
        node.field("used_for").text(),
        url,
    )


def parse_deck(
    text: str,
    glossary: Glossary,
    demo_ids: frozenset[str],
    lesson_anchors: frozenset[str] | None,
    file: str = "deck.json",
) -> Deck:
    """Parse a flashcard deck and check ids, links, demos and sources.

    Parameters
    ----------
    text : str
        The file's JSON text.
    glossary : Glossary
        What ``[[term]]`` links and ``glossary:<id>`` sources must resolve against.
    demo_ids : frozenset of str
        Ids in ``demos.json``.
    lesson_anchors : frozenset of str or None
        Section ids ``lesson:<id>`` sources may cite; None skips that check.
    file : str, optional
        Name used in error messages.

    Returns
    -------
    Deck
    """
    root = _read_json(text, file).obj(("schema", "id", "title", "description", "cards"))
    _check_schema(root)
    links = _Links(glossary, demo_ids)
    nodes = root.field("cards").items(min_len=1)
    _unique(nodes, "id")
    cards = []
    for node in nodes:
        node.obj(("id", "front", "back", "tags", "source"), ("demo",))
        front = node.field("front").text(links)
        back = node.field("back").text(links)
        if markup.plain_text(front).casefold() == markup.plain_text(back).casefold():
            raise node.field("back").error("must differ from the front")
        cards.append(
            Flashcard(
                node.field("id").ident(),
                front,
                back,
                node.field("tags").texts(),
                links.source(node.field("source"), lesson_anchors),
                links.demo(node.field("demo")) if node.has("demo") else None,
            )
        )
    return Deck(
        root.field("id").ident(),
        root.field("title").text(),
        root.field("description").text(links),
        tuple(cards),
    )


def parse_quiz(
    text: str,
    glossary: Glossary,
    demo_ids: frozenset[str],
    lesson_anchors: frozenset[str] | None,
    file: str = "quiz.json",
) -> QuizSet:
    """Parse a quiz file and check each question's shape for its kind.

    Parameters are those of :func:`parse_deck`. A multiple-choice question needs at least
    three choices, exactly one correct, each with an explanation; a true/false question a
    boolean ``answer``; a typed question a list of distinct ``accepted`` answers. Only the
    field that belongs to the question's kind may be present.

    Returns
    -------
    QuizSet
    """
    root = _read_json(text, file).obj(("schema", "id", "title", "description", "questions"))
    _check_schema(root)
    links = _Links(glossary, demo_ids)
    nodes = root.field("questions").items(min_len=1)
    _unique(nodes, "id")
    questions = []
    for node in nodes:
        kind_node = node.obj(
            ("id", "kind", "prompt", "explanation", "tags", "source"),
            ("choices", "answer", "accepted", "demo"),
        ).field("kind")
        kind = kind_node.text()
        if kind not in QUESTION_KINDS:
            raise kind_node.error(f"{kind!r} is not one of {', '.join(QUESTION_KINDS)}")
        expected = {"multiple_choice": "choices", "true_false": "answer", "typed": "accepted"}
        for field_name in expected.values():
            wanted = field_name == expected[kind]
            if node.has(field_name) != wanted:
                verb = "needs" if wanted else "must not have"
                raise node.error(f"a {kind} question {verb} '{field_name}'")
        choices: tuple[QuizChoice, ...] = ()
        answer: bool | None = None
        accepted: tuple[str, ...] = ()
        if kind == "multiple_choice":
            choices = _parse_choices(node.field("choices"), links)
        elif kind == "true_false":
            answer = node.field("answer").boolean()
        else:
            accepted = node.field("accepted").texts()
            folded = [normalise_name(a) for a in accepted]
            if len(set(folded)) != len(folded):
                raise node.field("accepted").error("lists the same answer twice")
        questions.append(
            QuizQuestion(
                node.field("id").ident(),
                kind,
                node.field("prompt").text(links),
                choices,
                answer,
                accepted,
                node.field("explanation").text(links),
                node.field("tags").texts(),
                links.source(node.field("source"), lesson_anchors),
                links.demo(node.field("demo")) if node.has("demo") else None,
            )
        )
    return QuizSet(
        root.field("id").ident(),
        root.field("title").text(),
        root.field("description").text(links),
        tuple(questions),
    )


def _parse_choices(node: _Node, links: _Links) -> tuple[QuizChoice, ...]:
    choices = []
    for choice_node in node.items(min_len=3):
        choice_node.obj(("text", "correct", "explanation"))
        choices.append(
            QuizChoice(
                choice_node.field("text").text(links),
                choice_node.field("correct").boolean(),
                choice_node.field("explanation").text(links),
            )
        )
    correct = sum(c.correct for c in choices)
    if correct != 1:
        raise node.error(f"needs exactly one correct choice, has {correct}")
    texts = [normalise_name(markup.plain_text(c.text)) for c in choices]
    if len(set(texts)) != len(texts):
        raise node.error("two choices have the same text")
    return tuple(choices)


def parse_examples(
    text: str, demo_ids: frozenset[str], file: str = "examples.json"
) -> tuple[Example, ...]:
    """Parse ``examples.json``, the studio presets.

    Parameters
    ----------
    text : str
        The file's JSON text.
    demo_ids : frozenset of str
        Ids in ``demos.json`` that each example's ``demo`` may name.
    file : str, optional
        Name used in error messages.

    Returns
    -------
    tuple of Example
    """
    root = _read_json(text, file).obj(("schema", "examples"))
    _check_schema(root)
    links = _Links(None, demo_ids)
    nodes = root.field("examples").items(min_len=1)
    _unique(nodes, "id")
    examples = []
    for node in nodes:
        node.obj(("id", "title", "description", "text", "mode", "demo"))
        mode = node.field("mode").text()
        if mode not in MODE_CHOICES:
            raise node.field("mode").error(f"{mode!r} is not one of {', '.join(MODE_CHOICES)}")
        sequence = node.field("text").text()
        _check_token_count(sequence, mode, node.field("text"))
        examples.append(
            Example(
                node.field("id").ident(),
                node.field("title").text(),
                node.field("description").text(links),
                sequence,
                mode,
                links.demo(node.field("demo")),
            )
        )
    return tuple(examples)


# --------------------------------------------------------------------------- tokens


def count_tokens(text: str, mode: str) -> int:
    """Count the time steps ``text`` gives in ``mode``, exactly as the studio tokenises it.

    Raises
    ------
    ValueError
        If the engine's tokeniser rejects the text (empty, an item that is not a number in
        numbers mode, an unknown mode).
    """
    return len(tokenize(text, mode, max_length=sys.maxsize))


def _check_token_count(text: str, mode: str, node: _Node) -> None:
    try:
        count = count_tokens(text, mode)
    except ValueError as exc:
        raise node.error(str(exc)) from exc
    if count > MAX_EXAMPLE_TOKENS:
        raise node.error(f"has {count} {mode} steps; at most {MAX_EXAMPLE_TOKENS} are allowed")
