"""Live training plots: loss, gradient norm, held-out accuracy, forecasts, the lag sweep.

Each plot keeps one curve item per (cell, role) and only calls ``setData`` on a new snapshot,
so a redraw at 20 Hz stays cheap; long runs are drawn with pyqtgraph's peak downsampling.
Cells use the studio's Okabe–Ito colours (RNN blue, LSTM vermillion, GRU bluish green);
held-out curves are dashed with markers; a gradient norm before clipping is drawn wide and
pale under the thin line after clipping.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from rnn_studio.state.training import Curves, Preview, SweepResult, TrainingSnapshot
from rnn_studio.ui.theme import CELL_COLOURS, FOREGROUND, MUTED
from rnn_studio.ui.widgets.axes import IntegerAxis

CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
LOSS_LABELS = {
    "text": "loss (nats per token)",
    "sentiment": "loss (cross-entropy, nats)",
    "forecast": "loss (MSE, std units)",
    "memory": "loss (cross-entropy, nats)",
}


def _pen(kind: str, *, dashed: bool = False, width: float = 1.6, alpha: int = 255) -> pg.mkPen:
    """A cell's pen. Dashes only on sparse curves: a dashed, antialiased line through
    thousands of points is the slowest thing Qt can paint."""
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    colour = QColor(CELL_COLOURS.get(kind, FOREGROUND))
    colour.setAlpha(alpha)
    return pg.mkPen(colour, width=width, style=style)


#: Options of the dense per-update curves (cheap to repaint 20 times a second).
DENSE = {"antialias": False, "skipFiniteCheck": False}


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: non-positive or non-finite entries become NaN (gaps)."""
    out = np.asarray(values, dtype=float).copy()
    out[~(np.isfinite(out) & (out > 0))] = np.nan
    return out


class LogLabelAxis(pg.AxisItem):
    """A log axis that labels only 1, 2 and 5 times a power of ten: the labels pyqtgraph
    puts on every minor tick (0.9, 0.8, 0.7, …) pile on top of each other."""

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = super().logTickStrings(values, scale, spacing)
        mantissas = [f"{10.0**value * scale:.1e}"[0] for value in values]
        return [
            text if first in "125" else "" for text, first in zip(strings, mantissas, strict=True)
        ]


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
        self.legend = item.addLegend(offset=(-6, 6), labelTextSize="8pt")
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 210))
        self.curves: dict[tuple[str, str], pg.PlotDataItem] = {}

    def curve(self, kind: str, role: str, label: str, **style: object) -> pg.PlotDataItem:
        """The curve for (``kind``, ``role``), created with ``style`` on first use."""
        key = (kind, role)
        if key not in self.curves:
            self.curves[key] = self.plot([], [], name=label, **style)
        return self.curves[key]

    def reset(self) -> None:
        """Remove every curve (a new run starts)."""
        for item in self.curves.values():
            self.removeItem(item)
            self.legend.removeItem(item)
        self.curves.clear()

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
            train = self.curve(
                kind, "train", f"{name} training", pen=_pen(kind, width=1.0, alpha=150), **DENSE
            )
            steps = np.arange(1, len(curves.losses) + 1)
            train.setData(steps, _positive(curves.losses), connect="finite")
            held = self.curve(
                kind,
                "held_out",
                f"{name} held-out",
                pen=_pen(kind, dashed=True, width=2.2),
                symbol="o",
                symbolSize=5,
                symbolBrush=CELL_COLOURS[kind],
                symbolPen=None,
            )
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
        self.threshold = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(MUTED, width=1, style=Qt.PenStyle.DotLine),
            label="clip threshold",
            labelOpts={"position": 0.45, "color": MUTED},
        )
        self.threshold.setVisible(False)
        self.addItem(self.threshold)

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
            before = self.curve(
                kind,
                "before",
                f"{name} before clipping",
                pen=_pen(kind, width=3.0, alpha=70),
                **DENSE,
            )
            before.setData(steps, _positive(curves.norms_before), connect="finite")
            after = self.curve(
                kind, "after", f"{name} after clipping", pen=_pen(kind, width=1.0), **DENSE
            )
            after.setData(steps, _positive(curves.norms_after), connect="finite")


class AccuracyPlot(CurvesPlot):
    """Held-out accuracy over training, with the chance level."""

    def __init__(self) -> None:
        super().__init__(
            "train_accuracy_plot", "Held-out accuracy", "update", "accuracy", log_y=False
        )
        self.setYRange(0.0, 1.08, padding=0)
        self.legend.setOffset((-6, -30))  # bottom right: curves rise to the top
        self.chance = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(MUTED, width=1, style=Qt.PenStyle.DashLine),
            label="chance",
            labelOpts={"position": 0.05, "color": MUTED},
        )
        self.addItem(self.chance)

    def show_snapshot(self, snapshot: TrainingSnapshot) -> None:
        """Draw every cell's held-out accuracy."""
        self.chance.setValue(snapshot.chance or 0.0)
        for kind, curves in snapshot.curves.items():
            item = self.curve(
                kind,
                "accuracy",
                CELL_NAMES[kind],
                pen=_pen(kind, width=2.0),
                symbol="o",
                symbolSize=5,
                symbolBrush=CELL_COLOURS[kind],
                symbolPen=None,
            )
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
        self.rollout_start = pg.InfiniteLine(
            angle=90,
            pen=pg.mkPen(MUTED, width=1, style=Qt.PenStyle.DashLine),
            label="rollout starts: predictions fed back",
            labelOpts={"position": 0.95, "color": MUTED},
        )
        self.addItem(self.rollout_start)

    def show_preview(self, preview: Preview) -> None:
        """Draw the truth and each cell's predictions."""
        if preview.truth is None:
            return
        steps = np.arange(len(preview.truth))
        truth = self.curve("truth", "truth", "truth", pen=pg.mkPen(FOREGROUND, width=2.0))
        truth.setData(steps, preview.truth)
        self.rollout_start.setValue(preview.history_length - 0.5)
        for kind, predicted in preview.one_step.items():
            name = CELL_NAMES[kind]
            one = self.curve(
                kind,
                "one_step",
                f"{name} next step",
                pen=pg.mkPen(CELL_COLOURS[kind], width=1.2, style=Qt.PenStyle.DotLine),
            )
            one.setData(steps[1 : preview.history_length + 1], predicted[: preview.history_length])
            ahead = preview.rollouts[kind]
            roll = self.curve(kind, "rollout", f"{name} rollout", pen=_pen(kind, width=2.2))
            roll.setData(steps[preview.history_length :][: len(ahead)], ahead)


#: Line width, marker and marker size per cell in the sweep plot.
SWEEP_STYLE = {"rnn": (2.2, "o", 8), "lstm": (6.0, "s", 12), "gru": (1.8, "t", 8)}


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
        self.chance = pg.InfiniteLine(
            angle=0,
            pen=pg.mkPen(MUTED, width=1, style=Qt.PenStyle.DashLine),
            label="chance",
            labelOpts={"position": 0.55, "color": MUTED},
        )
        self.legend.setOffset((10, -10))  # bottom left: short lags are learned by every cell
        self.addItem(self.chance)

    def show_result(self, result: SweepResult) -> None:
        """Draw one curve per cell; cells that score alike stay visible (wide LSTM line and
        squares under the GRU's thin line and triangles)."""
        self.chance.setValue(result.chance)
        lags = np.array(result.lags, dtype=float)
        for kind, values in result.accuracies.items():
            width, symbol, size = SWEEP_STYLE[kind]
            item = self.curve(
                kind,
                "sweep",
                CELL_NAMES[kind],
                pen=_pen(kind, width=width, alpha=170 if width > 3 else 255),
                symbol=symbol,
                symbolSize=size,
                symbolBrush=CELL_COLOURS[kind],
                symbolPen=None,
            )
            item.setData(lags, np.asarray(values[: len(lags)], dtype=float), connect="finite")


def final_curve_summary(curves: Curves, metric_name: str) -> str:
    """``"held-out accuracy 0.94"`` (or loss) for a status line."""
    if not len(curves.eval_metrics):
        return ""
    return f"held-out {metric_name} {curves.eval_metrics[-1]:.3g}"
