"""A units × time heatmap that fills in as the stepper advances.

The whole image is set once per trace (:meth:`TimeHeatmap.set_values`); moving the cursor
only moves two rectangles (a mask over the steps not yet reached and an outline on the
current step), so playing a 1,000-step, 256-unit trace costs no image work per frame.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from rnn_studio.ui.theme import BACKGROUND, HIGHLIGHT
from rnn_studio.ui.widgets.axes import outward_ticks


class TimeHeatmap:
    """An image of ``values[t, unit]`` on ``plot``: time along x, units along y.

    Parameters
    ----------
    plot : pyqtgraph.PlotItem
        The plot to draw on (its axes are labelled here).
    colour_map : pyqtgraph.ColorMap
        Map for the image.
    y_label : str
        Axis label for the units (e.g. "hidden unit").
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
        self.mask = QGraphicsRectItem()
        mask_colour = QColor(BACKGROUND)
        mask_colour.setAlpha(235)
        self.mask.setBrush(QBrush(mask_colour))
        self.mask.setPen(QPen(QColor(0, 0, 0, 0)))
        self.mask.setZValue(5)
        plot.addItem(self.mask)
        self.outline = QGraphicsRectItem()
        pen = QPen(QColor(HIGHLIGHT))
        pen.setWidthF(2.5)
        pen.setCosmetic(True)
        self.outline.setPen(pen)
        self.outline.setZValue(6)
        plot.addItem(self.outline)
        self.steps = 0
        self.units = 0
        self.highlighted_step: int | None = None

    def set_values(self, values: np.ndarray, levels: tuple[float, float]) -> None:
        """Show ``values`` of shape (T, units); called once per trace."""
        data = np.nan_to_num(
            np.asarray(values, dtype=float), nan=0.0, posinf=levels[1], neginf=levels[0]
        )
        self.steps, self.units = data.shape
        # row-major: rows are units (y), columns are time steps (x).
        self.image.setImage(np.ascontiguousarray(data.T), levels=levels, autoLevels=False)
        # Column t is centred on x = t and row u on y = u, so ticks name steps and units.
        self.image.setRect(QRectF(-0.5, -0.5, float(self.steps), float(self.units)))
        self.plot.setXRange(-0.5, self.steps - 0.5, padding=0)
        self.plot.setYRange(-0.5, self.units - 0.5, padding=0)

    def set_cursor(self, t: int, reveal: bool = True) -> None:
        """Outline step ``t`` and (if ``reveal``) hide the steps after it."""
        self.highlighted_step = t
        self.outline.setRect(QRectF(t - 0.5, -0.5, 1.0, float(self.units)))
        hidden_from = t + 1 if reveal else self.steps
        width = float(max(self.steps - hidden_from, 0))
        self.mask.setRect(QRectF(hidden_from - 0.5, -0.5, width, float(self.units)))
        self.mask.setVisible(hidden_from < self.steps)
