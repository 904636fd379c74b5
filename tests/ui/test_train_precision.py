"""Train's Precision control (issue 15, item 4): float32 trains float32 weights."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox

from rnn_studio.engine.train import Trainer
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.theme import configure_pyqtgraph
from rnn_studio.ui.train.train_area import TrainArea


@pytest.fixture
def area(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    configure_pyqtgraph()
    widget = TrainArea(StudioSession())
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    yield widget
    widget.shutdown()


def test_the_precision_control_trains_in_float32(qtbot, area):
    box = area.findChild(QComboBox, "train_dtype")
    assert box is not None and box.isVisible()
    assert area.controls.setup().dtype == "float64"  # exact by default
    assert "faster" in box.itemText(box.findData("float32")) and "float32" in box.toolTip()
    box.setCurrentIndex(box.findData("float32"))
    setup = area.controls.setup().with_changes(steps=2)
    assert setup.dtype == "float32"
    task = setup.make_task()
    model = setup.make_model(task, "lstm")
    Trainer(model, task, setup.config()).run()
    assert all(value.dtype == np.float32 for value in model.params.values())
    area.controls.show_setup(setup.with_changes(dtype="float64"))
    assert box.currentData() == "float64"
