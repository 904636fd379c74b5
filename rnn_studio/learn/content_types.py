"""The typed records the content loader returns (frozen dataclasses, no behaviour but lookup).

See :mod:`rnn_studio.learn.content` for how they are loaded and ``resources/README.md`` for
the file formats they come from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rnn_studio.studio_core.demo import DemoSetup

__all__ = [
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
    "default_panel",
    "normalise_name",
]


class ContentError(ValueError):
    """A content file that is missing, malformed or inconsistent; names file and field."""


def normalise_name(text: str) -> str:
    """Fold case and collapse spaces: how ids, terms and aliases are compared."""
    return " ".join(text.split()).casefold()


def default_panel(setup: DemoSetup) -> str:
    """The panel a demo is most likely about when its file does not say: the gradient plot
    after Backprop, the outputs for a number series, the gates of a gated cell, else memory."""
    if setup.backprop:
        return "gradients"
    if setup.mode == "numbers":
        return "outputs"
    if setup.cell in ("lstm", "gru"):
        return "gates"
    return "memory"


#: Exercise kinds of the Practice page a ``{{practice:kind}}`` link may open: the worked BPTT
#: example and the kinds of :mod:`rnn_studio.learn.exercises` (a test keeps them in step).
PRACTICE_KINDS = ("bptt", "h1", "gradient-sign", "forget-gate", "truncation", "temperature")


@dataclass(frozen=True)
class Demo:
    """A "Show me" demo: what the link says, the studio setup it applies, and the panel
    (one of :data:`~rnn_studio.studio_core.demo.STUDIO_PANELS`) that shows what the text claims."""

    id: str
    title: str
    description: str
    setup: DemoSetup
    panel: str = "memory"


@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary term; ``definition`` is one sentence, ``explanation`` may be longer."""

    id: str
    term: str
    aliases: tuple[str, ...]
    definition: str
    explanation: str
    related: tuple[str, ...]
    demo: str | None

    @property
    def names(self) -> tuple[str, ...]:
        """The term and its aliases."""
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Glossary:
    """All glossary entries, sorted as in the file, with lookup by id, term or alias."""

    entries: tuple[GlossaryEntry, ...]
    by_id: Mapping[str, GlossaryEntry]
    _by_name: Mapping[str, str]

    @classmethod
    def from_entries(cls, entries: tuple[GlossaryEntry, ...]) -> Glossary:
        """Index ``entries`` (ids and names are assumed unique; the parser checks)."""
        by_name: dict[str, str] = {}
        for entry in entries:
            for name in (entry.id, *entry.names):
                by_name.setdefault(normalise_name(name), entry.id)
        return cls(
            entries,
            MappingProxyType({e.id: e for e in entries}),
            MappingProxyType(by_name),
        )

    def resolve(self, name: str) -> str | None:
        """Return the id of the entry called ``name`` (id, term or alias, any case)."""
        return self._by_name.get(normalise_name(name))

    def get(self, name: str) -> GlossaryEntry | None:
        """Return the entry called ``name`` (id, term or alias), or None."""
        entry_id = self.resolve(name)
        return None if entry_id is None else self.by_id[entry_id]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[GlossaryEntry]:
        return iter(self.entries)


@dataclass(frozen=True)
class Speaker:
    """A voice in the lesson's dialogues."""

    id: str
    name: str
    role: str


@dataclass(frozen=True)
class DialogueLine:
    """One line of dialogue; ``speaker`` is a :class:`Speaker` id."""

    speaker: str
    text: str


@dataclass(frozen=True)
class Dialogue:
    """A teacher-student conversation for one part of the lesson, ending in a recap."""

    id: str
    title: str
    lines: tuple[DialogueLine, ...]
    recap: tuple[str, ...]


@dataclass(frozen=True)
class Analogy:
    """An everyday picture of a chapter's idea."""

    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Chapter:
    """A chapter: explanation paragraphs, optional display equations, an analogy, demos."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    equations: tuple[str, ...]
    analogy: Analogy
    demos: tuple[str, ...]


@dataclass(frozen=True)
class KeyConcept:
    """One of the lesson's key concepts."""

    id: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class LessonExample:
    """A real-life application described in the lesson, with its demo."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    demo: str | None


@dataclass(frozen=True)
class MemoryAid:
    """A rhyme, story, mnemonic or acronym; ``lines`` are verse lines or paragraphs."""

    id: str
    kind: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """A paper or book the lesson's facts come from (cited, never copied).

    Attributes
    ----------
    authors : str
        As cited, e.g. "Hochreiter, S. and Schmidhuber, J.".
    year : int
    title : str
    published : str
        Journal, conference or publisher (and chapter, where it matters).
    used_for : str
        What the lesson takes from it, in our words.
    url : str or None
        An https link, where there is a stable one.
    """

    authors: str
    year: int
    title: str
    published: str
    used_for: str
    url: str | None = None


@dataclass(frozen=True)
class Lesson:
    """A whole lesson in the shapes of the original course page, with its sources."""

    id: str
    title: str
    summary: str
    speakers: tuple[Speaker, ...]
    dialogues: tuple[Dialogue, ...]
    overview: Mapping[str, tuple[str, ...]]
    chapters: tuple[Chapter, ...]
    key_concepts: tuple[KeyConcept, ...]
    examples: tuple[LessonExample, ...]
    memory_aids: tuple[MemoryAid, ...]
    sources: tuple[Source, ...] = ()
    #: Place in the course: lessons are listed by ``order``, then by file name.
    order: int = 0

    @property
    def anchors(self) -> frozenset[str]:
        """Ids a card or question may cite as ``lesson:<anchor>``."""
        ids = {"overview"}
        for group in (
            self.dialogues,
            self.chapters,
            self.key_concepts,
            self.examples,
            self.memory_aids,
        ):
            ids.update(item.id for item in group)
        return frozenset(ids)

    def speaker(self, speaker_id: str) -> Speaker:
        """Return the speaker with ``speaker_id``."""
        return next(s for s in self.speakers if s.id == speaker_id)


@dataclass(frozen=True)
class Flashcard:
    """A review card; ``source`` is ``glossary:<id>`` or ``lesson:<anchor>``."""

    id: str
    front: str
    back: str
    tags: tuple[str, ...]
    source: str
    demo: str | None


@dataclass(frozen=True)
class Deck:
    """A named set of flashcards."""

    id: str
    title: str
    description: str
    cards: tuple[Flashcard, ...]


@dataclass(frozen=True)
class QuizChoice:
    """One option of a multiple-choice question, with why it is right or wrong."""

    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class QuizQuestion:
    """A hand-written practice question.

    ``kind`` is ``multiple_choice`` (``choices``, exactly one correct), ``true_false``
    (``answer``) or ``typed`` (``accepted`` answers). ``explanation`` is shown after any answer.
    """

    id: str
    kind: str
    prompt: str
    choices: tuple[QuizChoice, ...]
    answer: bool | None
    accepted: tuple[str, ...]
    explanation: str
    tags: tuple[str, ...]
    source: str
    demo: str | None


@dataclass(frozen=True)
class QuizSet:
    """The questions in one quiz file."""

    id: str
    title: str
    description: str
    questions: tuple[QuizQuestion, ...]


@dataclass(frozen=True)
class Example:
    """A studio preset: a sequence, how to read it, and the demo it suggests."""

    id: str
    title: str
    description: str
    text: str
    mode: str
    demo: str | None


@dataclass(frozen=True)
class Content:
    """Every content file, loaded and cross-checked."""

    demos: Mapping[str, Demo]
    glossary: Glossary
    lessons: tuple[Lesson, ...]
    decks: tuple[Deck, ...]
    quizzes: tuple[QuizSet, ...]
    examples: tuple[Example, ...]

    @property
    def cards(self) -> tuple[Flashcard, ...]:
        """All flashcards of all decks."""
        return tuple(card for deck in self.decks for card in deck.cards)

    @property
    def questions(self) -> tuple[QuizQuestion, ...]:
        """All hand-written questions of all quiz files."""
        return tuple(q for quiz in self.quizzes for q in quiz.questions)
