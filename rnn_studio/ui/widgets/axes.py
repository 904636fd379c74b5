"""Axes for discrete things (time steps, units): integer ticks only, no SI prefixes."""

from __future__ import annotations

import math

import pyqtgraph as pg


class IntegerAxis(pg.AxisItem):
    """An axis whose ticks fall on whole numbers (a step is never 2.5)."""

    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        levels = super().tickValues(minVal, maxVal, size)
        result = []
        for spacing, values in levels:
            if spacing < 1:
                continue
            result.append((spacing, [v for v in values if math.isclose(v, round(v))]))
        if not result:
            span = max(maxVal - minVal, 1.0)
            step = max(1, math.ceil(span / 6))
            first = math.ceil(minVal / step) * step
            result.append((step, list(range(int(first), int(maxVal) + 1, step))))
        return result


def integer_axes(*orientations: str) -> dict[str, IntegerAxis]:
    """``axisItems`` for ``addPlot``/``PlotWidget`` with integer ticks on ``orientations``."""
    return {orientation: IntegerAxis(orientation) for orientation in orientations}
