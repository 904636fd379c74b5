"""The window fits 1280×720 with every panel visible, and its layout survives a restart."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt

from rnn_studio.state.session import StudioSession
from rnn_studio.ui import settings as layout_settings
from rnn_studio.ui.main_window import MainWindow
from rnn_studio.ui.theme import configure_pyqtgraph

PANELS = (
    "sequence",
    "model",
    "stepper",
    "unrolled",
    "memory",
    "gates",
    "equations",
    "gradients",
    "outputs",
)


def open_window(qtbot) -> MainWindow:
    configure_pyqtgraph()
    window = MainWindow(StudioSession())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_all_panels_are_visible_at_1280_by_720(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    window = open_window(qtbot)
    assert (window.width(), window.height()) == (1280, 720)
    area = window.studio.rect()
    for panel_id in PANELS:
        panel = window.studio.panels[panel_id]
        assert panel.isVisible(), panel_id
        assert panel.width() >= 150 and panel.height() >= 60, (panel_id, panel.size())
        top_left = panel.mapTo(window.studio, panel.rect().topLeft())
        bottom_right = panel.mapTo(window.studio, panel.rect().bottomRight())
        assert area.contains(top_left) and area.contains(bottom_right), panel_id
    assert {name for name in window.areas} == {"Studio", "Learn", "Train"}


def test_layout_is_remembered_across_a_restart(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    first = open_window(qtbot)
    gates_dock = first.studio.docks["gates"]
    first.studio.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, gates_dock)
    first.resize(760, 560)  # within the offscreen screen; docks' minimum sizes may add a little
    first.show_area("Train")  # built now: the window may widen to the Train area's minimum
    size = (first.width(), first.height())
    assert size != (1280, 720)
    first.close()
    assert (tmp_path / "config" / layout_settings.SETTINGS_FILE).is_file()

    second = open_window(qtbot)
    assert second.studio.dockWidgetArea(second.studio.docks["gates"]) == (
        Qt.DockWidgetArea.RightDockWidgetArea
    )
    assert (second.width(), second.height()) == size
    assert second.current_area() == "Train"


def test_a_layout_from_another_version_is_ignored(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    settings = layout_settings.open_settings()
    settings.setValue("layout/version", layout_settings.LAYOUT_VERSION + 1)
    settings.setValue("studio/dock_state", QByteArray(b"not a dock state"))
    settings.sync()
    window = open_window(qtbot)
    assert window.studio.dockWidgetArea(window.studio.docks["gates"]) == (
        Qt.DockWidgetArea.BottomDockWidgetArea
    )


def test_set_area_replaces_a_placeholder(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtWidgets import QLabel

    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    window = open_window(qtbot)
    learn = QLabel("lessons")
    window.set_area("Learn", learn)
    assert window.areas["Learn"] is learn
    assert window.tabs.tabText(window.tabs.indexOf(learn)) == "Learn"
    assert window.current_area() == "Studio"
    assert window.tabs.count() == 3
