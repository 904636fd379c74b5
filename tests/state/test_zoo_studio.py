"""The studio opens on a trained model; the weights switch compares it with an untrained one."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.state.session import StudioSession
from rnn_studio.state.zoo_studio import (
    START_MODEL,
    example_text,
    open_zoo_models,
    set_weights,
    start_session,
    weights,
)
from rnn_studio.zoo import load_zoo_model, zoo_names


def positive(session):
    outputs = session.shown.outputs
    return float(outputs.probabilities[-1][outputs.labels.index("positive")])


def test_studio_starts_on_the_trained_sentiment_lstm_reading_not_bad():
    session = start_session()
    assert session.shows_trained and weights(session) == "trained"
    assert session.cell_kind == "lstm" and session.text == "not bad"
    assert "trained LSTM" in session.trained_note
    # What the panel shows is what the bundled model computes.
    model = load_zoo_model(START_MODEL)
    expected = model.probabilities(model.vocabulary.encode(["not", "bad"]))[-1, 1]
    assert positive(session) == pytest.approx(expected) and expected > 0.9
    session.set_text("bad")
    assert session.shows_trained and positive(session) < 0.1


def test_weights_switch_changes_the_outputs_and_comes_back():
    session = start_session()
    trained_hidden = np.array(session.shown.trace.hidden)
    trained_p = np.array(session.shown.outputs.probabilities)
    set_weights(session, "random")
    assert weights(session) == "random" and session.seed == 1
    assert not session.shown.outputs.trained
    assert not np.allclose(session.shown.trace.hidden, trained_hidden)
    set_weights(session, "random", seed=7)
    assert session.seed == 7
    with pytest.raises(ValueError, match="trained weights"):
        set_weights(session, "random", seed=0)
    set_weights(session, "trained")
    assert weights(session) == "trained"
    np.testing.assert_array_equal(session.shown.trace.hidden, trained_hidden)
    np.testing.assert_array_equal(session.shown.outputs.probabilities, trained_p)
    assert weights(StudioSession()) is None


@pytest.mark.parametrize("name", zoo_names())
def test_every_bundled_model_opens_in_the_studio_on_its_example(name):
    session = StudioSession()
    open_zoo_models(session, name)
    assert session.shows_trained and session.error == ""
    assert session.length == len(session.run.sequence.tokens) > 1
    assert example_text(name)


def test_compare_opens_three_trained_cells():
    session = StudioSession()
    open_zoo_models(session, ["memory100-rnn", "memory100-lstm", "memory100-gru"])
    assert session.cell_kind == "compare" and session.length == 102
    for kind in ("rnn", "lstm", "gru"):
        session.set_view_cell(kind)
        assert session.shows_trained


def test_describe_model_names_what_the_studio_computes_with():
    from rnn_studio.state.zoo_studio import describe_model
    from rnn_studio.studio_core.demo import DemoSetup

    session = StudioSession(DemoSetup(text="not bad", mode="words", cell="rnn", hidden_size=8))
    assert describe_model(session) == (
        "Model: untrained RNN (random weights, seed 0, 8 hidden units)."
    )
    session.apply_demo(
        DemoSetup(text="abc", cell="compare", hidden_size=4, seed=2, forget_bias=3.0)
    )
    assert describe_model(session) == (
        "Model: untrained RNN, LSTM and GRU (random weights, seed 2, 4 hidden units, "
        "LSTM forget bias +3)."
    )
    assert describe_model(start_session()) == (
        "Model: the trained LSTM (bundled model sentiment-lstm, 16 hidden units)."
    )
