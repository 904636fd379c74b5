"""Horizontal bars, one per unit, lined up with the heatmap rows: the state at one step."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor

from rnn_studio.ui.theme import HIGHLIGHT


class UnitBars:
    """Bars of ``values[unit]`` on ``plot`` (units down the y axis, value along x).

    Positive values use ``positive`` colour, negative ``negative``; the bars are rebuilt
    cheaply each step (one rectangle per unit).
    """

    def __init__(
        self, plot: pg.PlotItem, x_label: str, positive: str, negative: str, x_range=(-1.0, 1.0)
    ) -> None:
        self.plot = plot
        self.brushes = (QBrush(QColor(negative)), QBrush(QColor(positive)))
        self.item = pg.BarGraphItem(x0=[0.0], y=[0.0], height=[0.8], width=[0.0], pen=None)
        plot.addItem(self.item)
        plot.addLine(x=0.0, pen=pg.mkPen(HIGHLIGHT, width=1))
        plot.setLabel("bottom", x_label)
        plot.invertY(True)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.getAxis("left").setStyle(showValues=False)
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        plot.setXRange(*x_range, padding=0.05)
        self.values = np.zeros(0)

    def set_values(self, values: np.ndarray) -> None:
        """Show one value per unit."""
        finite = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
        self.values = finite
        units = np.arange(len(finite), dtype=float)
        brushes = [self.brushes[int(v >= 0)] for v in finite]
        self.item.setOpts(
            x0=np.minimum(finite, 0.0),
            width=np.abs(finite),
            y=units,
            height=np.full(len(finite), 0.8),
            brushes=brushes,
        )

    def set_x_range(self, low: float, high: float) -> None:
        """Fix the value axis (e.g. −1 to 1 for tanh states)."""
        self.plot.setXRange(low, high, padding=0.05)
