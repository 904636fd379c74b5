"""Issue 12 items 6, 8, 9: every hostile file gives a message, within a memory and time bound.

Each file is opened in a subprocess whose address space is limited with
``resource.setrlimit`` (so an allocation at the size a file claims fails there, not on the
machine) and whose run time is bounded; the subprocess prints the message the loader gave
and its peak memory. Nothing may escape as a traceback (``MemoryError``,
``RecursionError``, ``OverflowError``) and no message may carry the file's HTML unescaped
into a rich-text widget (that part is checked in ``test_plain_text_messages.py``).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability.hostile_files import make_hostile_files

#: Address-space limit for the loader (Python + NumPy need ~0.5 GiB of it).
MEMORY_LIMIT = 1536 * 2**20
#: Seconds a loader may take on one file (a 2-core machine under load).
TIME_LIMIT = 60

OPENER = r"""
import json, os, resource, sys, time
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path
loader, path = sys.argv[1], Path(sys.argv[2])
# Every open of the file (or of what its links lead to), whatever opens it: open(), io.open,
# os.open, Path.open (Python's audit event "open").
target = os.path.realpath(path)
opened = []
def watch(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        name = os.fsdecode(args[0])
        if os.path.realpath(name) == target:
            opened.append(name)
sys.addaudithook(watch)
start = time.perf_counter()
message, kind = "", "ok"
try:
    if loader == "session":
        from rnn_studio.state.session_file import read_session
        read_session(path)
    elif loader == "model":
        from rnn_studio.engine.io import load_model
        load_model(path)
    elif loader == "scene":
        from rnn_studio.state.scenes import import_scene
        import_scene(path)
    elif loader == "library":
        from rnn_studio.state.scenes import SceneLibrary
        message = SceneLibrary(path).problem
    elif loader == "progress":
        from rnn_studio.learn.progress import ProgressStore
        message = ProgressStore(path).warning or ""
    elif loader == "recent":
        from rnn_studio.state.session_file import RecentFiles
        message = RecentFiles(path).problem
except ValueError as error:  # SessionFileError, SceneError, EngineError
    message, kind = str(error), type(error).__name__
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"message": message, "kind": kind, "seconds": time.perf_counter() - start,
                  "peak": peak, "opened": len(opened)}))
"""


def open_in_subprocess(loader: str, path: Path, home: Path) -> dict[str, object]:
    env = {**os.environ, "RNN_STUDIO_HOME": str(home), "OPENBLAS_NUM_THREADS": "1"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    result = subprocess.run(
        [sys.executable, "-c", OPENER, loader, str(path), str(MEMORY_LIMIT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return make_hostile_files(tmp_path_factory.mktemp("hostile"))


def test_every_hostile_file_gives_a_message_within_bounds(hostile, tmp_path):
    rows = []
    for name, loader, path in hostile:
        begin = time.perf_counter()
        outcome = open_in_subprocess(loader, path, tmp_path / name)
        rows.append((name, outcome, time.perf_counter() - begin))
        assert outcome["message"], f"{name}: refused without a message"
        assert (
            path.name in outcome["message"]
            or loader in ("library", "progress", "recent")
            or ("manifest.json" in outcome["message"] or "weights.npz" in outcome["message"])
        ), f"{name}: the message does not name the file: {outcome['message']}"
        assert "Traceback" not in outcome["message"]
        assert ".tmp" not in outcome["message"]
    report = (
        Path(os.environ.get("RELIABILITY_REPORT", ""))
        if "RELIABILITY_REPORT" in os.environ
        else None
    )
    if report is not None:
        report.write_text(
            json.dumps([{"name": n, **o, "wall": w} for n, o, w in rows], indent=1), "utf-8"
        )


@pytest.mark.parametrize("kind", ["fifo", "link-to-fifo", "dev-zero", "link-to-dev-zero", "dir"])
def test_fifos_devices_and_links_to_them_are_refused_before_opening(tmp_path, kind):
    target = tmp_path / "lesson.rnnsession"
    if kind in ("fifo", "link-to-fifo"):
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        if kind == "fifo":
            target = fifo
        else:
            target.symlink_to(fifo)
    elif kind == "dev-zero":
        target = Path("/dev/zero")
    elif kind == "link-to-dev-zero":
        target.symlink_to("/dev/zero")
    else:
        target.mkdir()
    for loader in ("session", "model", "scene"):
        outcome = open_in_subprocess(loader, target, tmp_path / "home")
        assert "not an ordinary file" in outcome["message"] or "folder" in outcome["message"]
        # Never opened, so it never blocks on the pipe and never reads /dev/zero (a loader
        # that hung would be stopped by open_in_subprocess's time limit and fail the test).
        assert outcome["opened"] == 0, (loader, outcome)
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe").st_mode) if "fifo" in kind else True
