"""The built-in tasks produce the data they promise, from their seeds alone."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.tasks import (
    PAD_TOKEN,
    ForecastTask,
    MemoryTask,
    SentimentTask,
    TextTask,
    forecast_series,
    make_task,
    sentiment_phrases,
)

TEXT = "the cat sat on the mat. " * 20


def test_text_windows_predict_the_next_token():
    task = TextTask(TEXT, "chars", sequence_length=10)
    batch = task.train_batch(np.random.default_rng(0), 4)
    assert batch.inputs.shape == (10, 4) and batch.targets.shape == (10, 4)
    np.testing.assert_array_equal(batch.inputs[1:], batch.targets[:-1])
    decoded = "".join(task.vocabulary.decode(batch.inputs[:, 0]))
    assert decoded in TEXT
    assert task.split  # 480 characters: the last tenth is held out
    assert task.held_out.inputs.shape[0] == 10
    assert task.chance_loss == pytest.approx(np.log(len(task.vocabulary)))


def test_short_text_is_not_split_and_windows_shrink():
    task = TextTask("hello", "chars", sequence_length=32)
    assert not task.split and task.sequence_length == 4
    batch = task.train_batch(np.random.default_rng(1), 2)
    assert batch.inputs.shape == (4, 2)
    with pytest.raises(EngineError, match="at least two tokens"):
        TextTask("a", "chars")


def test_word_text_task_uses_words():
    task = TextTask("not bad . not good . " * 10, "words", sequence_length=5)
    assert set(task.vocabulary.tokens) == {"not", "bad", "good", "."}


def test_sentiment_negation_flips_the_label():
    labels = dict(sentiment_phrases())
    assert labels["the film was bad"] == 0
    assert labels["the film was not bad"] == 1
    assert labels["it is not very good"] == 0
    assert labels["the food was really excellent"] == 1
    assert len(labels) == len(sentiment_phrases())  # no phrase appears twice


def test_sentiment_split_and_padding():
    task = SentimentTask(seed=0)
    held = {tuple(column) for column in task.held_out.inputs.T}
    train = {tuple(row) for row in task.train_ids}
    assert not held & train
    pad = task.vocabulary.index(PAD_TOKEN)
    ids = task.encode_phrase("it is bad")
    assert ids.shape == (task.length,) and ids[0] == pad and ids[-1] != pad
    batch = task.train_batch(np.random.default_rng(0), 8)
    assert batch.inputs.shape == (task.length, 8) and batch.targets.shape == (8,)
    assert task.chance == 0.5
    other = SentimentTask(seed=1)
    assert not np.array_equal(other.held_out.targets, task.held_out.targets)


def test_forecast_series_are_seeded():
    t = np.arange(50)
    np.testing.assert_allclose(
        forecast_series("sine", 50, np.random.default_rng(0)), np.sin(2 * np.pi * t / 24)
    )
    first = forecast_series("sines", 100, np.random.default_rng(3))
    np.testing.assert_array_equal(first, forecast_series("sines", 100, np.random.default_rng(3)))
    walk = forecast_series("walk", 500, np.random.default_rng(0))
    assert np.all(walk > 0) and walk[0] == pytest.approx(100.0, rel=0.05)
    with pytest.raises(EngineError, match="Unknown series 'square'"):
        forecast_series("square", 10, np.random.default_rng(0))


def test_forecast_task_standardises_with_training_statistics():
    task = ForecastTask("walk", seed=2, length=600, sequence_length=20)
    train_part = task.raw[: len(task.train_values)]
    assert task.scaler.mean == pytest.approx(train_part.mean())
    batch = task.train_batch(np.random.default_rng(0), 3)
    assert batch.inputs.shape == (20, 3, 1)
    np.testing.assert_array_equal(batch.inputs[1:], batch.targets[:-1])
    model = task.make_model("gru", 4, seed=0)
    assert model.scaler == task.scaler and model.task == "regress"
    with pytest.raises(EngineError, match="too short"):
        ForecastTask("sine", length=30, sequence_length=40)


@pytest.mark.parametrize("lag", [0, 1, 12])
def test_memory_rows_start_with_the_answer_and_end_with_the_cue(lag):
    task = MemoryTask(lag=lag, symbols=3, distractors=5, seed=0)
    batch = task.train_batch(np.random.default_rng(4), 50)
    assert batch.inputs.shape == (lag + 2, 50)
    np.testing.assert_array_equal(batch.inputs[0], batch.targets)
    assert np.all(batch.inputs[-1] == task.vocabulary.index("?"))
    distractors = batch.inputs[1:-1]
    assert np.all((distractors >= 3) & (distractors < 8))
    assert task.chance == pytest.approx(1 / 3)
    assert task.vocabulary.tokens[:3] == ("A", "B", "C")


def test_memory_model_starts_in_long_memory_setting():
    task = MemoryTask(lag=5)
    biased = task.make_model("lstm", 4, seed=0).params["rnn.bias_ih_l0"]
    plain = task.make_model("lstm", 4, seed=0, memory_init=False).params["rnn.bias_ih_l0"]
    np.testing.assert_allclose((biased - plain)[:8], [-3] * 4 + [6] * 4)
    with pytest.raises(EngineError, match="lag"):
        MemoryTask(lag=-1)


def test_make_task_by_name():
    assert make_task("memory", lag=3).lag == 3
    assert make_task("text", text=TEXT).name == "text"
    with pytest.raises(EngineError, match="needs a text"):
        make_task("text")
    with pytest.raises(EngineError, match="Unknown task 'chess'"):
        make_task("chess")
