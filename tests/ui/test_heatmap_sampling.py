"""A heatmap colour-maps only the values its device pixels show (one per pixel, the value at
the pixel's centre), and looks as the whole image drawn scaled down does."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from rnn_studio.ui.widgets import heatmap
from rnn_studio.ui.widgets.heatmap import TimeHeatmap, pixel_samples


@pytest.mark.parametrize(("count", "pixels"), [(1000, 483.4), (1000, 999), (256, 138.9), (7, 3)])
def test_pixel_samples_take_the_value_under_each_pixel_centre(count, pixels) -> None:
    index = pixel_samples(count, pixels)
    n = int(pixels)
    assert index is not None and len(index) == n
    centres = (np.arange(n) + 0.5) * count / n  # pixel centres in value units
    assert np.all(index <= centres) and np.all(centres < index + 1)  # the value under it
    assert index[0] >= 0 and index[-1] <= count - 1 and np.all(np.diff(index) >= 1)


@pytest.mark.parametrize(("count", "pixels"), [(1000, 1000), (1000, 1500.5), (5, 0), (5, -1)])
def test_every_value_is_drawn_when_there_are_pixels_enough(count, pixels) -> None:
    assert pixel_samples(count, pixels) is None


def _widget(qtbot, width: int, height: int):
    widget = pg.GraphicsLayoutWidget()
    qtbot.addWidget(widget)
    plot = widget.addPlot()
    hmap = TimeHeatmap(plot, pg.colormap.get("viridis"), "unit")
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, hmap


def _pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    rows = np.array(image.constBits()).reshape(image.height(), image.bytesPerLine() // 4, 4)
    return rows[:, : image.width(), :3].astype(int)


def test_the_image_holds_the_sampled_values_and_all_of_them_after_a_resize(qtbot) -> None:
    widget, hmap = _widget(qtbot, 560, 200)
    values = np.random.default_rng(0).standard_normal((1000, 256))
    values[3, 5], values[500, 7] = np.nan, np.inf
    hmap.set_values(values, (-2.0, 2.0))
    steps, units = hmap.samples
    box = hmap.plot.vb
    assert steps is not None and len(steps) == int(box.width()) < 1000
    assert units is not None and len(units) == int(box.height()) < 256
    cleaned = np.clip(np.nan_to_num(values, nan=0.0, posinf=2.0, neginf=-2.0), -1e6, 1e6)
    np.testing.assert_array_equal(hmap.image.image, cleaned[np.ix_(steps, units)].T)
    # The image spans every step and unit whatever its number of columns.
    assert hmap.image.mapRectToParent(hmap.image.boundingRect()).getRect() == pytest.approx(
        (-0.5, -0.5, 1000.0, 256.0)
    )
    widget.resize(1400, 600)  # wider than the steps, taller than the units: every value
    qtbot.waitUntil(lambda: hmap.samples == (None, None))
    np.testing.assert_array_equal(hmap.image.image, cleaned.T)
    widget.resize(560, 200)
    qtbot.waitUntil(lambda: hmap.samples[0] is not None)
    np.testing.assert_array_equal(hmap.image.image, cleaned[np.ix_(*hmap.samples)].T)


def test_a_sampled_heatmap_looks_as_the_whole_image_drawn_scaled_down(qtbot, monkeypatch) -> None:
    """Drawn by nearest neighbour, both show one value per pixel; they may pick a neighbouring
    value at some pixels (the phase of Qt's scaling), so compare a smooth field: no pixel
    differs by more than a neighbour's colour step, and on average by under 2 of 255."""
    t, u = np.meshgrid(np.arange(1000), np.arange(256), indexing="ij")
    values = np.sin(t / 60.0) * np.cos(u / 30.0)
    shots = []
    for sampled in (True, False):
        if not sampled:
            monkeypatch.setattr(heatmap, "pixel_samples", lambda count, pixels: None)
        widget, hmap = _widget(qtbot, 560, 200)
        hmap.set_values(values, (-1.0, 1.0))
        hmap.overlay.hide()
        assert (hmap.samples[0] is not None) is sampled
        shots.append(_pixels(widget))
    difference = np.abs(shots[0] - shots[1]).max(axis=-1)
    assert difference.max() <= 12, np.quantile(difference, [0.5, 0.99, 1.0])
    assert difference.mean() < 2.0
