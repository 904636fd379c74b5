"""Presenter mode from 8 m: at 1280×720 no text under 18 px (ticks, chain labels, legends,
verdict, cell diagram); the teacher's panels only, each big enough, remembered."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.accessibility import PRESENTER_TEXT_FLOOR_PX
from rnn_studio.ui.preferences import panel_ids, read_preferences
from rnn_studio.ui.settings import open_settings
from tests.ui.conftest import drawn
from tests.ui.text_heights import colour_bar_labels_outside, text_heights

WIDTH, HEIGHT = 1280, 720


def present(classroom, qtbot, scale: float, panels: str | None = None):
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    window.session.backprop()  # the gradient curve, its legend and the verdict
    window.executor.wait_idle()
    if panels is not None:
        features.save_preferences(replace(features.preferences, presenter_panels=panels))
    presenter = features.presenter
    presenter.set_font_scale(scale)
    presenter.enter()
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=3000)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)  # docks at the full-screen size
    return window, features


@pytest.mark.parametrize("scale", [1.6, 2.0])
def test_no_text_under_18_pixels_when_presenting_at_1280_by_720(classroom, qtbot, scale) -> None:
    window, features = present(classroom, qtbot, scale)
    assert (window.width(), window.height()) == (WIDTH, HEIGHT)
    heights = text_heights(window)
    kinds = " ".join(where for _size, where in heights)
    for shown in ("ticks", "unrolled chain", "label gradients_plot", "gradients_verdict"):
        assert shown in kinds, shown  # measured, not merely absent
    small = [(round(size, 1), where) for size, where in heights if size < PRESENTER_TEXT_FLOOR_PX]
    assert not small
    assert not colour_bar_labels_outside(window.studio.memory)  # ±1.0 whole
    features.presenter.leave()


def test_the_cell_diagram_and_gates_read_from_the_back_too(classroom, qtbot) -> None:
    window, features = present(classroom, qtbot, 1.6, panels="cell,gates,unrolled")
    assert window.studio.cell.isVisible()
    heights = text_heights(window)
    assert any(where == "cell diagram" for _size, where in heights)
    small = [(round(size, 1), where) for size, where in heights if size < PRESENTER_TEXT_FLOOR_PX]
    assert not small
    features.presenter.leave()


def test_presenting_shows_the_teachers_panels_each_big_enough(classroom, qtbot) -> None:
    window, features = present(classroom, qtbot, 1.6, panels="unrolled,memory,gradients")
    studio = window.studio
    shown = {name for name, dock in studio.docks.items() if dock.isVisible()}
    assert shown == {"unrolled", "gradients"}
    assert studio.memory.isVisible()
    for panel in (studio.unrolled, studio.memory, studio.gradients):
        assert panel.width() >= 400 and panel.height() >= 250, (panel.objectName(), panel.size())
    assert studio.gradients.plot.getViewBox().height() >= 150  # the curve, not a sliver
    features.presenter.leave()
    assert all(dock.isVisible() for dock in studio.docks.values() if dock.objectName() != "")
    # The choice is kept in the settings for the next lesson.
    assert panel_ids(read_preferences(open_settings()).presenter_panels) == (
        "unrolled",
        "memory",
        "gradients",
    )


def test_the_view_menu_changes_the_presenter_panels(classroom, qtbot) -> None:
    window, features = present(classroom, qtbot, 1.6, panels="unrolled,memory")
    assert not window.studio.docks["gates"].isVisible()
    features.actions["action_present_gates"].trigger()
    assert window.studio.docks["gates"].isVisible()  # applied while presenting
    assert "gates" in panel_ids(read_preferences(open_settings()).presenter_panels)
    features.actions["action_present_memory"].trigger()
    assert not window.studio.memory.isVisible()
    features.presenter.leave()
    assert window.studio.memory.isVisible()


@pytest.mark.parametrize("scale", [1.6, 2.0])
def test_equations_subscripts_read_from_the_back_too(classroom, qtbot, scale) -> None:
    # Qt draws <sub> at two thirds of the text: 13 px in a 19 px text before.
    window, features = present(classroom, qtbot, scale, panels="equations,unrolled,memory")
    browser = window.studio.equations.browser
    assert browser.isVisible() and not browser.visibleRegion().isEmpty()
    heights = [size for size, where in text_heights(window) if "equations_text" in where]
    assert len(heights) > 20  # the equations' fragments, subscripts among them
    assert min(heights) >= PRESENTER_TEXT_FLOOR_PX, min(heights)
    features.presenter.leave()
    # Back to the everyday subscripts (two thirds of the text) after presenting.
    everyday = [size for size, where in text_heights(window) if "equations_text" in where]
    assert min(everyday) < PRESENTER_TEXT_FLOOR_PX


def test_a_controls_name_goes_with_the_control_when_presenting(classroom, qtbot) -> None:
    window, features = present(classroom, qtbot, 1.6)
    studio = window.studio
    names = [
        label
        for label in studio.findChildren(QLabel)
        if label.buddy() is not None and label.isVisible() and not label.buddy().isVisible()
    ]
    assert not names, [label.text() for label in names]  # "Layers" without its spin box
    layers = studio.unrolled.layers_box
    assert not layers.isVisible()
    features.presenter.leave()
    label = next(w for w in studio.findChildren(QLabel) if w.buddy() is layers)
    assert label.isVisible() and layers.isVisible()
