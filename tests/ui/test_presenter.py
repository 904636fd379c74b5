"""Presenter mode: big fonts everywhere (plots too), thick lines, clicker keys, exact restore."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.accessibility import describe_step
from rnn_studio.ui.presenter import DEFAULT_PANELS


@pytest.fixture
def window(classroom):
    main, _features = classroom(StudioSession(DemoSetup(text="hello there", cell="lstm", cursor=2)))
    assert main.learn  # built on first use: "everywhere" takes in its plots too
    return main


def _axes(window):
    return [
        item
        for view in window.findChildren(pg.GraphicsView)
        for item in view.scene().items()
        if isinstance(item, pg.AxisItem) and item.isVisible()
    ]


def _tick_size(axis) -> float:
    font = axis.style.get("tickFont")
    return font.pointSizeF() if font is not None else QApplication.instance().font().pointSizeF()


def test_presenter_scales_fonts_everywhere_and_restores_on_escape(window, qtbot):
    app = QApplication.instance()
    presenter = window.menus.presenter
    presenter.set_font_scale(2.0)
    position_label = window.studio.stepper.position_label
    before = {
        "app": app.font().pointSizeF(),
        "label": position_label.font().pointSizeF(),
        "ticks": [_tick_size(axis) for axis in _axes(window)],
        "labels": [axis.label.font().pointSizeF() for axis in _axes(window)],
        "geometry": window.geometry(),
        "docks": {name: dock.isVisible() for name, dock in window.studio.docks.items()},
        "menu": window.menuBar().isVisible(),
        "status": window.statusBar().isVisible(),
        "tabs": window.tabs.tabBar().isVisible(),
    }
    base = app.property("rnn_studio_base_point_size") or before["app"]

    window.menus.actions["action_presenter"].trigger()  # what F5 does
    assert presenter.active and window.isFullScreen()
    assert app.font().pointSizeF() == pytest.approx(base * 2.0)
    assert position_label.font().pointSizeF() == pytest.approx(base * 2.0)
    ticks = [_tick_size(axis) for axis in _axes(window)]
    assert ticks and min(ticks) >= 17.9  # 9 pt ticks doubled
    assert all(axis.label.font().pointSizeF() >= 17.9 for axis in _axes(window))
    for name, dock in window.studio.docks.items():  # the teacher's panels only
        assert dock.isVisible() == (name in DEFAULT_PANELS), name
    backprop = window.studio.gradients.findChild(QPushButton, "gradients_backprop")
    assert not backprop.isVisible()  # controls trimmed to the stepper
    assert not window.menuBar().isVisible() and not window.tabs.tabBar().isVisible()
    assert not window.statusBar().isVisible()  # the spotlight says it, larger
    assert presenter.spotlight.text() == describe_step(window.session)

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not presenter.active and not window.isFullScreen()
    assert app.font().pointSizeF() == pytest.approx(before["app"])
    assert position_label.font().pointSizeF() == pytest.approx(before["label"])
    assert [_tick_size(axis) for axis in _axes(window)] == before["ticks"]
    assert [axis.label.font().pointSizeF() for axis in _axes(window)] == before["labels"]
    assert {n: d.isVisible() for n, d in window.studio.docks.items()} == before["docks"]
    assert window.menuBar().isVisible() == before["menu"]
    assert backprop.isVisible()
    assert window.statusBar().isVisible() == before["status"]
    assert window.tabs.tabBar().isVisible() == before["tabs"]
    assert window.geometry() == before["geometry"]
    assert window.findChild(type(window.menus.presenter.spotlight), "presenter_spotlight") is None


def test_lines_get_thicker_and_come_back(window):
    window.session.backprop()
    curve = window.studio.gradients.findChild(pg.PlotWidget)
    items = [i for i in curve.getPlotItem().items if isinstance(i, pg.PlotDataItem)]
    widths = [pg.mkPen(i.curve.opts["pen"]).widthF() for i in items]
    presenter = window.menus.presenter
    presenter.enter()
    thick = [pg.mkPen(i.curve.opts["pen"]).widthF() for i in items]
    assert all(t >= max(3.0, w) for t, w in zip(thick, widths, strict=True))
    presenter.leave()
    assert [pg.mkPen(i.curve.opts["pen"]).widthF() for i in items] == widths


def test_clicker_keys_step_and_blank(window, qtbot):
    presenter = window.menus.presenter
    presenter.enter()
    session = window.session
    assert session.cursor == 2
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert session.cursor == 3
    assert presenter.spotlight.text().startswith("t = 3, input 'l'")
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    assert session.cursor == 1
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert presenter.blanked and presenter.blank.isVisible()
    assert presenter.blank.geometry() == window.rect()
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert not presenter.blanked
    presenter.leave()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # the clicker keys belong to presenter mode
    assert session.cursor == 1


def test_notes_window_on_one_screen_is_a_separate_window(window):
    features = window.menus
    features.scene_notes = "Ask: which unit remembers the first letter?"
    notes = features.presenter.show_notes()
    assert notes.isWindow() and notes.isVisible() and notes is not window
    assert len(QApplication.screens()) == 1 and not notes.on_second_screen
    assert "which unit remembers" in notes.text.toPlainText()
    assert notes.step_label.text() == f"Now: {describe_step(window.session)}"
    window.session.step_forward()
    assert notes.next_label.text() == "Next: t = 4, input 'o'"
    notes.close()


def test_d_shows_the_cell_diagram_full_screen_and_it_steps(window, qtbot):
    presenter = window.menus.presenter
    presenter.enter()
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=3000)
    shortcut = next(s for s in presenter._shortcuts if s.objectName() == "presenter_cell_diagram")
    shortcut.activated.emit()
    full = window.studio.cell.full_size
    assert full is not None and full.isVisible() and full.isFullScreen()
    assert full.panel.diagram.kind == "lstm" and full.panel.diagram.t == window.session.cursor
    qtbot.keyClick(full, Qt.Key.Key_PageDown)
    assert window.session.cursor == 3 and full.panel.diagram.t == 3
    presenter.leave()  # closes it with presenter mode
    qtbot.waitUntil(lambda: window.studio.cell.full_size is None, timeout=3000)
