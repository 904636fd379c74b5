"""Gates panel (LSTM and GRU): every gate per unit over time, and at the current step.

Gate names follow the equations: input i, forget f, cell candidate g, output o (LSTM);
reset r, update z, candidate n (GRU). Sigmoid gates (0 closed … 1 open) use a sequential
map; the tanh candidates (−1 … 1) use the diverging map of the memory panel.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QFontMetricsF, QPaintEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QWidget

from rnn_studio.engine import GATE_LABELS
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import (
    GATE_COLOURS,
    OKABE_ITO,
    Palette,
    accent_text,
    current_palette,
    diverging_colour_map,
    gate_colours,
    relative_luminance,
    sequential_colour_map,
)
from rnn_studio.ui.widgets.axes import LegibleAxis, integer_axes, plot_axes
from rnn_studio.ui.widgets.bars import UnitBars
from rnn_studio.ui.widgets.heatmap import TimeHeatmap
from rnn_studio.ui.widgets.lite_plot import add_lite_plot, laid_out_once

#: Gates squashed by tanh (−1 … 1) rather than the sigmoid (0 … 1).
TANH_GATES = ("g", "n")


#: Every gate's bars share one value axis, −1 … 1, labelled under the last row: it holds the
#: candidates (tanh, −1 … 1) and the sigmoid gates (0 … 1) alike, so no row reads off an
#: axis that is not its own.
BARS_RANGE = (-1.0, 1.0)
#: A gate strip's least height, as a share of the text's line height (its name fits).
NAME_SHARE = 0.8
#: Height of the time axis folded away under every row but the last.
FOLDED_AXIS_PX = 4
#: Blank room Qt's text items leave round an axis title, each side (QTextDocument's margin).
TEXT_ITEM_MARGIN = 4.0


def colour_key_html(palette: Palette) -> str:
    """A visible key to the heatmap colours and the veil over steps not read yet."""
    sequential, diverging = sequential_colour_map(palette), diverging_colour_map(palette)

    def swatch(colour_map: pg.ColorMap, value: float, text: str) -> str:
        colour = colour_map.map(value, mode="qcolor").name()
        ink = "#000000" if relative_luminance(colour) > 0.35 else "#FFFFFF"
        return f'<span style="background-color:{colour}; color:{ink};">&nbsp;{text}&nbsp;</span>'

    return (
        f"Colours: {swatch(sequential, 0.0, '0')} closed … {swatch(sequential, 1.0, '1')} "
        f"open; g, n: {swatch(diverging, 0.0, '−1')} … {swatch(diverging, 1.0, '1')}. "
        "Veiled columns: steps not read yet."
    )


class GatesPanel(StudioPanel):
    """One row per gate: a units × time heatmap and the current step's values as bars."""

    panel_id = "gates"
    title = "Gates"
    hint_reserve_lines = 10

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.stack = QStackedWidget(self)
        self.message = QLabel(
            "A vanilla RNN has no gates: everything passes through one tanh. "
            "Choose LSTM, GRU or Compare to see gates open and close.",
            self,
        )
        self.message.setObjectName("gates_message")
        self.message.setWordWrap(True)
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setObjectName("gates_plot")
        self.graphics.setAccessibleName("Gate activations")
        self.graphics.setToolTip("Rows of each block are units, columns are time steps")
        self.graphics.ci.setContentsMargins(0, 0, 0, 0)
        self.names_label = QLabel(self)
        self.names_label.setObjectName("gates_names")
        self.names_label.setAccessibleName("Gate names")
        self.names_label.setWordWrap(True)
        self.body.addWidget(self.names_label)
        self.key_label = QLabel(self)
        self.key_label.setObjectName("gates_key")
        self.key_label.setAccessibleName("What the colours mean")
        self.key_label.setWordWrap(True)
        self.body.addWidget(self.key_label)
        self.stack.addWidget(self.message)
        self.stack.addWidget(self.graphics)
        self.body.addWidget(self.stack, 1)
        self.gate_names: tuple[str, ...] = ()
        self.maps: dict[str, TimeHeatmap] = {}
        self.bars: dict[str, UnitBars] = {}
        #: The step to show once the panel is out from behind another dock's tab.
        self._pending_step: int | None = None
        bridge.trace_changed.connect(self.show_trace)
        bridge.view_cell_changed.connect(self.show_trace)
        bridge.cursor_changed.connect(self.show_step)
        self.show_trace()

    def highlighted_step(self) -> int | None:
        if not self.maps:
            return None
        if self._pending_step is not None:
            return self._pending_step  # shown as soon as the panel comes out from behind a tab
        return next(iter(self.maps.values())).highlighted_step

    def _behind_a_tab(self) -> bool:
        """The window is on screen but no part of this panel is (another dock's tab is in
        front, or it is scrolled out of view)."""
        window = self.window()
        return window is not self and window.isVisible() and self.visibleRegion().isEmpty()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Back in view: show the step the stepper moved to meanwhile."""
        if self._pending_step is not None:
            step, self._pending_step = self._pending_step, None
            QTimer.singleShot(0, self, lambda: self.show_step(step))
        super().paintEvent(event)

    def gate_labels(self) -> list[str]:
        """The gate names shown, as in the equations ("input", "forget", ...)."""
        return [GATE_LABELS[name] for name in self.gate_names]

    def show_trace(self, *_: object) -> None:
        """Rebuild the rows for the shown cell's gates and set their images."""
        shown = self.session.shown
        if shown is None:
            return
        gates = shown.trace.gates
        names = tuple(name for name in ("i", "f", "g", "o", "r", "z", "n") if name in gates)
        if not names:
            self.gate_names = ()
            self.maps.clear()
            self.bars.clear()
            self.stack.setCurrentWidget(self.message)
            self.names_label.hide()
            self.key_label.hide()
            return
        if names != self.gate_names:
            self._build_rows(names)
        self.gate_names = names
        for name in names:
            levels = (-1.0, 1.0) if name in TANH_GATES else (0.0, 1.0)
            self.maps[name].set_values(np.asarray(gates[name]), levels)
        self.stack.setCurrentWidget(self.graphics)
        self._show_names(shown.kind, current_palette())
        self.names_label.show()
        self.key_label.show()
        self.show_step(self.session.cursor)

    def _show_names(self, kind: str, palette: Palette) -> None:
        self.names_label.setText(
            f"{kind.upper()}: "
            + " · ".join(
                f'<b style="color:{accent_text(GATE_COLOURS[name], palette)}">{name}</b> '
                f"{GATE_LABELS[name]}"
                for name in self.gate_names
            )
        )
        self.key_label.setText(colour_key_html(palette))

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the gate maps, bars, axis names and the names line for ``palette``."""
        colours = gate_colours(palette)
        for name in self.gate_names:
            tanh_gate = name in TANH_GATES
            heatmap = self.maps[name]
            heatmap.image.setColorMap(
                diverging_colour_map(palette) if tanh_gate else sequential_colour_map(palette)
            )
            heatmap.plot.setLabel("left", name, color=colours[name])
            self.bars[name].apply_palette(palette)
        shown = self.session.shown
        if self.gate_names and shown is not None:
            self._show_names(shown.kind, palette)

    def show_step(self, t: int) -> None:
        """Move every gate's highlight to step ``t`` and show its values there."""
        shown = self.session.shown
        if shown is None or not self.maps:
            return
        if self._behind_a_tab():
            self._pending_step = t  # nobody sees it: ~0.7 ms a frame saved while playing
            return
        self._pending_step = None
        for name in self.gate_names:
            self.maps[name].set_cursor(t)
            self.bars[name].set_values(shown.trace.gates[name][t])

    def _build_rows(self, names: tuple[str, ...]) -> None:
        layout = self.graphics.ci
        layout.clear()
        self.maps.clear()
        self.bars.clear()
        first_plot = None
        palette = current_palette()
        colours = gate_colours(palette)
        # One layout pass for all the rows (pyqtgraph would lay the grid out after each plot).
        with laid_out_once(layout):
            for row, name in enumerate(names):
                tanh_gate = name in TANH_GATES
                colour_map = (
                    diverging_colour_map(palette) if tanh_gate else sequential_colour_map(palette)
                )
                plot = add_lite_plot(
                    layout, row, 0, axisItems=plot_axes(integer_axes("bottom")), enableMenu=False
                )
                heatmap = TimeHeatmap(plot, colour_map, "")
                plot.setLabel("left", name, color=colours[name])
                plot.getAxis("left").setStyle(showValues=False)
                if row < len(names) - 1:
                    plot.getAxis("bottom").setStyle(showValues=False)
                    plot.setLabel("bottom", "")
                    plot.getAxis("bottom").setHeight(FOLDED_AXIS_PX)
                if first_plot is None:
                    first_plot = plot
                else:
                    plot.setXLink(first_plot)
                bars_plot = add_lite_plot(
                    layout,
                    row,
                    1,
                    axisItems=plot_axes({"bottom": LegibleAxis("bottom")}),
                    enableMenu=False,
                )
                bars = UnitBars(
                    bars_plot,
                    "" if row < len(names) - 1 else "value at t",
                    GATE_COLOURS[name],
                    OKABE_ITO["blue"],
                    BARS_RANGE,
                )
                if row < len(names) - 1:
                    bars_plot.getAxis("bottom").setStyle(showValues=False)
                    bars_plot.getAxis("bottom").setHeight(FOLDED_AXIS_PX)
                bars_plot.setYLink(plot)
                self.maps[name] = heatmap
                self.bars[name] = bars
            layout.layout.setColumnStretchFactor(0, 4)
            layout.layout.setColumnStretchFactor(1, 1)
        self.gate_names = names
        self._keep_strips_readable()

    def _keep_strips_readable(self) -> None:
        """Each gate's strip tall enough for its name (a letter), so that the name, written
        beside it, never runs into the next gate's (at text size 1.5 and 2.0 the strips
        were a few pixels tall and "o" overlapped "g"). Worked out from the font: the axes
        follow a new font only once drawn, and the studio measures right after it changes.
        """
        if not self.maps:
            return
        line = QFontMetricsF(self.font()).height()
        for heatmap in self.maps.values():
            # A gate's name is one lower-case letter on its side: its width, well under a line.
            heatmap.plot.getViewBox().setMinimumHeight(NAME_SHARE * line)
        rows = len(self.maps)
        axis = next(reversed(self.maps.values())).plot.getAxis("bottom")
        time_axis = line + sum(axis.style["tickTextOffset"][1:]) + axis.style["tickLength"]
        time_axis += line + 2 * TEXT_ITEM_MARGIN  # its title
        spacing = self.graphics.ci.layout.verticalSpacing()
        between = (rows - 1) * (spacing + FOLDED_AXIS_PX)
        strips = rows * NAME_SHARE * line
        self.graphics.setMinimumHeight(math.ceil(strips + between + time_axis))
        # The bars' column as wide as its title ("value at t"), which it centres under it.
        values = next(reversed(self.bars.values())).plot
        title = values.getAxis("bottom").labelText.strip()
        width = QFontMetricsF(self.font()).horizontalAdvance(title) + line
        for bars in self.bars.values():
            bars.plot.setMinimumWidth(width)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._keep_strips_readable()


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(GatesPanel))
