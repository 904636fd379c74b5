"""Outputs panel: what the readout makes of h_t at the current step.

Text: the most likely next tokens with their probabilities (the true next token marked).
Numbers: the predicted next value against the series, with the current step marked.
"""

from __future__ import annotations

import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QStackedWidget, QWidget

from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import HIGHLIGHT, MUTED, OKABE_ITO
from rnn_studio.ui.widgets.axes import IntegerAxis, outward_ticks
from rnn_studio.ui.widgets.status_text import StatusText

TOP_K = 5


class OutputsPanel(StudioPanel):
    """Top next-token probabilities (text) or predicted vs actual values (numbers)."""

    panel_id = "outputs"
    title = "Outputs"

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.stack = QStackedWidget(self)
        self.token_plot = pg.PlotWidget(self)
        self.token_plot.setObjectName("outputs_tokens")
        self.token_plot.setAccessibleName("Next-token probabilities")
        self.token_plot.setToolTip("The readout's most likely next tokens at this step")
        tokens = self.token_plot.getPlotItem()
        tokens.setMouseEnabled(x=False, y=False)
        tokens.hideButtons()
        tokens.setMenuEnabled(False)
        outward_ticks(tokens)
        tokens.invertY(True)
        tokens.setLabel("bottom", "probability of the next token")
        tokens.setXRange(0, 1, padding=0.02)
        self.token_bars = pg.BarGraphItem(x0=[0], y=[0], height=[0.7], width=[0], pen=None)
        tokens.addItem(self.token_bars)
        self.series_plot = pg.PlotWidget(self, axisItems={"bottom": IntegerAxis("bottom")})
        self.series_plot.setObjectName("outputs_series")
        self.series_plot.setAccessibleName("Predicted next value against the series")
        self.series_plot.setToolTip(
            "Black: the series. Orange: the prediction made one step before."
        )
        series = self.series_plot.getPlotItem()
        series.setLabel("bottom", "time step t")
        series.setMenuEnabled(False)
        outward_ticks(series)
        self.legend = series.addLegend(offset=(-4, 4), labelTextSize="8pt")
        self.actual_curve = series.plot(pen=pg.mkPen("#202020", width=1.5), name="series x_t")
        self.predicted_curve = series.plot(
            pen=pg.mkPen(OKABE_ITO["vermillion"], width=2),
            name="predicted from h_{t−1}",
            connect="finite",
        )
        self.cursor_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(HIGHLIGHT, width=2))
        series.addItem(self.cursor_line, ignoreBounds=True)
        self.stack.addWidget(self.token_plot)
        self.stack.addWidget(self.series_plot)
        self.body.addWidget(self.stack, 1)
        # The caption changes at every step: a StatusText does not relayout the window for it.
        self.caption = StatusText(3, MUTED, self)
        self.caption.setObjectName("outputs_caption")
        self.caption.setAccessibleName("What the output shows")
        self.body.addWidget(self.caption)
        self.shown_step: int | None = None
        self.top_tokens: list[tuple[str, float]] = []
        bridge.trace_changed.connect(self.show_trace)
        bridge.view_cell_changed.connect(self.show_trace)
        bridge.cursor_changed.connect(self.show_step)
        self.show_trace()

    def highlighted_step(self) -> int | None:
        return self.shown_step

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.shown_step is not None and self.stack.currentWidget() is self.token_plot:
            self.show_step(self.shown_step)

    def show_trace(self, *_: object) -> None:
        """Set up for a new trace: series curves for numbers, the token chart for text."""
        shown, run = self.session.shown, self.session.run
        if shown is None or run is None:
            return
        outputs = shown.outputs
        if run.sequence.is_numeric:
            values = run.sequence.values
            steps = np.arange(len(values))
            self.actual_curve.setData(steps, values)
            # Prediction made at step t is for step t + 1: draw it there.
            self.predicted_curve.setData(steps[1:] + 0.0, outputs.predictions[:-1])
            self.stack.setCurrentWidget(self.series_plot)
        else:
            self.stack.setCurrentWidget(self.token_plot)
        self.show_step(self.session.cursor)

    def show_step(self, t: int) -> None:
        """Show the readout at step ``t``."""
        shown, run = self.session.shown, self.session.run
        if shown is None or run is None:
            return
        self.shown_step = t
        sequence = run.sequence
        outputs = shown.outputs
        if sequence.is_numeric:
            self.cursor_line.setValue(t)
            predicted = outputs.predictions[t]
            actual = (
                f", actual {sequence.values[t + 1]:.4g}" if t + 1 < len(sequence) else " (the end)"
            )
            self.caption.setText(
                f"At t = {t} the readout predicts x_{{t+1}} = {predicted:.4g}{actual}. "
                + outputs.description
            )
            return
        # As many tokens as the chart has room for (a row per line of text), at most TOP_K.
        line = self.token_plot.fontMetrics().lineSpacing()
        rows = max(2, min(TOP_K, (self.token_plot.height() - 2 * line - 12) // line))
        self.top_tokens = outputs.top_tokens(t, sequence.vocabulary, rows)
        target = sequence.target_index(t)
        target_token = None if target is None else sequence.vocabulary[target]
        probabilities = np.array([p for _, p in self.top_tokens])
        positions = np.arange(len(self.top_tokens), dtype=float)
        brushes = [
            pg.mkBrush(OKABE_ITO["bluish_green"] if token == target_token else OKABE_ITO["blue"])
            for token, _ in self.top_tokens
        ]
        self.token_bars.setOpts(
            x0=np.zeros_like(probabilities),
            width=probabilities,
            y=positions,
            height=np.full(len(positions), 0.7),
            brushes=brushes,
        )
        axis = self.token_plot.getPlotItem().getAxis("left")
        axis.setTicks([[(float(i), f"“{token}”") for i, (token, _) in enumerate(self.top_tokens)]])
        self.token_plot.getPlotItem().setYRange(-0.5, max(len(positions), rows) - 0.5, padding=0)
        following = "the end" if target_token is None else f"“{target_token}” (green)"
        self.caption.setText(f"After t = {t} the next token is {following}. {outputs.description}")


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(OutputsPanel))
