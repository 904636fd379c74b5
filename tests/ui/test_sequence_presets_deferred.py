"""The Presets list: its labels from the first frame, its presets parsed once the panel has
painted (the learn content modules cost ~25 ms of a start), and usable at any time."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from rnn_studio.learn.presets import builtin_presets, load_presets, preset_labels
from rnn_studio.state.session import StudioSession
from rnn_studio.state.zoo_studio import describe_setup
from rnn_studio.ui.panels import sequence
from rnn_studio.ui.panels.sequence import SequencePanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import configure_pyqtgraph

from .conftest import make_window

TIP = Qt.ItemDataRole.ToolTipRole


def box_labels(panel: SequencePanel) -> list[str]:
    box = panel.preset_box
    return [box.itemText(index) for index in range(box.count())]


def check_filled(panel: SequencePanel) -> None:
    presets = load_presets()
    assert box_labels(panel) == ["Presets…", *(preset.label for preset in presets)]
    box = panel.preset_box
    for index, preset in enumerate(presets, start=1):
        assert box.itemData(index) == preset.preset_id
        assert box.itemData(index, TIP) == f"{preset.description} {describe_setup(preset.setup)}"


def test_the_labels_read_early_are_the_loaded_presets_labels() -> None:
    presets = load_presets()
    assert presets != builtin_presets()  # the bundled examples.json is the one read
    assert preset_labels() == tuple(preset.label for preset in presets)


def test_the_presets_load_once_the_panel_has_painted(qtbot) -> None:
    window, _ = make_window(qtbot)
    panel = window.studio.sequence
    # Shown and painted: the presets follow within the event-loop turn after the paint.
    qtbot.waitUntil(lambda: panel._presets is not None)
    check_filled(panel)


def test_an_unpainted_panel_lists_labels_and_loads_on_use(qtbot) -> None:
    configure_pyqtgraph()
    session = StudioSession()
    panel = SequencePanel(SessionBridge(session))
    qtbot.addWidget(panel)
    QApplication.processEvents()
    assert panel._presets is None  # never shown: nothing loaded
    assert box_labels(panel)[1:] == list(preset_labels())
    assert panel.preset_box.itemData(1) is None
    # Chosen before it loaded (keyboard on a panel that has not painted): loads, then applies.
    chosen = load_presets()[2]
    panel.preset_box.activated.emit(3)
    assert session.text == chosen.setup.text != StudioSession().text
    assert panel.preset_box.currentIndex() == 0
    check_filled(panel)


def test_labels_that_do_not_match_the_loaded_presets_are_replaced(qtbot, monkeypatch) -> None:
    configure_pyqtgraph()
    for early in (("wrong",) * 12, ("wrong",)):  # more items than presets, and fewer
        monkeypatch.setattr(sequence, "preset_labels", lambda early=early: early)
        panel = SequencePanel(SessionBridge(StudioSession()))
        qtbot.addWidget(panel)
        assert box_labels(panel)[1:] == list(early)
        assert panel.presets == load_presets()
        check_filled(panel)
