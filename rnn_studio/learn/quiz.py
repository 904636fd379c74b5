"""Quiz questions: multiple choice, typed answers, matching pairs and the hand-written ones.

Every question has ``id``, ``kind``, ``prompt``, ``choices`` and ``check(answer) -> Result``;
the UI shows the prompt and choices, passes the learner's answer to ``check`` and shows the
result's explanation. Questions are built from plain data so the content files can evolve:

- glossary terms: anything with ``id``, ``term``, ``definition`` and optionally ``aliases``,
  ``related`` and ``tags`` attributes (``GlossaryEntry``), a dict with those keys, or a tuple
  ``(id, term, definition)``; see :func:`as_terms`;
- hand-written questions: anything shaped like ``content.QuizQuestion`` (``kind`` of
  ``multiple_choice`` with ``choices`` of ``text``/``correct``/``explanation``,
  ``true_false`` with ``answer``, or ``typed`` with ``accepted``); see
  :func:`from_quiz_question`.

Distractors are chosen to be plausible: related terms first, then terms sharing a tag, then
definitions of similar length, with a seeded generator for variety. An answer never appears
twice among the choices.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rnn_studio.learn.fuzzy import match_answer, normalise

TERM_KINDS = ("term_to_definition", "definition_to_term", "typed", "matching")
SeedLike = int | np.random.Generator


class QuizError(ValueError):
    """A question that cannot be built or an answer that cannot be read; says why."""


@dataclass(frozen=True)
class Result:
    """The verdict on one answer.

    Attributes
    ----------
    correct : bool
        Whether the answer was right (for matching: every pair right).
    expected : str
        The right answer as it should be shown.
    explanation : str
        Why, shown after every answer.
    feedback : str
        A short remark on this particular answer (why a wrong choice is wrong, a spelling
        note for an accepted typo); may be empty.
    pair_results : tuple of bool
        Matching questions: one verdict per left-hand item, in order.
    """

    correct: bool
    expected: str
    explanation: str = ""
    feedback: str = ""
    pair_results: tuple[bool, ...] = ()

    @property
    def score(self) -> float:
        """Fraction right: the share of pairs for matching, else 1.0 or 0.0."""
        if self.pair_results:
            return sum(self.pair_results) / len(self.pair_results)
        return 1.0 if self.correct else 0.0


@dataclass(frozen=True)
class Term:
    """A glossary term as the quiz needs it."""

    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The term and its aliases."""
        return (self.term, *self.aliases)


def as_terms(items: Iterable[Any]) -> tuple[Term, ...]:
    """Read glossary-like items into :class:`Term` records, checking ids are unique."""
    terms: list[Term] = []
    for item in items:
        if isinstance(item, Term):
            terms.append(item)
            continue
        if isinstance(item, tuple):
            if len(item) != 3:
                raise QuizError(f"a term tuple needs (id, term, definition), got {item!r}")
            data: Mapping[str, Any] = dict(zip(("id", "term", "definition"), item, strict=True))
        elif isinstance(item, Mapping):
            data = item
        else:
            data = {
                name: getattr(item, name)
                for name in ("id", "term", "definition", "aliases", "related", "tags")
                if hasattr(item, name)
            }
        for name in ("id", "term", "definition"):
            if not isinstance(data.get(name), str) or not data[name].strip():
                raise QuizError(f"term {data.get('id', item)!r}: {name} is missing or empty")
        terms.append(
            Term(
                id=data["id"],
                term=data["term"],
                definition=data["definition"],
                aliases=tuple(data.get("aliases") or ()),
                related=tuple(data.get("related") or ()),
                tags=tuple(data.get("tags") or ()),
            )
        )
    ids = [t.id for t in terms]
    if len(set(ids)) != len(ids):
        raise QuizError("two terms share an id")
    return tuple(terms)


# --------------------------------------------------------------------------- questions
@dataclass(frozen=True)
class ChoiceQuestion:
    """Pick one of ``choices`` (multiple choice, true/false, term <-> definition).

    ``check`` takes the index of the chosen option or its text.
    """

    id: str
    kind: str
    prompt: str
    choices: tuple[str, ...]
    answer_index: int
    explanation: str = ""
    choice_feedback: tuple[str, ...] = ()
    item_id: str = ""
    demo: str | None = None

    def __post_init__(self) -> None:
        if len(self.choices) < 2:
            raise QuizError(f"question {self.id!r}: needs at least two choices")
        if not 0 <= self.answer_index < len(self.choices):
            raise QuizError(f"question {self.id!r}: answer index out of range")
        folded = [normalise(choice) for choice in self.choices]
        if len(set(folded)) != len(folded):
            raise QuizError(f"question {self.id!r}: two choices read the same")

    @property
    def answer(self) -> str:
        """The right choice's text."""
        return self.choices[self.answer_index]

    def check(self, answer: int | str) -> Result:
        """Judge the chosen option (its index or its text)."""
        index = self._index_of(answer)
        feedback = self.choice_feedback[index] if index < len(self.choice_feedback) else ""
        return Result(index == self.answer_index, self.answer, self.explanation, feedback)

    def _index_of(self, answer: int | str) -> int:
        if isinstance(answer, bool):
            answer = "True" if answer else "False"
        if isinstance(answer, (int, np.integer)):
            if not 0 <= answer < len(self.choices):
                raise QuizError(f"choice {answer} is not between 0 and {len(self.choices) - 1}")
            return int(answer)
        if isinstance(answer, str):
            folded = normalise(answer)
            for index, choice in enumerate(self.choices):
                if normalise(choice) == folded:
                    return index
            raise QuizError(f"{answer!r} is not one of the choices")
        raise QuizError(f"an answer must be a choice index or text, got {answer!r}")


@dataclass(frozen=True)
class TypedQuestion:
    """Type the answer; case, spacing, accents and small typos are forgiven (see fuzzy)."""

    id: str
    prompt: str
    accepted: tuple[str, ...]
    explanation: str = ""
    confusables: tuple[str, ...] = ()
    item_id: str = ""
    demo: str | None = None
    kind: str = "typed"
    choices: tuple[str, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        if not any(normalise(a) for a in self.accepted):
            raise QuizError(f"question {self.id!r}: no accepted answer")

    @property
    def answer(self) -> str:
        """The answer as it should be shown."""
        return self.accepted[0]

    def check(self, answer: str) -> Result:
        """Judge the typed text."""
        if not isinstance(answer, str):
            raise QuizError(f"a typed answer must be text, got {answer!r}")
        verdict = match_answer(answer, self.accepted, self.confusables)
        if verdict.accepted and verdict.distance > 0:
            feedback = f"Accepted; it is spelled “{verdict.matched}”."
        elif verdict.accepted:
            feedback = ""
        else:
            feedback = f"Not accepted: {verdict.reason}."
        return Result(verdict.accepted, self.answer, self.explanation, feedback)


@dataclass(frozen=True)
class MatchingQuestion:
    """Match each of ``left`` (terms) to one of ``choices`` (definitions, shuffled).

    ``check`` takes, for each left item in order, the index of the chosen right item (a
    sequence, or a mapping from left index to right index; unanswered items count as wrong).
    """

    id: str
    prompt: str
    left: tuple[str, ...]
    choices: tuple[str, ...]
    solution: tuple[int, ...]
    explanation: str = ""
    item_ids: tuple[str, ...] = ()
    kind: str = "matching"

    def __post_init__(self) -> None:
        if len(self.left) != len(self.choices) or sorted(self.solution) != list(
            range(len(self.choices))
        ):
            raise QuizError(f"question {self.id!r}: the pairs do not line up")

    @property
    def answer(self) -> str:
        """The right pairs, one per line."""
        return "\n".join(
            f"{term} — {self.choices[right]}"
            for term, right in zip(self.left, self.solution, strict=True)
        )

    def check(self, answer: Sequence[int] | Mapping[int, int]) -> Result:
        """Judge every pair; ``correct`` only when all are right."""
        if isinstance(answer, Mapping):
            chosen = [answer.get(i) for i in range(len(self.left))]
        elif isinstance(answer, Sequence) and not isinstance(answer, str):
            if len(answer) != len(self.left):
                raise QuizError(f"expected {len(self.left)} matches, got {len(answer)}")
            chosen = list(answer)
        else:
            raise QuizError("a matching answer is a list or mapping of choice indices")
        pairs = tuple(
            pick is not None and int(pick) == right
            for pick, right in zip(chosen, self.solution, strict=True)
        )
        wrong = len(pairs) - sum(pairs)
        feedback = "All pairs right." if not wrong else f"{wrong} of {len(pairs)} pairs wrong."
        return Result(all(pairs), self.answer, self.explanation, feedback, pairs)


Question = ChoiceQuestion | TypedQuestion | MatchingQuestion


# --------------------------------------------------------------------------- generators
def rng_from(seed: SeedLike) -> np.random.Generator:
    """Return ``seed`` if it is a Generator, else a new one seeded with it."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise QuizError(f"seed: {seed!r} is not a whole number or a numpy Generator")
    return np.random.default_rng(int(seed))


def term_to_definition(
    terms: Sequence[Any], term_id: str, seed: SeedLike = 0, n_choices: int = 4
) -> ChoiceQuestion:
    """Ask what a term means; the distractors are definitions of plausible other terms."""
    rng = rng_from(seed)
    terms = as_terms(terms)
    target = _find(terms, term_id)
    others = _distractors(terms, target, n_choices - 1, rng, key=lambda t: t.definition)
    choices, index = _shuffle_in(target.definition, [t.definition for t in others], rng)
    return ChoiceQuestion(
        id=f"term_to_definition:{target.id}",
        kind="term_to_definition",
        prompt=f"What does “{target.term}” mean?",
        choices=choices,
        answer_index=index,
        explanation=f"{target.term}: {target.definition}",
        item_id=target.id,
    )


def definition_to_term(
    terms: Sequence[Any], term_id: str, seed: SeedLike = 0, n_choices: int = 4
) -> ChoiceQuestion:
    """Ask which term a definition describes (the term itself blanked out of the prompt)."""
    rng = rng_from(seed)
    terms = as_terms(terms)
    target = _find(terms, term_id)
    others = _distractors(terms, target, n_choices - 1, rng, key=lambda t: t.term)
    choices, index = _shuffle_in(target.term, [t.term for t in others], rng)
    return ChoiceQuestion(
        id=f"definition_to_term:{target.id}",
        kind="definition_to_term",
        prompt=f"Which is described here? {mask_term(target.definition, target.names)}",
        choices=choices,
        answer_index=index,
        explanation=f"{target.term}: {target.definition}",
        item_id=target.id,
    )


def typed_term(terms: Sequence[Any], term_id: str) -> TypedQuestion:
    """Type the term for a definition; aliases count, near-miss other terms do not."""
    terms = as_terms(terms)
    target = _find(terms, term_id)
    confusables = tuple(name for t in terms if t.id != target.id for name in t.names)
    return TypedQuestion(
        id=f"typed:{target.id}",
        prompt=f"Type what is described here: {mask_term(target.definition, target.names)}",
        accepted=target.names,
        explanation=f"{target.term}: {target.definition}",
        confusables=confusables,
        item_id=target.id,
    )


def matching(
    terms: Sequence[Any], seed: SeedLike = 0, n_pairs: int = 4, term_ids: Sequence[str] = ()
) -> MatchingQuestion:
    """Match ``n_pairs`` terms (given or drawn at random) to their shuffled definitions."""
    rng = rng_from(seed)
    terms = as_terms(terms)
    if term_ids:
        picked = [_find(terms, term_id) for term_id in term_ids]
    else:
        pool = _distinct(terms, key=lambda t: t.definition)
        if len(pool) < 2:
            raise QuizError("matching needs at least two terms with different definitions")
        count = min(n_pairs, len(pool))
        picked = [pool[i] for i in rng.choice(len(pool), size=count, replace=False)]
    order = rng.permutation(len(picked))
    choices = tuple(picked[i].definition for i in order)
    # solution[k] = position of picked[k]'s definition among the shuffled choices
    position = {int(original): shown for shown, original in enumerate(order)}
    solution = tuple(position[k] for k in range(len(picked)))
    return MatchingQuestion(
        id="matching:" + ",".join(t.id for t in picked),
        prompt="Match each term to its definition.",
        left=tuple(t.term for t in picked),
        choices=choices,
        solution=solution,
        explanation="\n".join(f"{t.term}: {t.definition}" for t in picked),
        item_ids=tuple(t.id for t in picked),
    )


def from_quiz_question(
    question: Any, seed: SeedLike | None = None, terms: Iterable[Any] = ()
) -> ChoiceQuestion | TypedQuestion:
    """Turn a hand-written question (``content.QuizQuestion``-shaped) into a quiz question.

    Parameters
    ----------
    question : QuizQuestion-like
    seed : int or numpy Generator, optional
        Shuffles a multiple-choice question's options (the files list the right one first),
        so each review draws its own order and a seeded review repeats exactly. Without a
        seed the order is still shuffled, from a seed derived from the question's id.
    terms : iterable of glossary-like items, optional
        Their names become the typed question's confusables: an answer that is (or is
        closest to) another glossary term is refused rather than forgiven as a typo.
    """
    kind = getattr(question, "kind", None)
    qid = getattr(question, "id", "?")
    explanation = getattr(question, "explanation", "")
    demo = getattr(question, "demo", None)
    if kind == "multiple_choice":
        options = tuple(question.choices)
        correct = [i for i, choice in enumerate(options) if choice.correct]
        if len(correct) != 1:
            raise QuizError(f"question {qid!r}: needs exactly one correct choice")
        rng = rng_from(zlib.crc32(str(qid).encode("utf-8")) if seed is None else seed)
        order = [int(i) for i in rng.permutation(len(options))]
        return ChoiceQuestion(
            id=qid,
            kind=kind,
            prompt=question.prompt,
            choices=tuple(options[i].text for i in order),
            answer_index=order.index(correct[0]),
            explanation=explanation,
            choice_feedback=tuple(getattr(options[i], "explanation", "") for i in order),
            item_id=qid,
            demo=demo,
        )
    if kind == "true_false":
        if not isinstance(question.answer, bool):
            raise QuizError(f"question {qid!r}: a true/false answer must be true or false")
        return ChoiceQuestion(
            id=qid,
            kind=kind,
            prompt=question.prompt,
            choices=("True", "False"),
            answer_index=0 if question.answer else 1,
            explanation=explanation,
            item_id=qid,
            demo=demo,
        )
    if kind == "typed":
        accepted = tuple(question.accepted)
        return TypedQuestion(
            id=qid,
            prompt=question.prompt,
            accepted=accepted,
            explanation=explanation,
            confusables=confusables_for(accepted, as_terms(terms)),
            item_id=qid,
            demo=demo,
        )
    raise QuizError(f"question {qid!r}: unknown kind {kind!r}")


def confusables_for(accepted: Iterable[str], terms: Sequence[Term]) -> tuple[str, ...]:
    """The names of every glossary term that is not the answer: a typed answer equal or
    closest to one of them is refused (so "gradient ascent" never passes for "gradient
    descent" just because it is two letters away).

    A term counts as the answer when any of its names is accepted; its other names are then
    left out too, since they are right answers by another name.
    """
    wanted = {normalise(name) for name in accepted}
    names: list[str] = []
    for term in terms:
        if any(normalise(name) in wanted for name in term.names):
            continue
        names.extend(term.names)
    return tuple(names)


def build_quiz(
    terms: Iterable[Any],
    questions: Iterable[Any] = (),
    *,
    count: int = 10,
    kinds: Sequence[str] = (*TERM_KINDS, "written"),
    seed: SeedLike = 0,
) -> list[Question]:
    """A mixed quiz of ``count`` questions drawn from glossary terms and written questions.

    ``kinds`` picks from ``term_to_definition``, ``definition_to_term``, ``typed``,
    ``matching`` and ``written`` (the hand-written questions); each question's kind is drawn
    in shuffled rounds (so each comes up evenly), and no term or written question is asked
    twice while others remain.
    """
    rng = rng_from(seed)
    term_list = as_terms(terms)
    sources = list(questions)
    written_check = [from_quiz_question(q) for q in sources]  # fails early on a bad question
    unknown = sorted(set(kinds) - {*TERM_KINDS, "written"})
    if unknown:
        raise QuizError(f"unknown quiz kind(s): {', '.join(unknown)}")
    usable = [
        k for k in kinds if (k == "written" and written_check) or (k != "written" and term_list)
    ]
    if not usable:
        raise QuizError("nothing to ask: no terms and no written questions for these kinds")
    term_order = list(rng.permutation(len(term_list))) if term_list else []
    written_order = list(rng.permutation(len(sources))) if sources else []
    quiz: list[Question] = []
    kind_order: list[str] = []
    while len(kind_order) < count:  # shuffled rounds: every kind comes up evenly
        kind_order.extend(usable[i] for i in rng.permutation(len(usable)))
    for n, kind in enumerate(kind_order[:count]):
        if kind == "written":
            source = sources[written_order[n % len(written_order)]]
            quiz.append(from_quiz_question(source, rng, term_list))
            continue
        term = term_list[term_order[n % len(term_order)]]
        if kind == "term_to_definition":
            quiz.append(term_to_definition(term_list, term.id, rng))
        elif kind == "definition_to_term":
            quiz.append(definition_to_term(term_list, term.id, rng))
        elif kind == "typed":
            quiz.append(typed_term(term_list, term.id))
        else:
            quiz.append(matching(term_list, rng))
    return quiz


_MARKUP = re.compile(r"(\[\[[^\]]*\]\]|\{\{[^}]*\}\}|<[^>]*>)")
#: Words too common to give an answer away ("of" in "vanishing gradient problem" is no clue).
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "to",
        "for",
        "and",
        "or",
        "by",
        "on",
        "at",
        "as",
        "per",
        "with",
        "through",
        "from",
        "into",
        "its",
        "it",
        "is",
    ]
)


def answer_words(names: Iterable[str]) -> frozenset[str]:
    """The words of ``names`` that would give the answer away if a prompt showed them.

    Each name is folded (:func:`~rnn_studio.learn.fuzzy.normalise`) and split; common
    words (:data:`STOP_WORDS`), numbers and single Latin letters are left out (a symbol
    alias such as "f_t" is caught whole by :func:`symbol_aliases`); Greek letters count.
    """
    words = set()
    for name in names:
        for word in normalise(name).split():
            if word in STOP_WORDS or any(ch.isdigit() for ch in word):
                continue
            if len(word) >= 2 or not word.isascii():
                words.add(word)
    return frozenset(words)


def symbol_aliases(names: Iterable[str]) -> tuple[str, ...]:
    """The names written as a symbol with a subscript ("h_t", "W_hh")."""
    return tuple(name for name in names if re.fullmatch(r"\w+_\w+", name.strip()))


def mask_term(text: str, names: Iterable[str]) -> str:
    """Blank out ``names``, every telling word of the first (the term) and the symbols among
    them in ``text``, so a prompt does not give the answer away.

    Whole names go first, then each of the term's :func:`answer_words` (with a plural
    ending; an alias's words are left, or "next-value prediction" would blank every
    "value"), then symbol aliases written with markup ("f_t" as ``f<sub>t</sub>``). Inline markup
    stays valid: a glossary link naming the term becomes "…" as a whole, a link whose shown
    text holds a telling word becomes that text masked, and demo links and tags are kept.
    """
    names = [name for name in names if name.strip()]
    folded_names = {normalise(name) for name in names}
    for symbol in symbol_aliases(names):
        base, _, sub = symbol.strip().partition("_")
        text = re.sub(
            rf"(?<!\w){re.escape(base)}<sub>{re.escape(sub)}</sub>", "…", text, flags=re.IGNORECASE
        )
    phrases = sorted(names, key=len, reverse=True)
    patterns = [
        re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) for name in phrases
    ] + [
        re.compile(rf"(?<!\w){re.escape(word)}(?:s|es)?(?!\w)", re.IGNORECASE)
        for word in sorted(answer_words(names[:1]), key=len, reverse=True)
    ]

    def masked(piece: str) -> str:
        for pattern in patterns:
            piece = pattern.sub("…", piece)
        return re.sub(r"…(?:[\s-]*…)+", "…", piece)

    pieces = []
    for piece in _MARKUP.split(text):
        if piece.startswith("[["):
            target, _, shown = piece[2:-2].partition("|")
            hit = normalise(target) in folded_names or normalise(shown) in folded_names
            if hit:
                pieces.append("…")
            elif masked(shown or target) != (shown or target):
                pieces.append(masked(shown or target))
            else:
                pieces.append(piece)
        elif piece.startswith(("{{", "<")):
            pieces.append(piece)
        else:
            pieces.append(masked(piece))
    return "".join(pieces)


def _find(terms: Sequence[Any], term_id: str) -> Term:
    for term in as_terms(terms):
        if term.id == term_id:
            return term
    raise QuizError(f"no term with id {term_id!r}")


def _distinct(terms: Sequence[Term], key: Any) -> list[Term]:
    seen: set[str] = set()
    result = []
    for term in terms:
        folded = normalise(key(term))
        if folded not in seen:
            seen.add(folded)
            result.append(term)
    return result


def _distractors(
    terms: Sequence[Term], target: Term, count: int, rng: np.random.Generator, key: Any
) -> list[Term]:
    """Pick ``count`` plausible wrong answers whose ``key`` text differs from the target's.

    Score: +3 if the target lists it as related, +2 if it lists the target, +1 per shared tag
    (at most 2), plus up to +1 for a similar length of the shown text; Gumbel noise from
    ``rng`` then samples without replacement in proportion to e^score.
    """
    if count < 1:
        raise QuizError("a multiple-choice question needs at least one distractor")
    taken = {normalise(key(target))} | {normalise(name) for name in target.names}
    candidates: list[tuple[float, Term]] = []
    target_length = len(key(target))
    for term in terms:
        folded = normalise(key(term))
        if term.id == target.id or folded in taken or normalise(term.term) in taken:
            continue
        score = 0.0
        score += 3.0 if term.id in target.related else 0.0
        score += 2.0 if target.id in term.related else 0.0
        score += min(len(set(term.tags) & set(target.tags)), 2)
        length = len(key(term))
        score += 1.0 - abs(length - target_length) / max(length, target_length, 1)
        candidates.append((score + float(rng.gumbel()), term))
    candidates.sort(key=lambda pair: pair[0], reverse=True)
    picked: list[Term] = []
    for _, term in candidates:
        folded = normalise(key(term))
        if folded not in taken:
            taken.add(folded)
            picked.append(term)
        if len(picked) == count:
            break
    if not picked:
        raise QuizError(f"no distractors available for {target.term!r}")
    return picked


def _shuffle_in(answer: str, distractors: list[str], rng: np.random.Generator) -> tuple:
    choices = [answer, *distractors]
    order = rng.permutation(len(choices))
    shuffled = tuple(choices[i] for i in order)
    return shuffled, int(np.flatnonzero(order == 0)[0])


__all__ = [
    "TERM_KINDS",
    "ChoiceQuestion",
    "MatchingQuestion",
    "Question",
    "QuizError",
    "Result",
    "Term",
    "TypedQuestion",
    "answer_words",
    "as_terms",
    "build_quiz",
    "confusables_for",
    "definition_to_term",
    "from_quiz_question",
    "mask_term",
    "matching",
    "symbol_aliases",
    "term_to_definition",
    "typed_term",
]
