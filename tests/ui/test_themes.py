"""Themes: WCAG AA contrast for every text, colour-blind-safe maps, and a live theme switch."""

from __future__ import annotations

import itertools
import re

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsRectItem

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui import theme as base_theme
from rnn_studio.ui.theme import (
    DARK,
    HIGH_CONTRAST,
    LIGHT,
    PALETTES,
    THEME_NAMES,
    contrast_ratio,
    current_palette,
    relative_luminance,
    resolve_theme,
    system_theme,
)


def test_contrast_ratio_matches_the_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    # WebAIM's checker: #767676 on white is the lightest grey passing AA (4.54:1).
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#FFFFFF") < 4.5
    assert relative_luminance("#FF0000") == pytest.approx(0.2126)


@pytest.mark.parametrize("name", THEME_NAMES)
def test_every_text_meets_wcag_aa(name):
    palette = PALETTES[name]
    failures = {
        role: round(contrast_ratio(text, background), 2)
        for role, (text, background) in {
            **palette.text_pairs(),
            **palette.accent_text_pairs(),
        }.items()
        if contrast_ratio(text, background) < 4.5
    }
    assert not failures, f"{name}: text below 4.5:1: {failures}"


@pytest.mark.parametrize("name", THEME_NAMES)
def test_focus_ring_and_lines_meet_the_non_text_minimum(name):
    palette = PALETTES[name]
    failures = {
        role: round(contrast_ratio(colour, background), 2)
        for role, (colour, background) in palette.graphic_pairs().items()
        if contrast_ratio(colour, background) < 3.0
    }
    assert not failures, f"{name}: graphics below 3:1: {failures}"


@pytest.mark.parametrize("name", THEME_NAMES)
def test_heatmap_map_is_diverging_around_the_background(name):
    palette = PALETTES[name]
    stops = palette.diverging
    assert len(stops) % 2 == 1
    middle = stops[len(stops) // 2]
    assert contrast_ratio(middle, palette.plot_background) < 1.25  # zero looks like "nothing"
    # Both ends stand out from the background, one bluish, one reddish.
    for end in (stops[0], stops[-1]):
        assert contrast_ratio(end, palette.plot_background) >= 3.0
    negative, positive = QColor(stops[0]), QColor(stops[-1])
    assert negative.blue() > negative.red() and positive.red() > positive.blue()


@pytest.mark.parametrize("name", THEME_NAMES)
def test_cell_colours_are_okabe_ito_and_distinct(name):
    colours = PALETTES[name].cells
    assert set(colours) <= set(base_theme.OKABE_ITO.values())
    for first, second in itertools.combinations(colours, 2):
        a, b = QColor(first), QColor(second)
        assert abs(a.hueF() - b.hueF()) > 0.08 or abs(a.lightnessF() - b.lightnessF()) > 0.2


def test_system_theme_is_the_default():
    expected = (
        "dark" if QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark else "light"
    )
    assert system_theme() == expected
    assert resolve_theme("system") is PALETTES[expected]
    with pytest.raises(ValueError, match="theme must be"):
        resolve_theme("sepia")


def _mask_colours(window):
    """Colours of the heatmap veils over the steps not reached yet."""
    return [
        item.veil.color().name()
        for view in window.findChildren(pg.GraphicsView)
        for item in view.scene().items()
        if isinstance(getattr(item, "veil", None), QBrush)
    ]


class _SelfStyled(QGraphicsRectItem):
    def __init__(self):
        super().__init__()
        self.palettes = []

    def apply_palette(self, palette):
        self.palettes.append(palette.name)


def test_theme_switch_changes_the_palette_and_every_plot(classroom):
    window, features = classroom()
    app = QApplication.instance()
    memory = window.studio.memory
    warning_sheet = window.studio.warning_label.styleSheet()
    features.set_theme("light")
    light_masks = _mask_colours(window)
    assert light_masks
    own = _SelfStyled()
    window.studio.gradients.plot_widget.addItem(own)

    features.set_theme("dark")
    assert current_palette() is DARK
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(DARK.window)
    assert app.palette().color(QPalette.ColorRole.WindowText) == QColor(DARK.window_text)
    assert memory.graphics.backgroundBrush().color() == QColor(DARK.plot_background)
    assert memory.hidden_map.image.getColorMap().name == "berlin"
    axis = memory.hidden_plot.getAxis("left")
    assert axis.textPen().color() == QColor(DARK.plot_foreground)
    assert set(_mask_colours(window)) == {DARK.plot_background.lower()}
    assert DARK.warning_background in window.studio.warning_label.styleSheet()
    assert DARK.focus in app.styleSheet() and ":focus" in app.styleSheet()
    assert features.actions["action_theme_dark"].isChecked()

    assert own.palettes == ["dark"]
    features.set_theme("high_contrast")
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(HIGH_CONTRAST.window)

    features.set_theme("light")
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(LIGHT.window)
    assert memory.hidden_map.image.getColorMap().name == "RdBu"
    assert _mask_colours(window) == light_masks
    assert window.studio.warning_label.styleSheet().startswith(warning_sheet)


def test_theme_choice_is_remembered(classroom):
    window, features = classroom()
    features.set_theme("high_contrast")
    window.close()
    _second, again = classroom()
    assert again.preferences.theme == "high_contrast"
    assert current_palette() is HIGH_CONTRAST


def test_colours_the_panels_set_later_follow_the_theme(classroom):
    window, features = classroom(StudioSession(DemoSetup(text="abcdefgh", cursor=-1)))
    features.set_theme("dark")
    window.session.backprop()  # the gradients panel colours its verdict now
    label = window.studio.gradients.verdict_label
    sheet = label.styleSheet()
    assert base_theme.OKABE_ITO["blue"].lower() not in sheet.lower()
    assert "color:" in sheet
    colour = re.search(r"color:\s*(#[0-9A-Fa-f]{6})", sheet).group(1)
    assert contrast_ratio(colour, DARK.window) >= 4.5
    features.set_theme("light")
    light = re.search(r"color:\s*(#[0-9A-Fa-f]{6})", label.styleSheet()).group(1)
    assert contrast_ratio(light, LIGHT.window) >= 4.5


def test_hint_links_take_the_theme_link_colour_and_come_back(classroom):
    window, features = classroom()
    hint = window.studio.memory.hint
    features.set_theme("light")
    original = hint.text()
    assert f"color:{LIGHT.link}" in original and "#0060A8" not in original
    features.set_theme("high_contrast")
    assert f"color:{HIGH_CONTRAST.link}" in hint.text() and LIGHT.link not in hint.text()
    features.set_theme("light")
    assert hint.text() == original
    assert contrast_ratio(LIGHT.link, LIGHT.window) >= 4.5
