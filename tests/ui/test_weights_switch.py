"""The Model panel's "Weights: trained · random (seed N)" switch drives the session."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QWidget

from rnn_studio.state.session import StudioSession
from rnn_studio.state.zoo_studio import start_session
from rnn_studio.ui.panels.model import ModelPanel
from tests.ui.conftest import show_panel


def panel_for(qtbot, session):
    return show_panel(qtbot, ModelPanel, session, 320, 300)


def test_switch_shows_and_changes_the_weights(qtbot):
    session = start_session()
    panel = panel_for(qtbot, session)
    row = panel.findChild(QWidget, "model_weights_row")
    trained = panel.findChild(QToolButton, "model_weights_trained")
    random = panel.findChild(QToolButton, "model_weights_random")
    assert row.isVisible() and trained.isChecked() and random.text() == "random (seed 1)"
    before = session.shown.outputs.probabilities.copy()
    qtbot.mouseClick(random, Qt.MouseButton.LeftButton)
    assert session.seed == 1 and not session.shows_trained and random.isChecked()
    assert (
        session.shown.outputs.probabilities.shape != before.shape
        or not (session.shown.outputs.probabilities == before).all()
    )
    qtbot.mouseClick(trained, Qt.MouseButton.LeftButton)
    assert session.seed == 0 and session.shows_trained and trained.isChecked()


def test_switch_is_hidden_without_a_trained_model(qtbot):
    panel = panel_for(qtbot, StudioSession())
    assert not panel.findChild(QWidget, "model_weights_row").isVisible()
