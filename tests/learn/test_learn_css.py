"""The Learn style sheet is built once from the colour-role table and a font scale."""

from __future__ import annotations

import re

import pytest

from rnn_studio.learn.markup import LEARN_CSS, LEARN_POINT_SIZES, learn_css
from rnn_studio.studio_core.palette import DARK, HIGH_CONTRAST, LIGHT, PALETTES


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_every_colour_in_the_sheet_is_a_role_of_its_palette(name: str) -> None:
    palette = PALETTES[name]
    css = learn_css(palette)
    rules = dict(re.findall(r"^([a-z0-9.]+) \{ color: (#[0-9A-Fa-f]{6})", css, re.M))
    assert rules == {
        "a": palette.link,
        "a.showme": palette.showme,
        "span.teacher": palette.link,
        "span.student": palette.success,
        "p.hint": palette.muted_text,
        "h2.right": palette.success,
        "h2.wrong": palette.error,
    }
    # Nothing else is coloured: no colour literal outside those rules.
    assert len(re.findall(r"#[0-9A-Fa-f]{6}", css)) == len(rules)


def test_dark_and_high_contrast_sheets_keep_no_light_colour() -> None:
    light_only = {LIGHT.link, LIGHT.showme, LIGHT.success, LIGHT.error, LIGHT.muted_text}
    for palette in (DARK, HIGH_CONTRAST):
        css = learn_css(palette).upper()
        assert [colour for colour in light_only if colour.upper() in css] == []


def test_point_sizes_are_scaled_once() -> None:
    css = learn_css(LIGHT, 1.6)
    sizes = [float(size) for size in re.findall(r"font-size: ([0-9.]+)pt", css)]
    expected = [LEARN_POINT_SIZES[name] * 1.6 for name in ("body", "h1", "h2", "h3", "equation")]
    assert sizes == pytest.approx(expected, abs=0.05)
    assert "17.6pt" in css  # body: 11 pt at the base size
    assert learn_css(LIGHT, 1.0) == LEARN_CSS


@pytest.mark.parametrize("scale", [0.0, -1.0, float("nan"), float("inf")])
def test_a_scale_that_is_not_a_positive_number_is_refused(scale: float) -> None:
    with pytest.raises(ValueError, match="scale must be a positive number"):
        learn_css(LIGHT, scale)
