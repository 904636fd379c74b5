"""The verdict's factor per step is the geometric mean ratio."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio.studio_core.verdict import (
    EXPLODING_ABOVE,
    SLOWLY_ABOVE,
    VANISHING_BELOW,
    Verdict,
    judge,
    label_for,
)


@pytest.mark.parametrize("factor", [0.5, 0.97, 1.3])
def test_factor_per_step_is_the_geometric_mean_ratio(factor: float) -> None:
    steps = 40
    norms = factor ** np.arange(steps, -1, -1, dtype=float)  # 1 at the loss step
    verdict = judge(norms, rho=1.0)
    assert verdict.factor_per_step == pytest.approx(factor)
    assert verdict.steps == steps
    expected = "vanishing" if factor < 0.95 else "exploding" if factor > 1.05 else "stable"
    assert verdict.label == expected


def test_underflowed_tail_is_ignored_and_single_step_is_stable() -> None:
    norms = np.array([0.0, 0.0, 0.25, 0.5, 1.0])
    assert judge(norms, rho=0.5).factor_per_step == pytest.approx(0.5)
    single = judge(np.array([1.0]), rho=0.5)
    assert single.label == "stable" and math.isnan(single.factor_per_step)


# Boundaries: written as numbers, not as the constants, so moving a threshold fails here.
@pytest.mark.parametrize(
    ("factor", "label"),
    [
        (0.5, "vanishing"),
        (0.94, "vanishing"),
        (0.949, "vanishing"),
        (0.951, "stable"),
        (1.0, "stable"),
        (1.049, "stable"),
        (1.051, "exploding"),
        (1.06, "exploding"),
        (3.0, "exploding"),
    ],
)
def test_a_curve_just_either_side_of_each_threshold_gets_its_label(factor, label) -> None:
    steps = 60
    norms = factor ** np.arange(steps, -1, -1, dtype=float)
    verdict = judge(norms, rho=1.0)
    assert verdict.factor_per_step == pytest.approx(factor, rel=1e-12)
    assert verdict.label == label


def test_the_thresholds_themselves_count_as_stable() -> None:
    assert label_for(0.95) == "stable"
    assert label_for(math.nextafter(0.95, 0.0)) == "vanishing"
    assert label_for(1.05) == "stable"
    assert label_for(math.nextafter(1.05, 2.0)) == "exploding"
    assert label_for(math.nan) == "stable"
    assert (VANISHING_BELOW, EXPLODING_ABOVE, SLOWLY_ABOVE) == (0.95, 1.05, 0.9)


@pytest.mark.parametrize(
    ("factor", "opening"),
    [
        (0.85, "Vanishing:"),
        (0.899, "Vanishing:"),
        (0.9, "Vanishing slowly:"),
        (0.94, "Vanishing slowly:"),
    ],
)
def test_vanishing_slowly_starts_at_a_factor_of_0_9(factor, opening) -> None:
    verdict = Verdict("vanishing", factor, 1.0, 20)
    assert verdict.describe().startswith(opening)


def test_an_overflow_is_exploding_whatever_the_curve_says() -> None:
    norms = 0.5 ** np.arange(10, -1, -1, dtype=float)  # would be vanishing
    verdict = judge(norms, rho=0.5, nonfinite=True)
    assert verdict.label == "exploding" and verdict.nonfinite
    assert math.isinf(verdict.factor_per_step)
    assert verdict.describe().startswith("Overflowed:")
