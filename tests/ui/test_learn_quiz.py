"""The Quiz page: every kind of question answered right and wrong through the widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from rnn_studio.learn import content as content_module
from rnn_studio.learn import quiz
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn.learn_area import LearnArea
from rnn_studio.ui.learn.quiz_view import QUESTIONS_PER_QUIZ, QUIZ_KINDS
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def area(qtbot):
    area = LearnArea(StudioSession(), ProgressStore(), speech=NoSpeechEngine(), seed=5)
    qtbot.addWidget(area)
    area.resize(1100, 700)
    area.show()
    qtbot.waitExposed(area)
    area.show_page("quiz")
    return area


TERMS = content_module.load_glossary().entries


def choose(qtbot, area, row: int) -> None:
    """Pick choice ``row`` with the keyboard and answer with Enter."""
    choices = area.quiz.choices
    choices.setFocus()
    choices.setCurrentRow(0)
    for _ in range(row):
        qtbot.keyClick(choices, Qt.Key.Key_Down)
    assert choices.currentRow() == row
    qtbot.keyClick(choices, Qt.Key.Key_Return)


def squeeze(text: str) -> str:
    """Visible characters only (markup and spacing removed), for comparing shown text."""
    return "".join(content_module.markup.plain_text(text).split())


def verdict(area) -> str:
    return area.quiz.feedback.toPlainText()


@pytest.mark.parametrize("make", [quiz.term_to_definition, quiz.definition_to_term])
@pytest.mark.parametrize("right", [True, False])
def test_multiple_choice_both_ways(area, qtbot, make, right):
    question = make(TERMS, "weight-sharing", seed=4)
    area.quiz.start([question])
    assert area.quiz.choices.count() == len(question.choices) == 4
    wrong_row = (question.answer_index + 1) % 4
    choose(qtbot, area, question.answer_index if right else wrong_row)
    text = verdict(area)
    assert ("✓ Right" in text) is right
    assert ("✗ Not quite" in text) is (not right)
    assert "weight sharing:" in text  # the explanation follows every answer
    assert area.quiz.score_label.text().startswith(f"Score: {int(right)} / 1")
    record = area.store.quiz_results[-1]
    assert (record.kind, record.item_id, record.correct) == (question.kind, "weight-sharing", right)
    marked = area.quiz.choices.item(question.answer_index).text()
    assert marked.startswith("✓")
    if not right:
        assert area.quiz.choices.item(wrong_row).text().startswith("✗")
    # The verdict cannot be changed by answering again.
    choose_again = area.quiz.check
    choose_again()
    assert len(area.store.quiz_results) == 1


@pytest.mark.parametrize(
    ("typed", "right"),
    [("Hiden  State", True), ("hidden states", True), ("cell state", False)],
)
def test_typed_answers_are_matched_leniently(area, qtbot, typed, right):
    question = quiz.typed_term(TERMS, "hidden-state")
    area.quiz.start([question])
    assert area.quiz.answer_stack.currentWidget().objectName() == "quiz_typed_page"
    qtbot.keyClicks(area.quiz.typed, typed)
    qtbot.keyClick(area.quiz.typed, Qt.Key.Key_Return)
    text = verdict(area)
    assert ("✓ Right" in text) is right
    if not right:
        assert "The answer: hidden state" in text
    if typed == "Hiden  State":
        assert "Accepted; it is spelled" in text


def test_an_empty_answer_is_not_judged(area, qtbot):
    area.quiz.start([quiz.typed_term(TERMS, "hidden-state")])
    qtbot.keyClick(area.quiz.typed, Qt.Key.Key_Return)
    assert "first" in verdict(area)
    assert area.store.quiz_results == ()


@pytest.mark.parametrize("right", [True, False])
def test_matching_pairs(area, qtbot, right):
    question = quiz.matching(
        TERMS, seed=1, term_ids=["lstm", "gru", "hidden-state", "spectral-radius"]
    )
    area.quiz.start([question])
    boxes = area.quiz.match_boxes
    assert len(boxes) == 4
    for box, solution in zip(boxes, question.solution, strict=True):
        pick = solution if right else (solution + 1) % 4
        box.setCurrentIndex(box.findData(pick))
    qtbot.mouseClick(area.quiz.check_button, Qt.MouseButton.LeftButton)
    text = verdict(area)
    assert ("All pairs right." in text) is right
    if not right:
        assert "4 of 4 pairs wrong." in text
    assert area.quiz.score == (1.0 if right else 0.0)
    assert not boxes[0].isEnabled()


def test_matching_half_right_scores_half(area, qtbot):
    question = quiz.matching(TERMS, seed=2, n_pairs=4)
    area.quiz.start([question])
    boxes = area.quiz.match_boxes
    boxes[0].setCurrentIndex(boxes[0].findData(question.solution[0]))
    boxes[1].setCurrentIndex(boxes[1].findData(question.solution[1]))
    area.quiz.check()
    assert area.quiz.score == pytest.approx(0.5)
    assert "2 of 4 pairs wrong." in verdict(area)


def written(kind: str):
    question = next(q for q in content_module.load_all().questions if q.kind == kind)
    return question, quiz.from_quiz_question(question)


@pytest.mark.parametrize("kind", ["multiple_choice", "true_false"])
@pytest.mark.parametrize("right", [True, False])
def test_conceptual_choice_questions_explain_each_answer(area, qtbot, kind, right):
    source, question = written(kind)
    area.quiz.start([question])
    row = question.answer_index if right else (question.answer_index + 1) % len(question.choices)
    choose(qtbot, area, row)
    text = verdict(area)
    assert ("✓ Right" in text) is right
    assert squeeze(source.explanation)[:40] in squeeze(text)
    if kind == "multiple_choice":  # why this particular choice is right or wrong
        shown = question.choices[row]
        feedback = next(c.explanation for c in source.choices if c.text == shown)
        assert squeeze(feedback)[:30] in squeeze(text)


@pytest.mark.parametrize("right", [True, False])
def test_conceptual_typed_question(area, qtbot, right):
    source, question = written("typed")
    area.quiz.start([question])
    answer = source.accepted[0] if right else "a completely different answer"
    qtbot.keyClicks(area.quiz.typed, answer)
    qtbot.keyClick(area.quiz.typed, Qt.Key.Key_Return)
    assert ("✓ Right" in verdict(area)) is right


def test_a_question_with_a_demo_links_to_the_studio(area, qtbot):
    source = next(q for q in content_module.load_all().questions if q.demo is not None)
    question = quiz.from_quiz_question(source)
    area.quiz.start([question])
    if isinstance(question, quiz.TypedQuestion):
        qtbot.keyClicks(area.quiz.typed, "x")
        area.quiz.check()
    else:
        choose(qtbot, area, 0)
    assert f"demo:{source.demo}" in area.quiz.feedback.links()
    area.quiz.feedback.follow_link(f"demo:{source.demo}")
    assert area.session.text == content_module.load_demos()[source.demo].setup.text


@pytest.mark.parametrize("kind", list(QUIZ_KINDS))
def test_each_quiz_kind_builds_questions_of_that_kind(area, kind):
    area.quiz.new_quiz(kind)
    kinds = {q.kind for q in area.quiz.questions}
    assert len(area.quiz.questions) == QUESTIONS_PER_QUIZ
    if kind == "written":
        assert kinds <= {"multiple_choice", "true_false", "typed"}
    elif kind == "mixed":
        assert len(kinds) >= 4
    else:
        assert kinds == {kind}


def test_next_moves_on_and_the_score_adds_up(area, qtbot):
    questions = [quiz.typed_term(TERMS, "lstm"), quiz.typed_term(TERMS, "gru")]
    area.quiz.start(questions)
    assert not area.quiz.next_button.isEnabled()
    qtbot.keyClicks(area.quiz.typed, "LSTM")
    qtbot.keyClick(area.quiz.typed, Qt.Key.Key_Return)
    qtbot.mouseClick(area.quiz.next_button, Qt.MouseButton.LeftButton)
    assert area.quiz.index == 1 and area.quiz.typed.text() == ""
    qtbot.keyClicks(area.quiz.typed, "LSTM")
    qtbot.keyClick(area.quiz.typed, Qt.Key.Key_Return)
    assert area.quiz.score_label.text().startswith("Score: 1 / 2")
    assert area.quiz.next_button.text().startswith("New quiz")
    assert [r.correct for r in area.store.quiz_results] == [True, False]
