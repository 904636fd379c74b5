"""The Outputs panel shows a trained model's own readout: top-5 tokens, classes, forecasts."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QWidget

from rnn_studio.engine.encoding import tokenize
from rnn_studio.engine.model import top_predictions
from rnn_studio.state.open_trained import open_in_studio, studio_example
from rnn_studio.state.sequence import display_token
from rnn_studio.state.session import StudioSession
from rnn_studio.state.train_area import TrainingJob, TrainingSetup
from rnn_studio.ui.panels.outputs import OutputsPanel
from tests.ui.conftest import show_panel

TEXT = "the cat sat on the mat and the dog sat on the log. " * 6


def trained(task: str, cell: str, **changes) -> TrainingJob:
    setup = TrainingSetup.recipe(task, cell=cell, steps=12, hidden_size=6, **changes)
    job = TrainingJob(setup)
    assert job.run() == "finished"
    return job


def panel_for(qtbot, session: StudioSession, height: int = 260) -> OutputsPanel:
    return show_panel(qtbot, OutputsPanel, session, 320, height)


def test_a_trained_text_model_shows_its_top_5_next_tokens(qtbot):
    job = trained("text", "lstm", text=TEXT)
    model = job.models["lstm"]
    text, mode = studio_example(job.task)
    session = StudioSession()
    open_in_studio(session, job.models, text, mode)
    panel = panel_for(qtbot, session, height=172)  # its dock in a 1280×720 window
    rows = panel.findChild(QWidget, "outputs_tokens")
    assert panel.stack.currentWidget() is rows
    expected = top_predictions(model, model.vocabulary.encode(tokenize(text, mode)), k=5)
    for t in (2, 9, 30):
        session.set_cursor(t)
        assert [label for label, _, _ in rows.rows] == [display_token(n) for n, _ in expected[t]]
        np.testing.assert_allclose(
            [p for _, p, _ in rows.rows], [p for _, p in expected[t]], rtol=0, atol=1e-12
        )
        following = display_token(tokenize(text, mode)[t + 1])
        assert [label for label, _, hit in rows.rows if hit] == (
            [following] if following in [label for label, _, _ in rows.rows] else []
        )
    # Five rows fit the small dock: every row is at least one line high and inside the widget.
    assert len(rows.rows) == 5 and rows.height() >= 5 * rows.row_height()
    assert not panel.findChild(QWidget, "outputs_model_note").isVisibleTo(panel)
    caption = panel.findChild(QWidget, "outputs_caption").text()
    assert "trained LSTM's own readout" in caption and "Untrained" not in caption


def test_changing_the_seed_says_the_readout_is_untrained_again(qtbot):
    job = trained("text", "gru", text=TEXT)
    text, mode = studio_example(job.task)
    session = StudioSession()
    open_in_studio(session, job.models, text, mode)
    panel = panel_for(qtbot, session)
    note = panel.findChild(QWidget, "outputs_model_note")
    session.set_seed(3)
    assert (
        note.text()
        == "A fresh random GRU (untrained readout) is shown: the trained GRU needs seed 0."
    )
    caption = panel.findChild(QWidget, "outputs_caption")
    # The note takes two of the caption's three lines, so the panel keeps its height.
    assert caption.lines == 1 and note.lines == 2
    assert caption.text().startswith("After t = ") and "trained" not in caption.text()
    assert note.isVisibleTo(panel)
    session.set_seed(0)
    assert not note.isVisibleTo(panel)
    assert "trained GRU's own readout" in panel.findChild(QWidget, "outputs_caption").text()
    assert caption.lines == 3
    session.reset()
    assert not note.isVisibleTo(panel)
    assert "Untrained readout" in caption.text()


def test_a_trained_sentiment_model_shows_its_class_probabilities(qtbot):
    job = trained("sentiment", "gru")
    model = job.models["gru"]
    session = StudioSession()
    text = "the film was not bad"
    open_in_studio(session, job.models, text, "words")
    panel = panel_for(qtbot, session)
    rows = panel.findChild(QWidget, "outputs_tokens")
    probabilities = model.probabilities(model.vocabulary.encode(text.split()))
    for t in range(5):
        session.set_cursor(t)
        shown = dict((label, p) for label, p, _ in rows.rows)
        assert set(shown) == {"negative", "positive"}
        for index, label in enumerate(model.labels):
            assert shown[label] == pytest.approx(probabilities[t, index], abs=1e-12)
    best = model.labels[int(np.argmax(probabilities[4]))]
    assert f"reads the text so far as {best}" in panel.caption.text()


def test_a_trained_forecast_shows_its_prediction_against_the_series(qtbot):
    job = trained("forecast", "lstm", series="sines")
    model = job.models["lstm"]
    text, mode = studio_example(job.task)
    session = StudioSession()
    open_in_studio(session, job.models, text, mode)
    panel = panel_for(qtbot, session, height=300)
    assert panel.stack.currentWidget() is panel.findChild(QWidget, "outputs_series")
    values = np.array(tokenize(text, "numbers"), dtype=float)
    expected = model.scaler.inverse(model.predict(model.scaler.transform(values)[:, None])[:, 0])
    x, y = panel.predicted_curve.getData()
    np.testing.assert_allclose(x, np.arange(1, len(values)))
    np.testing.assert_allclose(y, expected[:-1], rtol=1e-12)
    session.set_cursor(20)
    marker_x, marker_y = panel.next_marker.getData()
    assert marker_x.tolist() == [21.0]
    assert marker_y[0] == pytest.approx(expected[20], rel=1e-12)
    assert panel.cursor_line.value() == 20
    assert f"x_{{t+1}} = {expected[20]:.4g}" in panel.caption.text()
    assert "the trained LSTM predicts" in panel.caption.text()


def test_the_untrained_readout_still_says_so(qtbot):
    session = StudioSession()
    panel = panel_for(qtbot, session)
    assert not panel.findChild(QWidget, "outputs_model_note").isVisibleTo(panel)
    assert "Untrained readout" in panel.caption.text()
    assert len(panel.token_chart.rows) == 2  # the vocabulary of "not bad"


def test_the_panel_follows_the_theme(qtbot):
    from PySide6.QtGui import QColor

    from rnn_studio.ui.theme import resolve_theme

    session = StudioSession()
    session.set_sequence("1 2 3 2 1", "numbers")
    panel = panel_for(qtbot, session)
    dark = resolve_theme("dark")
    panel.apply_palette(dark)
    assert panel.actual_curve.opts["pen"].color() == QColor(dark.plot_foreground)
    assert panel.cursor_line.pen().color() == QColor(dark.current_step)
    assert panel.caption.colour == QColor(dark.muted_text)
