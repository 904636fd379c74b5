"""Optional float32 training (issue 15, item 4): the Train area's and the CLI's ``dtype``
trains in float32 and ends within tolerance of the float64 run on every task's final score."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pytest

from rnn_studio.engine.train import Trainer
from rnn_studio.state.train_area import TrainingSetup, TrainingSetupError
from rnn_studio.state.trained_match import TrainedEntry

ACCURACY_TOLERANCE = 0.02
LOSS_TOLERANCE = 0.02
"""Relative difference allowed between the float32 and float64 final held-out loss."""

CASES = {
    "sentiment-rnn": TrainingSetup.recipe("sentiment", cell="rnn"),
    "sentiment-lstm": TrainingSetup.recipe("sentiment", cell="lstm"),
    "sentiment-gru": TrainingSetup.recipe("sentiment", cell="gru"),
    "memory-lstm-lag-20": TrainingSetup.recipe("memory", cell="lstm", lag=20),
    "forecast-sines-gru": TrainingSetup.recipe("forecast", cell="gru", series="sines"),
    "text-lstm-80": TrainingSetup.recipe(
        "text", cell="lstm", text="the cat sat on the mat. " * 60, steps=80, hidden_size=32
    ),
}


def final(setup: TrainingSetup) -> tuple[float, str, np.dtype]:
    task = setup.make_task()
    model = setup.make_model(task, setup.cell)
    summary = Trainer(model, task, setup.config()).run()
    assert summary.status == "finished"
    evaluation = task.evaluate(model)
    return float(evaluation.metric), evaluation.metric_name, model.dtype


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_float32_training_ends_within_tolerance_of_float64(case):
    setup = CASES[case]
    exact, metric, _ = final(setup)
    fast, _, _ = final(setup.with_changes(dtype="float32"))
    if metric == "accuracy":
        assert abs(fast - exact) <= ACCURACY_TOLERANCE, (case, exact, fast)
    else:
        assert abs(fast - exact) <= LOSS_TOLERANCE * exact, (case, exact, fast)


def test_the_dtype_reaches_the_weights_and_the_studio_gets_float64():
    setup = TrainingSetup.recipe("sentiment", cell="gru", steps=5, dtype="float32")
    task = setup.make_task()
    model = setup.make_model(task, "gru")
    Trainer(model, task, setup.config()).run()
    assert all(value.dtype == np.float32 for value in model.params.values())
    entry = TrainedEntry.of(model)  # what "Open in studio" keeps
    assert all(value.dtype == np.float64 for value in entry.model.params.values())
    np.testing.assert_array_equal(
        entry.model.params["rnn.weight_hh_l0"], model.params["rnn.weight_hh_l0"]
    )
    with pytest.raises(TrainingSetupError, match="dtype"):
        TrainingSetup(dtype="float16")


def test_the_cli_trains_in_float32(tmp_path):
    from rnn_studio.cli.train import run_train
    from rnn_studio.engine.io import load_model

    out = io.StringIO()
    path = tmp_path / "m.npz"
    args = SimpleNamespace(
        task="sentiment", cell="rnn", lag=60, memory_init="on", hidden=None, steps=20, seed=0,
        clip=None, lr=None, optimizer=None, batch=None, bptt=None, series="sines",
        text="course", text_file=None, mode="chars", out=path, dtype="float32",
    )  # fmt: skip
    assert run_train(args, out) == 0
    assert "float32" in out.getvalue().splitlines()[0]
    assert load_model(path).dtype == np.float32
