"""Issue 12 item 6 (last part): an opened session's weights are released, not kept for good.

Opening a file registers its cells with the session so the studio computes with exactly the
saved weights. They used to stay registered for the life of the window (about 20 MB per
hidden-256 session) and to win over the seed's weights for any later set-up with the same
cell, sizes and seed, a scene included.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import numpy as np

from rnn_studio.state.session import StudioSession
from rnn_studio.state.session_file import (
    apply_session,
    capture_session,
    session_from_bytes,
    session_to_bytes,
)
from rnn_studio.studio_core.demo import DemoSetup

SETUP = DemoSetup(text="not bad", cell="gru", hidden_size=6, seed=3)


def edited_document(scale: float):
    """A session file whose GRU weights are not the seed's (as a trained model's are)."""
    document = capture_session(StudioSession(SETUP))
    cells = {
        kind: MappingProxyType({name: np.asarray(value) * scale for name, value in params.items()})
        for kind, params in document.cells.items()
    }
    edited = replace(document, cells=MappingProxyType(cells))
    return session_from_bytes(session_to_bytes(edited), "edited.rnnsession")


def weight_hh(session: StudioSession) -> np.ndarray:
    return np.asarray(session.run.cells["gru"].cell.params["weight_hh"])


def test_a_scene_after_an_opened_file_shows_the_seeds_weights():
    fresh = weight_hh(StudioSession(SETUP))
    session = StudioSession()
    apply_session(session, edited_document(0.5))
    np.testing.assert_allclose(weight_hh(session), 0.5 * fresh)  # the file's weights
    session.forget_registered_cells()  # what playing a scene or File -> New does first
    session.apply_demo(SETUP)
    np.testing.assert_array_equal(weight_hh(session), fresh)


def test_opening_another_file_releases_the_first_ones_cells():
    session = StudioSession()
    for scale in (0.5, 0.25, 0.125):
        apply_session(session, edited_document(scale))
    pinned = session._cells._pinned  # the registered cells (private: what is kept alive)
    assert len(pinned) == 1
    fresh = weight_hh(StudioSession(SETUP))
    np.testing.assert_allclose(weight_hh(session), 0.125 * fresh)
