"""The start-up's process settings (``rnn_studio.process_start``): a one-thread BLAS set before
NumPy loads, and no cyclic garbage collection until the first frame, back on right after it."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_studio import process_start

ROOT = Path(__file__).resolve().parents[2]

#: ``rnn-studio`` as a learner starts it (``__main__.main`` with no command), recording the
#: collector and BLAS at the main window's first paint and once the callbacks that paint
#: queued have run (a zero timer started from a zero timer), then closing the window.
START = """
import gc, json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
import rnn_studio.__main__ as cli
assert gc.isenabled() and "numpy" not in sys.modules
seen = {}
def after(window):
    from rnn_studio.engine.blas import blas_threads
    seen["after"] = {"collecting": gc.isenabled(), "blas_threads": blas_threads()}
    window.close()
class Record(QObject):
    def eventFilter(self, watched, event):
        if ("paint" not in seen and event.type() == QEvent.Type.Paint
                and isinstance(watched, QMainWindow) and watched.isWindow()):
            seen["paint"] = {"collecting": gc.isenabled(),
                             "numpy": "numpy" in sys.modules,
                             "threadpoolctl": "threadpoolctl" in sys.modules}
            QTimer.singleShot(0, lambda: QTimer.singleShot(0, lambda: after(watched)))
        return False
record = Record()
app.installEventFilter(record)
status = cli.main([])
seen["exit"] = {"status": status, "collecting": gc.isenabled()}
print(json.dumps(seen))
"""


def start(env_changes: dict[str, str | None]) -> dict:
    env = {**os.environ}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    result = subprocess.run(
        [sys.executable, "-c", START],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_collector_is_off_until_the_first_frame_and_on_right_after(tmp_path) -> None:
    record = start(
        {"RNN_STUDIO_HOME": str(tmp_path), "OPENBLAS_NUM_THREADS": None, "OMP_NUM_THREADS": None}
    )
    assert record["paint"] == {"collecting": False, "numpy": True, "threadpoolctl": False}
    # One event-loop turn after the paint: collecting again, BLAS on one thread (set through
    # the environment before NumPy loaded, so threadpoolctl was not needed to get there).
    assert record["after"] == {"collecting": True, "blas_threads": [1]}
    assert record["exit"] == {"status": 0, "collecting": True}


def test_a_user_choice_of_blas_threads_is_overridden_at_run_time_as_before(tmp_path) -> None:
    record = start({"RNN_STUDIO_HOME": str(tmp_path), "OPENBLAS_NUM_THREADS": "2"})
    assert record["paint"]["threadpoolctl"] is True  # the run-time limit was needed
    assert record["after"]["blas_threads"] == [1]


@pytest.fixture
def fresh_state(monkeypatch):
    monkeypatch.setattr(process_start, "_state", {"paused": False, "blas_set_before_numpy": False})
    yield
    if not gc.isenabled():
        gc.enable()


def test_pause_and_resume(fresh_state) -> None:
    assert gc.isenabled()
    process_start.pause_collection()
    assert not gc.isenabled() and process_start.collection_paused()
    cycles = []
    for _ in range(2000):  # garbage in cycles, made while paused: not collected
        node: list = []
        node.append(node)
        cycles.append(node)
    del cycles, node
    assert gc.get_count()[0] > 2000
    process_start.resume_collection()
    assert gc.isenabled() and not process_start.collection_paused()
    # What was made meanwhile went to the oldest generation unscanned...
    assert gc.get_count()[0] < 100
    # ...and a full collection still finds the cycles.
    assert gc.collect() >= 2000
    process_start.resume_collection()  # twice: nothing more
    assert gc.isenabled()


def test_a_collector_someone_else_turned_off_stays_off(fresh_state) -> None:
    gc.disable()
    process_start.pause_collection()
    assert not process_start.collection_paused()
    process_start.resume_collection()
    assert not gc.isenabled()


def test_blas_started_with_one_thread_only_when_set_before_numpy(fresh_state, monkeypatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    process_start.limit_blas_threads_early()  # NumPy is loaded in this process
    assert os.environ["OPENBLAS_NUM_THREADS"] == os.environ["OMP_NUM_THREADS"] == "1"
    assert not process_start.blas_started_with_one_thread()
    monkeypatch.setitem(process_start._state, "blas_set_before_numpy", True)
    assert process_start.blas_started_with_one_thread()
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # a user's choice: set at run time instead
    assert not process_start.blas_started_with_one_thread()


def test_a_command_runs_with_the_collector_on(monkeypatch, tmp_path) -> None:
    from rnn_studio import __main__ as cli
    from rnn_studio.cli import models

    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    seen: list[bool] = []
    monkeypatch.setattr(models, "run_models", lambda args: seen.append(gc.isenabled()) or 0)
    assert cli.main(["models"]) == 0
    assert seen == [True] and gc.isenabled()
    with pytest.raises(SystemExit):
        cli.main(["--no-such-option"])
    assert gc.isenabled()
