"""Text size 1.0–3.0 at 1280×720: applied fully at start-up, fitting the screen at every size,
and back to exactly the same layout at 1.0; the first window fits the available screen."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QMargins, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.main_window import FIRST_SIZE, fitting_size
from rnn_studio.ui.settings import open_settings
from tests.ui.conftest import refitted

WIDTH, HEIGHT = 1280, 720
TEXT_WIDGETS = (QLabel, QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox)


def set_text_size(qtbot, window, features, scale: float) -> None:
    features.save_preferences(replace(features.preferences, font_scale=scale))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)


def shown_text_widgets(window) -> list[QWidget]:
    return [
        widget
        for widget in window.findChildren(QWidget)
        if isinstance(widget, TEXT_WIDGETS)
        and widget.isVisible()
        and not widget.visibleRegion().isEmpty()
        and widget.objectName() != "qt_dockwidget_floatbutton"
    ]


@pytest.mark.parametrize("scale", [1.5, 3.0])
def test_a_saved_text_size_is_applied_fully_at_start_up(classroom, qtbot, scale) -> None:
    settings = open_settings()
    settings.setValue("appearance/font_scale", scale)
    settings.sync()
    window, _ = classroom(StudioSession(DemoSetup(text="not bad", mode="words", cell="lstm")))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    base = float(QApplication.instance().property("rnn_studio_base_point_size"))
    small = [
        (widget.objectName() or type(widget).__name__, widget.font().pointSizeF())
        for widget in shown_text_widgets(window)
        if widget.font().pointSizeF() < base * scale - 0.05
    ]
    assert not small  # labels, text box, buttons: all at the saved size


def assert_fits_and_nothing_is_cut(window) -> None:
    minimum = window.minimumSizeHint()
    assert minimum.width() <= WIDTH and minimum.height() <= HEIGHT, minimum
    assert (window.width(), window.height()) == (WIDTH, HEIGHT)
    studio = window.studio
    for panel_id, panel in studio.panels.items():
        if not panel.isVisible() or panel.visibleRegion().isEmpty():
            continue  # behind another tab
        needed = panel.minimumSizeHint()
        # In its dock's scroll area a panel is never smaller than its minimum: what does
        # not fit on screen scrolls, it is not squeezed or cut.
        assert panel.width() >= needed.width() and panel.height() >= needed.height(), (
            panel_id,
            panel.size(),
            needed,
        )
        dock = studio.docks.get(panel_id)
        if dock is not None:
            corner = dock.mapTo(studio, dock.rect().bottomRight())
            assert studio.rect().contains(corner), (panel_id, corner, studio.size())


SIZES = [1.0, 1.5, 2.0, 2.5, 3.0]


def dock_layout(studio) -> dict[str, tuple[object, ...]]:
    """Each dock: shown or not, its place (if in front) and the docks it shares tabs with."""
    return {
        name: (
            dock.isVisible(),
            None if dock.visibleRegion().isEmpty() else dock.geometry(),
            tuple(other.objectName() for other in studio.tabifiedDockWidgets(dock)),
        )
        for name, dock in studio.docks.items()
    }


def test_every_text_size_fits_1280_by_720_and_1_0_comes_back_exactly(classroom, qtbot) -> None:
    setup = DemoSetup(text="not bad at all, really", mode="words", cell="lstm", hidden_size=16)
    window, features = classroom(StudioSession(setup))
    set_text_size(qtbot, window, features, 1.0)
    studio = window.studio
    before = dock_layout(studio)
    size_before = window.size()
    memory_heights = {}
    for scale in SIZES[1:]:
        set_text_size(qtbot, window, features, scale)
        assert_fits_and_nothing_is_cut(window)
        memory_heights[scale] = studio.memory.graphics.height()
    assert studio.layout_tier == "few"  # at ×3.0 fewer panels at once
    for scale, height in memory_heights.items():
        assert height >= 100, (scale, height)  # the heatmap is never a thumbnail
    set_text_size(qtbot, window, features, 1.0)
    after = dock_layout(studio)
    assert window.size() == size_before
    assert after == before
    assert not studio.outputs_tabbed_for_font


def test_the_first_window_fits_the_available_screen(classroom, qtbot) -> None:
    # A 1280×720 screen with a 32-pixel task bar and a window frame with a title bar.
    available = QRect(0, 0, 1280, 688)
    frame = QMargins(1, 30, 1, 1)
    size = fitting_size(FIRST_SIZE, available, frame)
    assert size == QSize(1278, 657)
    window, _ = classroom()
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    screen = window.screen().availableGeometry()
    assert screen.contains(window.frameGeometry())
    window.fit_to_screen(available)
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    assert available.contains(window.frameGeometry())
    # The studio fits itself in the height it has: the window can really be that small.
    assert window.minimumSizeHint().height() <= available.height()
    assert window.height() <= available.height()
