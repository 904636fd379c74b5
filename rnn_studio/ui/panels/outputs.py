"""Outputs panel: what the readout makes of h_t at the current step.

Text: the five most likely next tokens with their probabilities, as compact rows of label,
bar and percentage (the true next token in green). A trained classifier (sentiment): its
class probabilities. Numbers: the predicted next value against the series, with the current
step and its prediction marked. The readout is the trained model's own when the studio shows
a trained model (:meth:`StudioSession.show_trained`), else the studio's untrained one, and the
panel says which.
"""

from __future__ import annotations

import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QWidget

from rnn_studio.state.readout import Outputs
from rnn_studio.state.sequence import display_token
from rnn_studio.studio_core.numbers import format_number, format_probability
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.plot_fonts import legend_text_size
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import OKABE_ITO, Palette, current_palette, relative_luminance
from rnn_studio.ui.widgets.axes import IntegerAxis, outward_ticks, plot_axes
from rnn_studio.ui.widgets.lite_plot import LitePlotItem
from rnn_studio.ui.widgets.paint_cache import cache_static
from rnn_studio.ui.widgets.plot_marks import CursorLine, StepMarker
from rnn_studio.ui.widgets.status_text import StatusText

TOP_K = 5
CAPTION_LINES = 3


class ProbabilityRows(QWidget):
    """Rows of label, bar and percentage: the readout's top outputs at one step.

    Each row is one line of the font high, so five rows fit a small dock; long labels are
    elided in the middle (the full list is in the tooltip and the accessible description).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, float, bool]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def row_height(self) -> int:
        """Height of one row: a line of the font and a pixel of gap."""
        return self.fontMetrics().height() + 1

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.row_height() * TOP_K + 2)

    def sizeHint(self) -> QSize:
        return QSize(240, int(self.row_height() * TOP_K * 1.4) + 2)

    def set_rows(self, rows: list[tuple[str, float, bool]]) -> None:
        """Show ``rows`` of (label, probability, is the true next output)."""
        self.rows = list(rows)
        summary = ", ".join(
            f"“{label}” {format_probability(probability)}" for label, probability, _ in rows
        )
        self.setAccessibleDescription(summary)
        self.setToolTip(summary)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.rows:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        metrics = self.fontMetrics()
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        dark = relative_luminance(current_palette().window) < 0.5
        blue = OKABE_ITO["sky_blue"] if dark else OKABE_ITO["blue"]
        green = OKABE_ITO["bluish_green"]
        width, height = self.width(), self.height()
        widest = max(metrics.horizontalAdvance(f"“{label}”") for label, _, _ in self.rows)
        label_width = min(widest + 6, int(width * 0.4))  # symbols like ␣ may measure short
        percent_width = metrics.horizontalAdvance(">99%") + 4
        bar_left = label_width + 6
        bar_span = max(width - bar_left - percent_width - 6, 4)
        row = max(self.row_height(), min(height // max(len(self.rows), 1), self.row_height() * 2))
        for index, (label, probability, is_target) in enumerate(self.rows):
            top = index * row
            if top + self.row_height() > height + 2:
                break
            text_rect = QRectF(0, top, label_width, row)
            shown = metrics.elidedText(f"“{label}”", Qt.TextElideMode.ElideMiddle, label_width)
            painter.setPen(text_colour)
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown
            )
            value = float(probability) if np.isfinite(probability) else 0.0
            bar_height = max(row * 0.62, 4)
            bar = QRectF(bar_left, top + (row - bar_height) / 2, bar_span * value, bar_height)
            track = QRectF(bar_left, bar.top(), bar_span, bar_height)
            painter.fillRect(track, QColor(128, 128, 128, 40))  # the whole 0–100 % scale
            painter.fillRect(bar, QColor(green if is_target else blue))
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(width - percent_width, top, percent_width, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                format_probability(value),
            )
        painter.end()


class OutputsPanel(StudioPanel):
    """Top-5 next tokens or class probabilities (text), predicted vs actual values (numbers)."""

    panel_id = "outputs"
    title = "Outputs"

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        palette = current_palette()
        self.stack = QStackedWidget(self)
        self.token_chart = ProbabilityRows(self)
        self.token_chart.setObjectName("outputs_tokens")
        self.token_chart.setAccessibleName("Next-token probabilities")
        self.series_plot = pg.PlotWidget(
            self,
            plotItem=LitePlotItem(
                axisItems=plot_axes({"bottom": IntegerAxis("bottom")}), enableMenu=False
            ),
        )
        self.series_plot.setObjectName("outputs_series")
        self.series_plot.setAccessibleName("Predicted next value against the series")
        self.series_plot.setToolTip(
            "Black: the series. Orange: the prediction made one step before. The marked "
            "point is the prediction made at the current step."
        )
        series = self.series_plot.getPlotItem()
        series.setLabel("bottom", "time step t")
        series.setMenuEnabled(False)
        outward_ticks(series)
        self.legend = series.addLegend(offset=(-4, 4), labelTextSize=legend_text_size())
        self.actual_curve = series.plot(
            pen=pg.mkPen(palette.plot_foreground, width=1.5), name="series x_t"
        )
        self.predicted_curve = series.plot(
            pen=pg.mkPen(OKABE_ITO["vermillion"], width=2),
            name="predicted from h_{t−1}",
            connect="finite",
        )
        # Both move at every step: Qt's own items (plot_marks), not pyqtgraph's Python ones.
        self.cursor_line = CursorLine(pg.mkPen(palette.current_step, width=2))
        self.cursor_line.attach(series)
        self.next_marker = StepMarker(
            10, pg.mkPen(palette.plot_foreground, width=1), pg.mkBrush(palette.current_step)
        )
        # The marker moves at every step: were it counted in the auto range, the range (and
        # so every axis and curve) would be redrawn each frame; show_trace fits the range.
        self.next_marker.attach(series)
        cache_static(self.actual_curve, self.predicted_curve)
        self.stack.addWidget(self.token_chart)
        self.stack.addWidget(self.series_plot)
        self.body.addWidget(self.stack, 1)
        # Shown only when a trained model is loaded but not on show: why the readout is
        # untrained again, and how to get the trained one back.
        self.model_note = StatusText(2, palette.window_text, self)
        self.model_note.setObjectName("outputs_model_note")
        self.model_note.setAccessibleName("Whose readout this is")
        self.body.addWidget(self.model_note)
        # The caption changes at every step: a StatusText does not relayout the window for it.
        self.caption = StatusText(CAPTION_LINES, palette.muted_text, self)
        self.caption.setObjectName("outputs_caption")
        self.caption.setAccessibleName("What the output shows")
        self.body.addWidget(self.caption)
        self.shown_step: int | None = None
        self.top_tokens: list[tuple[str, float]] = []
        bridge.trace_changed.connect(self.show_trace)
        bridge.view_cell_changed.connect(self.show_trace)
        bridge.cursor_changed.connect(self.show_step)
        self.show_trace()

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the series, the current-step marks, the texts and the rows for ``palette``."""
        self.actual_curve.setPen(pg.mkPen(palette.plot_foreground, width=1.5))
        self.cursor_line.setPen(pg.mkPen(palette.current_step, width=2))
        self.next_marker.setPen(pg.mkPen(palette.plot_foreground, width=1))
        self.next_marker.setBrush(pg.mkBrush(palette.current_step))
        self.model_note.colour = QColor(palette.window_text)
        self.caption.colour = QColor(palette.muted_text)
        for widget in (self.model_note, self.caption, self.token_chart):
            widget.update()

    @property
    def token_plot(self) -> ProbabilityRows:
        """The token rows (the name older code and tests use)."""
        return self.token_chart

    def highlighted_step(self) -> int | None:
        return self.shown_step

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.token_chart.update()

    def show_trace(self, *_: object) -> None:
        """Set up for a new trace: series curves for numbers, the token rows for text."""
        shown, run = self.session.shown, self.session.run
        if shown is None or run is None:
            return
        outputs = shown.outputs
        note = "" if self.session.shows_trained else self.session.trained_note
        self.model_note.setText(note)
        self.model_note.setVisible(bool(note))
        # The note takes two of the caption's three lines: the panel keeps its height.
        self.caption.lines = 1 if note else CAPTION_LINES
        self.caption.setFixedHeight(
            self.caption.fontMetrics().lineSpacing() * self.caption.lines + 4
        )
        if run.sequence.is_numeric:
            values, predictions = run.sequence.values, outputs.predictions
            # A numeric sequence always has its values, and its readout predictions.
            assert values is not None and predictions is not None
            steps = np.arange(len(values))
            self.actual_curve.setData(steps, values)
            # Prediction made at step t is for step t + 1: draw it there.
            self.predicted_curve.setData(steps[1:] + 0.0, predictions[:-1])
            self._fit_range(values, predictions)
            self.stack.setCurrentWidget(self.series_plot)
        else:
            self.token_chart.setAccessibleName(
                "Class probabilities" if outputs.kind == "classes" else "Next-token probabilities"
            )
            self.stack.setCurrentWidget(self.token_chart)
        self.show_step(self.session.cursor)

    def _fit_range(self, values: np.ndarray, predictions: np.ndarray) -> None:
        """Fit the view to the series and every prediction, the marker's last one included
        (at x = T, one step past the series), once per trace."""
        shown = np.concatenate([np.asarray(values, float), np.asarray(predictions, float)])
        shown = shown[np.isfinite(shown)]
        plot = self.series_plot.getPlotItem()
        if not shown.size:
            plot.enableAutoRange()
            return
        plot.setXRange(0.0, float(len(values)))
        plot.setYRange(float(shown.min()), float(shown.max()))

    def show_step(self, t: int) -> None:
        """Show the readout at step ``t``."""
        shown, run = self.session.shown, self.session.run
        if shown is None or run is None:
            return
        t = min(max(int(t), 0), len(run) - 1)
        self.shown_step = t
        sequence = run.sequence
        outputs = shown.outputs
        who = f"the trained {shown.kind.upper()}" if outputs.trained else "the readout"
        if outputs.description.startswith("Untrained"):
            who = "the untrained readout"  # random weights with a trained model's outputs
        # The trained readout's description only repeats "trained" (values), and the note
        # says "untrained readout" already when it is on show.
        noted = self.model_note.isVisibleTo(self)
        description = "" if outputs.trained or noted else " " + outputs.description
        if sequence.is_numeric:
            values, predictions = sequence.values, outputs.predictions
            assert values is not None and predictions is not None  # as in the redraw
            self.cursor_line.setValue(t)
            predicted = predictions[t]
            finite = bool(np.isfinite(predicted))
            self.next_marker.set_point(t + 1.0 if finite else None, predicted)
            actual = (
                f", actual {format_number(values[t + 1], 4)}"
                if t + 1 < len(sequence)
                else " (the end)"
            )
            self.caption.setText(
                f"At t = {t} {who} predicts x_{{t+1}} = {format_number(predicted, 4)}"
                f"{actual}.{description}"
            )
            return
        self.top_tokens = outputs.top_tokens(t, sequence.vocabulary, TOP_K)
        if outputs.kind == "classes":
            self.token_chart.set_rows([(label, p, False) for label, p in self.top_tokens])
            label, probability = self.top_tokens[0]
            self.caption.setText(
                f"After “{sequence.tokens[t]}” (t = {t}) {who} reads the text so far as "
                f"{label} ({format_probability(probability)})."
            )
            return
        target = sequence.target_index(t)
        target_token = None if target is None else sequence.vocabulary[target]
        rows = [  # the sequence's vocabulary holds display tokens ("␣"), as the labels do
            (display_token(token), probability, display_token(token) == target_token)
            for token, probability in self.top_tokens
        ]
        self.token_chart.set_rows(rows)
        following = "the end" if target_token is None else f"“{target_token}”"
        if target_token is not None:
            # Name the green bar only when it is on screen, else say where the token ranks.
            if any(is_target for _, _, is_target in rows):
                following += " (the green bar)"
            else:
                chance = _probability_of(outputs, sequence.vocabulary, t, target_token)
                share = "" if chance is None else f"{format_probability(chance)}, "
                following += f" ({share}not in the top {TOP_K})"
        description = "" if noted else " " + outputs.description
        self.caption.setText(f"After t = {t} the next token is {following}.{description}")


def _probability_of(
    outputs: Outputs, vocabulary: tuple[str, ...], t: int, token: str
) -> float | None:
    """The readout's probability of ``token`` at step ``t`` (None if it has no column)."""
    names = [display_token(name) for name in (outputs.labels or vocabulary)]
    if outputs.probabilities is None or token not in names:
        return None
    return float(outputs.probabilities[t][names.index(token)])


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(OutputsPanel))
