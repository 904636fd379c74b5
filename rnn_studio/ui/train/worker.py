"""Run training and the lag sweep on worker threads; report to the UI about 10 times a second.

A :class:`TrainingThread` runs one :class:`~rnn_studio.state.train_area.TrainingJob`. Every
:data:`SNAPSHOT_INTERVAL` seconds of training it hands a
:class:`~rnn_studio.state.train_area.TrainingSnapshot` (copies, never the live lists) to the UI
thread through a queued signal and waits until the UI has drawn it; every
:data:`PREVIEW_INTERVAL` seconds it sends a fresh preview (samples, predictions), computed on
the worker because the worker is the only thread that may touch the models while they train.
Pause, resume and stop go through the job's thread-safe
:class:`~rnn_studio.engine.train.TrainingControl`, checked before every update, so Stop
returns within one update (milliseconds for the built-in tasks) and keeps the weights.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from rnn_studio.engine.blas import limit_blas_threads
from rnn_studio.engine.train import TrainingControl
from rnn_studio.state.train_area import (
    SweepResult,
    TrainingJob,
    TrainingSetup,
    lag_sweep,
    make_preview,
)

#: Seconds of training between plot updates (with drawing, under 10 updates a second).
SNAPSHOT_INTERVAL = 0.1
#: Longest wait for the view to draw a snapshot before training goes on regardless.
DRAW_WAIT_LIMIT = 0.25
#: Seconds between previews (samples and predictions cost more than a plot update).
PREVIEW_INTERVAL = 0.75


class TrainingThread(QThread):
    """Trains ``job`` off the UI thread.

    Signals
    -------
    snapshot_changed(TrainingSnapshot)
        Throttled progress and curves.
    preview_changed(Preview)
        Throttled samples or predictions.
    failed(str)
        An unexpected error ended the run (the message names it).

    ``finished`` (QThread's own) follows; read :attr:`job` then.
    """

    snapshot_changed = Signal(object)
    preview_changed = Signal(object)
    failed = Signal(str)

    def __init__(self, job: TrainingJob, temperature: float = 1.0, parent: QObject | None = None):
        super().__init__(parent)
        self.job = job
        #: Read by the worker at every preview; the UI may change it at any time.
        self.temperature = float(temperature)
        self._last_snapshot = 0.0
        self._last_preview = 0.0
        self._drawn = threading.Event()
        self._drawn.set()

    @property
    def control(self) -> TrainingControl:
        """Pause / resume / stop flags of the job (thread-safe)."""
        return self.job.control

    def run(self) -> None:
        limit_blas_threads(1)  # tiny matrices: BLAS threads only add overhead
        try:
            self.snapshot_changed.emit(self.job.snapshot())
            self._emit_preview()
            outcome = self.job.run(on_update=self._updated)
            self.snapshot_changed.emit(self.job.snapshot())
            if outcome != "stopped":  # a stop should return at once; the last preview stays
                self._emit_preview()
        except Exception as error:  # reported in the UI rather than lost on this thread
            self.failed.emit(f"Training failed unexpectedly: {type(error).__name__}: {error}")

    def acknowledge(self) -> None:
        """Called by the view once it has drawn a snapshot: the next one may be sent."""
        self._drawn.set()

    def _updated(self) -> None:
        now = time.monotonic()
        if now - self._last_snapshot >= SNAPSHOT_INTERVAL:
            self._drawn.clear()
            self.snapshot_changed.emit(self.job.snapshot())
            # Hold training while the view draws: a busy worker thread competing for the
            # GIL makes pyqtgraph's painting several times slower and the window sluggish.
            self._drawn.wait(DRAW_WAIT_LIMIT)
            self._last_snapshot = time.monotonic()
        if now - self._last_preview >= PREVIEW_INTERVAL:
            self._emit_preview()

    def _emit_preview(self) -> None:
        self._last_preview = time.monotonic()
        models = {
            kind: model
            for kind, model in self.job.models.items()
            if self.job.status[kind] != "diverged" or self.job.trainers[kind].steps_done
        }
        preview = make_preview(self.job.task, models, temperature=self.temperature)
        self.preview_changed.emit(preview)


class SweepThread(QThread):
    """Runs :func:`~rnn_studio.state.train_area.lag_sweep` off the UI thread.

    Signals
    -------
    progress_changed(int, int)
        Updates done and planned (throttled to 20 Hz).
    result_ready(SweepResult)
        The accuracies (partial if stopped).
    failed(str)
    """

    progress_changed = Signal(int, int)
    result_ready = Signal(object)
    failed = Signal(str)

    def __init__(self, setup: TrainingSetup, lags: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.setup = setup
        self.lags = tuple(lags)
        self.control = TrainingControl()
        self.result: SweepResult | None = None
        self._last = 0.0

    def run(self) -> None:
        limit_blas_threads(1)
        try:
            self.result = lag_sweep(
                self.setup, self.lags, control=self.control, on_progress=self._progress
            )
            self.result_ready.emit(self.result)
        except Exception as error:
            self.failed.emit(f"The sweep failed: {type(error).__name__}: {error}")

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self._last >= SNAPSHOT_INTERVAL:
            self._last = now
            self.progress_changed.emit(done, total)
