"""Live training plots: loss, gradient norm, held-out accuracy, forecasts, the lag sweep.

Each plot keeps one curve item per (cell, role) and only calls ``setData`` on a new snapshot,
so a redraw at 20 Hz stays cheap; long runs are drawn with pyqtgraph's peak downsampling.
Cells use the theme's Okabe–Ito colours (light theme: RNN blue, LSTM vermillion, GRU bluish
green) and follow a theme change (:meth:`CurvesPlot.apply_palette`);
held-out curves are dashed with markers; a gradient norm before clipping is drawn wide and
pale under the thin line after clipping.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rnn_studio.state.train_area import Preview, SweepResult, TrainingSnapshot
from rnn_studio.ui.plot_fonts import legend_text_size
from rnn_studio.ui.theme import Palette, current_palette
from rnn_studio.ui.widgets.axes import IntegerAxis

CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
LOSS_LABELS = {
    "text": "loss (nats per token)",
    "sentiment": "loss (cross-entropy, nats)",
    "forecast": "loss (MSE, std units)",
    "memory": "loss (cross-entropy, nats)",
}


@dataclass(frozen=True)
class LineStyle:
    """How one curve is drawn; its colour comes from the theme (:meth:`CurvesPlot.colour`).

    Dashes go only on sparse curves: a dashed, antialiased line through thousands of points
    is the slowest thing Qt paints. ``dense`` curves (one point per update) skip
    antialiasing so a redraw stays cheap.
    """

    width: float = 1.6
    pen_style: Qt.PenStyle = Qt.PenStyle.SolidLine
    alpha: int = 255
    symbol: str | None = None
    symbol_size: int = 5
    dense: bool = False


DASHED = Qt.PenStyle.DashLine
DOTTED = Qt.PenStyle.DotLine


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: non-positive or non-finite entries become NaN (gaps)."""
    out = np.asarray(values, dtype=float).copy()
    out[~(np.isfinite(out) & (out > 0))] = np.nan
    return out


TRAIN_STYLE = LineStyle(width=1.0, alpha=150, dense=True)
HELD_OUT_STYLE = LineStyle(width=2.2, pen_style=DASHED, symbol="o")
BEFORE_CLIP_STYLE = LineStyle(width=3.0, alpha=70, dense=True)
AFTER_CLIP_STYLE = LineStyle(width=1.0, dense=True)
ACCURACY_STYLE = LineStyle(width=2.0, symbol="o")
ONE_STEP_STYLE = LineStyle(width=1.2, pen_style=DOTTED)


class LogLabelAxis(pg.AxisItem):
    """A log axis that labels only 1, 2 and 5 times a power of ten: the labels pyqtgraph
    puts on every minor tick (0.9, 0.8, 0.7, …) pile on top of each other."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = super().logTickStrings(values, scale, spacing)
        mantissas = [f"{10.0**value * scale:.1e}"[0] for value in values]
        return [
            text if first in "125" else "" for text, first in zip(strings, mantissas, strict=True)
        ]


def delete_if_out_of_scene(item: pg.GraphicsObject) -> None:
    """Delete ``item`` now if it is alive but in no scene (a scene deletes its own items)."""
    if shiboken6.isValid(item) and item.scene() is None:
        shiboken6.delete(item)


class CurvesPlot(pg.PlotWidget):
    """A plot with labelled axes, a legend and one curve item per (cell, role).

    Parameters
    ----------
    name : str
        Object name (tests find the plot by it).
    title, x_label, y_label : str
    log_y : bool
    """

    def __init__(self, name: str, title: str, x_label: str, y_label: str, log_y: bool) -> None:
        axes: dict[str, pg.AxisItem] = {"bottom": IntegerAxis("bottom")}  # x is always whole
        if log_y:
            axes["left"] = LogLabelAxis("left")
        super().__init__(axisItems=axes)
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.setTitle(title, size="10pt")
        self.setLabel("bottom", x_label)
        self.setLabel("left", y_label)
        self.setLogMode(x=False, y=log_y)
        self.showGrid(x=True, y=True, alpha=0.2)
        self.setMinimumHeight(120)
        item = self.getPlotItem()
        item.setClipToView(True)
        self.setLimits(xMin=-0.5, minXRange=4)  # x counts updates, steps or lags: ≥ 0
        item.setDownsampling(auto=True, mode="peak")
        self.legend = item.addLegend(offset=(-6, 6), labelTextSize=legend_text_size())
        # pyqtgraph's PlotWidget.close() takes the view box (curves, legend, the legend's
        # labels) out of the scene, so it outlives the view; freed by Python's garbage
        # collector, a legend label could be emptied before Qt, destroying the legend, asks
        # its size hint ("'LabelItem' object has no attribute '_sizeHint'", pyqtgraph #472).
        view_box = item.getViewBox()
        self.destroyed.connect(lambda *_: delete_if_out_of_scene(view_box))
        self.curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self.styles: dict[tuple[str, str], LineStyle] = {}
        self.guides: list[pg.InfiniteLine] = []
        self.theme_palette = current_palette()
        # The theme switcher calls apply_palette on scene items that have it.
        item.apply_palette = self.apply_palette
        self.apply_palette(self.theme_palette)

    def colour(self, kind: str) -> str:
        """Line colour of ``kind`` (a cell, or ``"truth"``) in the current theme."""
        return self.theme_palette.cell_colours().get(kind, self.theme_palette.plot_foreground)

    def guide(self, angle: int, label: str, position: float, style: Qt.PenStyle) -> pg.InfiniteLine:
        """A labelled reference line (chance level, clip threshold …) in the muted colour."""
        line = pg.InfiniteLine(
            angle=angle,
            pen=pg.mkPen(self.theme_palette.muted_text, width=1, style=style),
            label=label,
            labelOpts={"position": position, "color": self.theme_palette.muted_text},
        )
        self.addItem(line)
        self.guides.append(line)
        return line

    def curve(self, kind: str, role: str, label: str, style: LineStyle) -> pg.PlotDataItem:
        """The curve for (``kind``, ``role``), created with ``style`` on first use."""
        key = (kind, role)
        if key not in self.curves:
            options = {"antialias": False} if style.dense else {}
            item = self.plot([], [], name=label, **options)
            self.curves[key] = item
            self.styles[key] = style
            self._paint_curve(key)
        return self.curves[key]

    def _paint_curve(self, key: tuple[str, str]) -> None:
        style = self.styles[key]
        colour = QColor(self.colour(key[0]))
        colour.setAlpha(style.alpha)
        item = self.curves[key]
        item.setPen(pg.mkPen(colour, width=style.width, style=style.pen_style))
        if style.symbol is not None:
            item.setSymbol(style.symbol)
            item.setSymbolSize(style.symbol_size)
            item.setSymbolBrush(self.colour(key[0]))
            item.setSymbolPen(None)

    def apply_palette(self, palette: Palette) -> None:
        """Recolour curves, reference lines and the legend for a new theme."""
        self.theme_palette = palette
        for key in self.curves:
            self._paint_curve(key)
        for line in self.guides:
            line.setPen(pg.mkPen(palette.muted_text, width=1, style=line.pen.style()))
            line.label.setColor(palette.muted_text)
        background = QColor(palette.plot_background)
        background.setAlpha(210)
        self.legend.setBrush(pg.mkBrush(background))
        self.legend.setLabelTextColor(palette.plot_foreground)

    def reset(self) -> None:
        """Remove every curve (a new run starts)."""
        for item in self.curves.values():
            self.removeItem(item)
            self.legend.removeItem(item)
        self.curves.clear()
        self.styles.clear()

    def visible_curves(self) -> dict[tuple[str, str], pg.PlotDataItem]:
        """Curves that hold data (tests, screenshots)."""
        return {
            key: item
            for key, item in self.curves.items()
            if item.xData is not None and len(item.xData)
        }


class LossPlot(CurvesPlot):
    """Batch loss per update (solid) and held-out loss (dashed, markers), log scale."""

    def __init__(self) -> None:
        super().__init__("train_loss_plot", "Loss", "update", "loss", log_y=True)

    def show_snapshot(self, snapshot: TrainingSnapshot, task: str) -> None:
        """Draw every cell's curves from ``snapshot``."""
        self.setLabel("left", LOSS_LABELS.get(task, "loss"))
        for kind, curves in snapshot.curves.items():
            name = CELL_NAMES[kind]
            train = self.curve(kind, "train", f"{name} training", TRAIN_STYLE)
            steps = np.arange(1, len(curves.losses) + 1)
            train.setData(steps, _positive(curves.losses), connect="finite")
            held = self.curve(kind, "held_out", f"{name} held-out", HELD_OUT_STYLE)
            held.setData(curves.eval_steps, _positive(curves.eval_losses), connect="finite")


class GradientNormPlot(CurvesPlot):
    """Global gradient norm per update: before clipping (wide, pale) and after (thin)."""

    def __init__(self) -> None:
        super().__init__(
            "train_gradient_plot",
            "Gradient norm per update",
            "update",
            "global gradient norm",
            log_y=True,
        )
        self.threshold = self.guide(0, "clip threshold", 0.45, DOTTED)
        self.threshold.setVisible(False)

    def set_threshold(self, clip: float | None) -> None:
        """Show the clipping threshold (None hides it)."""
        self.threshold.setVisible(clip is not None)
        if clip is not None:
            self.threshold.setValue(np.log10(clip))

    def show_snapshot(self, snapshot: TrainingSnapshot) -> None:
        """Draw every cell's norms from ``snapshot``."""
        for kind, curves in snapshot.curves.items():
            name = CELL_NAMES[kind]
            steps = np.arange(1, len(curves.norms_before) + 1)
            before = self.curve(kind, "before", f"{name} before clipping", BEFORE_CLIP_STYLE)
            before.setData(steps, _positive(curves.norms_before), connect="finite")
            after = self.curve(kind, "after", f"{name} after clipping", AFTER_CLIP_STYLE)
            after.setData(steps, _positive(curves.norms_after), connect="finite")


class AccuracyPlot(CurvesPlot):
    """Held-out accuracy over training, with the chance level."""

    def __init__(self) -> None:
        super().__init__(
            "train_accuracy_plot", "Held-out accuracy", "update", "accuracy", log_y=False
        )
        self.setYRange(0.0, 1.08, padding=0)
        self.legend.setOffset((-6, -30))  # bottom right: curves rise to the top
        self.chance = self.guide(0, "chance", 0.05, DASHED)

    def show_snapshot(self, snapshot: TrainingSnapshot) -> None:
        """Draw every cell's held-out accuracy."""
        self.chance.setValue(snapshot.chance or 0.0)
        for kind, curves in snapshot.curves.items():
            item = self.curve(kind, "accuracy", CELL_NAMES[kind], ACCURACY_STYLE)
            item.setData(curves.eval_steps, curves.eval_metrics, connect="finite")


class ForecastPlot(CurvesPlot):
    """Held-out truth, one-step predictions (dotted) and the multi-step rollout (solid)."""

    def __init__(self) -> None:
        super().__init__(
            "train_forecast_plot",
            "Prediction against truth (held-out series)",
            "time step",
            "value",
            log_y=False,
        )
        self.rollout_start = self.guide(90, "rollout starts: predictions fed back", 0.95, DASHED)

    def show_preview(self, preview: Preview) -> None:
        """Draw the truth and each cell's predictions."""
        if preview.truth is None:
            return
        steps = np.arange(len(preview.truth))
        truth = self.curve("truth", "truth", "truth", LineStyle(width=2.0))
        truth.setData(steps, preview.truth)
        self.rollout_start.setValue(preview.history_length - 0.5)
        for kind, predicted in preview.one_step.items():
            name = CELL_NAMES[kind]
            one = self.curve(kind, "one_step", f"{name} next step", ONE_STEP_STYLE)
            one.setData(steps[1 : preview.history_length + 1], predicted[: preview.history_length])
            ahead = preview.rollouts[kind]
            roll = self.curve(kind, "rollout", f"{name} rollout", LineStyle(width=2.2))
            roll.setData(steps[preview.history_length :][: len(ahead)], ahead)


#: Per cell in the sweep plot: the LSTM wide and pale under the GRU, so equal scores show.
SWEEP_STYLES = {
    "rnn": LineStyle(width=2.2, symbol="o", symbol_size=8),
    "lstm": LineStyle(width=6.0, alpha=170, symbol="s", symbol_size=12),
    "gru": LineStyle(width=1.8, symbol="t", symbol_size=8),
}


class SweepPlot(CurvesPlot):
    """Accuracy after the same training budget against the lag L, one curve per cell."""

    def __init__(self) -> None:
        super().__init__(
            "train_sweep_plot",
            "Accuracy against lag L (same budget per run)",
            "lag L (steps to remember across)",
            "held-out accuracy",
            log_y=False,
        )
        self.setYRange(0.0, 1.08, padding=0)
        self.chance = self.guide(0, "chance", 0.55, DASHED)
        self.legend.setOffset((10, -10))  # bottom left: short lags are learned by every cell

    def show_result(self, result: SweepResult) -> None:
        """Draw one curve per cell; cells that score alike stay visible (wide LSTM line and
        squares under the GRU's thin line and triangles)."""
        self.chance.setValue(result.chance)
        lags = np.array(result.lags, dtype=float)
        for kind, values in result.accuracies.items():
            item = self.curve(kind, "sweep", CELL_NAMES[kind], SWEEP_STYLES[kind])
            item.setData(lags, np.asarray(values[: len(lags)], dtype=float), connect="finite")
