"""Memory panel: the hidden state as a units × time heatmap that fills in, and h_t as bars.

For the LSTM the cell state c_t gets its own heatmap and bars underneath.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFontMetrics, QFontMetricsF
from PySide6.QtWidgets import QWidget

from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import (
    OKABE_ITO,
    Palette,
    current_palette,
    diverging_colour_map,
    restyle_axes,
    symmetric_levels,
)
from rnn_studio.ui.widgets.axes import (
    LegibleAxis,
    integer_axes,
    legible_colour_bar,
    plot_axes,
    useful_height,
)
from rnn_studio.ui.widgets.bars import UnitBars
from rnn_studio.ui.widgets.heatmap import TimeHeatmap
from rnn_studio.ui.widgets.lite_plot import LiteColourBar, LitePlotItem, add_lite_plot

#: Blank room Qt's text items leave round an axis title, each side (QTextDocument's margin).
TEXT_ITEM_MARGIN = 4.0


class MemoryPanel(StudioPanel):
    """Heatmaps of h (and c for the LSTM) over time, with the current step as bars."""

    panel_id = "memory"
    title = "Memory"
    hint_reserve_lines = 12

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setObjectName("memory_plot")
        self.graphics.setAccessibleName("Hidden state heatmap")
        self.body.addWidget(self.graphics, 1)
        palette = current_palette()
        colour_map = diverging_colour_map(palette)
        layout = self.graphics.ci
        self.plot_fonts_changed()
        self.hidden_plot = add_lite_plot(
            layout, 0, 0, axisItems=plot_axes(integer_axes("bottom", "left")), enableMenu=False
        )
        self.hidden_map = TimeHeatmap(self.hidden_plot, colour_map, "h: unit")
        self.hidden_bar = legible_colour_bar(
            LiteColourBar(
                values=(-1, 1), colorMap=colour_map, interactive=False, width=12, label="h"
            )
        )
        self.hidden_bar.setImageItem(self.hidden_map.image)
        layout.addItem(self.hidden_bar, row=0, col=1)
        self.hidden_bars_plot = add_lite_plot(
            layout, 0, 2, axisItems=plot_axes({"bottom": LegibleAxis("bottom")}), enableMenu=False
        )
        self.hidden_bars = UnitBars(
            self.hidden_bars_plot, "h_t", OKABE_ITO["vermillion"], OKABE_ITO["blue"]
        )
        self.hidden_bars_plot.setYLink(self.hidden_plot)

        self.cell_plot = LitePlotItem(
            axisItems=plot_axes(integer_axes("bottom", "left")), enableMenu=False
        )
        self.cell_map = TimeHeatmap(self.cell_plot, colour_map, "c: unit")
        self.cell_bar = legible_colour_bar(
            LiteColourBar(
                values=(-1, 1), colorMap=colour_map, interactive=False, width=12, label="c"
            )
        )
        self.cell_bar.setImageItem(self.cell_map.image)
        self.cell_bars_plot = LitePlotItem(
            axisItems=plot_axes({"bottom": LegibleAxis("bottom")}), enableMenu=False
        )
        self.cell_bars = UnitBars(
            self.cell_bars_plot, "c_t", OKABE_ITO["vermillion"], OKABE_ITO["blue"]
        )
        self.cell_bars_plot.setYLink(self.cell_plot)
        self.cell_plot.setXLink(self.hidden_plot)
        layout.layout.setColumnStretchFactor(0, 5)
        layout.layout.setColumnStretchFactor(2, 1)
        self.showing_cell_state = False
        self._set_tooltip(palette)
        self._floor_timer = QTimer(self)
        self._floor_timer.setSingleShot(True)
        self._floor_timer.setInterval(0)
        self._floor_timer.timeout.connect(self.keep_heatmaps_useful)
        self.keep_heatmaps_useful()

        bridge.trace_changed.connect(self.show_trace)
        bridge.view_cell_changed.connect(self.show_trace)
        bridge.cursor_changed.connect(self.show_step)
        self.show_trace()

    def plot_fonts_changed(self) -> None:
        """Half a line above and below the plots: the colour bars' end labels (±1.0) are
        centred on the bars' ends and would stick out of the view, cut in half. Called on a
        font change and by presenter mode when it changes the plots' tick fonts."""
        fonts = [self.font()]  # the panel has the new font (its view may not yet)
        for bar in (getattr(self, "hidden_bar", None), getattr(self, "cell_bar", None)):
            tick_font = bar.axis.style.get("tickFont") if bar is not None else None
            if tick_font is not None:
                fonts.append(tick_font)  # presenter mode's larger ticks
        line = max(QFontMetrics(font).height() for font in fonts)
        half = line // 2 + 1
        self.graphics.ci.setContentsMargins(0, half, 0, half)
        # The same room between the h and c rows: the h bar's bottom label ("−1") and the c
        # bar's top one ("0.5") each stick out half a line into it.
        self.graphics.ci.layout.setVerticalSpacing(line + 2)
        # Once the axis titles have the new font too (set_app_font gives it them after
        # the widgets' font change).
        timer = getattr(self, "_floor_timer", None)
        if timer is not None:
            timer.start()

    def keep_heatmaps_useful(self) -> None:
        """Each heatmap at least :func:`useful_height` tall (lines of unit labels and its
        whole axis title), and the panel at least as tall as that needs: where the studio
        has not the room, it scrolls rather than squeezing the heatmaps into slivers.

        Worked out from the fonts (the axes' own sizes follow a new font only once they
        have been drawn, and the studio measures its docks right after a font change).
        """
        if not hasattr(self, "cell_bars_plot"):
            return  # still being built
        for bars in (self.hidden_bars, self.cell_bars):
            bars.keep_labels_apart()  # their value labels in the new font
        font = self.font()
        plots = [self.hidden_plot, *([self.cell_plot] if self.showing_cell_state else [])]
        floors = [useful_height(plot.getAxis("left"), font) for plot in plots]
        for plot, floor in zip(plots, floors, strict=True):
            plot.getViewBox().setMinimumHeight(floor)
        if not self.showing_cell_state:
            self.cell_plot.getViewBox().setMinimumHeight(0)
        # Under the last row: the time axis (ticks, their offset and length, its title).
        axis = plots[-1].getAxis("bottom")
        tick = QFontMetricsF(axis.style.get("tickFont") or font).height()
        title = QFontMetricsF(axis.style.get("tickFont") or font).height()
        time_axis = tick + sum(axis.style["tickTextOffset"][1:]) + axis.style["tickLength"]
        time_axis += title + 2 * TEXT_ITEM_MARGIN
        _left, top, _right, bottom = self.graphics.ci.layout.getContentsMargins()
        spacing = self.graphics.ci.layout.verticalSpacing() * (len(plots) - 1)
        needed = sum(floors) + time_axis + spacing + top + bottom
        self.graphics.setMinimumHeight(math.ceil(needed) + 2 * self.graphics.frameWidth())
        # The layouts around take the new least height now, not at the next event loop
        # turn (the studio measures its docks right after a font change).
        widget: QWidget | None = self.graphics
        while widget is not None:
            widget.updateGeometry()  # drops the cached hints its parent's layout keeps
            widget = widget.parentWidget()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.plot_fonts_changed()

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the maps, colour bars and the h_t / c_t bars for ``palette``."""
        colour_map = diverging_colour_map(palette)
        for heatmap, bar in ((self.hidden_map, self.hidden_bar), (self.cell_map, self.cell_bar)):
            heatmap.image.setColorMap(colour_map)
            bar.setColorMap(colour_map)
            # The c_t rows are off the scene for an RNN or GRU: the theme switch does not reach
            # their veil and step outline, which would keep the old theme's colours.
            heatmap.overlay.apply_palette(palette)
        self.hidden_bars.apply_palette(palette)
        self.cell_bars.apply_palette(palette)
        if not self.showing_cell_state:  # off the scene, so the theme switch missed them
            restyle_axes((self.cell_plot, self.cell_bars_plot, self.cell_bar), palette)
        self._set_tooltip(palette)

    def _set_tooltip(self, palette: Palette) -> None:
        zero = "white" if palette.name == "light" else "black"
        self.graphics.setToolTip(
            "Hidden state over time: one row per unit, one column per step; red positive, "
            f"blue negative, {zero} zero"
        )

    def highlighted_step(self) -> int | None:
        return self.hidden_map.highlighted_step

    def heatmap_shape(self) -> tuple[int, int]:
        """(units, steps) of the hidden-state image as drawn."""
        image = self.hidden_map.image.image
        return (0, 0) if image is None else tuple(image.shape)

    def show_trace(self, *_: object) -> None:
        """Set the images for a new trace (once per trace, not per step)."""
        shown = self.session.shown
        if shown is None:
            return
        trace = shown.trace
        hidden = np.asarray(trace.hidden)
        bounded = shown.kind != "rnn" or self.session.nonlinearity == "tanh"
        levels = (-1.0, 1.0) if bounded else symmetric_levels(hidden)
        self.hidden_map.set_values(hidden, levels)
        self.hidden_bar.setLevels(levels)
        self.hidden_bars.set_x_range(*levels)
        has_cell = trace.cell_state is not None
        self._show_cell_rows(has_cell)
        if has_cell:
            cell_state = np.asarray(trace.cell_state)
            cell_levels = symmetric_levels(cell_state)
            self.cell_map.set_values(cell_state, cell_levels)
            self.cell_bar.setLevels(cell_levels)
            self.cell_bars.set_x_range(*cell_levels)
        self.show_step(self.session.cursor)

    def show_step(self, t: int) -> None:
        """Reveal the steps up to ``t`` and show h_t (and c_t) as bars."""
        shown = self.session.shown
        if shown is None:
            return
        self.hidden_map.set_cursor(t)
        self.hidden_bars.set_values(shown.trace.hidden[t])
        if self.showing_cell_state:
            self.cell_map.set_cursor(t)
            self.cell_bars.set_values(shown.trace.cell_state[t])

    def _show_cell_rows(self, show: bool) -> None:
        if show == self.showing_cell_state:
            return
        layout = self.graphics.ci
        # With c_t underneath, the two heatmaps share one time axis (they are linked):
        # the h heatmap takes the room its own would take.
        self.hidden_plot.showAxis("bottom", not show)
        if show:
            layout.addItem(self.cell_plot, row=1, col=0)
            layout.addItem(self.cell_bar, row=1, col=1)
            layout.addItem(self.cell_bars_plot, row=1, col=2)
        else:
            for item in (self.cell_plot, self.cell_bar, self.cell_bars_plot):
                layout.removeItem(item)
        self.showing_cell_state = show
        self.keep_heatmaps_useful()


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(MemoryPanel))
