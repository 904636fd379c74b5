"""The Train area driven through its controls: start, pause, resume, stop, diverge, compare,
open in the studio, save, load, export, sweep."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPushButton,
    QSpinBox,
)

from rnn_studio.engine.io import load_model
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


def child(area, kind, name):
    widget = area.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name!r}"
    return widget


def choose(area, name, data):
    box = child(area, QComboBox, name)
    index = box.findData(data)
    assert index >= 0, f"{name} has no item {data!r}"
    box.setCurrentIndex(index)


def set_value(area, name, value, kind=QSpinBox):
    child(area, kind, name).setValue(value)


def click(qtbot, area, name):
    button = child(area, QPushButton, name)
    assert button.isEnabled(), f"{name} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def small(area, task, cell="lstm", steps=20, hidden=6):
    choose(area, "train_task", task)
    choose(area, "train_cell", cell)
    set_value(area, "train_hidden", hidden)
    set_value(area, "train_steps", steps)


def training_waits_for_resume() -> bool:
    """True while a training thread is blocked in ``TrainingControl.wait_while_paused``."""
    for frame in sys._current_frames().values():
        while frame is not None:
            if frame.f_code.co_name == "wait_while_paused":
                return True
            frame = frame.f_back
    return False


def train_to_end(qtbot, area, timeout=20000):
    click(qtbot, area, "train_start")
    qtbot.waitUntil(lambda: not area.running, timeout=timeout)


def test_start_pause_resume_stop_from_the_buttons(qtbot, area):
    small(area, "memory", steps=100000, hidden=8)
    set_value(area, "train_lag", 5)
    progress = area.progress
    click(qtbot, area, "train_start")
    assert area.running and not child(area, QPushButton, "train_start").isEnabled()
    qtbot.waitUntil(lambda: progress.value() > 5, timeout=5000)

    click(qtbot, area, "train_pause")
    paused_at = area.job.done
    # The update in flight lands, then the worker waits for Resume and nothing moves.
    qtbot.waitUntil(training_waits_for_resume, timeout=5000)
    held = area.job.done
    assert held <= paused_at + 1
    with qtbot.assertNotEmitted(area.training_thread.snapshot_changed, wait=100):
        pass
    assert area.job.done == held and area.running
    assert child(area, QPushButton, "train_resume").isEnabled()

    click(qtbot, area, "train_resume")
    qtbot.waitUntil(lambda: progress.value() > held + 5, timeout=5000)
    assert "elapsed" in area.time_label.text() and "left" in area.time_label.text()

    job = area.job
    with qtbot.waitSignal(area.running_changed, check_params_cb=lambda on: not on):
        click(qtbot, area, "train_stop")
        at_stop = job.done
    # Stop ends the run at the next update: at most the one in flight when it was pressed.
    assert at_stop <= job.done <= at_stop + 1 < job.total
    assert "Stopped after" in area.message and "keep their weights" in area.message
    assert child(area, QPushButton, "train_start").isEnabled()


def test_stop_keeps_the_model_as_it_is(qtbot, area):
    small(area, "sentiment", steps=100000)
    click(qtbot, area, "train_start")
    qtbot.waitUntil(lambda: area.progress.value() > 10, timeout=5000)
    click(qtbot, area, "train_stop")
    qtbot.waitUntil(lambda: not area.running, timeout=2000)
    job = area.job
    model = area.models["lstm"]
    assert model is job.models["lstm"]
    steps = job.trainers["lstm"].steps_done
    assert 10 <= steps < 100000
    assert area.training_thread is None  # the thread has ended: the weights stay as they are
    params = model.params
    # The kept model is the trained one, not a fresh start.
    fresh = job.setup.make_model(job.task, "lstm")
    assert not np.array_equal(fresh.params["readout.weight"], params["readout.weight"])
    assert child(area, QPushButton, "train_open_studio").isEnabled()


def test_window_stays_responsive_while_training(qtbot, area):
    small(area, "text", steps=100000, hidden=32)
    choose(area, "train_text_source", "bundled")
    # A 20 ms timer on the UI thread; each tick notes how far training has got.
    progress_at_ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: progress_at_ticks.append(area.job.done))
    click(qtbot, area, "train_start")
    timer.start(20)

    def interleaved() -> bool:
        # The UI thread kept handling events while training moved on between them.
        advances = sum(b > a for a, b in itertools.pairwise(progress_at_ticks))
        return advances >= 10 and area.running

    qtbot.waitUntil(interleaved, timeout=20000)
    timer.stop()
    with qtbot.waitSignal(area.running_changed, check_params_cb=lambda on: not on):
        click(qtbot, area, "train_stop")
    assert area.job.done >= 10  # at least one update between each pair of advancing ticks


def test_a_learning_rate_of_100_without_clipping_stops_with_a_clear_message(qtbot, area):
    small(area, "sentiment", steps=200)
    choose(area, "train_optimizer", "sgd")
    set_value(area, "train_learning_rate", 100.0, QDoubleSpinBox)
    child(area, QCheckBox, "train_clip_on").setChecked(False)
    train_to_end(qtbot, area)
    assert "Training diverged" in area.message
    assert "lower the learning rate or clip the gradients" in area.message
    assert "color" in area.message_label.styleSheet()
    assert area.message_label.text() == area.message
    assert all(np.all(np.isfinite(v)) for v in area.models["lstm"].params.values())
    assert child(area, QPushButton, "train_start").isEnabled()


def test_compare_mode_overlays_three_cells(qtbot, area):
    small(area, "memory", cell="compare", steps=15)
    set_value(area, "train_lag", 3)
    train_to_end(qtbot, area)
    curves = area.loss_plot.visible_curves()
    assert {key for key in curves if key[1] == "train"} == {
        ("rnn", "train"),
        ("lstm", "train"),
        ("gru", "train"),
    }
    colours = {
        area.loss_plot.curves[(k, "train")].opts["pen"].color().name()
        for k in ("rnn", "lstm", "gru")
    }
    assert colours == {"#0072b2", "#d55e00", "#009e73"}  # Okabe–Ito
    assert len(area.loss_plot.legend.items) == 6
    assert len(area.gradient_plot.visible_curves()) == 6
    assert len(area.preview.accuracy.visible_curves()) == 3
    assert area.progress.value() == area.progress.maximum() == 45
    assert "RNN" in area.preview.examples.text() and "GRU" in area.preview.examples.text()


def test_open_in_studio_loads_the_trained_model_into_the_session(qtbot, area):
    session = area.session
    changed = []
    session.trace_changed.connect(changed.append)
    small(area, "sentiment", cell="gru", steps=10)
    train_to_end(qtbot, area)
    click(qtbot, area, "train_open_studio")
    assert changed, "the studio session did not change"
    assert session.text == "the film was not bad" and session.cell_kind == "gru"
    assert "The trained GRU reads it as" in area.message
    model = area.models["gru"]
    ids = model.vocabulary.encode(["the", "film", "was", "not", "bad"])
    np.testing.assert_allclose(session.shown.trace.hidden, model.forward(ids)[0].hidden, atol=1e-12)


def test_gradient_decay_button_backpropagates_the_trained_cells_in_the_studio(qtbot, area):
    small(area, "memory", cell="compare", steps=5)
    set_value(area, "train_lag", 6)
    train_to_end(qtbot, area)
    click(qtbot, area, "train_decay_studio")
    session = area.session
    assert session.cell_kind == "compare" and session.backprop_enabled
    assert set(session.gradients) == {"rnn", "lstm", "gru"}
    assert session.length == 8  # letter, six distractors, cue


def test_save_load_and_export(qtbot, area, tmp_path):
    small(area, "forecast", cell="rnn", steps=10)
    train_to_end(qtbot, area)
    trained = area.models["rnn"]
    path = tmp_path / "forecast.npz"
    assert area.save_model_to(path)
    loaded = load_model(path)
    for name, value in trained.params.items():
        np.testing.assert_array_equal(loaded.params[name], value)

    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip file")
    assert not area.load_model_from(broken)
    assert "Could not load the model" in area.message and "broken.npz" in area.message
    assert area.models["rnn"] is trained  # nothing lost

    assert area.load_model_from(path)
    assert area.models["rnn"] is not trained and "Loaded forecast.npz" in area.message
    assert len(area.preview.forecast.visible_curves()) == 3  # truth, next step, rollout

    torch_path = tmp_path / "torch.npz"
    assert area.export_torch_to(torch_path)
    with np.load(torch_path) as arrays:
        assert "rnn.weight_hh_l0" in arrays.files and "readout.weight" in arrays.files
    assert "load_state_dict" in area.message and "nn.RNN(1, 6)" in area.message


def test_text_samples_follow_the_temperature(qtbot, area):
    small(area, "text", cell="gru", steps=10, hidden=12)
    choose(area, "train_text_source", "bundled")
    train_to_end(qtbot, area)
    samples = area.preview.samples
    qtbot.waitUntil(lambda: "GRU" in samples.toPlainText(), timeout=3000)
    set_value(area, "train_temperature", 0.0, QDoubleSpinBox)
    greedy = samples.toPlainText()
    assert "τ = 0" in greedy
    set_value(area, "train_temperature", 2.5, QDoubleSpinBox)
    assert samples.toPlainText() != greedy


def test_text_task_learns_the_studio_text(qtbot, area):
    area.session.set_sequence("abcabcabcabcabcabcabcabc abcabc", "chars")
    small(area, "text", cell="rnn", steps=5)
    choose(area, "train_text_source", "studio")
    train_to_end(qtbot, area)
    assert set(area.task.vocabulary.tokens) == {"a", "b", "c", " "}

    area.session.set_sequence("1 2 3 4", "numbers")
    click(qtbot, area, "train_start")
    assert not area.running and "Cannot start" in area.message and "text" in area.message


def test_lag_sweep_runs_in_the_background_and_can_be_cancelled(qtbot, area):
    area.session.set_sequence("1 2 3", "numbers")  # no text to learn: the sweep does not care
    choose(area, "train_task", "text")
    set_value(area, "train_hidden", 4)
    child(area, QLineEdit, "train_sweep_lags").setText("1, 2")
    set_value(area, "train_sweep_steps", 3)
    click(qtbot, area, "train_sweep_run")
    qtbot.waitUntil(lambda: area.sweep_thread is None, timeout=10000)
    assert area.sweep_result.lags == (1, 2) and area.sweep_result.complete
    assert len(area.sweep_plot.visible_curves()) == 3
    assert area.sweep_progress.value() == area.sweep_progress.maximum() == 18

    set_value(area, "train_sweep_steps", 100000)
    click(qtbot, area, "train_sweep_run")
    qtbot.waitUntil(lambda: area.sweep_progress.value() > 0, timeout=5000)
    click(qtbot, area, "train_sweep_cancel")
    qtbot.waitUntil(lambda: area.sweep_thread is None, timeout=2000)
    assert not area.sweep_result.complete


def test_every_control_explains_itself(area):
    for kind in (QComboBox, QSpinBox, QDoubleSpinBox, QCheckBox, QPushButton, QLineEdit):
        for widget in area.findChildren(kind):
            if widget.objectName().startswith("train_"):
                assert widget.toolTip(), f"{widget.objectName()} has no tooltip"


def test_memory_gate_start_is_a_visible_explained_choice(qtbot, area):
    from PySide6.QtWidgets import QLabel

    from rnn_studio.engine.tasks import MEMORY_GATE_BIAS

    box = child(area, QCheckBox, "train_memory_init")
    note = child(area, QLabel, "train_memory_init_note")
    choose(area, "train_task", "sentiment")
    assert not box.isVisible() and not note.isVisible()
    choose(area, "train_task", "memory")
    assert box.isVisible() and box.isChecked() and note.isVisible()
    assert "+6" in note.text() and "Off" in note.text() and "forget" in box.toolTip()
    assert area.controls.setup().memory_init
    box.setChecked(False)
    setup = area.controls.setup()
    assert setup.memory_init is False
    task = setup.make_task()
    plain = setup.make_model(task, "lstm").params["rnn.bias_ih_l0"]
    opened = setup.with_changes(memory_init=True).make_model(task, "lstm")
    shift = opened.params["rnn.bias_ih_l0"] - plain
    hidden = setup.hidden_size
    assert np.allclose(shift[hidden : 2 * hidden], MEMORY_GATE_BIAS["lstm"]["f"])


def test_course_text_is_a_text_source(qtbot, area):
    from rnn_studio.texts import bundled_text

    choose(area, "train_task", "text")
    choose(area, "train_text_source", "course")
    assert area.controls.setup().text == bundled_text("course").text
