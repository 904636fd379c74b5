"""Issue 12 item 10: messages for people (no temp-file names, reprs, codec errors, warnings)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from rnn_studio.atomic_files import atomic_write_bytes
from rnn_studio.engine.encoding import Scaler
from rnn_studio.engine.errors import EngineError
from rnn_studio.safe_read import BadJSONError, decode_text
from rnn_studio.state.session import StudioSession
from rnn_studio.state.session_file import capture_session, session_from_bytes, session_to_bytes


def test_huge_numbers_that_overflow_a_square_are_standardised_not_refused():
    session = StudioSession()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NumPy overflow warning either
        session.set_sequence("1e200 -1e200 3", "numbers")
    assert session.error == "" and session.run is not None
    scaler = Scaler.fit(np.array([1e200, -1e200, 3.0]))
    assert np.isclose(scaler.std, np.std(np.array([1.0, -1.0, 3e-200])) * 1e200)
    # ... and the autosave of that work opens again at the next start
    document = session_from_bytes(session_to_bytes(capture_session(session)), "autosave")
    assert document.setup.text == "1e200 -1e200 3"


def test_a_bad_number_names_the_real_reason():
    session = StudioSession()
    session.set_sequence("1e400 3", "numbers")
    assert "too large" in session.error and "not a number" not in session.error


def test_scaler_message_has_no_repr():
    with pytest.raises(EngineError) as caught:
        Scaler(1.0, float("inf"))
    assert "Scaler(" not in str(caught.value) and "spread" in str(caught.value)


def test_write_failures_name_the_target_not_the_temporary_file(tmp_path, monkeypatch):
    def refuse(_src, _dst):
        raise OSError(28, "No space left on device", str(tmp_path / ".x.png.abc.tmp"))

    monkeypatch.setattr("rnn_studio.atomic_files.os.replace", refuse)
    with pytest.raises(OSError) as caught:
        atomic_write_bytes(tmp_path / "x.png", b"data")
    assert "x.png" in str(caught.value) and ".tmp" not in str(caught.value)
    assert not list(tmp_path.glob(".*.tmp"))


def test_codec_errors_are_said_in_words():
    with pytest.raises(BadJSONError) as caught:
        decode_text(b"ok\xff\xfe", "notes.txt")
    assert str(caught.value) == "notes.txt is not UTF-8 text (unreadable byte at position 2)"
    assert "codec" not in str(caught.value)
