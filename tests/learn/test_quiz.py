"""Quiz questions from small glossary fixtures and hand-written question data."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rnn_studio.learn.fuzzy import normalise
from rnn_studio.learn.quiz import (
    ChoiceQuestion,
    MatchingQuestion,
    QuizError,
    TypedQuestion,
    as_terms,
    build_quiz,
    definition_to_term,
    from_quiz_question,
    mask_term,
    matching,
    term_to_definition,
    typed_term,
)


@dataclass(frozen=True)
class Entry:  # shaped like content.GlossaryEntry
    id: str
    term: str
    aliases: tuple[str, ...]
    definition: str
    explanation: str
    related: tuple[str, ...]
    demo: str | None = None


GLOSSARY = [
    Entry(
        "rnn",
        "recurrent neural network",
        ("RNN", "RNNs"),
        "A network that carries a hidden state from step to step.",
        "",
        ("hidden-state",),
    ),
    Entry(
        "hidden-state",
        "hidden state",
        ("hidden states",),
        "The vector an RNN passes from one step to the next.",
        "",
        ("rnn", "cell-state"),
    ),
    Entry(
        "cell-state",
        "cell state",
        (),
        "The LSTM's second memory vector, changed only by gated additions.",
        "",
        ("lstm", "hidden-state"),
    ),
    Entry(
        "lstm",
        "LSTM",
        ("long short-term memory",),
        "A recurrent cell with input, forget and output gates and a cell state.",
        "",
        ("gru", "forget-gate", "cell-state"),
    ),
    Entry(
        "gru",
        "GRU",
        ("gated recurrent unit",),
        "A recurrent cell with reset and update gates and no separate cell state.",
        "",
        ("lstm",),
    ),
    Entry(
        "forget-gate",
        "forget gate",
        (),
        "The LSTM gate that scales how much of the old cell state is kept.",
        "",
        ("lstm",),
    ),
    Entry(
        "tanh",
        "tanh",
        ("hyperbolic tangent",),
        "An S-shaped activation function with outputs between -1 and 1.",
        "",
        ("sigmoid",),
    ),
    Entry(
        "sigmoid",
        "sigmoid",
        ("logistic function",),
        "An S-shaped function with outputs between 0 and 1, used for gates.",
        "",
        ("tanh", "forget-gate"),
    ),
    Entry(
        "sigmoid-copy",
        "logistic sigmoid",
        (),
        "An S-shaped function with outputs between 0 and 1, used for gates.",
        "",
        (),
    ),
]


def test_as_terms_reads_entries_dicts_and_tuples():
    terms = as_terms([GLOSSARY[0], {"id": "x", "term": "X", "definition": "d"}, ("y", "Y", "e")])
    assert [t.id for t in terms] == ["rnn", "x", "y"]
    assert terms[0].aliases == ("RNN", "RNNs") and terms[0].related == ("hidden-state",)
    with pytest.raises(QuizError, match="definition"):
        as_terms([{"id": "x", "term": "X", "definition": " "}])
    with pytest.raises(QuizError, match="share an id"):
        as_terms([("a", "A", "d"), ("a", "B", "e")])


@pytest.mark.parametrize("seed", range(20))
def test_term_to_definition_has_one_right_answer_and_plausible_distractors(seed):
    question = term_to_definition(GLOSSARY, "lstm", seed=seed)
    assert question.prompt == "What does “LSTM” mean?"
    assert len(question.choices) == 4
    definitions = [normalise(c) for c in question.choices]
    assert len(set(definitions)) == 4  # never the answer (or any choice) twice
    assert question.answer == GLOSSARY[3].definition
    assert question.check(question.answer_index).correct
    assert question.check(question.answer).correct
    wrong = (question.answer_index + 1) % 4
    result = question.check(wrong)
    assert not result.correct and result.expected == GLOSSARY[3].definition


def test_distractors_prefer_related_terms():
    related = {"gru", "forget-gate", "cell-state"}
    by_id = {e.definition: e.id for e in GLOSSARY}
    hits = 0
    for seed in range(50):
        question = term_to_definition(GLOSSARY, "lstm", seed=seed)
        picked = {by_id[c] for c in question.choices} - {"lstm"}
        hits += len(picked & related)
    # 3 related among 8 candidates: blind picking would give 3 * 3/8 = 1.1 per question.
    assert hits / 50 > 2.0


def test_identical_definitions_never_appear_as_a_distractor():
    for seed in range(30):
        question = term_to_definition(GLOSSARY, "sigmoid", seed=seed)
        assert [normalise(c) for c in question.choices].count(
            normalise(GLOSSARY[7].definition)
        ) == 1


def test_definition_to_term_masks_the_term_and_is_seeded():
    question = definition_to_term(GLOSSARY, "hidden-state", seed=3)
    assert "hidden state" not in question.prompt.lower()
    assert question.answer == "hidden state"
    assert question == definition_to_term(GLOSSARY, "hidden-state", seed=3)
    assert question.check("Hidden State").correct
    with pytest.raises(QuizError, match="not one of the choices"):
        question.check("cat")
    with pytest.raises(QuizError, match="between 0 and 3"):
        question.check(7)


def test_mask_term_whole_words_only():
    assert (
        mask_term("An RNN keeps RNNs' state; a GRU", ("RNN", "RNNs"))
        == "An … keeps …' state; a GRU"
    )


def test_typed_term_accepts_aliases_and_typos_but_not_other_terms():
    question = typed_term(GLOSSARY, "lstm")
    assert isinstance(question, TypedQuestion) and question.choices == ()
    assert question.check("lstm").correct
    assert question.check("Long short-term memory").correct
    assert question.check("long short term memroy").correct
    assert "spelled" in question.check("long short term memroy").feedback
    assert not question.check("GRU").correct
    assert not question.check("gated recurrent unit").correct
    hidden = typed_term(GLOSSARY, "hidden-state")
    assert hidden.check("hiden state").correct
    assert not hidden.check("cell state").correct  # 4 slips away, and a known other term
    assert not typed_term(GLOSSARY, "forget-gate").check("forget").correct


def test_matching_pairs_graded_per_pair():
    question = matching(GLOSSARY, seed=1, n_pairs=4)
    assert isinstance(question, MatchingQuestion) and len(question.left) == 4
    right = list(question.solution)
    assert question.check(right).correct and question.check(right).score == 1.0
    swapped = right.copy()
    swapped[0], swapped[1] = swapped[1], swapped[0]
    result = question.check(swapped)
    assert not result.correct and result.pair_results == (False, False, True, True)
    assert result.score == 0.5
    assert question.check({0: right[0]}).pair_results == (True, False, False, False)
    # each definition belongs to its term
    definitions = {e.term: e.definition for e in GLOSSARY}
    for term, index in zip(question.left, question.solution, strict=True):
        assert question.choices[index] == definitions[term]
    with pytest.raises(QuizError, match="expected 4"):
        question.check([0, 1])


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True)
class Written:  # shaped like content.QuizQuestion
    id: str
    kind: str
    prompt: str
    choices: tuple[Choice, ...] = ()
    answer: bool | None = None
    accepted: tuple[str, ...] = ()
    explanation: str = "Because."
    tags: tuple[str, ...] = ()
    source: str = "lesson:x"
    demo: str | None = None


def test_written_questions_of_each_kind():
    mc = from_quiz_question(
        Written(
            "q1",
            "multiple_choice",
            "Why do gradients vanish?",
            (
                Choice("Many factors below 1 multiply", True, "Yes: a product of small factors."),
                Choice("The loss is too big", False, "The loss size does not compound."),
                Choice("Too many inputs", False, "Inputs are not multiplied together."),
            ),
            demo="vanishing",
        )
    )
    assert isinstance(mc, ChoiceQuestion) and mc.demo == "vanishing"
    right = mc.answer_index
    assert mc.choices[right] == "Many factors below 1 multiply"
    assert mc.check(right).correct and mc.check(right).explanation == "Because."
    wrong = mc.check("The loss is too big")
    assert not wrong.correct and wrong.feedback == "The loss size does not compound."
    tf = from_quiz_question(Written("q2", "true_false", "LSTMs have gates.", answer=True))
    assert tf.choices == ("True", "False")
    assert tf.check(True).correct and tf.check("true").correct and not tf.check(1).correct
    typed = from_quiz_question(
        Written("q3", "typed", "Name the update.", accepted=("weight sharing", "shared weights"))
    )
    assert typed.check("Weight-sharing").correct and typed.check("shared weights").correct
    assert not typed.check("weight decay").correct
    with pytest.raises(QuizError, match="unknown kind"):
        from_quiz_question(Written("q4", "essay", "Discuss."))


def test_build_quiz_mixes_kinds_reproducibly():
    written = [Written("q2", "true_false", "LSTMs have gates.", answer=True)]
    quiz = build_quiz(GLOSSARY, written, count=12, seed=5)
    assert len(quiz) == 12
    assert {q.kind for q in quiz} >= {"term_to_definition", "definition_to_term", "typed"}
    again = build_quiz(GLOSSARY, written, count=12, seed=5)
    assert [q.id for q in quiz] == [q.id for q in again]
    for question in quiz:
        answer = (
            question.solution
            if question.kind == "matching"
            else (question.answer_index if question.choices else question.answer)
        )
        assert question.check(answer).correct
    with pytest.raises(QuizError, match="unknown quiz kind"):
        build_quiz(GLOSSARY, kinds=("essay",))


def test_every_shipped_glossary_term_makes_sound_questions():
    from rnn_studio.learn.content import load_glossary

    terms = as_terms(load_glossary())
    for term in terms:
        for seed in range(2):
            for make in (term_to_definition, definition_to_term):
                question = make(terms, term.id, seed=seed)
                assert len({normalise(c) for c in question.choices}) == len(question.choices)
                assert question.check(question.answer_index).correct
        typed = typed_term(terms, term.id)
        assert all(typed.check(name).correct for name in term.names)
        # No other term's name is accepted for this one.
        others = [name for other in terms if other.id != term.id for name in other.names]
        assert not any(typed.check(name).correct for name in others), term.id


def test_mask_term_keeps_markup_valid():
    text = (
        "A [[hidden state|memory]] that an [[RNN]] keeps; see {{demo:rnn-memory}}. RNN<sub>t</sub>"
    )
    masked = mask_term(text, ("recurrent neural network", "RNN"))
    assert (
        masked
        == "A [[hidden state|memory]] that an … keeps; see {{demo:rnn-memory}}. …<sub>t</sub>"
    )


def test_every_shipped_written_question_checks_its_own_answer():
    from rnn_studio.learn.content import load_quizzes

    for quiz_set in load_quizzes():
        for written in quiz_set.questions:
            question = from_quiz_question(written)
            assert question.explanation
            if isinstance(question, TypedQuestion):
                assert all(question.check(a).correct for a in written.accepted)
            else:
                assert question.check(question.answer_index).correct
                wrong = (question.answer_index + 1) % len(question.choices)
                assert not question.check(wrong).correct


# --------------------------------------------------------------------------- answer order
# Chi-square critical values at p = 0.001 for k - 1 degrees of freedom (k = choices).
CHI2_999 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52}


def shipped_multiple_choice():
    from rnn_studio.learn.content import load_quizzes

    return [q for s in load_quizzes() for q in s.questions if q.kind == "multiple_choice"]


def test_every_multiple_choice_question_puts_the_right_answer_anywhere_uniformly():
    """Over 600 seeded reviews, each position holds the right answer about equally often.

    The files list the right answer first; without shuffling, always pressing A would score
    full marks and every count would sit on position 0.
    """
    questions = shipped_multiple_choice()
    assert len(questions) >= 20
    n_seeds = 600
    for source in questions:
        k = len(source.choices)
        counts = [0] * k
        for seed in range(n_seeds):
            question = from_quiz_question(source, seed=seed)
            counts[question.answer_index] += 1
            # the shuffle moves each option's feedback with it
            right = next(c for c in source.choices if c.correct)
            assert question.answer == right.text
            assert question.choice_feedback[question.answer_index] == right.explanation
        expected = n_seeds / k
        chi2 = sum((c - expected) ** 2 / expected for c in counts)
        assert chi2 < CHI2_999[k - 1], (source.id, counts)


def test_pressing_a_every_time_scores_like_guessing():
    from rnn_studio.learn.content import load_all

    content = load_all()
    hits = total = 0
    guess = 0.0
    for seed in range(40):
        for question in build_quiz(
            content.glossary.entries, content.questions, count=20, kinds=("written",), seed=seed
        ):
            if question.kind == "multiple_choice":
                total += 1
                hits += question.check(0).correct
                guess += 1 / len(question.choices)
    assert total > 300
    # Guessing expects `guess` hits; binomial sd is below sqrt(total)/2.
    assert abs(hits - guess) < 3.5 * (total**0.5) / 2, (hits, guess, total)


def test_a_review_seed_repeats_its_answer_order_and_another_seed_changes_it():
    from rnn_studio.learn.content import load_all

    content = load_all()

    def orders(seed):
        built = build_quiz(
            content.glossary.entries, content.questions, count=24, kinds=("written",), seed=seed
        )
        return [(q.id, q.choices) for q in built]

    assert orders(11) == orders(11)
    assert orders(11) != orders(12)
    assert from_quiz_question(shipped_multiple_choice()[0]) == from_quiz_question(
        shipped_multiple_choice()[0]
    )
