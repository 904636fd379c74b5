"""Issue 12 item 6: File -> Open reads and checks the file off the UI thread, with Cancel."""

from __future__ import annotations

import json

from tests.reliability.hostile_files import good_session, zip_bytes


def session_file(tmp_path, text: str):
    manifest, members = good_session()
    manifest["setup"]["text"] = text  # same letters as "not bad": the saved weights fit
    members["manifest.json"] = json.dumps(manifest).encode()
    path = tmp_path / "lesson.rnnsession"
    path.write_bytes(zip_bytes(members))
    return path


def test_open_runs_in_the_background_and_applies_when_done(classroom, tmp_path, qtbot):
    window, features = classroom()
    path = session_file(tmp_path, "bad not")
    assert features.open_session_in_background(path)
    assert features.open_progress is not None  # a progress dialog with Cancel
    assert features.open_progress.labelText() == "Opening lesson.rnnsession…"
    qtbot.waitUntil(lambda: window.session.text == "bad not", timeout=30_000)
    assert features.recent.paths()[0].name == "lesson.rnnsession"


def test_cancel_keeps_the_work_on_screen(classroom, tmp_path):
    window, features = classroom()
    before = window.session.to_setup()
    features.open_session_in_background(session_file(tmp_path, "bad not"))
    features.open_progress.cancel()
    assert window.executor.wait_idle(30_000)
    assert window.session.to_setup() == before


def test_a_bad_file_opened_in_the_background_is_reported(classroom, tmp_path):
    window, features = classroom()
    before = window.session.to_setup()
    bad = tmp_path / "broken.rnnsession"
    bad.write_bytes(b"PK\x03\x04 nope")
    features.open_session_in_background(bad)
    assert window.executor.wait_idle(30_000)
    assert features.errors and "broken.rnnsession" in features.errors[0][1]
    assert window.session.to_setup() == before
