"""Issue 12 item 2: typed work survives SIGTERM (logout) and a crash is offered for restore."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from rnn_studio.ui.autosave import MARKER_PREFIX, crashed_markers

ROOT = Path(__file__).resolve().parents[2]
#: Start the app, type a sequence, print "ready" once the window is up, then wait. Ready means:
#: the window has painted and the steps that follow its first paint have run (they are queued
#: ahead of the "ready" below) and its running-marker is written (the SIGTERM handler is set
#: up with it).
TYPING = r"""
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(["rnn-studio"])
from rnn_studio.storage import user_data_dir
from rnn_studio.ui.autosave import MARKER_PREFIX
from rnn_studio.ui.app import run_app
from rnn_studio.ui.main_window import MainWindow

def type_work():
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not windows:
        QTimer.singleShot(100, type_work)
        return
    windows[0].session.set_sequence("typed before logout", "words")
    windows[0].repaint()  # painted now: the after-paint steps are queued before say_ready
    QTimer.singleShot(0, say_ready)

def say_ready(tries=[0]):
    # The window's session guard writes the marker, then installs the SIGTERM handler.
    if (user_data_dir() / f"{MARKER_PREFIX}{os.getpid()}").exists():
        print("ready", flush=True)
    elif tries[0] < 300:
        tries[0] += 1
        QTimer.singleShot(100, say_ready)
    else:
        print("no running-marker after 30 s", flush=True)
        app.exit(3)

QTimer.singleShot(100, type_work)
sys.exit(run_app(["rnn-studio"]))
"""


def launch(home: Path, script: str) -> subprocess.Popen:
    env = {**os.environ, "RNN_STUDIO_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_ready(process: subprocess.Popen) -> None:
    line = process.stdout.readline()
    assert line.strip() == "ready", line + process.stderr.read()[-2000:]


def autosaved_text(home: Path) -> str:
    import zipfile

    with zipfile.ZipFile(home / "data" / "autosave.rnnsession") as archive:
        return json.loads(archive.read("manifest.json"))["setup"]["text"]


def test_sigterm_closes_the_window_and_autosaves(tmp_path):
    process = launch(tmp_path, TYPING)
    wait_ready(process)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, process.stderr.read()[-2000:]
    assert autosaved_text(tmp_path) == "typed before logout"
    assert not list((tmp_path / "data").glob(f"{MARKER_PREFIX}*"))  # a clean exit


def test_a_crash_leaves_a_marker_and_the_next_start_offers_the_autosave(tmp_path):
    process = launch(tmp_path, TYPING)
    wait_ready(process)
    process.kill()  # kill -9: no close handler runs
    process.wait(timeout=30)
    assert crashed_markers(tmp_path / "data")
    # The periodic autosave would have caught the work; write one as it would.
    from tests.reliability.hostile_files import good_session, zip_bytes

    manifest, members = good_session()
    manifest["setup"]["text"] = "bad not"  # same letters: the saved weights still fit
    members["manifest.json"] = json.dumps(manifest).encode()
    (tmp_path / "data" / "autosave.rnnsession").write_bytes(zip_bytes(members))
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "settings.ini").write_text("[session]\nrestore_on_start=false\n")
    offer = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton
app = QApplication(["rnn-studio"])
from rnn_studio.ui.app import run_app
from rnn_studio.ui.main_window import MainWindow

def look(tries=[0]):
    tries[0] += 1
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    button = windows[0].findChild(QPushButton, "startup_notice_action") if windows else None
    if button is None and tries[0] < 300:
        QTimer.singleShot(100, look)
        return
    before = windows[0].session.text
    button.click()
    print(before, "->", windows[0].session.text, flush=True)
    windows[0].close()

QTimer.singleShot(100, look)
sys.exit(run_app(["rnn-studio"]))
"""
    second = launch(tmp_path, offer)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err[-2000:]
    assert out.strip().endswith("-> bad not"), out + err[-1000:]
    assert not crashed_markers(tmp_path / "data")  # offered once
