"""Every content file loads and validates, and the validator catches each kind of mistake."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rnn_studio import resources
from rnn_studio.engine import forward, jacobian_norms, make_cell, set_spectral_radius
from rnn_studio.engine.encoding import Vocabulary, encode_numbers, one_hot, tokenize
from rnn_studio.learn import content
from rnn_studio.learn.content import (
    Content,
    ContentError,
    load_all,
    load_content_dir,
    search_glossary,
)
from rnn_studio.learn.content_types import PRACTICE_KINDS
from rnn_studio.learn.markup import find_links, plain_text
from rnn_studio.studio_core.demo import DemoSetup

# ----------------------------------------------------------------------------- the real files


@pytest.fixture(scope="module")
def everything() -> Content:
    return load_all()


def _texts(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every string reachable from a content object, with where it was found."""
    if isinstance(value, str):
        return [(path, value)]
    if is_dataclass(value) and not isinstance(value, DemoSetup):
        return [
            item
            for f in fields(value)
            for item in _texts(getattr(value, f.name), f"{path}.{f.name}")
        ]
    if isinstance(value, (tuple, list)):
        return [item for i, v in enumerate(value) for item in _texts(v, f"{path}[{i}]")]
    if hasattr(value, "items"):
        return [item for k, v in value.items() for item in _texts(v, f"{path}.{k}")]
    return []


def test_load_all_is_cached(everything: Content) -> None:
    assert load_all() is everything
    assert content.load_glossary() is everything.glossary
    assert content.load_lesson("core-idea") is everything.lessons[0]
    assert content.load_deck() is everything.decks[0]
    with pytest.raises(ContentError, match="no lesson 'missing'"):
        content.load_lesson("missing")


def test_every_link_in_every_text_resolves(everything: Content) -> None:
    """Checked independently of the validator: walk every string of every content object."""
    found = {"term": 0, "demo": 0, "train": 0, "practice": 0}
    for path, text in _texts(everything):
        for link in find_links(text):
            found[link.kind] += 1
            if link.kind == "term":
                assert everything.glossary.resolve(link.target) is not None, (path, link)
            elif link.kind == "demo":
                assert link.target in everything.demos, (path, link)
            elif link.kind == "practice":
                assert link.target in PRACTICE_KINDS, (path, link)
            # "train" links name Train presets: tests/ui/test_watch_it_learn.py checks them.
    assert found["term"] > 100 and found["demo"] >= 20 and found["practice"] >= 5


def test_every_demo_field_and_related_id_resolves(everything: Content) -> None:
    demo_fields = [e.demo for e in everything.glossary]
    demo_fields += [c.demo for c in everything.cards] + [q.demo for q in everything.questions]
    demo_fields += [e.demo for e in everything.examples]
    demo_fields += [d for lesson in everything.lessons for ch in lesson.chapters for d in ch.demos]
    assert all(d is None or d in everything.demos for d in demo_fields)
    for entry in everything.glossary:
        assert all(r in everything.glossary.by_id for r in entry.related)
    used = {d for d in demo_fields if d} | {
        link.target
        for _, text in _texts(everything)
        for link in find_links(text)
        if link.kind == "demo"
    }
    assert used == set(everything.demos), "every demo is reachable from some content"


def test_every_demo_setup_round_trips_through_demo_setup(everything: Content) -> None:
    raw = json.loads(resources.read_text("demos.json"))
    for demo_id, demo in everything.demos.items():
        assert DemoSetup.from_dict(raw[demo_id]["setup"]) == demo.setup
        tokens = tokenize(demo.setup.text, demo.setup.mode)
        assert len(tokens) <= 1000
        assert demo.setup.cursor < len(tokens)


REQUIRED_DEMOS = (
    "not-bad",
    "weight-sharing",
    "unrolling",
    "long-sentence",
    "vanishing-100",
    "exploding",
    "clipping",
    "rnn-vs-lstm",
    "lstm-gates",
    "gru-gates",
    "sine-forecast",
    "price-forecast",
    "next-char",
)


def test_the_demos_the_brief_names_are_set_up_as_described(everything: Content) -> None:
    demos = everything.demos
    assert set(REQUIRED_DEMOS) <= set(demos)
    not_bad = demos["not-bad"].setup
    assert (not_bad.cell, not_bad.mode) == ("rnn", "words")
    assert tokenize(not_bad.text, not_bad.mode)[not_bad.cursor] == "bad"
    vanishing = demos["vanishing-100"].setup
    assert len(tokenize(vanishing.text, vanishing.mode)) == 100
    assert (vanishing.spectral_radius, vanishing.backprop, vanishing.cell) == (0.8, True, "rnn")
    exploding = demos["exploding"].setup
    assert 1.5 <= exploding.spectral_radius <= 2.0 and exploding.backprop
    clipping = demos["clipping"].setup
    assert clipping.clip is not None
    assert {**clipping.to_dict(), "clip": None} == exploding.to_dict()
    assert demos["rnn-vs-lstm"].setup.cell == "compare" and demos["rnn-vs-lstm"].setup.backprop
    assert demos["lstm-gates"].setup.cell == "lstm" and demos["gru-gates"].setup.cell == "gru"
    for number_demo in ("sine-forecast", "price-forecast"):
        assert demos[number_demo].setup.mode == "numbers"


def _engine_inputs(setup: DemoSetup) -> np.ndarray:
    tokens = tokenize(setup.text, setup.mode)
    if setup.mode == "numbers":
        return encode_numbers(tokens, standardize=True)[0]
    vocabulary = Vocabulary.from_tokens(tokens, mode=setup.mode)
    return one_hot(vocabulary.encode(tokens), len(vocabulary))


def _gradient_reach(setup: DemoSetup, kind: str) -> float:
    """‖∂h_T/∂h_0‖ for the demo's set-up, as the gradient-decay panel would show it."""
    xs = _engine_inputs(setup)
    nonlinearity = setup.nonlinearity if kind == "rnn" else "tanh"
    cell = make_cell(
        kind, xs.shape[1], setup.hidden_size, seed=setup.seed, nonlinearity=nonlinearity
    )
    if setup.spectral_radius is not None:
        set_spectral_radius(cell, setup.spectral_radius)
    if kind == "lstm" and setup.forget_bias is not None:
        params = cell.params
        bias = params["bias_ih"].copy()
        bias[setup.hidden_size : 2 * setup.hidden_size] += setup.forget_bias
        params["bias_ih"] = bias
        cell.set_params(params)
    return float(jacobian_norms(cell, forward(cell, xs))[0])


def test_gradient_demos_show_what_their_text_claims(everything: Content) -> None:
    """The lesson says vanishing, exploding and 'the LSTM holds up': the engine must agree."""
    demos = everything.demos
    assert _gradient_reach(demos["vanishing-100"].setup, "rnn") < 1e-8
    assert _gradient_reach(demos["exploding"].setup, "rnn") > 1e3
    compare = demos["rnn-vs-lstm"].setup
    rnn, lstm = _gradient_reach(compare, "rnn"), _gradient_reach(compare, "lstm")
    assert lstm > 1e10 * rnn
    assert lstm > 1e-4


def test_examples_cover_the_studio_presets(everything: Content) -> None:
    by_id = {e.id: e for e in everything.examples}
    assert {"not-bad", "long-sentence", "sine-wave", "noisy-price", "vanishing-100"} <= set(by_id)
    assert by_id["sine-wave"].mode == by_id["noisy-price"].mode == "numbers"
    assert len(tokenize(by_id["vanishing-100"].text, by_id["vanishing-100"].mode)) == 100
    for example in everything.examples:
        assert example.demo in everything.demos
        assert len(tokenize(example.text, example.mode)) <= 1000


def test_lesson_has_the_shapes_of_the_course_page(everything: Content) -> None:
    lesson = everything.lessons[0]
    assert [d.id for d in lesson.dialogues] == ["introduction", "mechanism", "limitations"]
    for dialogue in lesson.dialogues:
        assert dialogue.recap
        roles = {lesson.speaker(line.speaker).role for line in dialogue.lines}
        assert roles == {"teacher", "student"}
    assert set(lesson.overview) == {"basic", "standard", "detailed"}
    assert len(" ".join(lesson.overview["detailed"])) > 2500  # about a page
    chapter_ids = [c.id for c in lesson.chapters]
    for wanted in ("what-is-an-rnn", "inputs-and-outputs", "unrolling", "vanilla-limits"):
        assert wanted in chapter_ids
    assert all(c.analogy.paragraphs for c in lesson.chapters)
    assert len(lesson.key_concepts) == 3
    assert {e.id for e in lesson.examples} == {"next-word-prediction", "stock-price-forecasting"}
    assert {a.kind for a in lesson.memory_aids} == {"rhyme", "story", "mnemonic", "acronym"}
    story = next(a for a in lesson.memory_aids if a.kind == "story")
    assert "librar" in " ".join(story.lines)
    equations = " ".join(eq for c in lesson.chapters for eq in c.equations)
    for piece in (
        "h<sub>t</sub> = tanh(W<sub>xh</sub>",
        "f<sub>t</sub> ⊙ c<sub>t−1</sub>",
        "(1 − z<sub>t</sub>) ⊙ n<sub>t</sub>",
    ):
        assert piece in equations


def test_cards_and_questions_cite_real_sources(everything: Content) -> None:
    anchors = frozenset().union(*(lesson.anchors for lesson in everything.lessons))
    for item in (*everything.cards, *everything.questions):
        kind, _, target = item.source.partition(":")
        assert target in (anchors if kind == "lesson" else everything.glossary.by_id)
    for question in everything.questions:
        if question.kind == "multiple_choice":
            assert sum(c.correct for c in question.choices) == 1
            assert all(c.explanation for c in question.choices)


def test_spelling_is_british_throughout(everything: Content) -> None:
    american = re.compile(
        r"\b(recogniz|initializ|normaliz|optimiz|visualiz|memoriz|summariz|behavior|color|"
        r"modeling|favor|center|analyze)",
        re.IGNORECASE,
    )
    for path, text in _texts(everything):
        assert not american.search(plain_text(text)), (path, text)


def test_render_text_links_to_glossary_ids(everything: Content) -> None:
    html = content.render_text("[[BPTT]] and [[RNNs|networks]]", everything.glossary)
    assert 'href="term:backpropagation-through-time"' in html
    assert 'href="term:recurrent-neural-network">networks</a>' in html


# ----------------------------------------------------------------------------- glossary search


def test_search_ranks_name_prefixes_before_definitions(everything: Content) -> None:
    glossary = everything.glossary
    assert search_glossary("hid", glossary)[0].id in {"hidden-state", "hidden-size"}
    assert search_glossary("BPTT", glossary)[0].id == "backpropagation-through-time"
    assert search_glossary("  Forget   GATE ", glossary)[0].id == "forget-gate"
    results = [e.id for e in search_glossary("gradient", glossary)]
    assert results[0] == "gradient"
    # "vanishing gradient problem" has a word starting with "gradient": ranked above entries
    # that only mention gradients in their definition.
    assert results.index("vanishing-gradient-problem") < results.index("truncated-bptt")
    definition_only = [
        e.id
        for e in glossary
        if "gradient" not in " ".join(e.names).lower() and "gradient" in e.definition.lower()
    ]
    assert definition_only and set(definition_only) <= set(results)
    assert search_glossary("zzzz-not-a-term", glossary) == []
    everything_sorted = search_glossary("", glossary)
    assert [e.term.casefold() for e in everything_sorted] == sorted(
        e.term.casefold() for e in glossary
    )


# ----------------------------------------------------------------------------- broken copies


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "resources"
    shutil.copytree(Path(str(resources.resource_root())), root)
    return root


class _Replace:
    """A change that returns a new document instead of editing the loaded one in place."""

    def __init__(self, build: Callable[[Any], Any]) -> None:
        self.build = build

    def __call__(self, data: Any) -> Any:
        return self.build(data)


def _edit(root: Path, name: str, change: Callable[[Any], Any]) -> None:
    path = root / name
    data = json.loads(path.read_text(encoding="utf-8"))
    result = change(data)  # in-place edits return whatever list.pop() etc. return: ignored
    new = result if isinstance(change, _Replace) else data
    path.write_text(json.dumps(new), encoding="utf-8")


def _entry(data: dict, entry_id: str) -> dict:
    return next(e for e in data["entries"] if e["id"] == entry_id)


def _card(data: dict, index: int = 0) -> dict:
    return data["cards"][index]


def _question(data: dict, kind: str) -> dict:
    return next(q for q in data["questions"] if q["kind"] == kind)


LESSON = "lessons/core-idea.json"
DECK = "decks/core-idea.json"
QUIZ = "quizzes/core-idea.json"

BREAKAGES: list[tuple[str, Callable[[Any], Any], str]] = [
    # glossary
    (
        "glossary.json",
        lambda d: d["entries"][12].update(definition="  "),
        r"^glossary\.json: entries\[12\]\.definition: must not be empty$",
    ),
    (
        "glossary.json",
        lambda d: d["entries"][3].update(id=d["entries"][2]["id"]),
        r"entries\[3\]\.id: duplicate id",
    ),
    (
        "glossary.json",
        lambda d: _entry(d, "tanh")["related"].append("no-such-term"),
        r"entries\[\d+\]\.related\[\d+\]: 'no-such-term' is not a glossary id",
    ),
    (
        "glossary.json",
        lambda d: _entry(d, "tanh")["aliases"].append("hidden state"),
        r"'hidden state' is already used by entry 'hidden-state'",
    ),
    (
        "glossary.json",
        lambda d: _entry(d, "tanh").update(explanation="See [[nothing here]]."),
        r"explanation: \[\[nothing here\]\] is not a glossary id, term or alias",
    ),
    (
        "glossary.json",
        lambda d: _entry(d, "tanh").update(demo="nope"),
        r"entries\[\d+\]\.demo: 'nope' is not a demo in demos\.json",
    ),
    (
        "glossary.json",
        lambda d: _entry(d, "tanh").update(colour="red"),
        r"unknown field\(s\): colour",
    ),
    ("glossary.json", lambda d: _entry(d, "tanh").pop("aliases"), r"missing field\(s\): aliases"),
    (
        "glossary.json",
        lambda d: _entry(d, "tanh").update(id="Bad Id"),
        r"id: 'Bad Id' is not an id",
    ),
    ("glossary.json", lambda d: d.update(schema=99), r"schema: schema version 99"),
    # lesson
    (
        LESSON,
        lambda d: d["dialogues"][0]["lines"][0].update(text="A [[no such term]] here."),
        r"^lessons/core-idea\.json: dialogues\[0\]\.lines\[0\]\.text: \[\[no such term\]\] is not",
    ),
    (
        LESSON,
        lambda d: d["chapters"][1]["paragraphs"].append("{{demo:nope|Show me}}"),
        r"chapters\[1\]\.paragraphs\[\d+\]: \{\{demo:nope\}\} is not a demo in demos\.json",
    ),
    (
        LESSON,
        lambda d: d["key_concepts"][0]["paragraphs"].append("[[hidden state"),
        r"key_concepts\[0\]\.paragraphs\[1\]: unmatched '\[\['",
    ),
    (
        LESSON,
        lambda d: d["chapters"][0]["analogy"]["paragraphs"].append("<p>x</p>"),
        r"chapters\[0\]\.analogy\.paragraphs\[\d+\]: <p> is not allowed",
    ),
    (
        LESSON,
        lambda d: d["dialogues"][1]["lines"][0].update(speaker="ghost"),
        r"dialogues\[1\]\.lines\[0\]\.speaker: 'ghost' is not a speaker id",
    ),
    (LESSON, lambda d: d["dialogues"][2].update(recap=[]), r"dialogues\[2\]\.recap: needs at"),
    (LESSON, lambda d: d["overview"].pop("detailed"), r"overview: missing field\(s\): detailed"),
    (
        LESSON,
        lambda d: d["chapters"][0].update(demos=["nope"]),
        r"chapters\[0\]\.demos\[0\]: 'nope' is not a demo",
    ),
    (
        LESSON,
        lambda d: d["chapters"][0].update(id="introduction"),
        r"chapters\[0\]\.id: duplicate section id 'introduction'",
    ),
    (LESSON, lambda d: d["examples"][0].update(demo="nope"), r"examples\[0\]\.demo: 'nope'"),
    # deck
    (DECK, lambda d: _card(d, 1).update(id=_card(d, 0)["id"]), r"cards\[1\]\.id: duplicate id"),
    (DECK, lambda d: _card(d).pop("back"), r"^decks/core-idea\.json: cards\[0\]: missing field"),
    (DECK, lambda d: _card(d).update(back=_card(d)["front"]), r"back: must differ"),
    (
        DECK,
        lambda d: _card(d).update(source="lesson:nowhere"),
        r"cards\[0\]\.source: 'nowhere' is not a lesson section",
    ),
    (DECK, lambda d: _card(d).update(source="glossary:nowhere"), r"'nowhere' is not a glossary id"),
    (DECK, lambda d: _card(d).update(source="book:3"), r"must be 'glossary:<id>' or 'lesson:"),
    (DECK, lambda d: _card(d).update(demo="nope"), r"cards\[0\]\.demo: 'nope' is not a demo"),
    (DECK, lambda d: _card(d).update(tags=[]), r"cards\[0\]\.tags: needs at least 1"),
    (DECK, lambda d: _card(d).update(front="[[BPTT"), r"cards\[0\]\.front: unmatched"),
    # quizzes
    (
        QUIZ,
        lambda d: _question(d, "multiple_choice")["choices"][1].update(correct=True),
        r"questions\[0\]\.choices: needs exactly one correct choice, has 2",
    ),
    (
        QUIZ,
        lambda d: _question(d, "multiple_choice")["choices"][1].update(explanation=""),
        r"choices\[1\]\.explanation: must not be empty",
    ),
    (
        QUIZ,
        lambda d: _question(d, "multiple_choice").update(choices=[]),
        r"choices: needs at least 3",
    ),
    (
        QUIZ,
        lambda d: _question(d, "true_false").update(choices=[]),
        r"a true_false question must not have 'choices'",
    ),
    (
        QUIZ,
        lambda d: _question(d, "true_false").update(answer="yes"),
        r"answer: must be true or false",
    ),
    (QUIZ, lambda d: _question(d, "typed").pop("accepted"), r"a typed question needs 'accepted'"),
    (
        QUIZ,
        lambda d: _question(d, "typed").update(accepted=["BPTT", "bptt"]),
        r"accepted: lists the same answer twice",
    ),
    (
        QUIZ,
        lambda d: _question(d, "typed").update(kind="essay"),
        r"kind: 'essay' is not one of multiple_choice, true_false, typed",
    ),
    # demos
    (
        "demos.json",
        lambda d: d["vanishing-100"]["setup"].update(spectral_radius=50),
        r"^demos\.json: vanishing-100\.setup: spectral_radius: 50 is not between",
    ),
    (
        "demos.json",
        lambda d: d["not-bad"]["setup"].update(speed=3),
        r"not-bad\.setup: unknown field\(s\): speed",
    ),
    (
        "demos.json",
        lambda d: d["not-bad"]["setup"].update(cell="transformer"),
        r"not-bad\.setup: cell: 'transformer' is not one of",
    ),
    (
        "demos.json",
        lambda d: d["sine-forecast"]["setup"].update(text="1, 2, three"),
        r"sine-forecast\.setup\.text: .*'three', which is not a number",
    ),
    (
        "demos.json",
        lambda d: d["sine-forecast"]["setup"].update(text=", ".join(["1"] * 1001)),
        r"setup\.text: has 1001 numbers steps; at most 1000",
    ),
    (
        "demos.json",
        lambda d: d["not-bad"].update(description="See {{demo:nope}}"),
        r"not-bad\.description: \{\{demo:nope\}\} is not a demo",
    ),
    ("demos.json", lambda d: d["not-bad"].pop("title"), r"not-bad: missing field\(s\): title"),
    ("demos.json", _Replace(lambda d: {**d, "Not Bad": d["not-bad"]}), r"'Not Bad' is not an id"),
    # examples
    (
        "examples.json",
        lambda d: d["examples"][0].update(demo="nope"),
        r"^examples\.json: examples\[0\]\.demo: 'nope' is not a demo",
    ),
    (
        "examples.json",
        lambda d: d["examples"][0].update(mode="bytes"),
        r"examples\[0\]\.mode: 'bytes' is not one of",
    ),
    (
        "examples.json",
        lambda d: d["examples"][1].update(id=d["examples"][0]["id"]),
        r"examples\[1\]\.id: duplicate id",
    ),
    # lesson sources
    (
        LESSON,
        lambda d: d["sources"][2].update(year="1997"),
        r"sources\[2\]\.year: must be a year between 1900 and 2100",
    ),
    (
        LESSON,
        lambda d: d["sources"][0].update(url="http://example.org"),
        r"sources\[0\]\.url: must be an https:// address",
    ),
    (
        LESSON,
        lambda d: d["sources"][1].pop("used_for"),
        r"sources\[1\]: missing field\(s\): used_for",
    ),
    (LESSON, lambda d: d["sources"][1].update(page=3), r"sources\[1\]: unknown field\(s\): page"),
    (LESSON, lambda d: d.update(sources=[]), r"sources: needs at least 1 item"),
]


@pytest.mark.parametrize(
    ("name", "change", "message"),
    BREAKAGES,
    ids=[f"{name}:{i}" for i, (name, _, _) in enumerate(BREAKAGES)],
)
def test_the_validator_names_file_and_field(
    content_copy: Path, name: str, change: Callable[[Any], Any], message: str
) -> None:
    load_content_dir(content_copy)  # the untouched copy is valid
    _edit(content_copy, name, change)
    with pytest.raises(ContentError, match=message):
        load_content_dir(content_copy)


def test_content_error_is_a_value_error() -> None:
    assert issubclass(ContentError, ValueError)


def test_invalid_json_is_reported(content_copy: Path) -> None:
    (content_copy / "glossary.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ContentError, match=r"^glossary\.json: not valid JSON"):
        load_content_dir(content_copy)


def test_missing_files_and_folders_are_reported(content_copy: Path) -> None:
    (content_copy / "examples.json").unlink()
    with pytest.raises(ContentError, match=r"^examples\.json: file not found"):
        load_content_dir(content_copy)
    shutil.rmtree(content_copy / "decks")
    with pytest.raises(ContentError, match=r"^decks/: folder not found"):
        load_content_dir(content_copy)


def test_an_empty_folder_is_reported(content_copy: Path) -> None:
    for json_file in (content_copy / "quizzes").glob("*.json"):
        json_file.unlink()
    with pytest.raises(ContentError, match=r"^quizzes/: no \.json files"):
        load_content_dir(content_copy)
