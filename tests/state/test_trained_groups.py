"""The Train area's model list grouped by task (issue 13 item 10): Qt-free rules."""

from __future__ import annotations

from rnn_studio.state.train_area import TrainingJob, TrainingSetup
from rnn_studio.state.trained_groups import TaskModels, TrainedShelf, cell_names


def _group(task: str, cell: str, **changes) -> TaskModels:
    setup = TrainingSetup.recipe(task, cell=cell, hidden_size=4, steps=1, **changes)
    job = TrainingJob(setup)
    return TaskModels(job.task, dict(job.models), {kind: setup for kind in job.models})


def test_cell_names_read_as_a_phrase():
    assert cell_names(["lstm"]) == "LSTM"
    assert cell_names(["rnn", "gru"]) == "RNN and GRU"
    assert cell_names(["rnn", "lstm", "gru"]) == "RNN, LSTM and GRU"


def test_a_model_belongs_to_the_group_of_its_task_data():
    memory4 = _group("memory", "rnn", lag=4)
    memory9 = _group("memory", "lstm", lag=9)
    sentiment = _group("sentiment", "compare")
    lstm9 = memory9.models["lstm"]
    assert memory9.takes(memory9.task, lstm9, memory9.setup)
    assert not memory4.takes(memory9.task, lstm9, memory9.setup)  # same kind of task, other lag
    assert not sentiment.takes(memory9.task, lstm9, memory9.setup)
    # Without the Train choices (an older file): same task type and the model reads it.
    assert memory9.takes(memory9.task, lstm9, None)
    assert not sentiment.takes(memory9.task, lstm9, None)
    assert not TaskModels(memory9.task).takes(memory9.task, lstm9, None)  # empty: nothing


def test_the_shelf_keeps_groups_and_hands_back_the_matching_one():
    shelf = TrainedShelf()
    memory = _group("memory", "rnn", lag=4)
    sentiment = _group("sentiment", "compare")
    shelf.put(TaskModels(memory.task))  # an empty group has nothing to keep
    shelf.put(memory)
    shelf.put(sentiment)
    assert shelf.groups == [sentiment, memory] and shelf.count() == 4
    other = _group("memory", "gru", lag=4)
    assert shelf.take_match(other.task, other.models["gru"], other.setup) is memory
    assert shelf.groups == [sentiment]
    assert shelf.take_match(other.task, other.models["gru"], other.setup) is None
    assert shelf.take(0) is sentiment and shelf.count() == 0
