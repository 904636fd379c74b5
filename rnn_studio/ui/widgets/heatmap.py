"""A units × time heatmap that fills in as the stepper advances.

The whole image is set once per trace (:meth:`TimeHeatmap.set_values`), sampled to the
plot's size in device pixels: a 1,000-step, 256-unit trace in a 500-pixel-wide plot is
colour-mapped as 500 columns, the ones the screen would show anyway (a scaled image is drawn
by nearest neighbour: one value per pixel, taken at the pixel's centre), not 1,000. A resize
samples again from the kept values. Moving the cursor
touches only a :class:`CursorOverlay` whose size never changes: it paints a veil over the
steps not reached yet and an outline round the current step, and asks Qt to repaint just the
columns that changed. Playing a 1,000-step, 256-unit trace therefore redraws a sliver of the
image per frame, not the image.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from rnn_studio.ui.theme import LEVEL_CEILING, Palette, current_palette
from rnn_studio.ui.widgets.axes import outward_ticks

#: Extra pixels repainted either side of a changed column (the outline's pen is 2.5 px).
PEN_MARGIN_PX = 4.0
#: Opacity (of 255) of the veil over the steps not reached yet.
VEIL_ALPHA = 235


class CursorOverlay(pg.GraphicsObject):
    """The veil over steps after the cursor and the outline of the current step."""

    def __init__(self) -> None:
        super().__init__()
        self.pen = QPen()
        self.pen.setWidthF(2.5)
        self.pen.setCosmetic(True)
        self.apply_palette(current_palette())
        self.steps = 0
        self.units = 0
        self.current_step = 0
        self.reveal = True
        self.setZValue(5)

    def apply_palette(self, palette: Palette) -> None:
        """A veil of the plot background and an outline in the current-step colour."""
        veil = QColor(palette.plot_background)
        veil.setAlpha(VEIL_ALPHA)
        self.veil = QBrush(veil)
        self.pen.setColor(QColor(palette.current_step))
        self.update()

    def set_size(self, steps: int, units: int) -> None:
        """Cover a new image of ``steps`` columns and ``units`` rows."""
        self.prepareGeometryChange()
        self.steps, self.units = steps, units
        self.update()

    def set_cursor(self, t: int, reveal: bool = True) -> None:
        """Move to step ``t``, repainting only the columns between the old and new cursor."""
        old, self.current_step = self.current_step, t
        changed_reveal = reveal != self.reveal
        self.reveal = reveal
        if changed_reveal:
            self.update()
            return
        low, high = min(old, t), max(old, t)
        margin = PEN_MARGIN_PX * (self.pixelWidth() or 0.0)
        self.update(QRectF(low - 0.5 - margin, -0.5, high - low + 1 + 2 * margin, self.units))

    def boundingRect(self) -> QRectF:
        return QRectF(-0.5, -0.5, float(self.steps), float(self.units))

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self.steps:
            return
        if self.reveal and self.current_step + 1 < self.steps:
            start = self.current_step + 0.5
            painter.fillRect(QRectF(start, -0.5, self.steps - 0.5 - start, self.units), self.veil)
        painter.setPen(self.pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(self.current_step - 0.5, -0.5, 1.0, float(self.units)))


class TimeHeatmap:
    """An image of ``values[t, unit]`` on ``plot``: time along x, units along y.

    Parameters
    ----------
    plot : pyqtgraph.PlotItem
        The plot to draw on (its axes are labelled here).
    colour_map : pyqtgraph.ColorMap
        Map for the image.
    y_label : str
        Axis label for the units (e.g. "h: unit").
    """

    def __init__(self, plot: pg.PlotItem, colour_map: pg.ColorMap, y_label: str) -> None:
        self.plot = plot
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(colour_map)
        plot.addItem(self.image)
        plot.setLabel("bottom", "time step t")
        plot.setLabel("left", y_label)
        plot.invertY(True)  # unit 0 at the top, like a matrix
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        outward_ticks(plot)
        self.overlay = CursorOverlay()
        plot.addItem(self.overlay)
        self.steps = 0
        self.units = 0
        self.highlighted_step: int | None = None
        self.values: np.ndarray | None = None  # (T, units) as given (not copied)
        self.levels = (0.0, 1.0)
        self.samples: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
        plot.vb.sigResized.connect(self._resized)

    def set_values(self, values: np.ndarray, levels: tuple[float, float]) -> None:
        """Show ``values`` of shape (T, units); called once per trace."""
        self.values = np.asarray(values)
        self.levels = levels
        self.steps, self.units = self.values.shape
        self.samples = self._samples()
        self._draw()
        self.overlay.set_size(self.steps, self.units)
        self.plot.setXRange(-0.5, self.steps - 0.5, padding=0)
        self.plot.setYRange(-0.5, self.units - 0.5, padding=0)

    def set_cursor(self, t: int, reveal: bool = True) -> None:
        """Outline step ``t`` and (if ``reveal``) veil the steps after it."""
        self.highlighted_step = t
        self.overlay.set_cursor(t, reveal)

    def _samples(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The steps and units the plot's device pixels show (None: every one)."""
        box = self.plot.vb
        views = box.scene().views() if box.scene() is not None else []
        ratio = views[0].devicePixelRatioF() if views else 1.0
        return (
            pixel_samples(self.steps, box.width() * ratio),
            pixel_samples(self.units, box.height() * ratio),
        )

    def _resized(self, *_: object) -> None:
        if self.values is None:
            return
        samples = self._samples()
        if _counts(samples) != _counts(self.samples):
            self.samples = samples
            self._draw()

    def _draw(self) -> None:
        """Colour-map the sampled values (only those: the mapping costs per value)."""
        assert self.values is not None
        steps, units = self.samples
        data = self.values
        if steps is not None:
            data = data[steps]
        if units is not None:
            data = data[:, units]
        low, high = self.levels
        # Exploded states (up to 1e308) are clipped to ±LEVEL_CEILING so the image's scaling
        # cannot overflow; anything past the levels shows in the end colours anyway.
        data = np.nan_to_num(np.asarray(data, dtype=float), nan=0.0, posinf=high, neginf=low)
        data = np.clip(data, -LEVEL_CEILING, LEVEL_CEILING)
        # row-major: rows are units (y), columns are time steps (x).
        self.image.setImage(np.ascontiguousarray(data.T), levels=self.levels, autoLevels=False)
        # Column t is centred on x = t and row u on y = u (with samples: each sampled column
        # spans its share of the steps), so ticks name steps and units.
        self.image.setRect(QRectF(-0.5, -0.5, float(self.steps), float(self.units)))


def _counts(samples: tuple[np.ndarray | None, ...]) -> tuple[int | None, ...]:
    return tuple(None if index is None else len(index) for index in samples)


def pixel_samples(count: int, pixels: float) -> np.ndarray | None:
    """Indices of the ``count`` columns (or rows) that ``pixels`` device pixels show.

    None when there are at least as many pixels as values (every value is drawn). Else one
    index per pixel, the value under the pixel's centre: pixel j of n covers
    [j·count/n, (j+1)·count/n) and shows value ⌊(j + ½)·count/n⌋, which is what drawing the
    whole image scaled down by nearest neighbour shows.
    """
    n = int(pixels)
    if n <= 0 or n >= count:
        return None
    return ((np.arange(n) + 0.5) * (count / n)).astype(np.intp)
