"""Horizontal bars, one per unit, lined up with the heatmap rows: the state at one step.

The bars are drawn as a small image (units × :data:`BINS` pixels, three colours) rather than
one rectangle per unit, so a step at hidden size 256 costs one NumPy comparison and one
``drawImage`` instead of hundreds of filled rectangles.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from rnn_studio.ui.theme import BACKGROUND, HIGHLIGHT
from rnn_studio.ui.widgets.axes import outward_ticks

#: Horizontal resolution of the bars (value axis).
BINS = 96


class BarsImage(pg.GraphicsObject):
    """Paints a small ARGB image into a fixed data rectangle; cheaper than ``ImageItem``
    for an image that changes at every step (no level or lookup-table pipeline)."""

    def __init__(self) -> None:
        super().__init__()
        self.rect = QRectF(0.0, -0.5, 1.0, 1.0)
        self.qimage: QImage | None = None
        self._pixels = np.zeros((1, 1), np.uint32)

    def set_pixels(self, pixels: np.ndarray, rect: QRectF) -> None:
        """Show ``pixels`` (rows × columns of 0xAARRGGBB) stretched over ``rect``."""
        self._pixels = np.ascontiguousarray(pixels, dtype=np.uint32)
        rows, columns = self._pixels.shape
        self.qimage = QImage(
            self._pixels.data, columns, rows, columns * 4, QImage.Format.Format_ARGB32
        )
        if rect != self.rect:
            self.prepareGeometryChange()
            self.rect = QRectF(rect)
        self.update()

    def boundingRect(self) -> QRectF:
        return self.rect

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self.qimage is not None:
            painter.drawImage(self.rect, self.qimage)


class UnitBars:
    """Bars of ``values[unit]`` on ``plot`` (units down the y axis, value along x).

    Positive values use the ``positive`` colour and negative ones ``negative``.
    """

    def __init__(
        self,
        plot: pg.PlotItem,
        x_label: str,
        positive: str,
        negative: str,
        x_range: tuple[float, float] = (-1.0, 1.0),
    ) -> None:
        self.plot = plot
        colours = [QColor(BACKGROUND), QColor(positive), QColor(negative)]
        self.lookup = np.array([c.rgba() for c in colours], dtype=np.uint32)
        self.image = BarsImage()
        plot.addItem(self.image)
        plot.addLine(x=0.0, pen=pg.mkPen(HIGHLIGHT, width=1))
        plot.setLabel("bottom", x_label)
        plot.invertY(True)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        outward_ticks(plot)
        plot.getAxis("left").setStyle(showValues=False)
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.values = np.zeros(0)
        self.set_x_range(*x_range)

    def set_values(self, values: np.ndarray) -> None:
        """Show one value per unit."""
        finite = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
        self.values = finite
        units = len(finite)
        # Pixel j of a row covers [edges[j], edges[j+1]); it is filled between 0 and the value.
        filled = np.where(
            finite[:, None] >= 0,
            (self.centres >= 0) & (self.centres <= finite[:, None]),
            (self.centres < 0) & (self.centres >= finite[:, None]),
        )
        index = np.where(filled, np.where(finite[:, None] >= 0, 1, 2), 0)
        rect = QRectF(self.low, -0.5, self.high - self.low, float(max(units, 1)))
        self.image.set_pixels(self.lookup[index], rect)

    def set_x_range(self, low: float, high: float) -> None:
        """Fix the value axis (e.g. −1 to 1 for tanh states)."""
        self.low, self.high = float(low), float(high)
        edges = np.linspace(self.low, self.high, BINS + 1)
        self.centres = (edges[:-1] + edges[1:]) / 2
        self.plot.setXRange(self.low, self.high, padding=0.05)
        ticks = [(self.low, f"{self.low:.3g}"), (self.high, f"{self.high:.3g}")]
        if self.low < 0 < self.high:
            ticks.insert(1, (0.0, "0"))
        self.plot.getAxis("bottom").setTicks([ticks])
        if self.values.size:
            self.set_values(self.values)
