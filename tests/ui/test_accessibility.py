"""Accessibility: step description, names and tooltips on every control, tab order, focus ring."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QTabBar

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.numbers import format_factor, format_number
from rnn_studio.ui.accessibility import (
    describe_step,
    focus_chain,
    interactive_widgets,
    unreachable,
)


def test_description_reads_the_numbers_of_the_step():
    session = StudioSession(DemoSetup(text="abcab", cell="lstm", hidden_size=5, cursor=3, seed=4))
    session.backprop()
    text = describe_step(session)
    trace = session.run.primary.trace
    norm = np.linalg.norm(trace.hidden[3])
    forget = np.mean(trace.gates["f"][3])
    norms = session.gradients["lstm"].grad_norms
    assert text == (
        f"t = 3, input 'a', hidden norm {format_number(norm)}, forget gate mean "
        f"{format_number(forget)}, gradient {format_factor(norms[3] / norms[4])} the loss step's"
    )


@pytest.mark.parametrize(
    ("setup", "cursor", "absent"),
    [
        # ReLU, ρ = 3: the hidden norm reaches 9×10²⁷ (was "9337744823357947577070780416.00")
        (dict(text="abcdefghij" * 7, nonlinearity="relu", spectral_radius=3.0), -1, "%"),
        # tanh, ρ = 0.3 over 400 steps: the first step's share is 10⁻²³¹ (was "1.2e-229%")
        (dict(text="abcdefghij" * 40, spectral_radius=0.3), 0, "%"),
        # tanh, ρ = 3, 64 units: the gradient grows 2×10¹² back (was "246501076619418%")
        (dict(text="abcdefghij" * 10, hidden_size=64, spectral_radius=3.0), 0, "%"),
    ],
)
def test_status_numbers_are_for_people(setup: dict, cursor: int, absent: str) -> None:
    session = StudioSession(DemoSetup(cursor=cursor, backprop=True, **setup))
    text = describe_step(session)
    assert absent not in text and "-0" not in text
    for number in re.findall(r"\d[\d.]*", text.split("input")[1]):
        integer = number.split(".")[0]
        assert len(integer) <= 6, text  # never thirty digits: scientific from 10⁶ on
        assert len(number) <= 8, text


def test_description_for_each_cell_and_before_backprop():
    gru = StudioSession(DemoSetup(text="xyz", cell="gru", cursor=0))
    assert re.fullmatch(
        r"t = 0, input 'x', hidden norm [\d.]+, update gate mean [\d.]+", describe_step(gru)
    )
    rnn = StudioSession(DemoSetup(text="1 2 3", mode="numbers", cursor=-1))
    assert re.fullmatch(r"t = 2, input '3', hidden norm [\d.]+", describe_step(rnn))
    compare = StudioSession(DemoSetup(text="ab", cell="compare"))
    assert describe_step(compare).startswith("LSTM, t = 1")
    rnn.set_loss_step(0)
    rnn.backprop()
    assert describe_step(rnn).endswith("no gradient (after the loss step)")


@pytest.fixture
def window(classroom):
    main, _features = classroom(StudioSession(DemoSetup(text="hello", cell="lstm", cursor=1)))
    return main


def test_status_line_follows_the_step_and_is_accessible(window):
    line = window.menus.status_line
    assert line.text() == describe_step(window.session)
    window.session.step_forward()
    assert line.text().startswith("t = 2, input 'l'")
    assert line.accessibleDescription() == line.text()
    assert line.accessibleName() == "Current step"


def _all_areas(window):
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        yield window.tabs.tabText(index)


def test_every_control_has_a_name_and_a_tooltip(window):
    for area in _all_areas(window):
        controls = interactive_widgets(window)
        assert len(controls) > 3, area
        nameless = [c.objectName() or type(c).__name__ for c in controls if not c.accessibleName()]
        untipped = [c.objectName() or type(c).__name__ for c in controls if not c.toolTip()]
        undescribed = [
            c.objectName() or type(c).__name__ for c in controls if not c.accessibleDescription()
        ]
        assert not nameless, f"{area}: no accessible name: {nameless}"
        assert not untipped, f"{area}: no tooltip: {untipped}"
        assert not undescribed, f"{area}: no accessible description: {undescribed}"


def test_studio_controls_have_real_names_not_object_names(window):
    window.show_area("Studio")
    for control in interactive_widgets(window.studio):
        assert control.accessibleName() != control.objectName().replace("_", " "), control


def test_tab_order_reaches_every_control(window):
    for area in _all_areas(window):
        assert not unreachable(window), area
    chain = focus_chain(window)
    studio_controls = interactive_widgets(window.studio)
    assert {id(w) for w in studio_controls} <= {id(w) for w in chain}


def test_tab_key_moves_through_the_controls(window, qtbot):
    window.show_area("Studio")
    window.activateWindow()
    start = window.studio.stepper.play_button
    start.setFocus()
    qtbot.waitUntil(start.hasFocus, timeout=2000)
    seen = []
    for _ in range(6):
        window.focusNextChild()
        seen.append(QApplication.focusWidget())
    assert len({id(w) for w in seen}) == 6


def test_focus_ring_is_visible(window, qtbot):
    button = window.studio.stepper.play_button
    window.studio.stepper.speed_box.setFocus()
    qtbot.waitUntil(lambda: not button.hasFocus(), timeout=2000)
    plain = button.grab().toImage()
    button.setFocus()
    qtbot.waitUntil(button.hasFocus, timeout=2000)
    ringed = button.grab().toImage()
    assert plain != ringed


@pytest.mark.parametrize("scale", [1.5, 2.0])
def test_panel_tabs_made_by_a_larger_text_size_are_named(classroom, qtbot, scale):
    """A larger text size puts docks into tabs after start-up: their tab bars are named too."""
    from dataclasses import replace

    from tests.ui.conftest import refitted

    window, features = classroom(StudioSession(DemoSetup(text="hello", cell="lstm")))
    features.save_preferences(replace(features.preferences, font_scale=scale))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    qtbot.waitUntil(lambda: not window.studio._after_fit_timer.isActive(), timeout=8000)
    tab_bars = [c for c in interactive_widgets(window) if isinstance(c, QTabBar)]
    assert len(tab_bars) > 1
    for bar in tab_bars:
        tabs = [bar.tabText(i) for i in range(bar.count())]
        assert bar.accessibleName(), tabs
        assert bar.toolTip() and bar.accessibleDescription(), tabs
