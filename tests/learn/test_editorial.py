"""Editorial quotas from the content brief: checked here, not when the app loads content.

The loader (:mod:`rnn_studio.learn.content`) validates structure only, so a teacher's edit
(one card fewer, a three-sentence overview) is never refused by the app; these tests hold the
shipped content to the brief instead: at least 30 glossary entries including the required
terms, one-sentence definitions, at least 40 cards, every lesson opening with the three
dialogues, a two-sentence basic overview and growing overview depths, a memory aid of each
kind, and enough questions of each kind.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rnn_studio import resources
from rnn_studio.learn.content import (
    MEMORY_AID_KINDS,
    OVERVIEW_DEPTHS,
    Content,
    Glossary,
    load_all,
    load_content_dir,
    parse_glossary,
)
from rnn_studio.learn.markup import plain_text

MIN_GLOSSARY_ENTRIES = 30
MIN_CARDS = 40
MIN_QUESTIONS_PER_KIND = 3
REQUIRED_DIALOGUES = ("introduction", "mechanism", "limitations")
#: Glossary terms the content brief requires (matched against ids, terms and aliases).
REQUIRED_TERMS = (
    "recurrent neural network",
    "hidden state",
    "vanishing gradient problem",
    "exploding gradient problem",
    "weight sharing",
    "time step",
    "sequence",
    "unrolling",
    "backpropagation through time",
    "LSTM",
    "GRU",
    "gate",
    "input gate",
    "forget gate",
    "output gate",
    "reset gate",
    "update gate",
    "cell state",
    "gradient clipping",
    "spectral radius",
    "activation function",
    "tanh",
    "sigmoid",
    "one-hot encoding",
    "embedding",
    "loss",
    "learning rate",
    "long-term dependency",
    "truncated BPTT",
)


def sentence_count(text: str) -> int:
    """Count sentences: runs ending in . ! or ? followed by a space and a capital (or the end)."""
    stripped = text.strip()
    if not stripped:
        return 0
    # "e.g." and "i.e." do not end sentences.
    stripped = re.sub(r"\b(e\.g|i\.e|etc|vs)\.", r"\1", stripped)
    ends = re.findall(r"[.!?][\"'”’)]*(?=\s+[A-Z“‘\"'(]|\s*$)", stripped)
    return max(1, len(ends))


def glossary_problems(glossary: Glossary) -> list[str]:
    """The glossary's shortfalls (see :func:`editorial_problems`)."""
    problems = []
    for index, entry in enumerate(glossary.entries):
        if sentence_count(plain_text(entry.definition)) != 1:
            problems.append(
                f"glossary.json: entries[{index}].definition: must be exactly one sentence"
            )
    missing = [term for term in REQUIRED_TERMS if glossary.resolve(term) is None]
    if missing:
        problems.append(f"glossary.json: entries: required term(s) missing: {', '.join(missing)}")
    if len(glossary) < MIN_GLOSSARY_ENTRIES:
        problems.append(
            f"glossary.json: entries: needs at least {MIN_GLOSSARY_ENTRIES} entries, "
            f"has {len(glossary)}"
        )
    return problems


def editorial_problems(content: Content) -> list[str]:
    """Every way ``content`` falls short of the brief, as ``file: field: problem`` lines."""
    problems = glossary_problems(content.glossary)
    for lesson in content.lessons:
        file = f"lessons/{lesson.id}.json"
        found = [dialogue.id for dialogue in lesson.dialogues]
        if len(found) < len(REQUIRED_DIALOGUES):
            problems.append(
                f"{file}: dialogues: needs at least {len(REQUIRED_DIALOGUES)} item(s), "
                f"has {len(found)}"
            )
        elif found[: len(REQUIRED_DIALOGUES)] != list(REQUIRED_DIALOGUES):
            problems.append(
                f"{file}: dialogues: must start with {', '.join(REQUIRED_DIALOGUES)} in that "
                f"order (found {', '.join(found)})"
            )
        basic = sentence_count(" ".join(plain_text(p) for p in lesson.overview["basic"]))
        if basic != 2:
            problems.append(f"{file}: overview.basic: must be two sentences (found {basic})")
        sizes = [sum(len(p) for p in lesson.overview[depth]) for depth in OVERVIEW_DEPTHS]
        if not sizes[0] < sizes[1] < sizes[2]:
            problems.append(f"{file}: overview: each depth must be longer than the one before")
        if len(lesson.memory_aids) < len(MEMORY_AID_KINDS):
            problems.append(
                f"{file}: memory_aids: needs at least {len(MEMORY_AID_KINDS)} item(s), "
                f"has {len(lesson.memory_aids)}"
            )
        kinds = {aid.kind for aid in lesson.memory_aids}
        missing_kinds = [kind for kind in MEMORY_AID_KINDS if kind not in kinds]
        if missing_kinds:
            problems.append(f"{file}: memory_aids: missing kind(s): {', '.join(missing_kinds)}")
    if len(content.cards) < MIN_CARDS:
        problems.append(f"decks/: needs at least {MIN_CARDS} cards, has {len(content.cards)}")
    for kind in ("multiple_choice", "true_false", "typed"):
        count = sum(question.kind == kind for question in content.questions)
        if count < MIN_QUESTIONS_PER_KIND:
            problems.append(
                f"quizzes/: needs at least {MIN_QUESTIONS_PER_KIND} {kind} questions, has {count}"
            )
    return problems


# ----------------------------------------------------------------------------- the real files


def test_the_shipped_content_meets_the_brief() -> None:
    assert editorial_problems(load_all()) == []


def test_counts_meet_the_brief() -> None:
    everything = load_all()
    assert len(everything.glossary) >= MIN_GLOSSARY_ENTRIES
    assert len(everything.cards) >= MIN_CARDS
    kinds = {q.kind for q in everything.questions}
    assert kinds == {"multiple_choice", "true_false", "typed"}
    for kind in kinds:
        assert sum(q.kind == kind for q in everything.questions) >= 3


def test_required_glossary_terms_are_present() -> None:
    everything = load_all()
    for term in REQUIRED_TERMS:
        entry = everything.glossary.get(term)
        assert entry is not None, term
        assert entry.definition.strip() and entry.explanation.strip()
    # A few more the app uses on its panels.
    for term in (
        "feedforward network",
        "sequential data",
        "Jacobian",
        "gradient norm",
        "softmax",
        "temperature",
        "overfitting",
        "cell candidate",
        "forget-gate bias",
    ):
        assert everything.glossary.get(term) is not None, term


# --------------------------------------------------- a teacher's edit loads; the brief says why


LESSON = "lessons/core-idea.json"
DECK = "decks/core-idea.json"


def _entry(data: dict, entry_id: str) -> dict:
    return next(e for e in data["entries"] if e["id"] == entry_id)


# (file, change, message[, {removed section: section that cards and questions cite instead}])
SHORTFALLS: list[tuple[Any, ...]] = [
    (
        "glossary.json",
        lambda d: _entry(d, "tanh").update(definition="One. Two."),
        r"definition: must be exactly one sentence",
    ),
    (LESSON, lambda d: d["dialogues"].reverse(), r"dialogues: must start with introduction"),
    (
        LESSON,
        lambda d: d["overview"].update(basic=["One. Two. Three."]),
        r"overview\.basic: must be two sentences \(found 3\)",
    ),
    (
        LESSON,
        lambda d: d["overview"].update(detailed=["Short."]),
        r"overview: each depth must be longer than the one before",
    ),
    (
        LESSON,
        lambda d: d["memory_aids"].pop(),
        r"memory_aids: needs at least 4",
        {"acronym": "mnemonic"},
    ),
    (
        LESSON,
        lambda d: d["memory_aids"][3].update(kind="rhyme"),
        r"memory_aids: missing kind\(s\): acronym",
    ),
]


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "resources"
    shutil.copytree(Path(str(resources.resource_root())), root)
    return root


@pytest.mark.parametrize(
    "shortfall", SHORTFALLS, ids=[f"{case[0]}:{i}" for i, case in enumerate(SHORTFALLS)]
)
def test_a_shortfall_loads_and_the_editorial_check_names_it(
    content_copy: Path, shortfall: tuple[Any, ...]
) -> None:
    name, change, message, *rest = shortfall
    assert editorial_problems(load_content_dir(content_copy)) == []
    _edit(content_copy, name, change)
    for removed, instead in (rest[0] if rest else {}).items():
        _retarget(content_copy, removed, instead)
    edited = load_content_dir(content_copy)  # the app accepts the edit
    assert any(re.search(message, problem) for problem in editorial_problems(edited)), (
        editorial_problems(edited)
    )


def test_too_few_cards_over_all_decks_loads_and_the_check_names_it(content_copy: Path) -> None:
    """The quota counts every deck: keep only the first lesson's, cut to one card short."""
    for path in (content_copy / "decks").glob("*.json"):
        if path.name != "core-idea.json":
            path.unlink()
    assert editorial_problems(load_content_dir(content_copy)) == []
    _edit(content_copy, DECK, lambda d: d.update(cards=d["cards"][: MIN_CARDS - 1]))
    problems = editorial_problems(load_content_dir(content_copy))
    assert any(re.search(r"^decks/: needs at least 40", p) for p in problems), problems


def _minimal_glossary(terms: list[str]) -> str:
    entries = [
        {
            "id": re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-"),
            "term": term,
            "aliases": [],
            "definition": f"The {term}.",
            "explanation": f"More about the {term}.",
            "related": [],
            "demo": None,
        }
        for term in terms
    ]
    return json.dumps({"schema": 1, "entries": entries})


def test_glossary_must_hold_the_required_terms_and_enough_entries() -> None:
    no_demos: frozenset[str] = frozenset()
    without_tanh = parse_glossary(
        _minimal_glossary([t for t in REQUIRED_TERMS if t != "tanh"]), no_demos
    )  # a small glossary loads: the quota is editorial
    assert without_tanh.resolve("GRU") == "gru"
    assert any(
        re.search(r"entries: required term\(s\) missing: .*tanh", problem)
        for problem in glossary_problems(without_tanh)
    )
    assert len(REQUIRED_TERMS) < MIN_GLOSSARY_ENTRIES
    too_few = glossary_problems(parse_glossary(_minimal_glossary(list(REQUIRED_TERMS)), no_demos))
    assert any(re.search(r"entries: needs at least 30 entries", p) for p in too_few)
    extra = [f"extra term {n}" for n in "abcdefgh"]
    glossary = parse_glossary(_minimal_glossary([*REQUIRED_TERMS, *extra]), no_demos)
    assert len(glossary) == len(REQUIRED_TERMS) + len(extra)
    assert glossary_problems(glossary) == []


def _edit(root: Path, name: str, change: Callable[[Any], Any]) -> None:
    path = root / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _retarget(root: Path, removed: str, instead: str) -> None:
    """Cards and questions that cite a removed section cite another (they must resolve)."""
    for path in [*(root / "decks").glob("*.json"), *(root / "quizzes").glob("*.json")]:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"lesson:{removed}", f"lesson:{instead}"), encoding="utf-8")


def test_a_lesson_with_two_dialogues_loads_and_the_check_names_it(content_copy: Path) -> None:
    _edit(content_copy, LESSON, lambda d: d["dialogues"].pop())
    _retarget(content_copy, "limitations", "mechanism")
    problems = editorial_problems(load_content_dir(content_copy))
    assert any(re.search(r"dialogues: needs at least 3 item", p) for p in problems), problems
