"""What the first frame does not need stays unbuilt or unimported until it is used (start-up).

The app is started the way ``rnn-studio`` starts it, in a fresh process, and the modules
loaded when the main window first paints are compared with the ones the first frame does not
need: the export, help/licence, recorder and preferences-dialog modules, PIL, the learn
content modules (the Presets list parses its presets once painted), and the engine's
training, gradient-check and file modules. Then each lazy path is shown to load what it needs
when it is used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Started as ``rnn-studio`` starts; prints the modules loaded at the main window's first
#: paint (recorded from inside that paint event, before anything queued after it runs) and
#: how many pyqtgraph plot option forms (``PlotItem.ctrl``) had been built by then, and
#: whether the Code panel (behind the Gates tab) had listed its code.
FIRST_PAINT_MODULES = """
import json, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
from pyqtgraph.graphicsItems.PlotItem import plotConfigTemplate_generic as plot_form
from rnn_studio.cli.startup import run_until_first_paint
from rnn_studio.ui.app import run_app
forms = []
setup_form = plot_form.Ui_Form.setupUi
def counted_setup(form, widget):
    forms.append(form)
    setup_form(form, widget)
plot_form.Ui_Form.setupUi = counted_setup
seen = []
class Record(QObject):
    def eventFilter(self, watched, event):
        if (not seen and event.type() == QEvent.Type.Paint
                and isinstance(watched, QMainWindow) and watched.isWindow()):
            seen.append({
                "modules": sorted(sys.modules),
                "plot_forms": len(forms),
                "code_listed": watched.studio.code.shown_listing is not None,
            })
        return False
record = Record()
app.installEventFilter(record)
run_until_first_paint(run_app)
print(json.dumps(seen[0]))
"""
#: Not needed for the first frame (each is imported by the command or area that uses it).
LAZY = (
    "rnn_studio.ui.export",
    "rnn_studio.ui.export_figures",
    "rnn_studio.ui.help",
    "rnn_studio.ui.licences",
    "rnn_studio.ui.recorder",
    "rnn_studio.ui.learn.learn_area",
    "rnn_studio.ui.train.train_area",
    "PIL.Image",
    "rnn_studio.engine.gradcheck",
    "rnn_studio.engine.train",  # the zoo's specs import it to make a config, not to start
    # The Code panel (behind the Gates tab) imports its traced step when it first lists.
    "rnn_studio.state.code_lines",
    "rnn_studio.engine.stack_io",
    # The Presets list shows its labels; its presets are parsed once the panel has painted.
    "rnn_studio.learn.content",
    "rnn_studio.learn.content_parse",
    "rnn_studio.learn.content_types",
    # The progress store is read at start (the review limit); its schedulers are not.
    "rnn_studio.learn.scheduler.fsrs",
    "rnn_studio.learn.scheduler.sm2",
    "rnn_studio.learn.scheduler.leitner",
)


@pytest.fixture(scope="module")
def first_paint(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("home")
    result = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_MODULES],
        cwd=ROOT,
        # The tests' 1280x720 projector screen (conftest), as a learner's first window.
        env={**os.environ, "RNN_STUDIO_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def first_paint_modules(first_paint) -> set[str]:
    return set(first_paint["modules"])


def test_the_first_frame_loads_none_of_the_lazy_modules(first_paint_modules) -> None:
    # The record is real: the window, its studio and the engine's cells are there.
    for needed in ("rnn_studio.ui.main_window", "rnn_studio.ui.studio", "rnn_studio.engine.cells"):
        assert needed in first_paint_modules
    loaded = sorted(name for name in LAZY if name in first_paint_modules)
    assert loaded == []


def test_the_studio_plots_build_their_option_forms_only_when_used(first_paint) -> None:
    # pyqtgraph builds a hidden ~40-widget options form and menu for every PlotItem; the
    # studio's 16 plots (menus off) built 16 before the first frame. Now: the gradient
    # plot's (its log scale is set through the form) and the one default form the others
    # read their defaults from (rnn_studio.ui.widgets.lite_plot).
    assert first_paint["plot_forms"] <= 2


def test_the_covered_code_panel_lists_nothing_before_the_first_frame(first_paint) -> None:
    # It is behind the Gates tab; it lists the code (and runs the traced step) when raised.
    assert first_paint["code_listed"] is False


def test_the_engine_package_loads_a_module_when_one_of_its_names_is_read() -> None:
    script = """
import sys
import rnn_studio.engine as engine
assert not [m for m in sys.modules if m.startswith("rnn_studio.engine.")], sys.modules
from rnn_studio.engine import make_cell
assert "rnn_studio.engine.cells" in sys.modules
assert "rnn_studio.engine.train" not in sys.modules
from rnn_studio.engine.train import Trainer
assert engine.Trainer is Trainer
assert set(engine.__all__) <= set(dir(engine))
for name in engine.__all__:
    getattr(engine, name)
try:
    engine.no_such_name
except AttributeError as error:
    assert "no_such_name" in str(error)
else:
    raise AssertionError("an unknown name must raise AttributeError")
print("lazy engine ok", make_cell("gru", 2, 3, seed=0).kind)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "lazy engine ok gru" in result.stdout


def test_every_public_engine_name_is_the_object_its_module_defines() -> None:
    import importlib

    import rnn_studio.engine as engine

    assert sorted(engine.__all__) == sorted(engine._LAZY)
    for name, module_name in engine._LAZY.items():
        module = importlib.import_module(f"rnn_studio.engine.{module_name}")
        assert getattr(engine, name) is getattr(module, name), name


def test_the_schedulers_are_imported_when_first_used() -> None:
    script = """
import sys
from rnn_studio.learn.progress import ProgressStore
import rnn_studio.learn.scheduler as scheduler
modules = ("fsrs", "sm2", "leitner")
assert not [m for m in modules if f"rnn_studio.learn.scheduler.{m}" in sys.modules]
from rnn_studio.learn.scheduler.sm2 import SM2Scheduler
assert scheduler.SM2Scheduler is SM2Scheduler and scheduler.scheduler_class("sm2") is SM2Scheduler
assert "rnn_studio.learn.scheduler.fsrs" not in sys.modules
assert type(scheduler.make_scheduler()).__name__ == "FSRSScheduler"
assert sorted(scheduler.SCHEDULERS) == sorted(scheduler.SCHEDULER_NAMES) == sorted(modules)
for name, cls in scheduler.SCHEDULERS.items():
    assert cls is scheduler.scheduler_class(name)
for name in scheduler.__all__:
    getattr(scheduler, name)
for bad in ("SM3Scheduler", "no_such_name"):
    try:
        getattr(scheduler, bad)
    except AttributeError as error:
        assert bad in str(error)
    else:
        raise AssertionError(bad)
try:
    scheduler.make_scheduler("anki")
except scheduler.SchedulerError as error:
    assert str(error) == "scheduler: 'anki' is not one of fsrs, sm2, leitner", error
else:
    raise AssertionError("an unknown scheduler must raise SchedulerError")
print("lazy schedulers ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "lazy schedulers ok" in result.stdout
