"""The Predict-then-reveal page: a question computed by the live engine, answered first.

The learner picks a prediction and locks it in; only then does the page reveal what the
engine measured (the verdict, the numbers, a plot of the run where there is one) and offer
"Show this in the studio", which sets the studio up to replay exactly the computed run.
Preview on its own: ``python -m rnn_studio.ui.learn.predict_view``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn.predict import PREDICT_KINDS, PREDICT_TITLES, PredictQuestion
from rnn_studio.learn.predict import make_predict_question as generate
from rnn_studio.learn.progress import ProgressError, ProgressStore
from rnn_studio.learn.quiz import Result
from rnn_studio.learn.review import local_now
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.learn.browser import LearnBrowser
from rnn_studio.ui.learn.quiz_view import mark_choices
from rnn_studio.ui.learn.typography import scaled_font
from rnn_studio.ui.theme import OKABE_ITO

ANY_KIND = "any"
#: The y-axis label of each kind's curves.
CURVE_AXES = {
    "gradient_race": "‖∂L/∂h_t‖",
    "vanish_or_explode": "‖∂L/∂h_t‖",
    "closed_gate": "gate value",
    "context": "‖Δh‖",
}
CURVE_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
CURVE_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["bluish_green"])
#: Plot on a log axis when the curve spans more than this factor.
LOG_AXIS_RANGE = 1e3


class PredictView(QWidget):
    """Predict, lock in, then see the engine's answer.

    Parameters
    ----------
    store : ProgressStore
        Each prediction is recorded as a quiz answer of kind ``predict``.
    seed : int or numpy Generator, optional
        Where new questions draw their seeds from (fresh entropy if omitted).
    clock : callable returning an aware datetime, optional
    parent : QWidget, optional
    """

    #: Emitted with the reveal's set-up when the learner asks to see it in the studio.
    studio_setup_requested = Signal(object)
    progress_changed = Signal()
    #: An answer could not be saved; the message says why (the Learn area shows it).
    save_failed = Signal(str)

    def __init__(
        self,
        store: ProgressStore,
        seed: int | np.random.Generator | None = None,
        clock: Callable[[], datetime] = local_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("predict_view")
        self.setAccessibleName("Predict, then reveal")
        self.store = store
        self._rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self._clock = clock
        self.question: PredictQuestion | None = None
        self.result: Result | None = None
        self.predicted: int | None = None

        self.kind_choice = QComboBox(self)
        self.kind_choice.setObjectName("predict_kind")
        self.kind_choice.setAccessibleName("Kind of question")
        self.kind_choice.setToolTip("What to predict")
        self.kind_choice.addItem("Any question", ANY_KIND)
        for kind, title in PREDICT_TITLES.items():
            self.kind_choice.addItem(title, kind)
        self.new_button = QPushButton("New question", self)
        self.new_button.setObjectName("predict_new")
        self.new_button.setAccessibleName("New question")
        self.new_button.setToolTip("Generate a fresh question from the engine (Ctrl+N)")
        self.new_button.setShortcut("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.new_question(self.kind_choice.currentData()))
        top = QHBoxLayout()
        kind_label = QLabel("&Predict:", self)
        kind_label.setObjectName("predict_kind_label")
        kind_label.setBuddy(self.kind_choice)
        top.addWidget(kind_label)
        top.addWidget(self.kind_choice)
        top.addWidget(self.new_button)
        top.addStretch(1)

        self.title = QLabel(self)
        self.title.setObjectName("predict_title")
        self.title.setAccessibleName("Question title")
        scaled_font(self.title, 1.2, bold=True)
        self.prompt = QLabel(self)
        self.prompt.setObjectName("predict_prompt")
        self.prompt.setAccessibleName("Question")
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choices = QListWidget(self)
        self.choices.setObjectName("predict_choices")
        self.choices.setAccessibleName("Possible outcomes")
        self.choices.setToolTip("Choose your prediction with ↑/↓ and lock it in with Enter")
        self.choices.setWordWrap(True)
        self.choices.setSpacing(3)
        self.choices.itemActivated.connect(lambda _item: self.lock_in())
        self.lock_button = QPushButton("Lock in my prediction and reveal", self)
        self.lock_button.setObjectName("predict_lock_in")
        self.lock_button.setAccessibleName("Lock in my prediction and reveal")
        self.lock_button.setToolTip("Commit to your answer, then see what the engine computed")
        self.lock_button.clicked.connect(self.lock_in)
        self.studio_button = QPushButton("▶ Show this in the studio", self)
        self.studio_button.setObjectName("predict_show_in_studio")
        self.studio_button.setAccessibleName("Show this in the studio")
        self.studio_button.setToolTip("Set up the studio with exactly this run")
        self.studio_button.clicked.connect(self.show_in_studio)
        buttons = QHBoxLayout()
        buttons.addWidget(self.lock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.studio_button)

        self.reveal_text = LearnBrowser("predict_reveal", "What the engine computed", self)
        self.plot = pg.PlotWidget(self)
        self.plot.setObjectName("predict_curves")
        self.plot.setAccessibleName("Plot of the run")
        self.plot.setBackground("w")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setLabel("bottom", "step t")
        self.plot.setMinimumHeight(160)
        self.legend = self.plot.addLegend(offset=(8, 8))
        reveal = QSplitter(Qt.Orientation.Horizontal, self)
        reveal.setObjectName("predict_reveal_splitter")
        reveal.addWidget(self.reveal_text)
        reveal.addWidget(self.plot)
        reveal.setSizes([620, 420])
        reveal.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.prompt)
        layout.addWidget(self.choices, 1)
        layout.addLayout(buttons)
        layout.addWidget(reveal, 3)
        self.reveal_pane = reveal
        self.setFocusProxy(self.choices)
        self.new_question(ANY_KIND)

    # --- public -------------------------------------------------------------------------
    def new_question(self, kind: str = ANY_KIND) -> PredictQuestion:
        """Generate a question of ``kind`` (or of any kind) from the engine and ask it."""
        if kind == ANY_KIND:
            kinds = list(PREDICT_KINDS)
            kind = kinds[int(self._rng.integers(len(kinds)))]
        self.ask(generate(kind, int(self._rng.integers(2**31))))
        assert self.question is not None
        return self.question

    def ask(self, question: PredictQuestion) -> None:
        """Show ``question`` with the reveal hidden until the learner locks in an answer."""
        self.question = question
        self.result = None
        self.predicted = None
        self.title.setText(PREDICT_TITLES.get(question.kind, question.kind))
        self.prompt.setText(question.prompt)
        self.choices.clear()
        for number, choice in enumerate(question.choices, start=1):
            self.choices.addItem(QListWidgetItem(f"{number}.  {choice}"))
        self.choices.setFocus()
        self.lock_button.setEnabled(True)
        self.studio_button.setEnabled(False)
        self.reveal_text.set_body(
            '<p class="hint">Make your prediction first: the engine’s numbers '
            "appear here once you lock it in.</p>"
        )
        self.plot.clear()
        self.legend.clear()
        self.plot.setVisible(False)

    def lock_in(self) -> Result | None:
        """Judge the chosen outcome, record it and reveal the numbers (None if none chosen)."""
        if self.question is None or self.result is not None:
            return self.result
        row = self.choices.currentRow()
        if row < 0:
            self.reveal_text.set_body("<p>Choose what you think will happen first.</p>")
            return None
        self.predicted = row
        self.result = self.question.check(row)
        try:
            self.store.record_quiz("predict", self.question.id, self.result.correct, self._clock())
        except ProgressError as error:  # the answer still counts on screen
            self.save_failed.emit(str(error))
        mark_choices(self.choices, self.question.answer_index)
        self.lock_button.setEnabled(False)
        self.studio_button.setEnabled(True)
        self.reveal_text.set_body(self._reveal_html())
        self._plot_curves()
        self.studio_button.setFocus()
        self.progress_changed.emit()
        return self.result

    def revealed(self) -> bool:
        """Whether the answer is on show."""
        return self.result is not None

    def reveal_setup(self) -> DemoSetup | None:
        """The studio set-up of the revealed run (None before the reveal)."""
        if self.question is None or self.result is None:
            return None
        return self.question.reveal.setup

    def show_in_studio(self) -> None:
        """Ask for the revealed run in the studio (:attr:`studio_setup_requested`)."""
        setup = self.reveal_setup()
        if setup is not None:
            self.studio_setup_requested.emit(setup)

    # --- internals ----------------------------------------------------------------------
    def _reveal_html(self) -> str:
        assert self.question is not None and self.result is not None
        reveal = self.question.reveal
        if self.result.correct:
            verdict = '<h2 class="right">✓ Your prediction was right</h2>'
        else:
            verdict = '<h2 class="wrong">✗ Not what happened</h2>'
        rows = "".join(
            f"<tr><td>{html.escape(item.label)}</td>"
            f'<td align="right">&nbsp;&nbsp;<b>{html.escape(item.text)}</b></td></tr>'
            for item in reveal.evidence
        )
        return (
            f"{verdict}<p><b>{html.escape(reveal.summary)}</b></p>"
            f"<p>{html.escape(reveal.explanation)}</p>"
            f'<h3>Measured</h3><table cellspacing="2">{rows}</table>'
        )

    def _plot_curves(self) -> None:
        assert self.question is not None
        curves = self.question.reveal.curves
        self.plot.clear()
        self.legend.clear()
        if not curves:
            self.plot.setVisible(False)
            return
        values = np.concatenate([np.asarray(v, dtype=float) for v in curves.values()])
        finite = values[np.isfinite(values)]
        positive = finite[finite > 0]
        use_log = bool(
            positive.size == finite.size
            and positive.size > 0
            and positive.max() / positive.min() > LOG_AXIS_RANGE
        )
        self.plot.setLogMode(y=use_log)
        for number, (name, curve) in enumerate(curves.items()):
            data = np.asarray(curve, dtype=float)
            steps = np.arange(1, len(data) + 1)
            pen = pg.mkPen(CURVE_COLOURS[number % len(CURVE_COLOURS)], width=2)
            label = CURVE_NAMES.get(name, name)
            self.plot.plot(steps, data, pen=pen, name=label)
        axis = CURVE_AXES.get(self.question.kind, "value")
        self.plot.setLabel("left", axis + (" (log scale)" if use_log else ""))
        self.plot.setVisible(True)


if __name__ == "__main__":
    from rnn_studio.ui.learn.preview import preview_page

    raise SystemExit(preview_page("predict"))
