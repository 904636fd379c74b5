"""A trained model opened in the studio computes exactly the trained hidden states."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine.encoding import tokenize
from rnn_studio.state.sequence import encode_sequence
from rnn_studio.state.session import StudioSession
from rnn_studio.state.trained import (
    TrainedModelError,
    describe_prediction,
    open_in_studio,
    studio_cell,
    studio_example,
    task_for_model,
)
from rnn_studio.state.training import TrainingJob, TrainingSetup

TEXT = "the cat sat on the mat and the dog sat on the log. " * 6


def trained(task: str, cell: str = "lstm", **changes) -> TrainingJob:
    setup = TrainingSetup.recipe(task, cell=cell, steps=8, hidden_size=6, **changes)
    job = TrainingJob(setup)
    assert job.run() == "finished"
    return job


def model_hidden(model, text: str, mode: str) -> np.ndarray:
    if mode == "numbers":
        values = np.array(tokenize(text, "numbers"), dtype=float)
        inputs = model.scaler.transform(values)[:, None]
    else:
        inputs = model.vocabulary.encode(tokenize(text, mode))
    return model.forward(inputs)[0].hidden


@pytest.mark.parametrize(
    ("task", "changes"),
    [
        ("text", {"text": TEXT}),
        ("text", {"text": TEXT, "text_mode": "words"}),
        ("sentiment", {}),
        ("forecast", {"series": "walk"}),
        ("memory", {"lag": 7}),
    ],
)
def test_studio_cell_reproduces_the_trained_hidden_states(task, changes):
    job = trained(task, **changes)
    text, mode = studio_example(job.task)
    model = job.models["lstm"]
    cell = studio_cell(model, encode_sequence(text, mode))
    from rnn_studio.engine import forward

    studio_hidden = forward(cell, encode_sequence(text, mode).inputs).hidden
    np.testing.assert_allclose(studio_hidden, model_hidden(model, text, mode), atol=1e-12)
    # The recurrent weights are the trained ones, untouched.
    np.testing.assert_array_equal(cell.params["weight_hh"], model.cell.params["weight_hh"])


def test_open_in_studio_changes_the_session_to_the_trained_cell():
    job = trained("sentiment", cell="gru")
    session = StudioSession()
    events = []
    session.trace_changed.connect(lambda run: events.append(run))
    text, mode = studio_example(job.task)
    open_in_studio(session, job.models, text, mode, seed=3)
    assert events, "the studio was not told about the new run"
    assert session.cell_kind == "gru" and session.text == text and session.mode == "words"
    assert session.hidden_size == 6 and session.cursor == session.length - 1
    expected = model_hidden(job.models["gru"], text, mode)
    np.testing.assert_allclose(session.shown.trace.hidden, expected, atol=1e-12)


def test_open_in_studio_compares_three_trained_cells_and_can_backprop():
    job = trained("memory", cell="compare", lag=5)
    session = StudioSession()
    text, mode = studio_example(job.task)
    open_in_studio(session, job.models, text, mode, backprop=True)
    assert session.cell_kind == "compare"
    for kind, model in job.models.items():
        hidden = session.run.cells[kind].trace.hidden
        np.testing.assert_allclose(hidden, model_hidden(model, text, mode), atol=1e-12)
    assert set(session.gradients) == {"rnn", "lstm", "gru"}


def test_a_token_the_model_never_saw_is_refused_and_nothing_changes():
    job = trained("text", text=TEXT)
    session = StudioSession()
    before = session.text
    with pytest.raises(TrainedModelError, match="never saw 'Z'"):
        open_in_studio(session, job.models, "the Zebra", "chars")
    assert session.text == before


def test_numbers_for_a_text_model_are_refused():
    job = trained("sentiment")
    with pytest.raises(TrainedModelError, match="reads text"):
        open_in_studio(StudioSession(), job.models, "1 2 3", "numbers")


@pytest.mark.parametrize(
    ("task", "changes", "expected"),
    [
        ("text", {"text": TEXT}, "TextTask"),
        ("sentiment", {}, "SentimentTask"),
        ("forecast", {}, "ForecastTask"),
        ("memory", {"lag": 3}, "MemoryTask"),
    ],
)
def test_a_loaded_model_gets_a_matching_task_and_opens_in_the_studio(task, changes, expected):
    job = trained(task, **changes)
    model = job.models["lstm"]
    found = task_for_model(model)
    assert type(found).__name__ == expected
    text, mode = studio_example(found)
    session = StudioSession()
    open_in_studio(session, {"lstm": model}, text, mode)
    np.testing.assert_allclose(
        session.shown.trace.hidden, model_hidden(model, text, mode), atol=1e-12
    )


def test_describe_prediction_names_the_label_the_token_or_the_value():
    sentiment = trained("sentiment", cell="gru")
    model = sentiment.models["gru"]
    text = "the film was not bad"
    probabilities = model.probabilities(model.vocabulary.encode(text.split()))[-1]
    label = model.labels[int(np.argmax(probabilities))]
    assert describe_prediction("gru", model, text, "words") == (
        f"The trained GRU reads it as {label} ({probabilities.max():.0%})."
    )
    chars = trained("text", text=TEXT)
    message = describe_prediction("lstm", chars.models["lstm"], "the ca", "chars")
    assert (
        message.startswith("The trained LSTM's likeliest next tokens: “")
        and message.count("%") == 3
    )
    forecast = trained("forecast", cell="rnn")
    series, mode = studio_example(forecast.task)
    message = describe_prediction("rnn", forecast.models["rnn"], series, mode)
    value = float(message.removeprefix("The trained RNN predicts the next value ").rstrip("."))
    assert abs(value) < 10  # in the series' own units (a sine of amplitude 1)
