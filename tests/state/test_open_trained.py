"""A trained model opened in the studio computes exactly the trained hidden states."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine.encoding import tokenize
from rnn_studio.engine.model import top_predictions
from rnn_studio.state.open_trained import (
    TrainedModelError,
    describe_prediction,
    open_in_studio,
    studio_example,
    task_for_model,
    trained_cell,
)
from rnn_studio.state.sequence import encode_sequence
from rnn_studio.state.session import StudioSession
from rnn_studio.state.train_area import TrainingJob, TrainingSetup

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
    cell = trained_cell(model, encode_sequence(text, mode))
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


# ------------------------------------------------------------------ the trained readout
def model_inputs(model, text: str, mode: str) -> np.ndarray:
    if mode == "numbers":
        values = np.array(tokenize(text, "numbers"), dtype=float)
        return model.scaler.transform(values)[:, None]
    return model.vocabulary.encode(tokenize(text, mode))


@pytest.mark.parametrize(
    ("task", "cell", "changes"),
    [("text", "lstm", {"text": TEXT}), ("text", "gru", {"text": TEXT, "text_mode": "words"})],
)
def test_the_studio_shows_the_trained_models_top_k_next_tokens(task, cell, changes):
    job = trained(task, cell=cell, **changes)
    model = job.models[cell]
    text, mode = studio_example(job.task)
    session = StudioSession()
    open_in_studio(session, job.models, text, mode)
    outputs = session.shown.outputs
    assert outputs.trained and session.shows_trained
    expected = top_predictions(model, model_inputs(model, text, mode), k=5)
    for t in (0, 3, 11, session.length - 1):
        shown = outputs.top_tokens(t, session.run.sequence.vocabulary, 5)
        assert [name for name, _ in shown] == [name for name, _ in expected[t]]
        np.testing.assert_allclose(
            [p for _, p in shown], [p for _, p in expected[t]], rtol=0, atol=1e-12
        )
    # Over the model's whole vocabulary, not the sequence's own.
    assert outputs.probabilities.shape == (session.length, len(model.vocabulary))
    assert session.trained_note == f"Showing the trained {cell.upper()} with its own readout."


def test_the_studio_shows_the_trained_class_probabilities():
    job = trained("sentiment", cell="gru")
    model = job.models["gru"]
    session = StudioSession()
    text = "the film was not bad"
    open_in_studio(session, job.models, text, "words")
    outputs = session.shown.outputs
    expected = model.probabilities(model_inputs(model, text, "words"))
    np.testing.assert_allclose(outputs.probabilities, expected, rtol=0, atol=1e-12)
    assert outputs.labels == model.labels == ("negative", "positive")
    assert [name for name, _ in outputs.top_tokens(4, (), 5)] == [
        model.labels[i] for i in np.argsort(-expected[4], kind="stable")
    ]
    # A phrase of the learner's own (known words) keeps the trained model.
    session.set_text("the film was good")
    expected = model.probabilities(model_inputs(model, "the film was good", "words"))
    np.testing.assert_allclose(session.shown.outputs.probabilities, expected, atol=1e-12)


def test_the_studio_shows_the_trained_forecast_in_the_series_units():
    job = trained("forecast", cell="rnn", series="walk")
    model = job.models["rnn"]
    text, mode = studio_example(job.task)
    session = StudioSession()
    open_in_studio(session, job.models, text, mode)
    scaled = model.predict(model_inputs(model, text, mode))[:, 0]
    expected = model.scaler.inverse(scaled)
    predictions = session.shown.outputs.predictions
    for t in (0, 5, 17, session.length - 1):
        assert abs(predictions[t] - expected[t]) <= 1e-12 * max(1.0, abs(expected[t]))
    # Another series: the trained model reads it with its own training scaler.
    session.set_text("3 4 5 4 3 2 1 2 3")
    values = np.array([3, 4, 5, 4, 3, 2, 1, 2, 3], dtype=float)
    expected = model.scaler.inverse(model.predict(model.scaler.transform(values)[:, None])[:, 0])
    np.testing.assert_allclose(session.shown.outputs.predictions, expected, rtol=1e-12)


def test_changing_a_weight_control_shows_a_fresh_model_and_says_how_to_get_back():
    job = trained("text", cell="lstm", text=TEXT)
    text, mode = studio_example(job.task)
    session = StudioSession()
    open_in_studio(session, job.models, text, mode, seed=4)
    trained_hidden = np.array(session.shown.trace.hidden)
    for change, undo, named in [
        (lambda: session.set_seed(5), lambda: session.set_seed(4), "seed 4"),
        (lambda: session.set_hidden_size(9), lambda: session.set_hidden_size(6), "hidden size 6"),
        (
            lambda: session.set_spectral_radius(1.5),
            lambda: session.set_spectral_radius(None),
            "no ρ rescaling",
        ),
        (
            lambda: session.set_forget_bias(2.0),
            lambda: session.set_forget_bias(None),
            "no forget bias",
        ),
    ]:
        change()
        assert not session.shown.outputs.trained and not session.shows_trained
        assert "Untrained readout" in session.shown.outputs.description
        assert session.trained_note.startswith("A fresh random LSTM (untrained readout) is shown")
        assert named in session.trained_note
        undo()
        assert session.shows_trained
        np.testing.assert_array_equal(session.shown.trace.hidden, trained_hidden)
    session.set_cell_kind("gru")
    assert session.trained_note.endswith("only the LSTM was trained.")


def test_a_token_the_trained_model_never_saw_is_an_error_and_the_run_stays():
    job = trained("text", text=TEXT)
    session = StudioSession()
    text, mode = studio_example(job.task)
    open_in_studio(session, job.models, text, mode)
    run = session.run
    session.set_text("the Zebra")
    assert "never saw 'Z'" in session.error and session.run is run
    session.set_text("the cat")
    assert session.error == "" and session.shows_trained


def test_a_demo_or_reset_puts_the_trained_model_away():
    job = trained("sentiment", cell="gru")
    session = StudioSession()
    open_in_studio(session, job.models, "the film was not bad", "words")
    assert session.trained_models.keys() == {"gru"}
    session.reset()
    assert not session.trained_models and session.trained_note == ""
    assert not session.shown.outputs.trained
    open_in_studio(session, job.models, "the film was not bad", "words")
    session.apply_demo(session.to_setup())  # the same controls, but a demo: random weights
    assert not session.trained_models and not session.shown.outputs.trained


def test_show_trained_refuses_mismatched_models_and_changes_nothing():
    text_job = trained("text", cell="compare", text=TEXT)
    session = StudioSession()
    before = session.run
    with pytest.raises(TrainedModelError, match="Open one model or an RNN, LSTM and GRU"):
        session.show_trained(
            {"lstm": text_job.models["lstm"], "gru": text_job.models["gru"]}, "the cat", "chars"
        )
    with pytest.raises(TrainedModelError, match="is not one of"):
        session.show_trained({"gru": text_job.models["lstm"]}, "the cat", "chars")
    assert session.run is before and not session.trained_models


def test_the_studio_keeps_a_snapshot_of_the_trained_model():
    job = trained("sentiment", cell="lstm")
    model = job.models["lstm"]
    session = StudioSession()
    open_in_studio(session, job.models, "the film was not bad", "words")
    before = np.array(session.shown.outputs.probabilities)
    params = model.params
    params["readout.bias"] = params["readout.bias"] + 5.0  # the learner trains on
    model.set_params(params)
    session.set_text("the film was bad")
    session.set_text("the film was not bad")
    np.testing.assert_array_equal(session.shown.outputs.probabilities, before)
    with pytest.raises(TrainedModelError, match="expected a trained Model"):
        session.load_trained({"lstm": model.cell})


def test_three_compared_trained_models_are_named_together():
    job = trained("memory", cell="compare", lag=3)
    session = StudioSession()
    text, mode = studio_example(job.task)
    open_in_studio(session, job.models, text, mode)
    assert session.trained_note == "Showing the trained RNN, LSTM and GRU with their own readouts."
    session.set_seed(1)
    assert session.trained_note.endswith("the trained LSTM needs seed 0.")  # the view cell
