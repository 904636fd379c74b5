"""The classroom menus driven on a real window: sessions, autosave, scenes."""

from __future__ import annotations

import numpy as np

from rnn_studio.state.session import StudioSession
from rnn_studio.state.session_file import autosave_path
from rnn_studio.studio_core.demo import STUDIO_PANELS, DemoSetup


def _work(session: StudioSession) -> None:
    session.set_sequence("to be or not to be", "words")
    session.set_cell_kind("gru")
    session.set_seed(12)
    session.set_cursor(3)


def test_save_and_open_a_session_through_the_window(classroom, tmp_path):
    window, features = classroom()
    _work(window.session)
    window.studio.docks["outputs"].setVisible(False)
    hidden = np.array(window.session.run.primary.trace.hidden)
    assert features.save_session_to(tmp_path / "lesson.rnnsession")

    features.new_session()
    window.studio.docks["outputs"].setVisible(True)
    assert window.session.text == "not bad"
    assert features.open_session(tmp_path / "lesson.rnnsession")
    assert window.session.cursor == 3 and window.session.cell_kind == "gru"
    np.testing.assert_array_equal(window.session.run.primary.trace.hidden, hidden)
    assert window.studio.docks["outputs"].isHidden()
    assert features.recent.paths()[0].name == "lesson.rnnsession"


def test_a_corrupt_session_is_refused_and_the_work_stays(classroom, tmp_path):
    window, features = classroom()
    _work(window.session)
    before = window.session.to_setup()
    bad = tmp_path / "broken.rnnsession"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    assert not features.open_session(bad)
    assert window.session.to_setup() == before
    assert features.errors and "broken.rnnsession" in features.errors[0][1]


def test_autosave_on_quit_and_restore_on_start(classroom):
    window, _features = classroom()
    _work(window.session)
    window.close()
    assert autosave_path().exists()
    second, _again = classroom(restore=True)
    assert second.session.text == "to be or not to be"
    assert second.session.cursor == 3


def test_a_bad_autosave_never_stops_the_start(classroom):
    window, _features = classroom()
    window.close()
    autosave_path().write_bytes(b"garbage")
    second, _again = classroom(restore=True)
    assert second.session.text == "not bad"  # the default session
    assert "not restored" in _again.notice.text() and _again.notice.isVisibleTo(second)
    assert not autosave_path().exists()


def test_scene_replays_setup_step_and_panels(classroom):
    window, features = classroom(StudioSession(DemoSetup(text="abcabc", cell="lstm", seed=5)))
    window.session.set_cursor(2)
    window.studio.docks["equations"].setVisible(False)
    hidden = np.array(window.session.run.primary.trace.hidden)
    scene = features.save_scene("Copying", "Ask what repeats.")
    assert "equations" not in scene.panels

    features.new_session()
    window.studio.docks["equations"].setVisible(True)
    features.play_scene(features.scenes.get("Copying"))
    assert window.session.cursor == 2
    np.testing.assert_array_equal(window.session.run.primary.trace.hidden, hidden)
    assert window.studio.docks["equations"].isHidden()
    assert features.scene_notes == "Ask what repeats."


def test_a_scene_keeps_every_panel_it_showed_the_cell_view_too(classroom):
    window, features = classroom(StudioSession(DemoSetup(text="abcabc", cell="lstm", seed=5)))
    docks = window.studio.docks
    assert set(docks) <= set(STUDIO_PANELS)  # one tuple names every panel that has a dock
    shown_before = {pid for pid, dock in docks.items() if not dock.isHidden()}
    scene = features.save_scene("All on show", "")
    features.play_scene(features.scenes.get("All on show"))
    assert {pid for pid, dock in docks.items() if not dock.isHidden()} == shown_before
    assert "cell" in scene.panels and not docks["cell"].isHidden()
