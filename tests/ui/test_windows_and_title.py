"""Issue 13 item 11: Quit ends the program with the teacher's notes open; the window title
names the session and marks unsaved changes; the Train ETA goes when training stops."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from tests.ui.conftest import drawn

#: Opens the main window and the teacher's notes, then quits one way or the other. A
#: process that is still running 20 s later exits with 3 (the event loop never ended).
SCRIPT = textwrap.dedent(
    """
    import os, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    app = QApplication(sys.argv)
    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.menus import install_menus
    window = MainWindow()
    menus = install_menus(window, restore=False)
    window.show()
    notes = menus.presenter.show_notes()
    def finish():
        if sys.argv[1] == "quit":
            menus.actions["action_quit"].trigger()
        else:
            window.close()  # the window's close button
    QTimer.singleShot(500, finish)
    QTimer.singleShot(20000, lambda: os._exit(3))
    code = app.exec()
    print("notes visible:", notes.isVisible(), flush=True)
    sys.exit(code)
    """
)


@pytest.mark.parametrize("how", ["quit", "close"])
def test_quit_ends_the_process_with_the_notes_window_open(tmp_path, how):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RNN_STUDIO_HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, how],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "notes visible: False" in result.stdout
    assert (tmp_path / "data" / "autosave.rnnsession").is_file()  # quitting still autosaves


def test_closing_the_window_closes_the_notes_and_windows_opened_from_it(classroom):
    window, menus = classroom()
    notes = menus.presenter.show_notes()
    menus.show_units()
    units = menus.units_view
    assert notes.isVisible() and units.isVisible()
    window.close()
    assert not notes.isVisible() and not units.isVisible()


def test_title_names_the_session_and_marks_unsaved_changes(classroom, qtbot, tmp_path):
    window, menus = classroom(StudioSession(DemoSetup(text="not bad", mode="words")))
    assert window.windowTitle() == "Untitled session[*] — RNN Studio"
    assert not window.isWindowModified()

    window.session.set_hidden_size(12)
    qtbot.waitUntil(window.isWindowModified, timeout=2000)

    assert menus.save_session_to(tmp_path / "week 3 lesson.rnnsession")
    assert window.windowTitle() == "week 3 lesson[*] — RNN Studio"
    assert not window.isWindowModified()

    window.session.step_forward()  # stepping through is not an unsaved change
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)  # everything it set off has run
    assert not window.isWindowModified()
    window.session.set_cell_kind("gru")
    qtbot.waitUntil(window.isWindowModified, timeout=2000)
    window.session.set_cell_kind("rnn")  # back to what the file holds
    qtbot.waitUntil(lambda: not window.isWindowModified(), timeout=2000)

    menus.new_session()
    assert window.windowTitle().startswith("Untitled session[*]")
    assert not window.isWindowModified()
    assert menus.open_session(tmp_path / "week 3 lesson.rnnsession")
    assert window.windowTitle().startswith("week 3 lesson[*]")
    assert not window.isWindowModified()


def test_eta_clears_when_training_stops(qtbot, tmp_path, monkeypatch):
    from rnn_studio.ui.theme import configure_pyqtgraph
    from rnn_studio.ui.train.train_area import TrainArea

    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    configure_pyqtgraph()
    area = TrainArea(StudioSession())
    qtbot.addWidget(area)
    area.show()
    try:
        area.controls.steps.setValue(100000)
        area.start()
        qtbot.waitUntil(lambda: "left" in area.time_label.text(), timeout=10000)
        area.stop()
        qtbot.waitUntil(lambda: not area.running, timeout=5000)
        assert "elapsed" in area.time_label.text()
        assert "left" not in area.time_label.text()
    finally:
        area.shutdown()
