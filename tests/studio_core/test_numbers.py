"""Numbers on screen are written for people (issue 11, item 6): one helper, table-driven."""

from __future__ import annotations

import math

import pytest

from rnn_studio.studio_core.numbers import format_factor, format_number, format_probability

# (value, what the screen must say). The bad examples from the issue are the first rows:
# "hidden norm 170536479836449909770039641243648.00", "8.8e+3" for 8.8e+31, "-0".
NUMBERS = [
    (170536479836449909770039641243648.0, "1.71×10³²"),
    (8.8e31, "8.80×10³¹"),
    (-0.0, "0"),
    (-0.0004, "-4.00×10⁻⁴"),
    (-1e-12, "-1.00×10⁻¹²"),
    (0.0, "0"),
    (1.0, "1"),
    (0.5964, "0.596"),
    (0.001, "0.001"),
    (0.00099, "9.90×10⁻⁴"),
    (2234.6, "2235"),
    (999999.4, "999999"),
    (1e6, "1.00×10⁶"),
    (6646253091564.0, "6.65×10¹²"),
    (2e-186, "2.00×10⁻¹⁸⁶"),
    (1.74e-18, "1.74×10⁻¹⁸"),
    (99.96, "100"),
    (-3.14159, "-3.14"),
    (math.inf, "∞"),
    (-math.inf, "-∞"),
    (math.nan, "NaN"),
    (1.7976931348623157e308, "1.80×10³⁰⁸"),
    (5e-324, "4.94×10⁻³²⁴"),
]


@pytest.mark.parametrize(("value", "expected"), NUMBERS)
def test_format_number(value: float, expected: str) -> None:
    text = format_number(value)
    assert text == expected
    assert "e+" not in text and "e-" not in text and "%" not in text
    assert len(text.split("×")[0].lstrip("-").replace(".", "")) <= 6  # never 30 digits


@pytest.mark.parametrize(
    ("probability", "expected"),
    [(0.0, "0%"), (2e-186, "<1%"), (0.004, "<1%"), (0.38, "38%"), (0.999, ">99%"), (1.0, "100%")],
)
def test_format_probability(probability: float, expected: str) -> None:
    assert format_probability(probability) == expected


def test_factors_are_never_percentages() -> None:
    assert format_factor(66462530915.64) == "×6.65×10¹⁰"
    assert format_factor(2e-188) == "×2.00×10⁻¹⁸⁸"
    assert format_factor(0.912) == "×0.912"
