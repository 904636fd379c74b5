"""Issue 13 item 10: a scene keeps its trained model (or says it cannot); a saved model
keeps the task settings it was trained with; loading a model keeps the others in the list.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton, QSpinBox

from rnn_studio.engine.tasks import MemoryTask, SentimentTask
from rnn_studio.state.scenes import (
    SceneError,
    apply_scene,
    capture_scene,
    scene_from_json,
    scene_to_json,
)
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.theme import configure_pyqtgraph
from rnn_studio.ui.train.train_area import TrainArea

TEXT = "the film was not bad"


def _trained_lstm(hidden=6):
    """An LSTM whose weights no studio seed gives (what training leaves behind)."""
    task = SentimentTask(seed=0)
    model = task.make_model("lstm", hidden, seed=3)
    rng = np.random.default_rng(11)
    params = {name: value + rng.normal(0, 0.3, value.shape) for name, value in model.params.items()}
    model.set_params(params)
    return model


def _showing(model):
    session = StudioSession()
    session.show_trained({"lstm": model}, TEXT, "words", seed=0)
    assert session.shows_trained
    return session


def test_a_scene_replays_with_its_trained_model_not_a_random_one():
    model = _trained_lstm()
    source = _showing(model)
    expected = np.array(source.shown.trace.hidden)
    scene = scene_from_json(scene_to_json(capture_scene(source, "Not bad, trained")))
    fresh = StudioSession()
    apply_scene(fresh, scene)
    assert fresh.shows_trained and fresh.shown.outputs.trained
    np.testing.assert_allclose(fresh.shown.trace.hidden, expected, atol=1e-12)
    # The untrained cell for the same setup is something else: the model made a difference.
    untrained = StudioSession(scene.setup)
    assert not np.allclose(untrained.shown.trace.hidden, expected)


def test_a_scene_too_big_for_its_model_says_so_and_what_to_do(monkeypatch):
    monkeypatch.setattr("rnn_studio.state.scenes.MAX_SCENE_BYTES", 2000)
    with pytest.raises(SceneError, match=r"too large to keep in a scene.*Save session"):
        capture_scene(_showing(_trained_lstm()), "big")


def test_the_menu_scene_library_keeps_the_model(classroom):
    window, menus = classroom()
    model = _trained_lstm()
    window.session.show_trained({"lstm": model}, TEXT, "words", seed=0)
    expected = np.array(window.session.shown.trace.hidden)
    menus.save_scene("trained")
    window.session.reset()  # put the trained model away
    assert not window.session.shows_trained
    menus.play_scene(menus.scenes.get("trained"))
    assert window.session.shows_trained
    np.testing.assert_allclose(window.session.shown.trace.hidden, expected, atol=1e-12)


# ---------------------------------------------------------------------------- Train area
@pytest.fixture
def make_area(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    configure_pyqtgraph()
    areas = []

    def build():
        widget = TrainArea(StudioSession())
        qtbot.addWidget(widget)
        widget.resize(1280, 720)
        widget.show()
        areas.append(widget)
        return widget

    yield build
    for widget in areas:
        widget.shutdown()


def _train(qtbot, area, task, cell, steps=3, hidden=6, lag=None):
    controls = area.controls
    for name, data in (("train_task", task), ("train_cell", cell)):
        box = area.findChild(QComboBox, name)
        box.setCurrentIndex(box.findData(data))
    area.findChild(QSpinBox, "train_hidden").setValue(hidden)
    area.findChild(QSpinBox, "train_steps").setValue(steps)
    if lag is not None:
        controls.lag.setValue(lag)
    qtbot.mouseClick(area.findChild(QPushButton, "train_start"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not area.running, timeout=60000)


def test_a_saved_model_reopens_on_the_task_it_was_trained_on(qtbot, make_area, tmp_path):
    area = make_area()
    _train(qtbot, area, "memory", "lstm", lag=60)
    assert isinstance(area.task, MemoryTask) and area.task.lag == 60
    assert area.save_model_to(tmp_path / "lag60.npz")

    other = make_area()
    assert other.load_model_from(tmp_path / "lag60.npz")
    assert isinstance(other.task, MemoryTask) and other.task.lag == 60  # was 10
    assert other.controls.lag.value() == 60
    assert "lag 60" in other.message
    assert other.open_in_studio()
    assert other.session.length == 62  # symbol, 60 distractors, cue


def test_loading_a_model_keeps_the_other_trained_models(qtbot, make_area, tmp_path):
    area = make_area()
    _train(qtbot, area, "sentiment", "compare")
    assert set(area.models) == {"rnn", "lstm", "gru"}
    area.model_choice.setCurrentIndex(area.model_choice.findData("gru"))
    assert area.save_model_to(tmp_path / "gru.npz")
    rnn, lstm = area.models["rnn"], area.models["lstm"]

    assert area.load_model_from(tmp_path / "gru.npz")
    assert set(area.models) == {"rnn", "lstm", "gru"}
    assert area.models["rnn"] is rnn and area.models["lstm"] is lstm
    assert "joins" in area.message and "replaces the GRU" in area.message
    assert area.model_choice.count() == 3


def test_loading_a_model_for_another_task_keeps_every_model_in_the_list(qtbot, make_area, tmp_path):
    """Item 10: the list holds models of several tasks; none leaves it on a load."""
    area = make_area()
    _train(qtbot, area, "sentiment", "compare")
    sentiment = dict(area.models)
    other = make_area()
    _train(qtbot, other, "memory", "rnn", lag=4)
    assert other.save_model_to(tmp_path / "memory.npz")
    memory_rnn = other.models["rnn"]

    assert area.load_model_from(tmp_path / "memory.npz")
    # The loaded model's task is current (Open in studio shows it) ...
    assert isinstance(area.task, MemoryTask) and area.task.lag == 4
    assert set(area.models) == {"rnn"} and area.models["rnn"] is not sentiment["rnn"]
    for name, value in memory_rnn.params.items():
        np.testing.assert_array_equal(area.models["rnn"].params[name], value)
    # ... and the sentiment models are still listed, each with its task.
    labels = [area.model_choice.itemText(i) for i in range(area.model_choice.count())]
    assert labels == [
        "RNN · the memory task at lag 4",
        "RNN · the sentiment task",
        "LSTM · the sentiment task",
        "GRU · the sentiment task",
    ]
    assert "left the list" not in area.message and "stay in the list" in area.message
    assert area.model_choice.toolTip().startswith("RNN · the memory task at lag 4\n")
    assert area.open_in_studio() and area.session.length == 6  # symbol, 4 distractors, cue

    # Choosing a sentiment model makes its task current again, with the same three models.
    area.model_choice.setCurrentIndex(2)
    assert isinstance(area.task, SentimentTask)
    assert all(area.models[kind] is sentiment[kind] for kind in ("rnn", "lstm", "gru"))
    assert area.current_model() == ("lstm", sentiment["lstm"])
    assert area.controls.task.currentData() == "sentiment"
    assert area.model_choice.count() == 4 and "the memory task at lag 4" in " ".join(
        area.model_choice.itemText(i) for i in range(4)
    )
    assert area.open_in_studio() and area.session.text == "the film was not bad"

    # A second memory model joins the memory group, wherever it is.
    assert area.load_model_from(tmp_path / "memory.npz")
    assert isinstance(area.task, MemoryTask) and set(area.models) == {"rnn"}
    assert "replaces the RNN" in area.message
    assert area.model_choice.count() == 4


def test_training_another_task_keeps_the_models_trained_before(qtbot, make_area):
    area = make_area()
    _train(qtbot, area, "sentiment", "compare")
    sentiment = dict(area.models)
    _train(qtbot, area, "memory", "gru", lag=3)
    assert isinstance(area.task, MemoryTask) and set(area.models) == {"gru"}
    labels = [area.model_choice.itemText(i) for i in range(area.model_choice.count())]
    assert labels[0] == "GRU · the memory task at lag 3" and len(labels) == 4
    area.model_choice.setCurrentIndex(labels.index("RNN · the sentiment task"))
    assert all(area.models[kind] is sentiment[kind] for kind in sentiment)
    # Training the same task again replaces its models (a fresh run), nothing else.
    _train(qtbot, area, "sentiment", "rnn")
    assert set(area.models) == {"rnn"} and area.models["rnn"] is not sentiment["rnn"]
    assert area.model_choice.count() == 2  # the new RNN and the memory GRU
