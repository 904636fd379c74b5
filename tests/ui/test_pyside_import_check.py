"""PySide6's per-import source check, quickened (``rnn_studio.ui.pyside_import_check``), gives
PySide's own answer for every module of a start, and leaves unknown PySide internals alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

from rnn_studio.ui import pyside_import_check

ROOT = Path(__file__).resolve().parents[2]

#: ``rnn-studio`` until its first paint; there, every loaded module is checked both ways, and
#: PySide's record of the modules it checked is compared with its own check's answers.
START = """
import inspect, json, sys
import rnn_studio.cli.startup as startup
from rnn_studio.ui import pyside_import_check as quick
import rnn_studio.__main__ as cli
sources_read = []
read_source = inspect.getsource
def counted(obj):
    sources_read.append(getattr(obj, "__name__", "?"))
    return read_source(obj)
inspect.getsource = counted
result = {}
report = startup.seconds_since_process_start
def at_paint():
    feature = sys.modules["shibokensupport.feature"]
    own = quick._original["check"]
    modules = {name: module for name, module in list(sys.modules.items()) if module is not None}
    read_before = len(sources_read)
    result["installed"] = feature._mod_uses_pyside is quick.mentions_pyside
    result["differ"] = [n for n, m in modules.items() if quick.mentions_pyside(m) != own(m)]
    result["record_differs"] = [
        name for name, select in feature.pyside_feature_dict.items()
        if name in modules and select in (0, -1) and select != (0 if own(modules[name]) else -1)
    ]
    result["modules"] = len(modules)
    result["checked"] = len(feature.pyside_feature_dict)
    result["using_pyside"] = sum(own(m) for m in modules.values())
    result["sources_read_by_start"] = read_before
    return report()
startup.seconds_since_process_start = at_paint
status = cli.main(["--measure-startup"])
print(json.dumps(result))
"""


def test_the_quick_check_answers_as_pysides_own_for_every_module_of_a_start(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", START],
        cwd=ROOT,
        env={**os.environ, "RNN_STUDIO_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["installed"] is True
    assert record["modules"] > 500 and record["checked"] > 300
    assert record["using_pyside"] > 40  # the studio's Qt modules (not pyqtgraph's): a real mix
    assert record["differ"] == []
    assert record["record_differs"] == []
    # PySide read ~380 sources through inspect before; now only what has no .py file to read.
    assert record["sources_read_by_start"] < 60


def test_unknown_pyside_internals_are_left_alone(monkeypatch) -> None:
    stand_in = types.ModuleType("shibokensupport.feature")
    monkeypatch.setitem(sys.modules, "shibokensupport.feature", stand_in)
    assert pyside_import_check.quicken_pyside_import_check() is False
    assert not hasattr(stand_in, "_mod_uses_pyside")


def test_a_module_without_a_source_file_is_asked_of_pysides_own_check(monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setitem(
        pyside_import_check._original, "check", lambda module: asked.append(module.__name__)
    )
    assert pyside_import_check.mentions_pyside(sys) is False  # built in: no __file__
    missing = types.ModuleType("gone")
    missing.__file__ = "/no/such/file.py"
    pyside_import_check.mentions_pyside(missing)
    assert asked == ["sys", "gone"]
    here = types.ModuleType("here")
    here.__file__ = __file__  # this file names PySide6
    assert pyside_import_check.mentions_pyside(here) is True
    assert asked == ["sys", "gone"]
