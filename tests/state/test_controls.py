"""The session checks its controls with DemoSetup's rules: what one refuses, so does the other."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.state.controls import LABELS
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoError, DemoSetup

SETTERS = {
    "mode": "set_mode",
    "cell": "set_cell_kind",
    "hidden_size": "set_hidden_size",
    "seed": "set_seed",
    "nonlinearity": "set_nonlinearity",
    "spectral_radius": "set_spectral_radius",
    "forget_bias": "set_forget_bias",
    "loss_step": "set_loss_step",
    "clip": "set_clip",
}

BAD = [
    ("mode", "letters"),
    ("cell", "transformer"),
    ("hidden_size", 0),
    ("hidden_size", 257),
    ("hidden_size", 8.0),
    ("hidden_size", True),
    ("seed", -1),
    ("seed", 2**32),
    ("nonlinearity", "sigmoid"),
    ("spectral_radius", -0.1),
    ("spectral_radius", 10.5),
    ("spectral_radius", float("nan")),
    ("forget_bias", 21.0),
    ("loss_step", -2),
    ("clip", 0.0),
    ("clip", -1.0),
    ("clip", float("inf")),
]


@pytest.mark.parametrize(("field", "value"), BAD)
def test_session_and_demo_setup_refuse_the_same_values(field: str, value: object) -> None:
    with pytest.raises(DemoError, match=field):
        DemoSetup.from_dict({"text": "abc", field: value})
    session = StudioSession()
    before = session.to_setup()
    with pytest.raises(ValueError, match=LABELS[field]):
        getattr(session, SETTERS[field])(value)
    assert session.to_setup() == before  # nothing changed


def test_numpy_numbers_are_accepted_and_stored_as_python_numbers() -> None:
    session = StudioSession()
    session.set_hidden_size(np.int64(5))
    session.set_spectral_radius(np.float32(0.5))
    assert type(session.hidden_size) is int and session.hidden_size == 5
    assert type(session.spectral_radius) is float
    setup = DemoSetup(text="ab", hidden_size=np.int64(3))  # type: ignore[arg-type]
    assert type(setup.hidden_size) is int
