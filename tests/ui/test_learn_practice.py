"""The Practice page: type answers, get them checked against the engine, see the solution."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QRadioButton

from rnn_studio.learn import bptt_by_hand, exercises
from rnn_studio.ui.learn.practice_view import BPTT, PRACTICE_TITLES, PracticeView


@pytest.fixture()
def view(qtbot):
    page = PracticeView(np.random.default_rng(0))
    qtbot.addWidget(page)
    page.resize(1100, 680)
    page.show()
    return page


def _type(qtbot, view: PracticeView, texts: list[str]) -> None:
    for n, text in enumerate(texts):
        box = view.findChild(QLineEdit, f"practice_answer_{n}")
        assert box is not None
        box.clear()
        qtbot.keyClicks(box, text)


def test_the_worked_bptt_example_is_completed_number_by_number(qtbot, view) -> None:
    view.set_kind(BPTT)
    view.new_exercise(seed=0)
    example = bptt_by_hand.readable_example(0)
    blanks = example.blanks()
    assert "Next: g" in view.prompt.toPlainText()
    _type(qtbot, view, ["123"])  # wrong: stays on the same number
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert view.verdict.text().startswith("✗") and view.filled == 0
    for blank in blanks:
        _type(qtbot, view, [f"{blank.value:.3g}"])
        box = view.findChild(QLineEdit, "practice_answer_0")
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert view.verdict.text().startswith("✓"), view.verdict.text()
    assert view.filled == len(blanks)
    text = view.prompt.toPlainText()
    assert "Done." in text
    engine_g0 = bptt_by_hand.engine_totals(example)[0]
    assert bptt_by_hand.fmt(engine_g0[1]) in text  # the engine's ∂L/∂h₀ is on the page
    assert not view.check_button.isEnabled()


def test_show_this_number_moves_on(qtbot, view) -> None:
    view.set_kind(BPTT)
    qtbot.mouseClick(view.solution_button, Qt.MouseButton.LeftButton)
    assert view.filled == 1 and view.verdict.text().startswith("✗ Shown")


def test_h1_exercise_checks_typed_numbers_and_shows_the_working(qtbot, view) -> None:
    view.set_kind("h1")
    exercise = view.exercise
    assert exercise is not None and not view.solution.isVisible()
    _type(qtbot, view, ["0.5", "abc"])
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert "Not a number" in view.verdict.text()
    _type(qtbot, view, [f"{v:.3g}" for v in exercise.values])
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert view.verdict.text().startswith("✓")
    assert view.solution.isVisible() and "tanh(" in view.solution.toPlainText()


@pytest.mark.parametrize("kind", ["gradient-sign", "forget-gate", "truncation", "temperature"])
def test_choice_exercises(qtbot, view, kind: str) -> None:
    view.set_kind(kind)
    exercise = view.exercise
    assert exercise is not None and exercise.kind == kind
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert "Pick one" in view.verdict.text()
    wrong = next(n for n in range(len(exercise.choices)) if n != exercise.answer)
    view.findChild(QRadioButton, f"practice_choice_{wrong}").setChecked(True)
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert view.verdict.text().startswith("✗") and not view.solution.isVisible()
    qtbot.mouseClick(view.solution_button, Qt.MouseButton.LeftButton)
    assert view.solution.isVisible()
    view.findChild(QRadioButton, f"practice_choice_{exercise.answer}").setChecked(True)
    qtbot.mouseClick(view.check_button, Qt.MouseButton.LeftButton)
    assert view.verdict.text().startswith("✓")


def test_new_numbers_change_the_exercise(qtbot, view) -> None:
    view.set_kind("h1")
    first = view.exercise
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert view.exercise is not None and first is not None
    assert view.exercise.prompt != first.prompt


def test_every_kind_is_listed() -> None:
    assert list(PRACTICE_TITLES) == [BPTT, *exercises.KINDS]


def test_learn_area_has_the_practice_page(qtbot, tmp_path) -> None:
    from rnn_studio.learn.progress import ProgressStore
    from rnn_studio.state.session import StudioSession
    from rnn_studio.ui.learn.learn_area import LearnArea

    area = LearnArea(StudioSession(), ProgressStore(tmp_path / "p.json"), seed=0)
    qtbot.addWidget(area)
    area.show_page("practice")
    assert area.current_page() == "practice"
    assert area.stack.currentWidget() is area.practice


def test_buttons_fit_the_kind_after_switching(qtbot, view) -> None:
    view.set_kind(BPTT)
    assert view.solution_button.text() == "Show this number"
    view.set_kind("h1")
    assert view.solution_button.text() == "Show the solution" and view.check_button.isEnabled()
    assert "h₁[0] =" in [w.text() for w in view.captions]  # Unicode subscripts, not "h 1"


def test_first_answers_are_recorded_as_practice(qtbot, tmp_path) -> None:
    from rnn_studio.learn.progress import ProgressStore

    store = ProgressStore(tmp_path / "progress.json")
    page = PracticeView(np.random.default_rng(0), store)
    qtbot.addWidget(page)
    page.set_kind("truncation")
    exercise = page.exercise
    assert exercise is not None
    wrong = next(n for n in range(len(exercise.choices)) if n != exercise.answer)
    page.check()  # nothing chosen: not an answer, nothing recorded
    assert store.stats(page._clock()).quiz_accuracy_by_kind.get("practice") is None
    page.findChild(QRadioButton, f"practice_choice_{wrong}").setChecked(True)
    with qtbot.waitSignal(page.progress_changed):
        page.check()
    page.findChild(QRadioButton, f"practice_choice_{exercise.answer}").setChecked(True)
    page.check()  # a second try is not scored again
    assert store.stats(page._clock()).quiz_accuracy_by_kind["practice"] == 0.0
    page.set_kind(BPTT)
    blank = bptt_by_hand.readable_example(page.seed % 1000).blanks()[0]
    page.answer_boxes[0].setText(f"{blank.value:.3g}")
    assert page.check()
    assert store.stats(page._clock()).quiz_accuracy_by_kind["practice"] == 0.5
