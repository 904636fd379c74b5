"""The verdict's factor per step is the geometric mean ratio."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio.studio_core.verdict import judge


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
