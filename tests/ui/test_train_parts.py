"""Small parts of the Train area: the log axis labels and the stand-alone preview."""

from __future__ import annotations

import math
import os
import subprocess
import sys

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
