"""The unit bars pick each unit's row of pixels from rows made once per range and palette: the
same pixels as comparing every pixel's centre with the value (the way they were drawn before),
NaN and infinities included."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from rnn_studio.ui.theme import DARK, LIGHT, OKABE_ITO
from rnn_studio.ui.widgets.bars import UnitBars


def compared_pixel_by_pixel(bars: UnitBars, values: np.ndarray) -> np.ndarray:
    """Each pixel filled when its centre lies between 0 and the value (NaN shown as 0)."""
    finite = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    centres = bars.centres
    filled = np.where(
        finite[:, None] >= 0,
        (centres >= 0) & (centres <= finite[:, None]),
        (centres < 0) & (centres >= finite[:, None]),
    )
    return bars.lookup[np.where(filled, np.where(finite[:, None] >= 0, 1, 2), 0)]


@pytest.mark.parametrize("x_range", [(-1.0, 1.0), (-0.16, 0.16), (0.0, 1.0), (-3.0, 0.5)])
def test_rows_are_the_pixels_compared_one_by_one(qtbot, x_range) -> None:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    bars = UnitBars(
        widget.getPlotItem(), "h_t", OKABE_ITO["vermillion"], OKABE_ITO["blue"], x_range
    )
    rng = np.random.default_rng(3)
    low, high = x_range
    centres = bars.centres
    special = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e300, -1e300, low, high, *centres[::7]]
    values = np.concatenate([rng.uniform(low - 0.5, high + 0.5, 500), special])
    for palette in (LIGHT, DARK):
        bars.apply_palette(palette)
        bars.set_values(values)
        shown = bars.image._pixels
        expected = compared_pixel_by_pixel(bars, values)
        assert shown.shape == (len(values), len(centres))
        assert np.array_equal(shown, expected)
        # The background, positive and (where the axis has room for them) negative values.
        assert len(np.unique(shown)) == (3 if low < 0 else 2)
    np.testing.assert_array_equal(bars.values[-len(special) :][2], 0.0)  # NaN shown as 0


def test_setting_the_same_range_again_keeps_the_rows_and_shows_the_values(qtbot) -> None:
    """A new trace of a tanh state sets −1 to 1 again: nothing is rebuilt, and the pixels are
    still those compared one by one; a new range rebuilds them."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    bars = UnitBars(widget.getPlotItem(), "h_t", OKABE_ITO["vermillion"], OKABE_ITO["blue"])
    bars.set_x_range(-1.0, 1.0)
    rows = bars._rows
    values = np.random.default_rng(5).uniform(-1.2, 1.2, 256)
    bars.set_values(values)
    bars.set_x_range(-1.0, 1.0)
    assert bars._rows is rows
    assert np.array_equal(bars.image._pixels, compared_pixel_by_pixel(bars, values))
    bars.set_x_range(-0.5, 0.5)
    assert bars._rows is not rows and (bars.low, bars.high) == (-0.5, 0.5)
    assert np.array_equal(bars.image._pixels, compared_pixel_by_pixel(bars, values))
