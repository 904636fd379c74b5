"""The Train area: pick a task and a cell, press Start, and watch the network learn live.

Layout at 1280×720::

    ┌ controls ───────┬ progress bar · elapsed / left · message ─────────────────┐
    │ task, cell,     ├ loss (train, held-out) ──────┬ gradient norm (before/after) ┤
    │ sizes, optimiser│                              │                              │
    │ Start Stop ...  ├ [What it learned | Accuracy against lag L] ─────────────────┤
    │ trained model:  │ samples at τ / forecast vs truth / accuracy + examples       │
    │ studio, save... │                                                              │
    └─────────────────┴──────────────────────────────────────────────────────────────┘

Training runs on a :class:`~rnn_studio.ui.train.worker.TrainingThread`; the window only draws
snapshots it is handed (at most 20 a second). Run ``python -m rnn_studio.ui.train.train_area``
to open the area on its own.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.io import TORCH_LOAD_LINE, save_torch_state_dict
from rnn_studio.engine.model import Model
from rnn_studio.engine.tasks import MemoryTask, Task
from rnn_studio.state.model_task import (
    describe_task,
    load_trained_model,
    same_task,
    save_trained_model,
)
from rnn_studio.state.open_trained import (
    TrainedModelError,
    describe_prediction,
    open_in_studio,
    studio_example,
)
from rnn_studio.state.session import StudioSession
from rnn_studio.state.train_area import (
    SWEEP_LAGS,
    Preview,
    SweepResult,
    TrainingJob,
    TrainingSetup,
    TrainingSetupError,
    TrainingSnapshot,
    format_seconds,
    make_preview,
)
from rnn_studio.state.trained_groups import TaskModels, TrainedShelf, cell_names
from rnn_studio.ui.notices import show_plain_information
from rnn_studio.ui.theme import set_role_style
from rnn_studio.ui.train.controls import TrainControls
from rnn_studio.ui.train.plots import CELL_NAMES, GradientNormPlot, LossPlot, SweepPlot
from rnn_studio.ui.train.preview import PreviewPanel
from rnn_studio.ui.train.worker import SweepThread, TrainingThread

TORCH_HELP = (
    "Saved the weights under PyTorch's names. In PyTorch, build a module with "
    "rnn = nn.{cls}({inputs}, {hidden}) and readout = nn.Linear({hidden}, {outputs}), then "
    "load them in one line:\n\n"
    "net.load_state_dict({{k: torch.from_numpy(v) for k, v in np.load('{name}').items()}})"
)
TORCH_CLASSES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
MODEL_CHOICE_TIP = (
    "Which trained cell Save and Export use. Models trained for another task are listed "
    "with their task; choosing one switches to that task."
)


class TrainArea(QWidget):
    """Train models and hand them to the studio.

    Parameters
    ----------
    session : StudioSession
        The studio's session: "Open in studio" shows the trained model there, and the text
        task can learn the text typed in the studio.

    Signals
    -------
    running_changed(bool)
    """

    running_changed = Signal(bool)

    def __init__(self, session: StudioSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("train_area")
        self.session = session
        self.training_thread: TrainingThread | None = None
        self.sweep_thread: SweepThread | None = None
        self.job: TrainingJob | None = None
        self.task: Task | None = None
        self.models: dict[str, Model] = {}
        #: The Train choices each model in the list was trained with (None: not known).
        self.model_setups: dict[str, TrainingSetup | None] = {}
        #: Trained models of other tasks: still in the list, named with their task.
        self.shelf = TrainedShelf()
        self.last_snapshot: TrainingSnapshot | None = None
        self.sweep_result: SweepResult | None = None
        self.message = ""

        self.controls = TrainControls(self._studio_text, _bundled_text)
        self.controls.start_requested.connect(self.start)
        self.controls.pause_requested.connect(self.pause)
        self.controls.resume_requested.connect(self.resume)
        self.controls.stop_requested.connect(self.stop)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.controls)
        left_column.addWidget(self._build_model_box())
        left_column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(300)
        scroll.setMaximumWidth(340)

        self.progress = QProgressBar()
        self.progress.setObjectName("train_progress")
        self.progress.setAccessibleName("Training progress")
        self.progress.setFormat("not started")
        self.progress.setValue(0)
        self.time_label = QLabel("Not started.")
        self.time_label.setObjectName("train_time")
        self.message_label = QLabel(
            "Pick a task and a cell, then press Start. Hover any control for what it does."
        )
        self.message_label.setObjectName("train_message")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)  # text from data
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status_row = QHBoxLayout()
        status_row.addWidget(self.progress, 2)
        status_row.addWidget(self.time_label, 1)

        self.loss_plot = LossPlot()
        self.gradient_plot = GradientNormPlot()
        plots = QSplitter(Qt.Orientation.Horizontal)
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.gradient_plot)
        self.preview = PreviewPanel()
        self.preview.temperature_changed.connect(self._temperature_changed)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("train_tabs")
        self.tabs.addTab(self.preview, "What it has learned")
        self.tabs.addTab(self._build_sweep_page(), "Accuracy against lag L (memory)")
        lower = QSplitter(Qt.Orientation.Vertical)
        lower.addWidget(plots)
        lower.addWidget(self.tabs)
        lower.setSizes([300, 300])

        right = QVBoxLayout()
        right.addLayout(status_row)
        right.addWidget(self.message_label)
        right.addWidget(lower, 1)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 4, 4, 4)
        row.addWidget(scroll)
        row.addLayout(right, 1)
        self.controls.task.currentIndexChanged.connect(self._task_choice_changed)
        self._task_choice_changed()
        self._update_model_actions()

    # ------------------------------------------------------------------ building
    def _build_model_box(self) -> QGroupBox:
        box = QGroupBox("Trained model")
        box.setObjectName("train_model_box")
        form = QFormLayout(box)
        form.setContentsMargins(6, 6, 6, 6)
        self.model_choice = QComboBox()
        self.model_choice.setObjectName("train_model_choice")
        self.model_choice.setToolTip(MODEL_CHOICE_TIP)
        self.model_choice.currentIndexChanged.connect(self._model_chosen)
        # A long entry ("GRU · the memory task at lag 60") is cut in a narrow column or at a
        # large text size: the tip names it in full.
        self.model_choice.currentIndexChanged.connect(self._describe_choice)
        form.addRow("Model", self.model_choice)
        self.open_button = self._action(
            "train_open_studio",
            "Open in studio",
            "Step through the trained network in the Studio and watch its gates on a real "
            "input (all three cells side by side after Compare).",
            self.open_in_studio,
        )
        self.decay_button = self._action(
            "train_decay_studio",
            "Gradient decay in studio",
            "Memory task: open a row in the Studio and backpropagate from the cue, to see how "
            "much gradient reaches the letter L steps back in each trained cell.",
            lambda: self.open_in_studio(backprop=True),
        )
        self.save_button = self._action(
            "train_save", "Save .npz…", "Save the model (PyTorch names, no pickle).", self.save
        )
        self.load_button = self._action(
            "train_load", "Load .npz…", "Load a model saved by RNN Studio.", self.load
        )
        self.export_button = self._action(
            "train_export",
            "Export for PyTorch…",
            "Save just the weights under PyTorch's state_dict names, ready for "
            "net.load_state_dict in one line.",
            self.export_torch,
        )
        grid = QHBoxLayout()
        grid.addWidget(self.open_button)
        grid.addWidget(self.decay_button)
        form.addRow(grid)
        files = QHBoxLayout()
        files.addWidget(self.save_button)
        files.addWidget(self.load_button)
        form.addRow(files)
        form.addRow(self.export_button)
        return box

    def _action(self, name: str, text: str, tip: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda _checked=False: slot())  # type: ignore[operator]
        return button

    def _build_sweep_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(2, 2, 2, 2)
        row = QHBoxLayout()
        self.sweep_lags = QLineEdit(", ".join(str(lag) for lag in SWEEP_LAGS))
        self.sweep_lags.setObjectName("train_sweep_lags")
        self.sweep_lags.setToolTip("Lags L to train at, separated by commas.")
        self.sweep_steps = QSpinBox()
        self.sweep_steps.setObjectName("train_sweep_steps")
        self.sweep_steps.setRange(1, 5000)
        self.sweep_steps.setValue(300)
        self.sweep_steps.setToolTip(
            "Updates per run: every cell gets the same budget at every lag (hidden size, "
            "learning rate, clipping and seed come from the controls)."
        )
        self.sweep_button = QPushButton("Run sweep")
        self.sweep_button.setObjectName("train_sweep_run")
        self.sweep_button.setToolTip("Train RNN, LSTM and GRU at every lag, in the background.")
        self.sweep_button.clicked.connect(self.start_sweep)
        self.sweep_cancel = QPushButton("Cancel")
        self.sweep_cancel.setObjectName("train_sweep_cancel")
        self.sweep_cancel.setToolTip("Stop the sweep; the lags finished so far stay plotted.")
        self.sweep_cancel.clicked.connect(self.cancel_sweep)
        self.sweep_cancel.setEnabled(False)
        self.sweep_progress = QProgressBar()
        self.sweep_progress.setObjectName("train_sweep_progress")
        self.sweep_progress.setValue(0)
        row.addWidget(QLabel("Lags"))
        row.addWidget(self.sweep_lags, 1)
        row.addWidget(QLabel("Updates per run"))
        row.addWidget(self.sweep_steps)
        row.addWidget(self.sweep_button)
        row.addWidget(self.sweep_cancel)
        row.addWidget(self.sweep_progress, 1)
        column.addLayout(row)
        self.sweep_note = QLabel(
            "Same budget for every run. As L grows the vanilla RNN's gradient from the cue "
            "fades before it reaches the letter, so it falls to chance; the LSTM's and GRU's "
            "gates carry it across. “Gradient decay in studio” shows why."
        )
        self.sweep_note.setObjectName("train_sweep_note")
        self.sweep_note.setWordWrap(True)
        set_role_style(self.sweep_note, "color: $muted_text;")
        column.addWidget(self.sweep_note)
        self.sweep_plot = SweepPlot()
        column.addWidget(self.sweep_plot, 1)
        return page

    # ------------------------------------------------------------------ training
    @property
    def running(self) -> bool:
        """True while a training thread is alive."""
        return self.training_thread is not None

    def watch(self, preset_id: str) -> None:
        """ "Watch it learn": set the controls to the preset ``preset_id`` and start."""
        from rnn_studio.state.watch import WATCH_PRESETS

        preset = WATCH_PRESETS.get(preset_id)
        if preset is None:
            self._show_message(f"No training preset {preset_id!r}.", error=True)
            return
        if self.running:
            self._show_message("Stop the current run first, then follow the link again.")
            return
        self.controls.show_setup(preset.setup)
        self.start()
        self._show_message(f"Watch it learn: {preset.title}. {preset.claim}")

    def start(self) -> None:
        """Train fresh models with the controls' setup (a bad choice shows a message)."""
        if self.running:
            return
        try:
            setup = self.controls.setup()
            job = TrainingJob(setup)
        except (TrainingSetupError, EngineError) as error:
            self._show_message(f"Cannot start: {error}", error=True)
            return
        current = self.current_group()
        if current is not None and not same_task(current.setup, setup):
            self.shelf.put(current)  # another task's models stay in the list
        self.job = job
        self.task = job.task
        self.models = {}
        self.model_setups = {}
        self.last_snapshot = None
        self.loss_plot.reset()
        self.gradient_plot.reset()
        self.gradient_plot.set_threshold(setup.clip)
        self.preview.reset()
        self.preview.set_task(setup.task)
        self.progress.setRange(0, job.total)
        self.progress.setValue(0)
        self.progress.setFormat("%v / %m updates")
        thread = TrainingThread(job, self.preview.temperature.value(), self)
        thread.snapshot_changed.connect(self.show_snapshot)
        thread.preview_changed.connect(self.show_preview)
        thread.failed.connect(lambda text: self._show_message(text, error=True))
        thread.finished.connect(self._finished)
        self.training_thread = thread
        cells = " ".join(CELL_NAMES[kind] for kind in setup.kinds)
        self._show_message(f"Training {cells} on the {setup.task} task…")
        self.controls.set_running(True, False)
        self._update_model_actions()
        self.running_changed.emit(True)
        thread.start()

    def pause(self) -> None:
        """Hold training after the current update."""
        if self.training_thread is not None:
            self.training_thread.control.pause()
            self.controls.set_running(True, True)
            self._show_message("Paused. Resume carries on; Stop keeps the model as it is.")

    def resume(self) -> None:
        """Carry on after a pause."""
        if self.training_thread is not None:
            self.training_thread.control.resume()
            self.controls.set_running(True, False)
            self._show_message("Training…")

    def stop(self) -> None:
        """End training after the current update; the models keep their weights."""
        if self.training_thread is not None:
            self.training_thread.control.stop()
            self.training_thread.acknowledge()  # do not wait for a redraw before stopping

    def wait(self, timeout_ms: int = 10000) -> bool:
        """Block until the training thread ends (window close, tests); True if it did."""
        if self.training_thread is None:
            return True
        return self.training_thread.wait(timeout_ms)

    def _finished(self) -> None:
        thread, self.training_thread = self.training_thread, None
        if thread is None:
            return
        job = thread.job
        self.show_snapshot(job.snapshot())
        self.models = {
            kind: model for kind, model in job.models.items() if job.trainers[kind].steps_done
        }
        self.model_setups = {kind: job.setup for kind in self.models}
        if job.outcome in ("finished", "stopped", "diverged"):
            self._show_message(job.message, error=job.outcome == "diverged")
        thread.deleteLater()
        self.controls.set_running(False, False)
        self._refresh_model_choice()
        self.running_changed.emit(False)

    def show_snapshot(self, snapshot: TrainingSnapshot) -> None:
        """Draw a snapshot: curves, progress bar, elapsed time and estimate."""
        self.last_snapshot = snapshot
        task = self.task.name if self.task is not None else ""
        self.loss_plot.show_snapshot(snapshot, task)
        self.gradient_plot.show_snapshot(snapshot)
        self.preview.show_snapshot(snapshot)
        self.progress.setMaximum(snapshot.total)
        self.progress.setValue(snapshot.done)
        left = snapshot.remaining
        # The estimate is for a run in progress: once training stops it is gone.
        running = self.training_thread is not None
        estimate = (
            "" if math.isnan(left) or not running else f" · about {format_seconds(left)} left"
        )
        self.time_label.setText(f"{format_seconds(snapshot.elapsed)} elapsed{estimate}")
        if self.training_thread is not None:
            # Let the worker send the next snapshot once this one is painted.
            QTimer.singleShot(0, self.training_thread.acknowledge)

    def show_preview(self, preview: Preview) -> None:
        """Show samples, forecasts or examples."""
        self.preview.show_preview(preview)

    def _temperature_changed(self, value: float) -> None:
        if self.training_thread is not None:
            self.training_thread.temperature = value
        elif self.models and self.task is not None and self.task.name == "text":
            self.show_preview(make_preview(self.task, self.models, temperature=value))

    def _task_choice_changed(self) -> None:
        if not self.running and not self.models:
            self.preview.set_task(self.controls.task.currentData())
        self._update_model_actions()

    def _show_message(self, text: str, *, error: bool = False) -> None:
        self.message = text
        self.message_label.setText(text)
        set_role_style(self.message_label, "color: $error; font-weight: bold;" if error else "")

    # ------------------------------------------------------------------ trained models
    def _refresh_model_choice(self) -> None:
        """List the current task's models (data: the cell kind), then the shelved ones
        (data: ``"<group>/<kind>"``), each named with its task when there are several."""
        self.model_choice.blockSignals(True)
        self.model_choice.clear()
        several = bool(self.shelf.groups) and self.task is not None
        for kind in self.models:
            task = f" · {describe_task(self.task)}" if several and self.task is not None else ""
            self.model_choice.addItem(f"{CELL_NAMES[kind]}{task}", kind)
        for index, group in enumerate(self.shelf.groups):
            for kind in group.models:
                self.model_choice.addItem(
                    f"{CELL_NAMES[kind]} · {group.describe()}", f"{index}/{kind}"
                )
        self.model_choice.blockSignals(False)
        self._describe_choice()
        self._update_model_actions()

    def _describe_choice(self) -> None:
        text = self.model_choice.currentText()
        self.model_choice.setToolTip(f"{text}\n\n{MODEL_CHOICE_TIP}" if text else MODEL_CHOICE_TIP)

    def current_group(self) -> TaskModels | None:
        """The current task's models as a group (None before any)."""
        if self.task is None or not self.models:
            return None
        return TaskModels(self.task, dict(self.models), dict(self.model_setups))

    def _model_chosen(self, index: int) -> None:
        """A model of another task was chosen: make its task the current one."""
        data = self.model_choice.itemData(index)
        if not isinstance(data, str) or "/" not in data or self.running:
            return
        position, kind = data.split("/", 1)
        chosen = self.shelf.take(int(position))
        current = self.current_group()
        if current is not None:
            self.shelf.put(current)
        self.job = None
        self._make_current(chosen)
        self._refresh_model_choice()
        self.model_choice.setCurrentIndex(self.model_choice.findData(kind))
        self._show_message(
            f"Now on {chosen.describe()}: the {chosen.cells()} trained on it. The other "
            "models stay in the list."
        )

    def _make_current(self, group: TaskModels) -> None:
        """Show ``group``: its task, models, Train choices and preview."""
        self.task, self.models, self.model_setups = group.task, group.models, group.setups
        if group.setup is not None:
            self.controls.show_setup(group.setup)
        self.preview.reset()
        self.preview.set_task(group.task.name)
        self.show_preview(
            make_preview(group.task, self.models, temperature=self.preview.temperature.value())
        )

    def _update_model_actions(self) -> None:
        idle = not self.running
        has_model = idle and bool(self.models)
        for button in (self.open_button, self.save_button, self.export_button):
            button.setEnabled(has_model)
        self.load_button.setEnabled(idle)
        self.model_choice.setEnabled(has_model)
        self.decay_button.setEnabled(has_model and isinstance(self.task, MemoryTask))

    def current_model(self) -> tuple[str, Model] | None:
        """The model chosen for Save and Export, as (kind, model)."""
        kind = self.model_choice.currentData()
        if kind is None or kind not in self.models:
            return None
        return kind, self.models[kind]

    def open_in_studio(self, backprop: bool = False) -> bool:
        """Show the trained model(s) on an example of the task in the studio."""
        if not self.models or self.task is None:
            return False
        chosen = self.current_model()
        if len(self.models) == 3:
            models = self.models
        elif chosen is not None:
            models = {chosen[0]: chosen[1]}
        else:
            return False
        setup = self.task_setup()
        text, mode = studio_example(self.task, seed=setup.seed if setup is not None else 0)
        try:
            open_in_studio(self.session, models, text, mode, backprop=backprop)
        except TrainedModelError as error:
            self._show_message(f"Cannot open in the studio: {error}", error=True)
            return False
        shown = text if len(text) <= 40 else text[:37] + "…"
        what = " and backpropagated from its last step" if backprop else ""
        predictions = " ".join(
            describe_prediction(kind, model, text, mode) for kind, model in models.items()
        )
        self._show_message(f"Opened “{shown}” in the Studio{what}. {predictions}")
        return True

    def save(self) -> None:
        """Ask for a file and save the chosen model."""
        chosen = self.current_model()
        if chosen is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save model", f"{chosen[0]}_model.npz", "RNN Studio model (*.npz)"
        )
        if path:
            self.save_model_to(path)

    def save_model_to(self, path: str | Path) -> bool:
        """Save the chosen model to ``path``; an error is shown, the model stays."""
        chosen = self.current_model()
        if chosen is None:
            return False
        try:
            # The file keeps the task settings too: a lag-60 model reopens at lag 60.
            written = save_trained_model(path, chosen[1], self.model_setups.get(chosen[0]))
        except (OSError, EngineError) as error:
            self._show_message(f"Could not save {path}: {error}", error=True)
            return False
        self._show_message(
            f"Saved the {CELL_NAMES[chosen[0]]} to {written}. In PyTorch: "
            + TORCH_LOAD_LINE.format(path=Path(written).name)
        )
        return True

    def load(self) -> None:
        """Ask for a model file and load it."""
        path, _ = QFileDialog.getOpenFileName(self, "Load model", "", "RNN Studio model (*.npz)")
        if path:
            self.load_model_from(path)

    def task_setup(self) -> TrainingSetup | None:
        """The Train choices of the task the model list is for (None when not known)."""
        if self.job is not None:
            return self.job.setup
        return next((setup for setup in self.model_setups.values() if setup is not None), None)

    def load_model_from(self, path: str | Path) -> bool:
        """Load a model with the task it was trained on; on a bad file show why and keep the
        current models.

        A model for the same task as the current models joins them (replacing a model of its
        cell kind). A model for another task becomes current with the models already
        trained on that task, if any; the models that were current stay in the list, named
        with their task (:class:`~rnn_studio.state.trained_groups.TrainedShelf`).
        """
        try:
            model, task, setup = load_trained_model(path)
        except (EngineError, TrainedModelError) as error:
            self._show_message(f"Could not load the model: {error}", error=True)
            return False
        name = Path(path).name
        current = self.current_group()
        if current is not None and current.takes(task, model, setup):
            group, note = current, ""
        else:
            note = ""
            if current is not None:
                self.shelf.put(current)
                note = (
                    f" The {current.cells()} trained on {current.describe()} stay in the "
                    "list (choose them under Model)."
                )
            group = self.shelf.take_match(task, model, setup) or TaskModels(task)
        replaced = model.kind in group.models
        others = [kind for kind in group.models if kind != model.kind]
        if others:
            note = f" It joins the {cell_names(others)} in the list (same task).{note}"
        if replaced:
            note += f" It replaces the {CELL_NAMES[model.kind]} that was there."
        group.models = {**group.models, model.kind: model}
        group.setups = {**group.setups, model.kind: setup or group.setup}
        if group is not current:
            self.job = None
        self._make_current(group)
        if setup is not None:
            self.controls.show_setup(setup)
        self._refresh_model_choice()
        self.model_choice.setCurrentIndex(self.model_choice.findData(model.kind))
        trained_on = (
            describe_task(task)
            if setup is not None
            else f"{describe_task(task)} (a guess: the file does not say)"
        )
        self._show_message(
            f"Loaded {name}: {CELL_NAMES[model.kind]} with {model.hidden_size} hidden units, "
            f"for {trained_on}.{note} Open it in the studio or keep it."
        )
        return True

    def export_torch(self) -> None:
        """Ask for a file and export the chosen model's weights for PyTorch."""
        chosen = self.current_model()
        if chosen is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export for PyTorch", f"{chosen[0]}_torch.npz", "NumPy arrays (*.npz)"
        )
        if path and self.export_torch_to(path):
            show_plain_information(self, "Exported for PyTorch", self.message)

    def export_torch_to(self, path: str | Path) -> bool:
        """Write the PyTorch state dict; the message says how to load it."""
        chosen = self.current_model()
        if chosen is None:
            return False
        kind, model = chosen
        try:
            written = save_torch_state_dict(path, model)
        except (OSError, EngineError) as error:
            self._show_message(f"Could not export to {path}: {error}", error=True)
            return False
        cell_input = model.embedding_size or model.input_size
        self._show_message(
            TORCH_HELP.format(
                cls=TORCH_CLASSES[kind],
                inputs=cell_input,
                hidden=model.hidden_size,
                outputs=model.output_size,
                name=Path(written).name,
            )
        )
        return True

    # ------------------------------------------------------------------ lag sweep
    def start_sweep(self) -> None:
        """Run the accuracy-against-lag sweep in the background."""
        if self.sweep_thread is not None:
            return
        try:
            lags = [int(part) for part in self.sweep_lags.text().replace(";", ",").split(",")]
            if not lags or min(lags) < 0:
                raise ValueError
        except ValueError:
            self._show_message("Lags must be whole numbers ≥ 0 separated by commas.", error=True)
            return
        try:
            setup = self.controls.setup("memory").with_changes(steps=self.sweep_steps.value())
        except TrainingSetupError as error:
            self._show_message(f"Cannot start the sweep: {error}", error=True)
            return
        self.sweep_plot.reset()
        thread = SweepThread(setup, sorted(set(lags)), self)
        thread.progress_changed.connect(self._sweep_progress)
        thread.result_ready.connect(self._sweep_result)
        thread.failed.connect(lambda text: self._show_message(text, error=True))
        thread.finished.connect(self._sweep_finished)
        self.sweep_thread = thread
        self.sweep_button.setEnabled(False)
        self.sweep_cancel.setEnabled(True)
        self.sweep_progress.setValue(0)
        thread.start()

    def cancel_sweep(self) -> None:
        """Stop the sweep after the current update."""
        if self.sweep_thread is not None:
            self.sweep_thread.control.stop()

    def _sweep_progress(self, done: int, total: int) -> None:
        self.sweep_progress.setRange(0, total)
        self.sweep_progress.setValue(done)

    def _sweep_result(self, result: SweepResult) -> None:
        self.sweep_result = result
        self.sweep_plot.show_result(result)

    def _sweep_finished(self) -> None:
        thread, self.sweep_thread = self.sweep_thread, None
        self.sweep_button.setEnabled(True)
        self.sweep_cancel.setEnabled(False)
        if thread is not None:
            thread.deleteLater()

    # ------------------------------------------------------------------ studio text
    def _studio_text(self) -> tuple[str, str]:
        return self.session.text, self.session.mode

    def shutdown(self) -> None:
        """Stop background work and wait for it (window close)."""
        for thread in (self.training_thread, self.sweep_thread):
            if thread is not None:
                thread.control.stop()
                thread.control.resume()
                thread.wait(5000)


def _bundled_text(text_id: str = "alice") -> str:
    from rnn_studio.texts import bundled_text

    return bundled_text(text_id).text


class _CloseWatcher(QObject):
    """Stops the area's threads when its window closes (a running QThread must not be
    destroyed)."""

    def __init__(self, area: TrainArea) -> None:
        super().__init__(area)
        self.area = area

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.area.shutdown()
        return False


def install_train_area(window: QWidget) -> TrainArea:
    """Put a :class:`TrainArea` in ``window`` (a :class:`MainWindow`) as its Train area."""
    area = TrainArea(window.session)  # type: ignore[attr-defined]
    window.set_area("Train", area)  # type: ignore[attr-defined]
    window.installEventFilter(_CloseWatcher(area))
    return area


def main() -> int:
    """Open the Train area on its own (``python -m rnn_studio.ui.train.train_area``)."""
    from PySide6.QtWidgets import QApplication

    from rnn_studio.engine.blas import limit_blas_threads
    from rnn_studio.ui.app import QUIT_AFTER_VARIABLE
    from rnn_studio.ui.theme import configure_pyqtgraph

    limit_blas_threads(1)
    app = QApplication.instance() or QApplication(sys.argv)
    configure_pyqtgraph()
    area = TrainArea(StudioSession())
    area.resize(1280, 720)
    area.show()
    quit_after = os.environ.get(QUIT_AFTER_VARIABLE)
    if quit_after:
        QTimer.singleShot(int(quit_after), app.quit)
    code = app.exec()
    area.shutdown()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
