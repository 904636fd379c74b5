"""A demo set-up can name a bundled trained model: validated, applied with its weights, kept
by scenes, and the weights switch's "random" shows an untrained readout over the model's own
outputs (not the sequence's tokens)."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.state.scenes import capture_scene
from rnn_studio.state.session import StudioSession
from rnn_studio.state.trained_adapter import TrainedModelError
from rnn_studio.state.zoo_studio import describe_setup, set_weights, start_session
from rnn_studio.studio_core.demo import DemoError, DemoSetup
from rnn_studio.zoo import load_zoo_model

SENTIMENT = {"text": "not bad", "mode": "words", "cell": "lstm", "hidden_size": 16}


def test_a_setup_with_a_bundled_model_round_trips_and_names_it():
    setup = DemoSetup.from_dict({**SENTIMENT, "model": "sentiment-lstm"})
    assert setup.model_names == ("sentiment-lstm",)
    assert DemoSetup.from_dict(setup.to_dict()) == setup
    assert "model" not in DemoSetup(text="abc").to_dict()  # old files read as before
    family = DemoSetup(text="Babc?", cell="compare", hidden_size=16, model="memory100")
    assert family.model_names == ("memory100-rnn", "memory100-lstm", "memory100-gru")
    assert describe_setup(setup) == (
        "Model: the trained LSTM (bundled model sentiment-lstm, 16 hidden units)."
    )


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"model": "sentiment-transformer"}, "not a bundled model"),
        ({"model": 3}, "model"),
        ({"model": "sentiment-gru"}, "is a GRU, not lstm"),
        ({"model": "sentiment-lstm", "hidden_size": 8}, "hidden_size"),
        ({"model": "sentiment-lstm", "mode": "chars"}, "reads words, not chars"),
        ({"model": "sentiment-lstm", "forget_bias": 3.0}, "forget_bias: cannot be set"),
        ({"model": "sentiment-lstm", "spectral_radius": 0.9}, "spectral_radius"),
        ({"model": "memory100", "cell": "lstm"}, "not a bundled model"),
        ({"model": "sentiment-lstm", "cell": "compare"}, "not a family"),
    ],
)
def test_a_model_that_is_unknown_or_does_not_fit_is_refused(changes, named):
    with pytest.raises(DemoError, match=named):
        DemoSetup.from_dict({**SENTIMENT, **changes})


def test_applying_a_bundled_setup_shows_the_trained_weights_and_a_scene_keeps_them():
    session = StudioSession()
    session.apply_demo(DemoSetup(**SENTIMENT, model="sentiment-lstm", cursor=1))
    assert session.shows_trained and session.cursor == 1
    model = load_zoo_model("sentiment-lstm")
    expected = model.probabilities(model.vocabulary.encode(["not", "bad"]))[-1]
    np.testing.assert_allclose(session.shown.outputs.probabilities[-1], expected, atol=1e-12)
    scene = capture_scene(session, "trained", (), "")
    assert scene.setup.model == "sentiment-lstm"
    replay = StudioSession()
    replay.apply_demo(scene.setup)
    np.testing.assert_array_equal(replay.shown.trace.hidden, session.shown.trace.hidden)
    # Random weights are not the bundled model: the set-up no longer names it.
    set_weights(session, "random")
    assert session.to_setup().model is None
    # A plain demo puts the bundled model away.
    session.apply_demo(DemoSetup(text="not bad", mode="words", cell="lstm", hidden_size=16))
    assert not session.trained_models and session.to_setup().model is None


def test_a_text_the_bundled_model_cannot_read_changes_nothing():
    session = start_session()
    before = session.to_setup()
    with pytest.raises(TrainedModelError, match=r"sentiment-lstm.*'dreadful'"):
        session.apply_demo(
            DemoSetup(**{**SENTIMENT, "text": "not dreadful"}, model="sentiment-lstm")
        )
    assert session.to_setup() == before and session.shows_trained


def test_random_weights_read_out_over_the_models_classes_not_the_sequences_words():
    session = start_session()
    set_weights(session, "random")
    outputs = session.shown.outputs
    assert not outputs.trained and outputs.kind == "classes"
    assert outputs.labels == ("negative", "positive")
    assert outputs.probabilities.shape == (2, 2)
    assert outputs.description.startswith("Untrained readout (random W_hy)")
    np.testing.assert_allclose(outputs.probabilities.sum(axis=1), 1.0)
    set_weights(session, "random", seed=5)  # another seed, another random readout
    assert not np.allclose(session.shown.outputs.probabilities, outputs.probabilities)


def test_random_weights_of_a_forecaster_predict_values_without_a_fit_to_the_series():
    session = StudioSession()
    session.apply_demo(
        DemoSetup(
            text="0, 0.26, 0.5, 0.71, 0.87, 0.97, 1, 0.97, 0.87, 0.71, 0.5, 0.26",
            mode="numbers",
            cell="lstm",
            hidden_size=16,
            model="forecast-sine-lstm",
        )
    )
    trained = session.shown.outputs
    set_weights(session, "random")
    untrained = session.shown.outputs
    assert trained.trained and not untrained.trained and untrained.kind == "values"
    assert "least squares" not in untrained.description
    values = session.run.sequence.values
    trained_error = np.abs(trained.predictions[:-1] - values[1:]).mean()
    untrained_error = np.abs(untrained.predictions[:-1] - values[1:]).mean()
    assert trained_error < 0.1 < untrained_error
