"""The course's computed practice: BPTT by hand and the four generated exercises.

Every number an exercise shows or expects is compared with an independent computation or the
engine's own forward/backward pass, and every answer rule is exercised both ways.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnn_studio import engine
from rnn_studio.engine.tasks import MemoryTask
from rnn_studio.engine.train import Trainer, TrainingConfig
from rnn_studio.learn import bptt_by_hand, exercises
from rnn_studio.learn.bptt_by_hand import agrees_to_figures, parse_number
from rnn_studio.learn.markup import render_inline

SEEDS = range(12)


# ----------------------------------------------------------------------------- BPTT by hand
@pytest.mark.parametrize("seed", range(6))
def test_worked_bptt_totals_are_the_engines(seed: int) -> None:
    example = bptt_by_hand.worked_example(seed)
    np.testing.assert_allclose(example.totals, bptt_by_hand.engine_totals(example), atol=1e-12)
    # g_0 = d_0 + J_1ᵀ d_1 + J_1ᵀ J_2ᵀ d_2: the sum over paths of Jacobian products
    np.testing.assert_allclose(
        bptt_by_hand.jacobian_products(example).sum(axis=0), example.totals[0], atol=1e-12
    )


def test_worked_bptt_gradient_matches_central_differences() -> None:
    example = bptt_by_hand.readable_example()
    cell = example.cell

    def loss(h0: np.ndarray) -> float:  # start from a nudged state one step before t = 0
        hidden = engine.forward(cell, example.inputs[1:], h0).hidden
        return 0.5 * float(np.sum((hidden - example.targets[1:]) ** 2))

    h = example.hidden[0]
    step = 1e-6
    numeric = [
        (loss(h + step * np.eye(2)[k]) - loss(h - step * np.eye(2)[k])) / (2 * step)
        for k in range(2)
    ]
    np.testing.assert_allclose(example.recurrent[0], numeric, rtol=1e-6, atol=1e-9)


def test_blanks_come_in_bptt_order_and_render() -> None:
    example = bptt_by_hand.readable_example()
    assert bptt_by_hand.readable(example)
    blanks = example.blanks()
    assert [b.key for b in blanks[:4]] == [
        "total[2][0]",
        "total[2][1]",
        "recurrent[1][0]",
        "recurrent[1][1]",
    ]
    assert len(blanks) == 10
    for blank in blanks:
        source = example.totals if blank.part == "total" else example.recurrent
        assert blank.value == source[blank.step, blank.unit]
        render_inline(blank.label)
        render_inline(blank.working)
        # The working quotes its result to 5 significant digits: 3 follow from it.
        assert bptt_by_hand.fmt(blank.value) in blank.working


@pytest.mark.parametrize(
    ("typed", "value", "right"),
    [
        ("0.462", 0.46213, True),
        ("0.4621", 0.46213, True),
        ("0.463", 0.46213, False),
        ("0.46", 0.46213, False),  # two figures are not three
        ("−1.43", -1.4320, True),
        ("-1.44", -1.4320, False),
        ("1.43", -1.4320, False),  # the sign counts
        ("0.0469", 0.046904, True),
        ("0.047", 0.046904, False),
        ("0.463", 0.4625, True),
        ("0.462", 0.4625, True),
    ],
)
def test_three_significant_digits(typed: str, value: float, right: bool) -> None:
    number = parse_number(typed)
    assert number is not None
    assert agrees_to_figures(number, value) is right


@pytest.mark.parametrize("text", ["", "abc", "1..2", "--1", "1e", "nan", "inf", "0.5.1"])
def test_not_numbers_are_refused(text: str) -> None:
    assert parse_number(text) is None


def test_typed_number_forms() -> None:
    assert parse_number("−0.25") == -0.25
    assert parse_number(" 0,25 ") == 0.25
    assert parse_number("-.5") == -0.5
    assert parse_number("2e-3") == 0.002


# ----------------------------------------------------------------------------- exercises
@pytest.mark.parametrize("kind", exercises.KINDS)
def test_every_exercise_renders_and_repeats(kind: str) -> None:
    for seed in range(4):
        one, again = exercises.make_exercise(kind, seed), exercises.make_exercise(kind, seed)
        assert one.prompt == again.prompt and one.solution == again.solution
        render_inline(one.prompt)
        render_inline(one.solution)
        assert bool(one.choices) != bool(one.values)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        exercises.make_exercise("nope", 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_h1_is_the_engines_and_the_printed_numbers_give_it(seed: int) -> None:
    exercise = exercises.make_exercise("h1", seed)
    facts = exercise.facts
    assert facts is not None
    # Recompute by hand from the numbers as printed (one decimal each).
    pre = facts["pre"]
    np.testing.assert_allclose(np.tanh(pre), exercise.values, atol=1e-12)
    right = [f"{v:.3g}" for v in exercise.values]
    assert exercise.check(right).correct
    wrong = [f"{v + 0.01:.3g}" for v in exercise.values]
    assert not exercise.check(wrong).correct
    assert not exercise.check(["x", "1"]).correct
    assert "Not a number" in exercise.check(["x", "1"]).message
    assert not exercise.check(["0.1"]).correct
    assert exercise.check([*right[:1], "9"]).message.endswith("h₁[1].")


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_sign_is_the_engines_and_central_differences(seed: int) -> None:
    exercise = exercises.make_exercise("gradient-sign", seed)
    facts = exercise.facts
    assert facts is not None
    gradient = facts["gradient"]
    assert np.prod(facts["factors"]) == pytest.approx(gradient, rel=1e-12)
    # An independent central difference on the loss as the prompt defines it.
    named = r"(w|u|b|y|x<sub>1</sub>|x<sub>2</sub>) = (−?\d+\.\d)"
    numbers = dict(re.findall(named, exercise.prompt))
    value = {k: float(v.replace("−", "-")) for k, v in numbers.items()}

    def loss(x1: float) -> float:
        h1 = np.tanh(value["w"] * x1 + value["b"])
        h2 = np.tanh(value["w"] * value["x<sub>2</sub>"] + value["u"] * h1 + value["b"])
        return 0.5 * (h2 - value["y"]) ** 2

    x1 = value["x<sub>1</sub>"]
    numeric = (loss(x1 + 1e-6) - loss(x1 - 1e-6)) / 2e-6
    assert numeric == pytest.approx(gradient, rel=1e-5)
    assert exercise.check(0 if gradient > 0 else 1).correct
    assert not exercise.check(1 if gradient > 0 else 0).correct


def test_gradient_signs_are_not_all_the_same() -> None:
    answers = {exercises.make_exercise("gradient-sign", seed).answer for seed in range(20)}
    assert answers == {0, 1}


@pytest.mark.parametrize("seed", SEEDS)
def test_the_forget_gate_is_the_one_that_erases(seed: int) -> None:
    exercise = exercises.make_exercise("forget-gate", seed)
    facts = exercise.facts
    assert facts is not None
    gates, kind = facts["gates"], facts["kind"]
    forget = "f" if kind == "lstm" else "z"
    assert "forget gate f" in exercise.choices[exercise.answer] or (
        "update gate z" in exercise.choices[exercise.answer]
    )
    assert gates[forget] < 0.01  # near 0
    assert abs(facts["kept"]) < 0.01 * abs(facts["before"])  # under 1 % of the old value kept
    for name in facts["pinned"]:
        assert gates[name] < 0.01
    assert exercise.check(exercise.answer).correct
    assert not exercise.check(0 if exercise.answer else 1).correct
    assert not exercise.check(-1).correct


def test_forget_gate_exercise_covers_both_cells_and_decoys() -> None:
    facts = [exercises.make_exercise("forget-gate", seed).facts for seed in range(12)]
    assert {f["kind"] for f in facts if f} == {"lstm", "gru"}
    assert {len(f["pinned"]) for f in facts if f} == {1, 2}  # sometimes a decoy is near 0 too


def _symbol_gradient(lag: int, bptt: int) -> float:
    """|∂L/∂W_ih| over the symbol letters' columns for one batch, as Trainer computes it."""
    task = MemoryTask(lag=lag, seed=0)
    trainer = Trainer(task.make_model("gru", 8), task, TrainingConfig(bptt=bptt, steps=1))
    _, grads, _ = trainer._gradients()
    symbols = [task.vocabulary.tokens.index(s) for s in task.labels]
    return float(np.abs(grads["rnn.weight_ih_l0"][:, symbols]).sum())


@pytest.mark.parametrize("seed", range(6))
def test_truncation_answer_is_the_only_window_whose_gradient_reaches_the_symbol(
    seed: int,
) -> None:
    exercise = exercises.make_exercise("truncation", seed)
    facts = exercise.facts
    assert facts is not None
    lag = facts["lag"]
    reaching = [w for w in facts["options"] if _symbol_gradient(lag, w) > 0]
    assert reaching == [facts["options"][exercise.answer]]
    assert exercise.check(exercise.answer).correct


def test_truncation_rule_is_the_trainers() -> None:
    for lag in (3, 10, 17):
        for window in range(1, lag + 5):
            assert exercises.can_learn(lag, window) == (_symbol_gradient(lag, window) > 0)
    assert exercises.can_learn(10, None)


def test_truncation_answers_move_around() -> None:
    positions = {exercises.make_exercise("truncation", seed).answer for seed in range(20)}
    assert len(positions) >= 3


def test_a_wrong_choice_does_not_give_the_answer_away() -> None:
    exercise = exercises.make_exercise("truncation", 0)
    wrong = next(n for n in range(len(exercise.choices)) if n != exercise.answer)
    verdict = exercise.check(wrong)
    assert not verdict.correct and exercise.choices[exercise.answer] not in verdict.message


def test_practice_links_name_the_practice_kinds() -> None:
    from rnn_studio.learn.content import load_all
    from rnn_studio.learn.content_types import PRACTICE_KINDS
    from rnn_studio.learn.markup import find_links

    assert ("bptt", *exercises.KINDS) == PRACTICE_KINDS
    html = render_inline("{{practice:truncation}} and {{practice:bptt|Try it: finish it}}")
    assert 'href="practice:truncation">Try it</a>' in html
    assert 'href="practice:bptt">Try it: finish it</a>' in html
    found = {
        link.target
        for lesson in load_all().lessons
        for chapter in lesson.chapters
        for paragraph in chapter.paragraphs
        for link in find_links(paragraph)
        if link.kind == "practice"
    }
    assert found == set(PRACTICE_KINDS)  # every exercise is linked from a lesson


def test_a_practice_link_to_no_exercise_is_refused() -> None:
    from rnn_studio.learn.content import ContentError, parse_glossary

    glossary_json = (
        '{"schema": 1, "entries": [{"id": "x", "term": "x", "aliases": [], '
        '"definition": "X {{practice:nope}}.", "explanation": "X.", "related": [], '
        '"demo": null}]}'
    )
    with pytest.raises(ContentError, match=r"practice:nope.*not a Practice exercise"):
        parse_glossary(glossary_json, frozenset())
