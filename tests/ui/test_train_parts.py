"""Small parts of the Train area: the log axis labels and the stand-alone preview."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest
import shiboken6

from rnn_studio.ui.train.plots import LogLabelAxis


def test_log_axis_labels_only_one_two_five_times_a_power_of_ten(qtbot):
    axis = LogLabelAxis("left")
    values = [math.log10(v) for v in (0.1, 0.2, 0.3, 0.5, 0.9, 1.0, 2.0, 7.0)]
    labels = axis.logTickStrings(values, 1.0, 1.0)
    assert [bool(text) for text in labels] == [True, True, False, True, False, True, True, False]


def test_the_area_opens_on_its_own(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RNN_STUDIO_HOME=str(tmp_path))
    env["RNN_STUDIO_QUIT_AFTER_MS"] = "300"
    result = subprocess.run(
        [sys.executable, "-m", "rnn_studio.ui.train.train_area"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_plots_follow_a_theme_change(qtbot):
    from PySide6.QtWidgets import QApplication

    from rnn_studio.state.train_area import Preview
    from rnn_studio.ui.theme import PALETTES, apply_theme
    from rnn_studio.ui.train.plots import ForecastPlot

    plot = ForecastPlot()
    qtbot.addWidget(plot)
    truth = np.sin(np.arange(10.0))
    plot.show_preview(
        Preview(
            "forecast",
            truth=truth,
            history_length=5,
            one_step={"gru": truth},
            rollouts={"gru": truth[5:]},
        )
    )
    light, dark = PALETTES["light"], PALETTES["dark"]
    assert (
        plot.curves[("truth", "truth")].opts["pen"].color().name() == light.plot_foreground.lower()
    )
    try:
        apply_theme("dark", QApplication.instance())
        assert (
            plot.curves[("truth", "truth")].opts["pen"].color().name()
            == dark.plot_foreground.lower()
        )
        rollout = plot.curves[("gru", "rollout")].opts["pen"].color().name()
        assert rollout == dark.cell_colours()["gru"].lower()
        assert plot.rollout_start.pen.color().name() == dark.muted_text.lower()
    finally:
        apply_theme("light", QApplication.instance())


@pytest.mark.parametrize(
    "kind", ["LossPlot", "GradientNormPlot", "AccuracyPlot", "ForecastPlot", "SweepPlot"]
)
def test_a_closed_plot_takes_its_curves_and_legend_with_it(kind):
    """Closing and deleting a train plot deletes every item of it: nothing is left for
    Python's garbage collector, whose order decides whether a legend label is asked its
    size after its attributes are gone (pyqtgraph #472, the seed-dependent teardown error
    of test_plots_follow_a_theme_change)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from rnn_studio.ui.train import plots

    plot = getattr(plots, kind)()
    plot.curve("gru", "train", "GRU training", plots.TRAIN_STYLE).setData([0, 1, 2], [3, 2, 1])
    items = {
        "view box": plot.getPlotItem().getViewBox(),
        "legend": plot.legend,
        **{f"legend label {label.text!r}": label for _sample, label in plot.legend.items},
    }
    assert len(items) == 3
    plot.close()
    plot.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(plot)
    alive = [name for name, item in items.items() if shiboken6.isValid(item)]
    assert alive == []
