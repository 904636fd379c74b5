"""Every studio view follows the theme: bars, unrolled boxes, verdict, equations, gates.

Switching the theme hands the new palette to each panel (``apply_palette``); every text
colour the panels introduce keeps WCAG AA (4.5:1) against what it sits on.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.panels.gradients import verdict_colours
from rnn_studio.ui.theme import (
    CELL_COLOURS,
    DARK,
    GATE_COLOURS,
    HIGH_CONTRAST,
    LIGHT,
    PALETTES,
    accent_text,
    apply_theme,
    contrast_ratio,
    graphic_colour,
    step_text_colour,
)
from rnn_studio.ui.widgets.bars import range_ticks
from rnn_studio.ui.widgets.chain import ChainState

PALETTE_LIST = list(PALETTES.values())


def studio(classroom, cell: str = "lstm"):
    session = StudioSession(DemoSetup(text="not bad at all", mode="words", cell=cell, cursor=1))
    window, _features = classroom(session)
    window.session.backprop()
    window.executor.wait_idle()
    return window


def rgb(colour: QColor) -> str:
    return colour.name().upper()


def test_switching_theme_recolours_bars_boxes_verdict_and_equations(classroom) -> None:
    window = studio(classroom, "compare")
    panels = window.studio
    seen = {}
    for palette in (DARK, HIGH_CONTRAST, LIGHT):
        apply_theme(palette.name)
        bars = panels.memory.hidden_bars
        chain = panels.unrolled.view.state
        verdict = panels.gradients.verdict_label.text()
        html = panels.equations.browser.toHtml()
        seen[palette.name] = (rgb(bars.background), rgb(chain.box_fill), verdict)
        assert rgb(bars.background) == palette.plot_background.upper()
        assert rgb(panels.memory.cell_bars.background) == palette.plot_background.upper()
        assert rgb(chain.box_fill) == palette.base.upper()
        assert rgb(chain.current_fill) == palette.spotlight_background.upper()
        for name, bar in panels.gates.bars.items():
            assert rgb(bar.background) == palette.plot_background.upper(), name
        # The compare-mode verdict is rich text written after the switch: its colours are
        # the palette's, not light Okabe–Ito ones swapped afterwards.
        for colour in re.findall(r"color:\s*(#[0-9A-Fa-f]{6})", verdict):
            assert contrast_ratio(colour, palette.window) >= 4.5, (palette.name, colour)
        assert verdict_colours(palette)["vanishing"].lower() in verdict.lower()
        assert step_text_colour(palette).lower() in html.lower()
    assert len({entry for entry in seen.values()}) == 3  # each theme looks different


def test_single_cell_verdict_style_follows_the_theme(classroom) -> None:
    window = studio(classroom, "rnn")
    label = window.studio.gradients.verdict_label
    for palette in (DARK, LIGHT):
        apply_theme(palette.name)
        colour = re.search(r"color:\s*(#[0-9A-Fa-f]{6})", label.styleSheet()).group(1)
        assert contrast_ratio(colour, palette.window) >= 4.5


def test_unrolled_cells_repaint_in_the_theme(classroom) -> None:
    window = studio(classroom, "rnn")
    view = window.studio.unrolled.view
    colours = {}
    for palette in (LIGHT, DARK):
        apply_theme(palette.name)
        image = view.grab().toImage()
        # The middle of the first (past) cell's box, in view coordinates.
        box = view.mapFromScene(view.cells[0].mapToScene(29.0, 40.0))
        colours[palette.name] = QColor(image.pixel(box)).name().upper()
    assert colours["light"] == LIGHT.base.upper()
    assert colours["dark"] == DARK.base.upper()


@pytest.mark.parametrize("palette", PALETTE_LIST, ids=lambda p: p.name)
def test_text_colours_the_studio_introduces_reach_aa(palette) -> None:
    backgrounds = (palette.window, palette.base)
    step = step_text_colour(palette)
    for background in backgrounds:
        assert contrast_ratio(step, background) >= 4.5, background
    for colour in verdict_colours(palette).values():
        assert contrast_ratio(colour, palette.window) >= 4.5, colour
    for kind, colour in palette.cell_colours().items():
        assert contrast_ratio(accent_text(colour, palette), palette.window) >= 4.5, kind
    for name, colour in GATE_COLOURS.items():
        assert contrast_ratio(accent_text(colour, palette), palette.window) >= 4.5, name
    chain = ChainState()
    chain.apply_palette(palette)
    pairs = {
        "cell label": (chain.ink, chain.box_fill),
        "future cell": (chain.muted, chain.box_fill),
        "current cell": (chain.current_ink, chain.current_fill),
        "current token": (chain.current_token, QColor(palette.base)),
    }
    for role, (ink, fill) in pairs.items():
        assert contrast_ratio(ink.name(), fill.name()) >= 4.5, role


@pytest.mark.parametrize("palette", PALETTE_LIST, ids=lambda p: p.name)
def test_line_and_bar_colours_reach_three_to_one_on_plots(palette) -> None:
    colours = [*CELL_COLOURS.values(), *GATE_COLOURS.values()]
    for colour in colours:
        drawn = graphic_colour(colour, palette)
        assert contrast_ratio(drawn, palette.plot_background) >= 3.0, (colour, drawn)


def test_bar_plots_label_minus_one_zero_and_one_even_when_narrow(classroom) -> None:
    window = studio(classroom, "lstm")
    assert range_ticks(-1.0, 1.0) == [(-1.0, "−1"), (0.0, "0"), (1.0, "1")]
    assert range_ticks(0.0, 1.0) == [(0.0, "0"), (1.0, "1")]
    plot = window.studio.memory.hidden_bars_plot
    axis = plot.getAxis("bottom")
    image = QImage(400, 100, QImage.Format.Format_ARGB32)
    for width in (70, 120):
        axis.resize(width, axis.height())
        axis.picture = None
        painter = QPainter(image)
        specs = axis.generateDrawSpecs(painter)
        painter.end()
        texts = sorted(spec[2] for spec in specs[2])
        assert texts == sorted(["−1", "0", "1"]), (width, texts)


def test_gate_maps_change_colour_map_with_the_theme(classroom) -> None:
    window = studio(classroom, "lstm")
    forget = window.studio.gates.maps["f"].image
    apply_theme("light")
    light = np.asarray(forget.getColorMap().getLookupTable(nPts=2))
    apply_theme("dark")
    dark = np.asarray(forget.getColorMap().getLookupTable(nPts=2))
    # 0 (closed) is near white on light plots and the dark background on dark ones.
    assert light[0][:3].min() > 200
    assert dark[0][:3].max() < 60
