"""Horizontal bars, one per unit, lined up with the heatmap rows: the state at one step.

The bars are drawn as a small image (units × :data:`BINS` pixels, three colours) rather than
one rectangle per unit, so a step at hidden size 256 costs one NumPy comparison and one
``drawImage`` instead of hundreds of filled rectangles.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from rnn_studio.studio_core.numbers import format_number
from rnn_studio.ui.theme import Palette, current_palette, graphic_colour
from rnn_studio.ui.widgets.axes import LegibleAxis, outward_ticks

#: Horizontal resolution of the bars (value axis).
BINS = 96
#: Blank share of the value range on either side of the bars.
X_PADDING = 0.05
#: How far (pixels) a tick label at either end may reach past the value axis.
END_LABEL_OVERHANG_PX = 24


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
        self.positive, self.negative = positive, negative
        self.image = BarsImage()
        plot.addItem(self.image)
        self.zero_line = plot.addLine(x=0.0)
        plot.setLabel("bottom", x_label)
        plot.invertY(True)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        outward_ticks(plot)
        plot.getAxis("left").setStyle(showValues=False)
        bottom = plot.getAxis("bottom")
        bottom.enableAutoSIPrefix(False)
        # The end labels sit on the plot's edges: let them overhang the axis a little rather
        # than vanish (pyqtgraph hides a horizontal label that leaves the axis rectangle),
        # and let the three labels fill a narrow axis.
        bottom.setStyle(hideOverlappingLabels=END_LABEL_OVERHANG_PX, textFillLimits=[(0, 0.95)])
        plot.setContentsMargins(0, 0, END_LABEL_OVERHANG_PX / 2, 0)  # room for the last label
        self.values = np.zeros(0)
        self.low = self.high = 0.0  # the value axis (set_x_range)
        self.centres = np.zeros(0)  # the pixels' centres on the value axis (set_x_range)
        self.apply_palette(current_palette())
        self.set_x_range(*x_range)

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the bars, their background and the zero line for ``palette``."""
        colours = [
            QColor(palette.plot_background),
            QColor(graphic_colour(self.positive, palette)),
            QColor(graphic_colour(self.negative, palette)),
        ]
        self.lookup = np.array([c.rgba() for c in colours], dtype=np.uint32)
        self._make_rows()
        self.zero_line.setPen(pg.mkPen(palette.current_step, width=1))
        if self.values.size:
            self.set_values(self.values)

    @property
    def background(self) -> QColor:
        """The colour of the empty part of each row (the plot background)."""
        return QColor.fromRgba(int(self.lookup[0]))

    def set_values(self, values: np.ndarray) -> None:
        """Show one value per unit.

        Pixel j of a row covers [edges[j], edges[j+1]) and is filled when its centre lies
        between 0 and the value. A row is then one of 2 × (BINS + 1) possible rows (the sign,
        and how many centres the value passes), made once per range and palette
        (:meth:`_make_rows`): a step picks one per unit instead of comparing every pixel.
        """
        finite = np.asarray(values, dtype=float)
        if not np.isfinite(finite).all():  # the check is ~10× cheaper than the replacement
            finite = np.nan_to_num(finite, nan=0.0)
        self.values = finite
        units = len(finite)
        # Non-negative values fill the centres in [0, value]: rows 0 … BINS by how many
        # centres are ≤ value; negative ones fill [value, 0): rows BINS + 1 + the first
        # centre ≥ value.
        row = np.where(
            finite >= 0,
            np.searchsorted(self.centres, finite, side="right"),
            BINS + 1 + np.searchsorted(self.centres, finite, side="left"),
        )
        rect = QRectF(self.low, -0.5, self.high - self.low, float(max(units, 1)))
        self.image.set_pixels(self._rows[row], rect)

    def _make_rows(self) -> None:
        """Every row a unit can show, as pixels (see :meth:`set_values`)."""
        columns = np.arange(BINS)
        negative_start = int(np.searchsorted(self.centres, 0.0, side="left"))
        passed = np.arange(BINS + 1)[:, None]  # centres ≤ value, or the first centre ≥ value
        positive = np.where((columns >= negative_start) & (columns < passed), 1, 0)
        negative = np.where((columns >= passed) & (columns < negative_start), 2, 0)
        self._rows = self.lookup[np.concatenate([positive, negative])]

    def set_x_range(self, low: float, high: float) -> None:
        """Fix the value axis (e.g. −1 to 1 for tanh states)."""
        if self.centres.size and (float(low), float(high)) == (self.low, self.high):
            return  # the same axis (a tanh state's −1 to 1 at every new trace): nothing to redo
        self.low, self.high = float(low), float(high)
        edges = np.linspace(self.low, self.high, BINS + 1)
        self.centres = (edges[:-1] + edges[1:]) / 2
        self._make_rows()
        self.plot.setXRange(self.low, self.high, padding=X_PADDING)
        self.plot.getAxis("bottom").setTicks([range_ticks(self.low, self.high)])
        self.keep_labels_apart()
        if self.values.size:
            self.set_values(self.values)

    def keep_labels_apart(self) -> None:
        """Room for the value labels in the axis's font; call it after a font change.

        With a :class:`~rnn_studio.ui.widgets.axes.LegibleAxis` the end labels are written
        inside the plot, whole (presenter mode's "0.56" ran to the view's edge, its "−0.56"
        into the colour bar's "−0.4"), and the "0" between them where it keeps a gap from
        both (at text size 2.0 "−1" and "0" touched and read "−10 1").
        """
        axis = self.plot.getAxis("bottom")
        if not isinstance(axis, LegibleAxis):
            return
        axis.labels_inside = True
        metrics = QFontMetricsF(axis.style["tickFont"] or axis.font())
        widest = max(
            metrics.horizontalAdvance(text) for _, text in range_ticks(self.low, self.high)
        )
        # pyqtgraph leaves out a label that reaches this far past the axis; the axis then
        # moves it inside the plot.
        axis.setStyle(hideOverlappingLabels=math.ceil(widest) + 2)


def _tick_label(value: float) -> str:
    # format_number, not "%.2g": "1e+10" read as "1e+1" once the axis cut its last digit.
    return format_number(value, 2).replace("-", "−")


def range_ticks(low: float, high: float) -> list[tuple[float, str]]:
    """Ticks at both ends of the value axis and at 0 (−1, 0, 1 for tanh-bounded values).

    One fixed level: pyqtgraph drops tick labels it cannot fit without overlap level by
    level, and a second level would make the ends vanish first in a narrow plot.
    """
    ticks = [(low, _tick_label(low)), (high, _tick_label(high))]
    if low < 0 < high:
        ticks.insert(1, (0.0, "0"))
    return ticks
