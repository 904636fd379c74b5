"""The heatmaps' colour levels: ``theme.percentile`` is ``np.percentile`` without its import.

``np.percentile``'s first call imports ``numpy.ma`` (~13 ms before the first frame); the
theme's own percentile must give the same levels.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from rnn_studio.ui.theme import LEVEL_CEILING, percentile, symmetric_levels


@pytest.mark.parametrize("q", [0.0, 1.0, 50.0, 75.0, 99.0, 100.0])
def test_percentile_is_numpys(q: float) -> None:
    rng = np.random.default_rng(7)
    for size in [*range(1, 30), 100, 255, 256, 1000, 65_536]:
        values = np.abs(rng.standard_normal(size)) * 10 ** rng.uniform(-6, 6)
        values[rng.integers(0, size, size // 7)] = 0.0  # ties
        expected = float(np.percentile(values, q))
        assert percentile(values, q) == pytest.approx(expected, rel=1e-12, abs=0.0)


def test_symmetric_levels_are_the_99th_percentile_of_the_finite_magnitudes() -> None:
    values = np.linspace(-3.0, 2.0, 401)
    values[::50] = np.nan
    values[7] = np.inf
    finite = np.abs(values[np.isfinite(values)])
    low, high = symmetric_levels(values)
    assert high == pytest.approx(float(np.percentile(finite, 99)), rel=1e-12) and low == -high
    assert symmetric_levels(np.array([np.nan])) == (-1.0, 1.0)
    assert symmetric_levels(np.zeros(5)) == (-1e-6, 1e-6)
    assert symmetric_levels(np.array([1e300, -1e300])) == (-LEVEL_CEILING, LEVEL_CEILING)


def test_levels_need_no_masked_arrays() -> None:
    script = (
        "import sys, numpy as np\n"
        "from rnn_studio.ui.theme import symmetric_levels\n"
        "symmetric_levels(np.linspace(-1, 1, 50))\n"
        "print('numpy.ma' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_symmetric_levels_of_a_whole_finite_state_are_numpys() -> None:
    """A 1,000 × 256 state, all finite (no masked copy taken): the same level."""
    state = np.random.default_rng(3).standard_normal((1000, 256)) * 0.2
    low, high = symmetric_levels(state)
    assert high == pytest.approx(float(np.percentile(np.abs(state), 99)), rel=1e-12)
    assert low == -high
