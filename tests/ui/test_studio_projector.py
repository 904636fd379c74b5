"""The studio fits 1280×720 at the everyday font and at a projector font (×1.5).

At ×1.5 the hints collapse to one line where room is short, the unrolled chain shrinks to
its dock, and Outputs moves into a tab beside Gates; at ×1.0 everything is side by side.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.theme import apply_font_scale
from rnn_studio.ui.widgets.hint import ELLIPSIS, MORE_TEXT, plain_text
from tests.ui.conftest import refitted

WIDTH, HEIGHT = 1280, 720


def set_font_scale(qtbot, window, scale: float) -> None:
    apply_font_scale(QApplication.instance(), scale)
    window.resize(WIDTH, HEIGHT)
    qtbot.waitUntil(lambda: refitted(window), timeout=5000)
    window.resize(WIDTH, HEIGHT)
    qtbot.waitUntil(lambda: refitted(window), timeout=5000)


def open_studio(classroom, qtbot, scale: float, cell: str = "compare"):
    setup = DemoSetup(text="not bad at all, really", mode="words", cell=cell, cursor=2)
    window, _features = classroom(StudioSession(setup))
    set_font_scale(qtbot, window, scale)
    return window


def assert_fits(window) -> None:
    minimum = window.minimumSizeHint()
    assert minimum.width() <= WIDTH and minimum.height() <= HEIGHT, minimum
    assert (window.width(), window.height()) == (WIDTH, HEIGHT)
    studio = window.studio
    for panel_id, dock in studio.docks.items():
        if dock.isHidden() or dock.visibleRegion().isEmpty():
            continue  # behind another tab
        needed, given = dock.minimumSizeHint(), dock.size()
        assert needed.width() <= given.width(), (panel_id, needed, given)
        assert needed.height() <= given.height(), (panel_id, needed, given)
        top_left = dock.mapTo(studio, dock.rect().topLeft())
        bottom_right = dock.mapTo(studio, dock.rect().bottomRight())
        assert studio.rect().contains(top_left) and studio.rect().contains(bottom_right)


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_the_studio_fits_1280_by_720(classroom, qtbot, scale) -> None:
    window = open_studio(classroom, qtbot, scale)
    assert_fits(window)
    studio = window.studio
    if scale == 1.0:
        assert not studio.outputs_tabbed_for_font
        assert all(panel.isVisible() for panel in studio.panels.values())
    else:
        # Fewer panels at once: Outputs shares a place with another panel, in tabs (beside
        # Gates, or with the Stepper when the left column is in tabs too), one click away.
        assert studio.outputs_tabbed_for_font
        assert studio.tabifiedDockWidgets(studio.docks["outputs"])
        for panel_id, dock in studio.docks.items():  # every panel in front or one tab away
            assert dock.isVisible() or studio.tabifiedDockWidgets(dock), panel_id
        # The heatmap keeps its share of the height: never a sliver.
        assert studio.memory.height() >= 0.25 * studio.height_budget()
        return
    assert not studio.panels["equations"].visibleRegion().isEmpty()


def test_hints_are_whole_or_one_elided_line_never_clipped(classroom, qtbot) -> None:
    window = open_studio(classroom, qtbot, 1.5)
    collapsed = 0
    for panel_id, panel in window.studio.panels.items():
        hint = panel.hint
        if not panel.isVisible():
            continue
        assert hint.height() >= hint.height_for_state() - 1, panel_id
        if hint.collapsed:
            collapsed += 1
            assert hint.height() <= hint.line_height() + 1
            shown = plain_text_of(hint.text())
            assert shown.endswith(f"{ELLIPSIS} {MORE_TEXT}") or shown == plain_text(hint.source)
            assert hint.fontMetrics().horizontalAdvance(shown) <= hint.width()
        assert hint.toolTip() == plain_text(hint.source)  # the whole hint, always
    assert collapsed  # at ×1.5 some panels have no room for their whole hint


def test_outputs_comes_back_to_the_left_column_at_the_everyday_font(classroom, qtbot) -> None:
    window = open_studio(classroom, qtbot, 1.5)
    studio = window.studio
    assert studio.outputs_tabbed_for_font
    set_font_scale(qtbot, window, 1.0)
    assert not studio.outputs_tabbed_for_font
    assert studio.docks["outputs"].isVisible() and studio.docks["gates"].isVisible()
    assert studio.tabifiedDockWidgets(studio.docks["gates"]) == [
        studio.docks["cell"],
        studio.docks["code"],
    ]
    assert_fits(window)


def test_the_window_does_not_stay_grown_after_a_projector_font(classroom, qtbot) -> None:
    window = open_studio(classroom, qtbot, 1.0)
    app = QApplication.instance()
    apply_font_scale(app, 1.5)
    # Generous: the refit runs from a timer, and a loaded 2-core machine is slow (a random-order
    # run under load timed out at 2 s). It returns as soon as the condition holds.
    qtbot.waitUntil(lambda: window.studio.outputs_tabbed_for_font, timeout=10000)
    qtbot.waitUntil(lambda: window.height() <= HEIGHT, timeout=10000)


def test_the_unrolled_chain_shrinks_to_a_short_dock(classroom, qtbot) -> None:
    window = open_studio(classroom, qtbot, 1.5)
    view = window.studio.unrolled.view
    assert view.zoom <= view.font_zoom()
    view.resize(view.width(), view.minimumSizeHint().height())
    assert view.zoom < view.font_zoom()
    assert view.zoom >= 0.6 * view.font_zoom() - 1e-9


def test_a_collapsed_hint_keeps_its_links(classroom, qtbot) -> None:
    window = open_studio(classroom, qtbot, 1.0)
    hint = window.studio.gradients.hint
    hint.set_collapsed(True)
    assert "term:" in hint.text()  # the first glossary link still fits on the line
    assert plain_text_of(hint.text()).endswith(f"{ELLIPSIS} {MORE_TEXT}")
    hint.set_collapsed(False)
    assert ELLIPSIS not in hint.text()


def plain_text_of(rich: str) -> str:
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def test_the_tab_in_front_follows_the_cell(classroom, qtbot) -> None:
    window = open_studio(classroom, qtbot, 1.2, cell="compare")
    assert window.studio.layout_tier == "outputs_tabbed"  # Outputs beside Gates, in tabs
    window.session.set_cell_kind("rnn")
    window.executor.wait_idle()
    panels = window.studio.panels

    def in_front(panel_id: str) -> bool:
        return not panels[panel_id].visibleRegion().isEmpty()

    qtbot.waitUntil(lambda: in_front("outputs") and not in_front("gates"), timeout=10000)
    window.session.set_cell_kind("lstm")
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: in_front("gates") and not in_front("outputs"), timeout=10000)


def test_the_gradient_log_axis_labels_decades_not_a_crowd(qtbot) -> None:
    from rnn_studio.ui.widgets.axes import DecadeLogAxis

    axis = DecadeLogAxis("left")
    axis.setLogMode(True)
    wide = axis.tickValues(-30.0, 0.5, 120)
    assert all(spacing is not None for spacing, _ in wide)  # decades only, no 2…9 × 10ⁿ
    narrow = axis.tickValues(-1.7, -0.05, 120)
    labelled = [value for _, values in narrow for value in values]
    assert -1.0 in labelled  # 0.1 is labelled even when the standard ticks skip it
    assert len(labelled) <= 5  # 0.02, 0.05, 0.1, 0.2, 0.5: no pile of labels
