"""The Train area's controls: what to train and how, and Start / Pause / Resume / Stop.

Every control has a tooltip that says what it does to training. Choosing a task loads the
engine's recipe for it (hidden size, steps, learning rate, batch, clipping), a setting known to
learn in a few hundred updates; everything can then be changed. :meth:`TrainControls.setup`
reads the controls into a validated :class:`~rnn_studio.state.train_area.TrainingSetup`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.engine.tasks import MEMORY_INIT_HELP
from rnn_studio.state.train_area import TrainingSetup
from rnn_studio.ui.icons import tinted_icon
from rnn_studio.ui.theme import Palette, current_palette

TASK_ITEMS = (
    ("text", "Next character / word", "Predict the next token of a text, then sample from it."),
    (
        "sentiment",
        'Sentiment ("not bad")',
        "Label short phrases positive or negative; “not” flips the meaning, so the "
        "network must carry it to the end.",
    ),
    ("forecast", "Forecast a series", "Predict the next value of a series."),
    (
        "memory",
        "Long-range memory (lag L)",
        "Recall the first letter after L distractor steps: the vanilla RNN fails as L grows, "
        "LSTM and GRU hold on.",
    ),
)
CELL_ITEMS = (
    ("rnn", "Vanilla RNN"),
    ("lstm", "LSTM"),
    ("gru", "GRU"),
    ("compare", "Compare all three"),
)
SERIES_ITEMS = (
    ("sine", "Sine wave"),
    ("sines", "Sum of sines + noise"),
    ("walk", "Price-like random walk"),
)
MEMORY_INIT_NOTE = "Keep-gates start open (+6). Off: they forget like the RNN."
TEXT_SOURCES = (
    ("studio", "Text typed in the Studio"),
    ("course", "This course's own text (76,000 characters)"),
    ("bundled", "Bundled book (Alice, 1865)"),
)
TEXT_IDS = {"course": "course", "bundled": "alice"}
"""Bundled text id (``resources/texts/index.json``) of each text source."""


def _combo(name: str, items: tuple[tuple[str, ...], ...], tip: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for item in items:
        box.addItem(item[1], item[0])
        if len(item) > 2:
            box.setItemData(box.count() - 1, item[2], 3)  # Qt.ToolTipRole
    box.setToolTip(tip)
    return box


def _spin(name: str, low: int, high: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setToolTip(tip)
    spin.setAccelerated(True)
    return spin


class TrainControls(QWidget):
    """Training choices and the run buttons.

    Parameters
    ----------
    studio_text : callable
        Returns the Studio's text and reading mode, ``(text, mode)``.
    bundled_text : callable
        Returns a bundled text by id (``"alice"``, ``"course"``).

    Signals
    -------
    start_requested, pause_requested, resume_requested, stop_requested
        The buttons (the area decides what they do).
    """

    start_requested = Signal()
    pause_requested = Signal()
    resume_requested = Signal()
    stop_requested = Signal()

    def __init__(
        self,
        studio_text: Callable[[], tuple[str, str]],
        bundled_text: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("train_controls")
        self._studio_text = studio_text
        self._bundled_text = bundled_text
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(3)
        self.task = _combo("train_task", TASK_ITEMS, "What the network learns (hover an item).")
        form.addRow("Task", self.task)
        self.text_source = _combo(
            "train_text_source",
            TEXT_SOURCES,
            "Which text the next-token task learns: what you typed in the Studio, this "
            "course's lessons, glossary, cards and quizzes (enough text to beat the bigram "
            "baseline), or the opening of Alice's Adventures in Wonderland (public domain).",
        )
        form.addRow("Text", self.text_source)
        self.text_mode = _combo(
            "train_text_mode",
            (("chars", "Characters"), ("words", "Words")),
            "Predict the next character or the next word.",
        )
        form.addRow("Tokens", self.text_mode)
        self.series = _combo(
            "train_series",
            SERIES_ITEMS,
            "The series to forecast: a clean sine, a noisy sum of two sines, or a "
            "random walk like a share price (hard to predict far ahead, by design).",
        )
        form.addRow("Series", self.series)
        self.lag = _spin(
            "train_lag",
            0,
            200,
            10,
            "L: distractor steps between the letter to remember and the cue “?”. The "
            "gradient must travel L steps back to learn the task. With the default recipe the "
            "LSTM and GRU learn every lag up to 200; the vanilla RNN is near chance from "
            "about L = 50 (measured over seeds 0–2).",
        )
        form.addRow("Lag L", self.lag)
        self.memory_init = QCheckBox("long-memory gate start")
        self.memory_init.setObjectName("train_memory_init")
        self.memory_init.setChecked(True)
        self.memory_init.setToolTip(MEMORY_INIT_HELP)
        self.memory_init_note = QLabel(MEMORY_INIT_NOTE)
        self.memory_init_note.setObjectName("train_memory_init_note")
        self.memory_init_note.setWordWrap(True)
        self.memory_init_note.setToolTip(MEMORY_INIT_HELP)
        memory_column = QVBoxLayout()
        memory_column.setSpacing(0)
        memory_column.addWidget(self.memory_init)
        memory_column.addWidget(self.memory_init_note)
        form.addRow("Gates", memory_column)
        self.cell = _combo(
            "train_cell",
            CELL_ITEMS,
            "The recurrent cell. Compare trains all three on the same task, data and seed "
            "and overlays their curves.",
        )
        self.cell.setCurrentIndex(1)
        form.addRow("Cell", self.cell)
        self.hidden = _spin("train_hidden", 1, 256, 16, "Hidden units H: the size of h_t.")
        form.addRow("Hidden size", self.hidden)
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setObjectName("train_learning_rate")
        self.learning_rate.setDecimals(4)
        self.learning_rate.setRange(0.0001, 1000.0)
        self.learning_rate.setSingleStep(0.001)
        self.learning_rate.setValue(0.01)
        self.learning_rate.setToolTip(
            "How far each update moves the weights along the gradient. Too small: slow. "
            "Too large (try 100 with clipping off): the loss explodes and training stops."
        )
        form.addRow("Learning rate", self.learning_rate)
        self.optimizer = _combo(
            "train_optimizer",
            (("adam", "Adam"), ("sgd", "SGD (momentum 0.9)")),
            "SGD moves each weight by −lr × gradient (with momentum); Adam scales each "
            "weight's step by a running estimate of its gradient's size.",
        )
        form.addRow("Optimiser", self.optimizer)
        self.batch = _spin(
            "train_batch", 1, 512, 16, "Sequences averaged in one update: larger is smoother."
        )
        form.addRow("Batch size", self.batch)
        self.bptt = _spin(
            "train_bptt",
            0,
            1000,
            0,
            "Truncated backpropagation through time: each sequence is cut into windows of "
            "this many steps and the gradient flows back only inside a window (the state "
            "still flows forward). 0 = the whole sequence. On the memory task the window must "
            "hold all L + 2 steps from the symbol to the cue: at lag 10, 11 fails and 12 "
            "learns (Learn → “Truncated BPTT”).",
        )
        self.bptt.setSpecialValueText("whole sequence")
        form.addRow("BPTT window", self.bptt)
        clip_row = QHBoxLayout()
        self.clip_on = QCheckBox("on")
        self.clip_on.setObjectName("train_clip_on")
        self.clip_on.setChecked(True)
        self.clip_on.setToolTip(
            "Gradient clipping: when the gradient's global norm exceeds the threshold, "
            "scale it down to the threshold. Keeps one exploding gradient from wrecking "
            "the weights."
        )
        self.clip = QDoubleSpinBox()
        self.clip.setObjectName("train_clip")
        self.clip.setDecimals(2)
        self.clip.setRange(0.01, 1000.0)
        self.clip.setValue(1.0)
        self.clip.setToolTip("Clipping threshold for the gradient's global norm.")
        self.clip_on.toggled.connect(self.clip.setEnabled)
        clip_row.addWidget(self.clip_on)
        clip_row.addWidget(self.clip, 1)
        form.addRow("Clip gradients", clip_row)
        self.steps = _spin("train_steps", 1, 100000, 300, "Updates per cell.")
        self.steps.setSingleStep(50)
        form.addRow("Updates", self.steps)
        self.seed = _spin(
            "train_seed",
            0,
            2**31 - 1,
            0,
            "Seeds the weights, the data and the batch order: the same seed gives the "
            "same run, bit for bit.",
        )
        form.addRow("Seed", self.seed)
        self.dtype = _combo(
            "train_dtype",
            (("float64", "float64 (exact)"), ("float32", "float32 (faster)")),
            "Precision the weights train in. float32 is about ×1.2–2.2 faster per update "
            "(most at large hidden sizes) and reaches the same final scores within "
            "tolerance; float64 is the engine's exact, gradient-checked precision. A float32 "
            "model opens in the studio in float64.",
        )
        form.addRow("Precision", self.dtype)
        self._labels: dict[QWidget, QWidget | None] = {
            widget: form.labelForField(widget)
            for widget in (self.text_source, self.text_mode, self.series, self.lag)
        }
        self._labels[self.memory_init] = form.labelForField(memory_column)

        buttons = QGridLayout()
        buttons.setSpacing(4)
        self._icons: dict[QPushButton, str] = {}
        self.start_button = self._button(
            "train_start", "Start", "Train from fresh weights.", "play"
        )
        self.pause_button = self._button(
            "train_pause",
            "Pause",
            "Hold training after this update.",
            "pause",
        )
        self.resume_button = self._button(
            "train_resume",
            "Resume",
            "Carry on training.",
            "forward",
        )
        self.stop_button = self._button(
            "train_stop",
            "Stop",
            "End training now; the model keeps the weights it has.",
            "stop",
        )
        buttons.addWidget(self.start_button, 0, 0)
        buttons.addWidget(self.stop_button, 0, 1)
        buttons.addWidget(self.pause_button, 1, 0)
        buttons.addWidget(self.resume_button, 1, 1)
        self.start_button.clicked.connect(self.start_requested)
        self.pause_button.clicked.connect(self.pause_requested)
        self.resume_button.clicked.connect(self.resume_requested)
        self.stop_button.clicked.connect(self.stop_requested)

        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(form)
        column.addLayout(buttons)
        self.task.currentIndexChanged.connect(self._task_changed)
        self.task.setCurrentIndex(self.task.findData("sentiment"))
        self._task_changed()
        self.set_running(False, False)

    def _button(self, name: str, text: str, tip: str, icon: str) -> QPushButton:
        button = QPushButton(tinted_icon(icon, current_palette().button_text), text)
        button.setObjectName(name)
        button.setToolTip(tip)
        self._icons[button] = icon
        return button

    def apply_palette(self, palette: Palette) -> None:
        """Draw the buttons' icons in ``palette``'s button text colour.

        The style's own media icons are dark grey pixmaps, lost on a dark or black button.
        """
        for button, icon in self._icons.items():
            button.setIcon(tinted_icon(icon, palette.button_text))

    def _task_changed(self) -> None:
        task = self.task.currentData()
        for widget, shown in (
            (self.text_source, task == "text"),
            (self.text_mode, task == "text"),
            (self.series, task == "forecast"),
            (self.lag, task == "memory"),
            (self.memory_init, task == "memory"),
        ):
            widget.setVisible(shown)
            label = self._labels[widget]
            if label is not None:
                label.setVisible(shown)
        self.memory_init_note.setVisible(task == "memory")
        self.apply_recipe(task)

    def apply_recipe(self, task: str) -> None:
        """Set the size, steps, learning rate, batch and clipping of the engine's recipe."""
        recipe = TrainingSetup.recipe(task, text="x")
        self.hidden.setValue(recipe.hidden_size)
        self.steps.setValue(recipe.steps)
        self.learning_rate.setValue(recipe.learning_rate)
        self.batch.setValue(recipe.batch_size)
        self.optimizer.setCurrentIndex(self.optimizer.findData(recipe.optimizer))
        self.clip_on.setChecked(recipe.clip is not None)
        if recipe.clip is not None:
            self.clip.setValue(recipe.clip)

    def show_setup(self, setup: TrainingSetup) -> None:
        """Set every control to ``setup`` (the text task's text is not set: it comes from
        the text source)."""
        self.task.setCurrentIndex(self.task.findData(setup.task))
        self.cell.setCurrentIndex(self.cell.findData(setup.cell))
        self.series.setCurrentIndex(self.series.findData(setup.series))
        self.text_mode.setCurrentIndex(self.text_mode.findData(setup.text_mode))
        self.lag.setValue(setup.lag)
        self.memory_init.setChecked(setup.memory_init)
        self.hidden.setValue(setup.hidden_size)
        self.learning_rate.setValue(setup.learning_rate)
        self.optimizer.setCurrentIndex(self.optimizer.findData(setup.optimizer))
        self.batch.setValue(setup.batch_size)
        self.bptt.setValue(setup.bptt or 0)
        self.clip_on.setChecked(setup.clip is not None)
        if setup.clip is not None:
            self.clip.setValue(setup.clip)
        self.steps.setValue(setup.steps)
        self.seed.setValue(setup.seed)
        self.dtype.setCurrentIndex(self.dtype.findData(setup.dtype))

    def set_running(self, running: bool, paused: bool) -> None:
        """Enable the buttons (and lock the choices) that make sense now."""
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.pause_button.setEnabled(running and not paused)
        self.resume_button.setEnabled(running and paused)
        for widget in self.findChildren(QWidget):
            if isinstance(widget, (QComboBox, QSpinBox, QDoubleSpinBox, QCheckBox)):
                widget.setEnabled(not running)
        if not running:
            self.clip.setEnabled(self.clip_on.isChecked())

    def text_to_learn(self) -> tuple[str, str]:
        """The text task's text and token mode, from the chosen source."""
        mode = self.text_mode.currentData()
        source = self.text_source.currentData()
        if source in TEXT_IDS:
            return self._bundled_text(TEXT_IDS[source]), mode
        text, studio_mode = self._studio_text()
        if studio_mode == "numbers":
            return "", mode
        return text, mode

    def setup(self, task: str | None = None) -> TrainingSetup:
        """The controls as a validated :class:`TrainingSetup` (for ``task`` if given, else
        the chosen task).

        Raises
        ------
        TrainingSetupError
            A choice that cannot be used (the message names it).
        """
        task = task or self.task.currentData()
        text, mode = self.text_to_learn() if task == "text" else ("", "chars")
        return TrainingSetup(
            task=task,
            cell=self.cell.currentData(),
            text=text,
            text_mode=mode,
            series=self.series.currentData(),
            lag=self.lag.value(),
            memory_init=self.memory_init.isChecked(),
            hidden_size=self.hidden.value(),
            learning_rate=self.learning_rate.value(),
            optimizer=self.optimizer.currentData(),
            batch_size=self.batch.value(),
            bptt=self.bptt.value() or None,
            clip=self.clip.value() if self.clip_on.isChecked() else None,
            steps=self.steps.value(),
            seed=self.seed.value(),
            dtype=self.dtype.currentData(),
        )
