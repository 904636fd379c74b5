"""The Train area inside the main window: it is the Train tab and hands models to the Studio."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton, QSpinBox

from rnn_studio.state.session import StudioSession
from rnn_studio.ui.main_window import MainWindow
from rnn_studio.ui.theme import configure_pyqtgraph
from rnn_studio.ui.train.train_area import TrainArea


def test_open_in_studio_shows_the_trained_lstm_in_the_studio_tab(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    configure_pyqtgraph()
    window = MainWindow(StudioSession())
    qtbot.addWidget(window)
    window.show()
    area = window.areas["Train"]
    assert isinstance(area, TrainArea) and area.session is window.session
    window.show_area("Train")
    task = area.findChild(QComboBox, "train_task")
    task.setCurrentIndex(task.findData("memory"))
    area.findChild(QSpinBox, "train_lag").setValue(4)
    area.findChild(QSpinBox, "train_hidden").setValue(6)
    area.findChild(QSpinBox, "train_steps").setValue(10)
    qtbot.mouseClick(area.findChild(QPushButton, "train_start"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not area.running, timeout=10000)
    qtbot.mouseClick(area.findChild(QPushButton, "train_open_studio"), Qt.MouseButton.LeftButton)
    window.executor.wait_idle()
    assert window.current_area() == "Studio"
    session = window.session
    assert session.cell_kind == "lstm" and session.mode == "chars" and session.length == 6
    model = area.models["lstm"]
    ids = model.vocabulary.encode(list(session.text))
    np.testing.assert_allclose(session.shown.trace.hidden, model.forward(ids)[0].hidden, atol=1e-12)


def test_closing_the_window_stops_training(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    window = MainWindow(StudioSession())
    qtbot.addWidget(window)
    window.show()
    area = window.areas["Train"]
    area.findChild(QSpinBox, "train_steps").setValue(100000)
    area.start()
    qtbot.waitUntil(lambda: area.progress.value() > 0, timeout=5000)
    thread = area.training_thread
    window.close()
    assert thread.isFinished() and thread.job.outcome == "stopped"
