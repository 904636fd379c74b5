"""The Quiz page: multiple choice both ways, typed answers, matching pairs and the written
conceptual questions, one at a time, with the explanation after every answer and a score.

Answers are judged by :mod:`rnn_studio.learn.quiz` (typed answers leniently, see
:mod:`rnn_studio.learn.fuzzy`) and recorded in the progress store.
Preview on its own: ``python -m rnn_studio.ui.learn.quiz_view``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn import quiz
from rnn_studio.learn.content import Content, render_text
from rnn_studio.learn.markup import plain_text
from rnn_studio.learn.progress import ProgressError, ProgressStore
from rnn_studio.learn.review import local_now
from rnn_studio.ui.learn.browser import LearnBrowser
from rnn_studio.ui.learn.typography import scaled_font

#: The quiz kinds the learner can pick, with their labels ("written" = conceptual questions).
QUIZ_KINDS = {
    "mixed": "Mixed",
    "term_to_definition": "Term → definition",
    "definition_to_term": "Definition → term",
    "typed": "Type the term",
    "matching": "Matching pairs",
    "written": "Conceptual questions",
}
QUESTIONS_PER_QUIZ = 10
LETTERS = "ABCDEFGHIJ"
RIGHT_BACKGROUND = "#D7F0DA"
WRONG_BACKGROUND = "#F9D9DC"
MARKED_TEXT = "#1A1A1A"


class QuizView(QWidget):
    """Ask one question at a time and explain every answer.

    Parameters
    ----------
    content : Content
    store : ProgressStore
        Every answer is recorded (``record_quiz``).
    seed : int or numpy Generator, optional
        Where new quizzes draw their questions from (fresh entropy if omitted).
    clock : callable returning an aware datetime, optional
    parent : QWidget, optional
    """

    term_clicked = Signal(str)
    demo_clicked = Signal(str)
    lesson_clicked = Signal(str)
    progress_changed = Signal()
    #: An answer could not be saved; the message says why (the Learn area shows it).
    save_failed = Signal(str)

    def __init__(
        self,
        content: Content,
        store: ProgressStore,
        seed: int | np.random.Generator | None = None,
        clock: Callable[[], datetime] = local_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quiz_view")
        self.setAccessibleName("Quiz")
        self.content = content
        self.store = store
        self._rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self._clock = clock
        self.questions: list[quiz.Question] = []
        self.index = 0
        self.score = 0.0
        self.answered = 0
        self.last_result: quiz.Result | None = None

        self.kind_choice = QComboBox(self)
        self.kind_choice.setObjectName("quiz_kind")
        self.kind_choice.setAccessibleName("Kind of quiz")
        self.kind_choice.setToolTip("Which kind of questions to practise")
        for kind, label in QUIZ_KINDS.items():
            self.kind_choice.addItem(label, kind)
        self.new_button = QPushButton("New quiz", self)
        self.new_button.setObjectName("quiz_new")
        self.new_button.setAccessibleName("New quiz")
        self.new_button.setToolTip(f"Start {QUESTIONS_PER_QUIZ} new questions of this kind")
        self.new_button.clicked.connect(lambda: self.new_quiz(self.kind_choice.currentData()))
        self.score_label = QLabel(self)
        self.score_label.setObjectName("quiz_score")
        self.score_label.setAccessibleName("Score")
        top = QHBoxLayout()
        kind_label = QLabel("&Practise:", self)
        kind_label.setObjectName("quiz_kind_label")
        kind_label.setBuddy(self.kind_choice)
        top.addWidget(kind_label)
        top.addWidget(self.kind_choice)
        top.addWidget(self.new_button)
        top.addStretch(1)
        top.addWidget(self.score_label)

        self.prompt = QLabel(self)
        self.prompt.setObjectName("quiz_prompt")
        self.prompt.setAccessibleName("Question")
        self.prompt.setWordWrap(True)
        self.prompt.setTextFormat(Qt.TextFormat.RichText)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.prompt.setOpenExternalLinks(False)
        self.prompt.linkActivated.connect(self._prompt_link)
        scaled_font(self.prompt, 1.15)

        self.choices = QListWidget(self)
        self.choices.setObjectName("quiz_choices")
        self.choices.setAccessibleName("Answers to choose from")
        self.choices.setToolTip("Choose with ↑/↓, answer with Enter")
        self.choices.setWordWrap(True)
        self.choices.setSpacing(3)
        self.choices.itemActivated.connect(lambda _item: self.check())
        self.typed = QLineEdit(self)
        self.typed.setObjectName("quiz_answer")
        self.typed.setAccessibleName("Your answer")
        self.typed.setPlaceholderText("Type your answer and press Enter")
        self.typed.setToolTip("Case, spacing and small typos are forgiven")
        self.typed.returnPressed.connect(self.check)
        typed_page = QWidget(self)
        typed_page.setObjectName("quiz_typed_page")
        typed_column = QVBoxLayout(typed_page)
        typed_column.setContentsMargins(0, 0, 0, 0)
        typed_column.addWidget(self.typed)
        typed_column.addStretch(1)
        self.matching_page = QWidget(self)
        self.matching_page.setObjectName("quiz_matching_page")
        self.match_grid = QGridLayout(self.matching_page)
        self.match_grid.setContentsMargins(0, 0, 0, 0)
        self.match_boxes: list[QComboBox] = []
        self.answer_stack = QStackedWidget(self)
        self.answer_stack.setObjectName("quiz_answer_stack")
        for page in (self.choices, typed_page, self.matching_page):
            self.answer_stack.addWidget(page)

        self.check_button = QPushButton("Check answer", self)
        self.check_button.setObjectName("quiz_check")
        self.check_button.setAccessibleName("Check answer")
        self.check_button.setToolTip("Check your answer (Enter)")
        self.check_button.clicked.connect(self.check)
        self.next_button = QPushButton("Next question →", self)
        self.next_button.setObjectName("quiz_next")
        self.next_button.setAccessibleName("Next question")
        self.next_button.setToolTip("Go on to the next question (Enter once answered)")
        self.next_button.clicked.connect(self.next_question)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.next_button)

        self.feedback = LearnBrowser("quiz_feedback", "Feedback on your answer", self)
        self.feedback.term_clicked.connect(self.term_clicked)
        self.feedback.demo_clicked.connect(self.demo_clicked)
        self.feedback.lesson_clicked.connect(self.lesson_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.prompt)
        layout.addWidget(self.answer_stack, 3)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback, 2)
        self.setFocusProxy(self.answer_stack)
        self.new_quiz("mixed")

    # --- building -----------------------------------------------------------------------
    def new_quiz(self, kind: str = "mixed") -> None:
        """Start :data:`QUESTIONS_PER_QUIZ` questions of ``kind`` (a key of :data:`QUIZ_KINDS`)."""
        if kind not in QUIZ_KINDS:
            raise ValueError(f"quiz kind {kind!r} is not one of {', '.join(QUIZ_KINDS)}")
        kinds = (*quiz.TERM_KINDS, "written") if kind == "mixed" else (kind,)
        questions = quiz.build_quiz(
            self.content.glossary.entries,
            self.content.questions,
            count=QUESTIONS_PER_QUIZ,
            kinds=kinds,
            seed=self._rng,
        )
        self.kind_choice.blockSignals(True)
        self.kind_choice.setCurrentIndex(self.kind_choice.findData(kind))
        self.kind_choice.blockSignals(False)
        self.start(questions)

    def start(self, questions: Sequence[quiz.Question]) -> None:
        """Ask ``questions`` in order, from the first, with the score at zero."""
        if not questions:
            raise ValueError("a quiz needs at least one question")
        self.questions = list(questions)
        self.index = 0
        self.score = 0.0
        self.answered = 0
        self._show_question()

    def current_question(self) -> quiz.Question:
        """The question on show."""
        return self.questions[self.index]

    # --- answering ----------------------------------------------------------------------
    def check(self) -> None:
        """Judge the answer given in the widgets, show the explanation and update the score.

        An empty answer is not judged: the feedback pane asks for one instead.
        """
        if self.last_result is not None:
            return
        question = self.current_question()
        result = self._judge_widgets(question)
        if result is None:
            self.feedback.set_body("<p>Choose or type an answer first.</p>")
            return
        self.last_result = result
        self.answered += 1
        self.score += result.score
        item_id = getattr(question, "item_id", "") or question.id
        try:
            self.store.record_quiz(question.kind, item_id, result.correct, self._clock())
        except ProgressError as error:  # the answer still counts on screen
            self.save_failed.emit(str(error))
        self.feedback.set_body(self._feedback_html(question, result))
        self._mark_answers(question, result)
        self._update_buttons()
        self._update_score()
        self.next_button.setFocus()
        self.progress_changed.emit()

    def next_question(self) -> None:
        """Go on to the next question (or start a new quiz of the same kind after the last)."""
        if self.index + 1 < len(self.questions):
            self.index += 1
            self._show_question()
        else:
            self.new_quiz(str(self.kind_choice.currentData()))

    # --- internals ----------------------------------------------------------------------
    def _judge_widgets(self, question: quiz.Question) -> quiz.Result | None:
        """Judge the answer the widgets hold for ``question`` (None: nothing answered yet)."""
        if isinstance(question, quiz.TypedQuestion):
            text = self.typed.text()
            return question.check(text) if text.strip() else None
        if isinstance(question, quiz.MatchingQuestion):
            picks = [box.currentData() for box in self.match_boxes]
            if all(pick is None for pick in picks):
                return None
            return question.check(
                {row: int(pick) for row, pick in enumerate(picks) if pick is not None}
            )
        row = self.choices.currentRow()
        return question.check(row) if row >= 0 else None

    def _show_question(self) -> None:
        question = self.current_question()
        self.last_result = None
        self.prompt.setText(
            f"<b>Question {self.index + 1} of {len(self.questions)}.</b> "
            f"{render_text(question.prompt, self.content.glossary)}"
        )
        if isinstance(question, quiz.TypedQuestion):
            self.typed.clear()
            self.typed.setReadOnly(False)
            self.answer_stack.setCurrentIndex(1)
            self.typed.setFocus()
        elif isinstance(question, quiz.MatchingQuestion):
            self._build_matching(question)
            self.answer_stack.setCurrentIndex(2)
            if self.match_boxes:
                self.match_boxes[0].setFocus()
        else:
            self.choices.clear()
            for number, choice in enumerate(question.choices):
                item = QListWidgetItem(f"{LETTERS[number]}.  {choice_text(choice)}")
                self.choices.addItem(item)
            self.answer_stack.setCurrentIndex(0)
            self.choices.setFocus()
        self.feedback.set_body('<p class="hint">Answer first; the explanation appears here.</p>')
        self._update_buttons()
        self._update_score()

    def _build_matching(self, question: quiz.MatchingQuestion) -> None:
        while self.match_grid.count():
            item = self.match_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.match_boxes = []
        definitions = LearnBrowser("quiz_match_definitions", "Definitions", self.matching_page)
        definitions.set_body(
            "".join(
                f"<p><b>{LETTERS[n]}.</b> {render_text(text, self.content.glossary)}</p>"
                for n, text in enumerate(question.choices)
            )
        )
        self.match_grid.addWidget(definitions, 0, 0, 1, 2)
        for row, term in enumerate(question.left, start=1):
            label = QLabel(f"<b>{html.escape(term)}</b>", self.matching_page)
            label.setObjectName(f"quiz_match_term_{row - 1}")
            box = QComboBox(self.matching_page)
            box.setObjectName(f"quiz_match_{row - 1}")
            box.setAccessibleName(f"Definition for {term}")
            last = LETTERS[len(question.choices) - 1]
            box.setToolTip(f"Which definition (A–{last}) fits {term}?")
            box.addItem("—", None)
            for n in range(len(question.choices)):
                box.addItem(LETTERS[n], n)
            label.setBuddy(box)
            self.match_grid.addWidget(box, row, 0)  # the choice right beside its term
            self.match_grid.addWidget(label, row, 1)
            self.match_boxes.append(box)
        self.match_grid.setRowStretch(0, 1)
        self.match_grid.setColumnStretch(1, 1)

    def _mark_answers(self, question: quiz.Question, result: quiz.Result) -> None:
        if isinstance(question, quiz.TypedQuestion):
            self.typed.setReadOnly(True)
        elif isinstance(question, quiz.MatchingQuestion):
            for box, right in zip(self.match_boxes, result.pair_results, strict=True):
                box.setEnabled(False)
                box.setToolTip("Right" if right else "Wrong")
        else:
            mark_choices(self.choices, getattr(question, "answer_index", -1))

    def _feedback_html(self, question: quiz.Question, result: quiz.Result) -> str:
        glossary = self.content.glossary
        if result.correct:
            parts = ['<h2 class="right">✓ Right</h2>']
        else:
            parts = ['<h2 class="wrong">✗ Not quite</h2>']
            expected = "<br>".join(
                render_text(line, glossary) for line in result.expected.split("\n")
            )
            parts.append(f"<p><b>The answer:</b> {expected}</p>")
        if result.feedback:
            parts.append(f"<p>{render_text(result.feedback, glossary)}</p>")
        if result.explanation:
            lines = [render_text(line, glossary) for line in result.explanation.split("\n")]
            parts.append(f"<p><i>Why:</i> {'<br>'.join(lines)}</p>")
        demo = getattr(question, "demo", None)
        if demo is not None:
            title = plain_text(self.content.demos[demo].title)
            link = f'<a class="showme" href="demo:{demo}">Show me: {html.escape(title)}</a>'
            parts.append(f"<p>{link}</p>")
        return "".join(parts)

    def _update_buttons(self) -> None:
        answered = self.last_result is not None
        self.check_button.setEnabled(not answered)
        self.next_button.setEnabled(answered)
        last = self.index + 1 >= len(self.questions)
        self.next_button.setText("New quiz →" if last else "Next question →")

    def _update_score(self) -> None:
        position = f"question {self.index + 1} of {len(self.questions)}"
        self.score_label.setText(f"Score: {self.score:g} / {self.answered}  ·  {position}")

    def _prompt_link(self, href: str) -> None:
        kind, _, target = href.partition(":")
        if kind == "term":
            self.term_clicked.emit(target)
        elif kind == "demo":
            self.demo_clicked.emit(target)


_SUBSCRIPTS = str.maketrans(
    "0123456789+−-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"
)
_SUPERSCRIPTS = str.maketrans("0123456789+−-=()nTi", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿᵀⁱ")
_SCRIPT = re.compile(r"<(sub|sup)>([^<]*)</\1>")


def choice_text(text: str) -> str:
    """Plain text for a list item: ``h<sub>t−1</sub>`` becomes ``hₜ₋₁`` (``h_(…)`` if a
    character has no Unicode subscript), then the rest of the markup is dropped."""

    def script(match: re.Match[str]) -> str:
        kind, inner = match.group(1), match.group(2)
        table = _SUBSCRIPTS if kind == "sub" else _SUPERSCRIPTS
        converted = inner.translate(table)
        if any(ch not in "".join(map(chr, table.values())) for ch in converted):
            return ("_" if kind == "sub" else "^") + (inner if len(inner) == 1 else f"({inner})")
        return converted

    return plain_text(_SCRIPT.sub(script, text))


def mark_choices(choices: QListWidget, right_row: int) -> None:
    """Mark the right answer ✓ (green) and a wrong pick ✗ (red); freeze the list readable.

    The items stay enabled (greyed-out text would be hard to read) but can no longer be
    selected, so the verdict cannot be changed.
    """
    picked = choices.currentRow()
    for row in range(choices.count()):
        item = choices.item(row)
        if row == right_row:
            item.setText("✓ " + item.text())
            item.setBackground(QColor(RIGHT_BACKGROUND))
            item.setForeground(QColor(MARKED_TEXT))  # dark on light, whatever the theme
        elif row == picked:
            item.setText("✗ " + item.text())
            item.setBackground(QColor(WRONG_BACKGROUND))
            item.setForeground(QColor(MARKED_TEXT))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    choices.clearSelection()


if __name__ == "__main__":
    from rnn_studio.ui.learn.preview import preview_page

    raise SystemExit(preview_page("quiz"))
