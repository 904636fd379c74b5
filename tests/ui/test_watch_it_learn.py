"""Watch it learn: lesson link, Learn signal, Train area set to the preset and running."""

from __future__ import annotations

import pytest

from rnn_studio.learn.content import load_all
from rnn_studio.learn.markup import find_links, plain_text, render_inline
from rnn_studio.state.session import StudioSession
from rnn_studio.state.watch import WATCH_PRESETS
from rnn_studio.ui.theme import configure_pyqtgraph
from rnn_studio.ui.train.train_area import TrainArea


def test_markup_renders_and_reads_train_links():
    text = "See it. {{train:memory-lag-100|Watch it learn: lag 100}} and {{train:sentiment}}"
    links = find_links(text)
    assert [(link.kind, link.target) for link in links] == [
        ("train", "memory-lag-100"),
        ("train", "sentiment"),
    ]
    assert 'href="train:memory-lag-100"' in render_inline(text)
    assert plain_text(text) == "See it. Watch it learn: lag 100 and Watch it learn"


def test_every_train_link_in_the_content_names_a_preset():
    import json

    from rnn_studio.resources import resource_path

    found = []
    folder = resource_path("lessons")
    for file in folder.iterdir():
        if file.name.endswith(".json"):
            found += _train_links(json.loads(file.read_text(encoding="utf-8")))
    assert {"memory-lag-100", "sentiment"} <= set(found)
    assert set(found) <= set(WATCH_PRESETS)
    load_all()  # the content still validates with the new links


def _train_links(node):
    if isinstance(node, str):
        return [link.target for link in find_links(node) if link.kind == "train"]
    if isinstance(node, list):
        return [target for item in node for target in _train_links(item)]
    if isinstance(node, dict):
        return [target for value in node.values() for target in _train_links(value)]
    return []


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


def test_watch_sets_the_preset_and_starts(qtbot, area):
    area.watch("memory-lag-100")
    assert area.running
    setup = area.job.setup
    assert setup == WATCH_PRESETS["memory-lag-100"].setup
    assert setup.task == "memory" and setup.lag == 100 and setup.cell == "compare"
    assert "Watch it learn" in area.message
    area.stop()
    qtbot.waitUntil(lambda: not area.running, timeout=5000)
    area.watch("nope")
    assert "No training preset" in area.message


def test_lesson_link_reaches_the_train_area(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    from rnn_studio.ui.main_window import MainWindow

    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    configure_pyqtgraph()
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.learn.lesson.reader.follow_link("train:sentiment")
    assert window.current_area() == "Train" and window.train.running
    assert window.train.job.setup.task == "sentiment"
    window.train.stop()
    qtbot.waitUntil(lambda: not window.train.running, timeout=5000)
    window.train.shutdown()


def test_the_truncation_presets_set_the_visible_bptt_window(qtbot, area):
    from PySide6.QtWidgets import QSpinBox

    window = area.findChild(QSpinBox, "train_bptt")
    assert window is not None and window.isVisible()
    assert "L + 2" in window.toolTip()
    for preset_id, steps in (("memory-bptt-short", 11), ("memory-bptt-enough", 12)):
        area.controls.show_setup(WATCH_PRESETS[preset_id].setup)
        assert window.value() == steps
        assert area.controls.setup().bptt == steps  # what Start would train with
    window.setValue(0)
    assert area.controls.setup().bptt is None  # 0 = the whole sequence
