"""The Practice page: exercises that make the learner compute, checked against the engine.

On the left the kinds: "BPTT by hand" (the worked example of
:mod:`rnn_studio.learn.bptt_by_hand`, completed one number at a time) and the generated
exercises of :mod:`rnn_studio.learn.exercises`. On the right the exercise: its numbers, the
answer boxes (or options), Check, Show the solution and New numbers.
Preview on its own: ``python -m rnn_studio.ui.learn.practice_view``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn import bptt_by_hand, exercises
from rnn_studio.learn.bptt_by_hand import WorkedBPTT, agrees_to_figures, fmt, parse_number
from rnn_studio.learn.exercises import Exercise
from rnn_studio.learn.markup import plain_text, render_inline
from rnn_studio.learn.progress import ProgressError, ProgressStore
from rnn_studio.learn.review import local_now
from rnn_studio.ui.learn.browser import LearnBrowser
from rnn_studio.ui.learn.typography import scaled_font

BPTT = "bptt"
#: Kind id → the list's title.
PRACTICE_TITLES = {BPTT: "BPTT by hand: finish the worked example", **exercises.TITLES}


def _html(markup_text: str) -> str:
    return render_inline(markup_text)


_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def caption(markup_text: str) -> str:
    """Plain text for a label or message: numeric subscripts as Unicode (g<sub>1</sub> → g₁)."""
    digits = re.sub(
        r"<sub>(\d+)</sub>", lambda m: m.group(1).translate(_SUBSCRIPT_DIGITS), markup_text
    )
    return plain_text(digits)


class PracticeView(QWidget):
    """Computed exercises with checking and worked solutions.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the seed of each new exercise.
    store : ProgressStore, optional
        Where the first answer to each exercise (and to each number of the worked example)
        is recorded, as a quiz answer of kind ``practice``; nothing is recorded without one.
    clock : callable returning an aware datetime, optional
    parent : QWidget, optional
    """

    #: An answer was recorded in the progress store.
    progress_changed = Signal()
    #: Recording failed (the message says why); the answer still counts on screen.
    save_failed = Signal(str)

    def __init__(
        self,
        rng: np.random.Generator,
        store: ProgressStore | None = None,
        clock: Callable[[], datetime] = local_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._clock = clock
        self.seed = 0
        self._recorded: set[str] = set()
        self.setObjectName("practice_view")
        self.setAccessibleName("Practice")
        self.rng = rng
        self.exercise: Exercise | None = None
        self.worked: WorkedBPTT | None = None
        self.filled = 0  # blanks of the worked example done

        self.kinds = QListWidget(self)
        self.kinds.setObjectName("practice_kinds")
        self.kinds.setAccessibleName("Kinds of exercise")
        self.kinds.setToolTip("Choose a kind of exercise (↑/↓ to move)")
        self.kinds.setWordWrap(True)
        self.kinds.setSpacing(2)
        for kind, title in PRACTICE_TITLES.items():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setToolTip(title)
            self.kinds.addItem(item)

        self.title_label = QLabel(self)
        self.title_label.setObjectName("practice_title")
        self.title_label.setWordWrap(True)
        scaled_font(self.title_label, 1.15, bold=True)
        self.prompt = LearnBrowser("practice_prompt", "Exercise", self)
        self.answer_row = QHBoxLayout()
        self.answer_boxes: list[QLineEdit] = []
        self.captions: list[QLabel] = []
        self.choice_group = QButtonGroup(self)
        self.choice_buttons: list[QRadioButton] = []
        self.check_button = self._button(
            "practice_check", "Check", "Check your answer against the engine (Enter)"
        )
        self.check_button.clicked.connect(self.check)
        self.solution_button = self._button(
            "practice_show_solution",
            "Show the solution",
            "Show the worked solution with the engine's numbers",
        )
        self.solution_button.clicked.connect(self.reveal)
        self.new_button = self._button(
            "practice_new", "New numbers", "Another exercise of this kind, with fresh numbers"
        )
        self.new_button.clicked.connect(lambda _checked=False: self.new_exercise())
        self.verdict = QLabel(self)
        self.verdict.setObjectName("practice_verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Verdict")
        self.solution = LearnBrowser("practice_solution", "Worked solution", self)

        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.solution_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title_label)
        column.addWidget(self.prompt, 3)
        column.addLayout(self.answer_row)
        column.addLayout(buttons)
        column.addWidget(self.verdict)
        column.addWidget(self.solution, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("practice_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.kinds)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.kinds.currentRowChanged.connect(lambda _row: self.new_exercise())
        self.kinds.setCurrentRow(0)

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setToolTip(tip)
        return button

    # --- public -------------------------------------------------------------------------
    def kind(self) -> str:
        """The kind on show: ``"bptt"`` or one of :data:`rnn_studio.learn.exercises.KINDS`."""
        item = self.kinds.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else BPTT

    def set_kind(self, kind: str) -> None:
        """Show a new exercise of ``kind``."""
        row = list(PRACTICE_TITLES).index(kind)
        if self.kinds.currentRow() != row:
            self.kinds.setCurrentRow(row)
        else:
            self.new_exercise()

    def new_exercise(self, seed: int | None = None) -> None:
        """Fresh numbers for the kind on show (``seed`` drawn from the generator if None)."""
        seed = int(self.rng.integers(0, 10_000)) if seed is None else seed
        self.seed = seed
        kind = self.kind()
        self.title_label.setText(PRACTICE_TITLES[kind])
        self.verdict.clear()
        self.solution.set_body("")
        self.solution.setVisible(False)
        if kind == BPTT:
            self.exercise = None
            self.worked = bptt_by_hand.readable_example(seed % 1000)
            self.filled = 0
            self._show_worked()
        else:
            self.worked = None
            self.exercise = exercises.make_exercise(kind, seed)
            self.check_button.setEnabled(True)
            self.solution_button.setText("Show the solution")
            self.prompt.set_body(f"<p>{_html(self.exercise.prompt)}</p>")
            if self.exercise.choices:
                self._set_choices(self.exercise.choices)
            else:
                self._set_boxes(self.exercise.labels)

    def check(self) -> bool:
        """Check the answer on the page; show the verdict (and the solution when right)."""
        if self.worked is not None:
            return self._check_blank()
        exercise = self.exercise
        if exercise is None:
            return False
        if exercise.choices:
            verdict = exercise.check(self.choice_group.checkedId())
            answered = self.choice_group.checkedId() >= 0
        else:
            verdict = exercise.check([box.text() for box in self.answer_boxes])
            answered = not verdict.message.startswith(("Not a number", "Type "))
        if answered:
            self._record(f"{exercise.kind}:{exercise.seed}", verdict.correct)
        self._say(verdict.correct, verdict.message)
        if verdict.correct:
            self.reveal()
        return verdict.correct

    def reveal(self) -> None:
        """Show the worked solution (for BPTT: fill in the current number and move on)."""
        if self.worked is not None:
            blanks = self.worked.blanks()
            if self.filled < len(blanks):
                self._say(False, f"Shown: {caption(blanks[self.filled].label)}.")
                self.filled += 1
                self._show_worked()
            return
        if self.exercise is not None:
            self.solution.set_body(f"<p>{_html(self.exercise.solution)}</p>")
            self.solution.setVisible(True)

    # --- the worked BPTT example ----------------------------------------------------------
    def _show_worked(self) -> None:
        example = self.worked
        assert example is not None
        blanks = example.blanks()
        rows = "".join(
            f"<tr><td>t = {t} (“{token}”)</td>"
            f"<td>({fmt(example.hidden[t, 0])}, {fmt(example.hidden[t, 1])})</td>"
            f"<td>({fmt(example.targets[t, 0], 2)}, {fmt(example.targets[t, 1], 2)})</td>"
            f"<td>({fmt(example.slopes[t, 0])}, {fmt(example.slopes[t, 1])})</td></tr>"
            for t, token in enumerate(example.tokens)
        )
        w = example.weight_hh
        intro = (
            "<p>A two-unit RNN reads “cab” with a loss L<sub>t</sub> = ½‖h<sub>t</sub> − "
            "y<sub>t</sub>‖<sup>2</sup> at every step. Walk back from the last step: "
            "g<sub>t</sub> = (h<sub>t</sub> − y<sub>t</sub>) + W<sub>hh</sub><sup>⊤</sup>"
            "((1 − h<sub>t+1</sub><sup>2</sup>) ⊙ g<sub>t+1</sub>). Type each number to 3 "
            "significant digits.</p>"
            f"<p>W<sub>hh</sub> = [{fmt(w[0, 0], 2)} {fmt(w[0, 1], 2)}; "
            f"{fmt(w[1, 0], 2)} {fmt(w[1, 1], 2)}] (row j, column k: unit k → unit j)</p>"
            "<table cellpadding='3'><tr><th>step</th><th>h<sub>t</sub> (engine)</th>"
            "<th>target y<sub>t</sub></th><th>1 − h<sub>t</sub><sup>2</sup></th></tr>"
            f"{rows}</table>"
        )
        done = "".join(
            f"<li>{_html(blank.label)} = <b>{fmt(blank.value)}</b>: {_html(blank.working)}</li>"
            for blank in blanks[: self.filled]
        )
        body = intro + (f"<ol>{done}</ol>" if done else "")
        if self.filled < len(blanks):
            body += f"<p><b>Next: {_html(blanks[self.filled].label)} = ?</b></p>"
            self._set_boxes((caption(blanks[self.filled].label),))
            self.check_button.setEnabled(True)
            self.solution_button.setText("Show this number")
        else:
            body += (
                "<p><b>Done.</b> These are the numbers the engine's backward pass gives for "
                "∂L/∂h<sub>t</sub>.</p>"
            )
            self._set_boxes(())
            self.check_button.setEnabled(False)
        self.prompt.set_body(body)
        bar = self.prompt.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _check_blank(self) -> bool:
        example = self.worked
        assert example is not None
        blanks = example.blanks()
        if self.filled >= len(blanks) or not self.answer_boxes:
            return False
        blank = blanks[self.filled]
        typed = parse_number(self.answer_boxes[0].text())
        if typed is None:
            self._say(False, "Type a number, e.g. −0.123.")
            return False
        self._record(f"bptt:{self.seed}:{blank.key}", agrees_to_figures(typed, blank.value))
        if not agrees_to_figures(typed, blank.value):
            self._say(False, f"Not yet: {caption(blank.label)} is not {typed:g}. Try again.")
            return False
        self._say(True, f"Right: {caption(blank.label)} = {fmt(blank.value)}.")
        self.filled += 1
        self._show_worked()
        return True

    # --- answer widgets -------------------------------------------------------------------
    def _clear_answers(self) -> None:
        while self.answer_row.count():
            item = self.answer_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from findChild at once, deleted later
                widget.deleteLater()
        self.answer_boxes = []
        self.captions = []
        for button in self.choice_buttons:
            self.choice_group.removeButton(button)
        self.choice_buttons = []

    def _set_boxes(self, labels: tuple[str, ...]) -> None:
        if labels and len(labels) == len(self.answer_boxes):  # same boxes, new captions
            for caption, box, label in zip(self.captions, self.answer_boxes, labels, strict=True):
                caption.setText(f"{label} =")
                box.setAccessibleName(label)
                box.clear()
            self.answer_boxes[0].setFocus()
            return
        self._clear_answers()
        for n, label in enumerate(labels):
            caption = QLabel(f"{label} =", self)
            self.captions.append(caption)
            box = QLineEdit(self)
            box.setObjectName(f"practice_answer_{n}")
            box.setAccessibleName(label)
            box.setPlaceholderText("e.g. −0.123")
            box.setToolTip(f"Type {label} to 3 significant digits, then Enter")
            box.returnPressed.connect(self.check)
            self.answer_row.addWidget(caption)
            self.answer_row.addWidget(box, 1)
            self.answer_boxes.append(box)
        if self.answer_boxes:
            self.answer_boxes[0].setFocus()

    def _set_choices(self, choices: tuple[str, ...]) -> None:
        self._clear_answers()
        for n, text in enumerate(choices):
            button = QRadioButton(text, self)
            button.setObjectName(f"practice_choice_{n}")
            button.setAccessibleName(text)
            button.setToolTip(f"Answer: {text}")
            self.choice_group.addButton(button, n)
            self.answer_row.addWidget(button)
            self.choice_buttons.append(button)
        self.answer_row.addStretch(1)

    def _record(self, item_id: str, correct: bool) -> None:
        """Record the first answer to ``item_id`` (later tries are practice, not scored)."""
        if self.store is None or item_id in self._recorded:
            return
        self._recorded.add(item_id)
        try:
            self.store.record_quiz("practice", item_id, correct, self._clock())
        except ProgressError as error:
            self.save_failed.emit(str(error))
        self.progress_changed.emit()

    def _say(self, correct: bool, message: str) -> None:
        self.verdict.setText(("✓ " if correct else "✗ ") + message)


if __name__ == "__main__":
    from rnn_studio.ui.learn.preview import preview_page

    raise SystemExit(preview_page("practice"))
