"""Texts about the gradient plot say what the plot shows (issue 11, items 3 and 4).

Item 3: time runs left to right and the loss sits at the right, so a vanishing gradient
*rises* to the right and an exploding one *falls* to the right. Each text that names a slope
is read, and the slope it names is compared with the engine's curve for that behaviour.
Item 4: no text states "ρ below 1 means vanishing" as a rule; the true condition (largest
singular value, ρ for the long run, "typically" for random weights) is what they say.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnn_studio.learn.content import Content, load_all
from rnn_studio.learn.markup import plain_text
from rnn_studio.studio_core import recipe
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.glossary_links import HINTS

#: Phrases naming the slope as the learner sees it, and the sign of d(log‖∂L/∂h_t‖)/dt each
#: claims (+1: rises to the right, towards the loss).
SLOPES = {
    "rises to the right": +1,
    "rise to the right": +1,
    "falls to the right": -1,
    "fall to the right": -1,
}
#: Wordings that described the slope backwards or without saying which way is which.
AMBIGUOUS = (
    "sloping down",
    "sloping up",
    "falls in a straight line towards zero",
    "climbs instead of falling",
    "falling is vanishing",
    "rising exploding",
)
#: (text, behaviour the phrase is about) for every text that names a slope of the plot.
CLAIMS = {
    "glossary:gradient-norm": ("vanishing", "exploding"),
    "demo:vanishing-100": ("vanishing",),
    "demo:exploding": ("exploding",),
    "hint:gradients": ("vanishing", "exploding"),
    "card:log-axis": ("vanishing",),
}
WORDS = {"vanishing": "vanish", "exploding": "explod"}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_all()


def _text(content: Content, key: str) -> str:
    kind, name = key.split(":")
    if kind == "glossary":
        entry = next(e for e in content.glossary.entries if e.id == name)
        return plain_text(f"{entry.definition} {entry.explanation}")
    if kind == "demo":
        return plain_text(content.demos[name].description)
    if kind == "card":
        card = next(c for c in content.cards if c.id == name)
        return plain_text(f"{card.front} {card.back}")
    return plain_text(HINTS[name])


def _slope_sign(setup: DemoSetup) -> int:
    """The sign of the fitted slope of log10 ‖∂L/∂h_t‖ against t for a demo's curve."""
    inputs = recipe.studio_inputs(setup.text, setup.mode)
    cell = recipe.studio_cell(
        setup.cell,
        inputs.shape[1],
        setup.hidden_size,
        setup.seed,
        nonlinearity=setup.nonlinearity,
        spectral_radius=setup.spectral_radius,
    )
    _, grads = recipe.studio_backward(cell, inputs)
    norms = np.asarray(grads.norms)
    slope = np.polyfit(np.arange(len(norms)), np.log10(norms), 1)[0]
    return int(np.sign(slope))


def _nearest_behaviour(sentence: str, position: int) -> str:
    """Which behaviour word ("vanishing"/"exploding") sits nearest a phrase in its sentence."""
    distances = {
        behaviour: min(abs(m.start() - position) for m in re.finditer(word, sentence))
        for behaviour, word in WORDS.items()
        if word in sentence.lower()
    }
    assert distances, sentence
    return min(distances, key=distances.get)


def test_engine_curves_rise_for_vanishing_and_fall_for_exploding(content: Content) -> None:
    assert _slope_sign(content.demos["vanishing-100"].setup) == +1
    assert _slope_sign(content.demos["exploding"].setup) == -1


@pytest.mark.parametrize("key", sorted(CLAIMS))
def test_every_slope_a_text_names_matches_the_engine(content: Content, key: str) -> None:
    engine_sign = {
        "vanishing": _slope_sign(content.demos["vanishing-100"].setup),
        "exploding": _slope_sign(content.demos["exploding"].setup),
    }
    text = _text(content, key)
    for phrase in AMBIGUOUS:
        assert phrase not in text, (key, phrase)
    named = set()
    for sentence in re.split(r"(?<=[.;:])\s+(?=[A-Z])", text):
        lowered = sentence.lower()
        for phrase, sign in SLOPES.items():
            for match in re.finditer(re.escape(phrase), lowered):
                # A demo is about one behaviour; a text about both pairs each phrase with
                # the behaviour named nearest to it.
                behaviour = (
                    CLAIMS[key][0]
                    if len(CLAIMS[key]) == 1
                    else _nearest_behaviour(lowered, match.start())
                )
                assert engine_sign[behaviour] == sign, (key, behaviour, phrase)
                named.add(behaviour)
    assert named == set(CLAIMS[key]), (key, named)


def test_the_panel_hint_says_where_the_loss_is(content: Content) -> None:
    hint = _text(content, "hint:gradients")
    assert "loss at the right" in hint and "right to left" in hint


def _all_texts(content: Content) -> list[tuple[str, str]]:
    found = [(f"demo:{i}", d.description) for i, d in content.demos.items()]
    found += [
        (f"glossary:{e.id}", f"{e.definition} {e.explanation}") for e in content.glossary.entries
    ]
    found += [(f"card:{c.id}", f"{c.front} {c.back}") for c in content.cards]
    for q in content.questions:
        parts = [q.prompt, q.explanation, *(f"{c.text} {c.explanation}" for c in q.choices)]
        found.append((f"quiz:{q.id}", " ".join(parts)))
    for lesson in content.lessons:
        found += [(f"lesson:{d.id}", " ".join(x.text for x in d.lines)) for d in lesson.dialogues]
        found += [(f"lesson:{c.id}", " ".join(c.paragraphs)) for c in lesson.chapters]
    found += [(f"hint:{name}", text) for name, text in HINTS.items()]
    return [(key, plain_text(text)) for key, text in found]


#: A sentence that ties ρ below 1 to vanishing must say it is the long run or typical (or be
#: the counter-example, where the gradient grows).
QUALIFIERS = ("long run", "long enough", "typically", "usual", "singular value", "random", "grow")


def test_no_text_states_rho_below_one_as_a_rule_for_vanishing(content: Content) -> None:
    offenders = []
    for key, text in _all_texts(content):
        for sentence in re.split(r"(?<=[.;!?])\s+", text):
            about_rho = re.search(r"spectral radius|ρ", sentence)
            below_one = re.search(r"below 1|< ?1\b|less than 1|smaller than 1|ρ = 0\.\d", sentence)
            vanishes = re.search(r"vanish|shrink|fade|halves", sentence, re.IGNORECASE)
            qualified = any(word in sentence for word in QUALIFIERS)
            if about_rho and below_one and vanishes and not qualified:
                offenders.append((key, sentence))
    assert offenders == []


def test_the_model_hint_and_spectral_radius_entry_name_the_true_condition(
    content: Content,
) -> None:
    model_hint = _text(content, "hint:model")
    assert "long run" in model_hint and "typically" in model_hint
    entry = _text(content, "glossary:spectral-radius")
    assert "largest singular value" in entry and "long run" in entry and "typically" in entry
    vanishing = _text(content, "glossary:vanishing-gradient-problem")
    assert "largest singular value" in vanishing and "long run" in vanishing
