"""Issue 12 item 7: the app starts against every corrupt state file, shows a window and says so.

Each case is a user folder (``RNN_STUDIO_HOME``) with one bad file: progress, scenes,
recent files, settings.ini or the autosave (deep JSON, 5,000-digit numbers, ``1e400``,
``inf``, binary garbage, HTML, a header of 10¹² elements ...). The whole app is started in a
subprocess (offscreen); a timer in that process waits for the main window to be on screen
and the start-up notice to say what was recovered, prints both and closes the window.

The cases share one Python process that has imported the modules the app loads before its
window (Qt, pyqtgraph, NumPy, the studio's UI), and each case is a ``fork`` of it: a process of
its own that runs the app's whole start (``QApplication``, ``run_app``, every user file read)
with its own user folder, output and exit status, judged on its own. No case pays the ~1 s of
CPU the imports take (22 starts), and none sees what another did.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


#: Imports what the app loads before its window once, then forks one child per case (two at a
#: time); a child runs STARTER as ``python -c STARTER`` would, its stdout and stderr in files.
FORKER = r"""
import json, os, sys
from pathlib import Path
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # no BLAS threads to lose in a fork
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy, pyqtgraph
from PySide6 import QtCore, QtGui, QtWidgets
import rnn_studio.state.zoo_studio, rnn_studio.ui.app, rnn_studio.ui.main_window
import rnn_studio.ui.menus, rnn_studio.ui.notices
starter, cases, out = Path(sys.argv[1]).read_text(), json.loads(sys.argv[2]), Path(sys.argv[3])
codes, running = {}, {}

def reap():
    pid, status = os.wait()
    codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)

for name, home, shot in cases:
    while len(running) >= 2:
        reap()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the case: a fresh app start from here on, exiting as the app does
        for fd, suffix in ((1, "out"), (2, "err")):
            os.dup2(os.open(out / f"{name}.{suffix}", os.O_WRONLY | os.O_CREAT, 0o600), fd)
        os.environ["RNN_STUDIO_HOME"] = home
        if shot:
            os.environ["RELIABILITY_SHOT"] = shot
        sys.argv = ["-c"]
        exec(compile(starter, "<string>", "exec"), {"__name__": "__main__"})
        sys.exit(0)
    running[pid] = name
while running:
    reap()
print(json.dumps(codes))
"""


def judge(name: str, code: int, out: str, err: str) -> dict[str, object]:
    """One case's outcome, as a separate ``python -c STARTER`` run would be judged."""
    assert code == 0, f"{name}: exit status {code}\n{err[-3000:]}"
    assert "Traceback" not in err, f"{name}:\n{err[-3000:]}"
    return json.loads(out.strip().splitlines()[-1])


def start_apps(
    cases: list[tuple[str, Path, Path | None]], out: Path
) -> dict[str, dict[str, object]]:
    """Start the app once per ``(name, home, shot)`` case; each case's printed outcome."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    (out / "starter.py").write_text(STARTER, encoding="utf-8")
    listed = [[name, str(home), str(shot) if shot else ""] for name, home, shot in cases]
    result = subprocess.run(
        [sys.executable, "-c", FORKER, str(out / "starter.py"), json.dumps(listed), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=150 * len(cases) / 2,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    codes = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(codes) == sorted(name for name, _home, _shot in cases)
    return {
        name: judge(
            name,
            codes[name],
            (out / f"{name}.out").read_text(encoding="utf-8"),
            (out / f"{name}.err").read_text(encoding="utf-8"),
        )
        for name, _home, _shot in cases
    }


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    homes = make_corrupt_homes(tmp_path_factory.mktemp("homes"))
    shots = (
        Path(os.environ.get("RELIABILITY_SHOTS", "")) if "RELIABILITY_SHOTS" in os.environ else None
    )
    cases = [
        (name, home, shots / f"reliability-start-{name}.png" if shots else None)
        for name, home in homes
    ]
    return start_apps(cases, tmp_path_factory.mktemp("starts")), dict(homes)


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
