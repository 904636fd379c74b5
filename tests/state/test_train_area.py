"""The Train area's Qt-free state: setups, jobs (single and compare), stop, divergence."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from rnn_studio.engine.train import TrainingControl
from rnn_studio.state.train_area import (
    TrainingJob,
    TrainingSetup,
    TrainingSetupError,
    format_seconds,
    lag_sweep,
    make_preview,
)

TEXT = "to be or not to be, that is the question. " * 8


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"task": "poetry"}, "task"),
        ({"cell": "transformer"}, "cell"),
        ({"hidden_size": 0}, "hidden_size"),
        ({"learning_rate": -1.0}, "learning rate"),
        ({"clip": 0.0}, "clipping"),
        ({"bptt": 0}, "bptt"),
        ({"lag": -1}, "lag"),
        ({"task": "text", "text": "   "}, "text"),
    ],
)
def test_bad_choices_name_the_field(changes, field):
    with pytest.raises(TrainingSetupError, match=field):
        TrainingSetup(**changes)


def test_recipe_follows_the_engine_and_accepts_changes():
    setup = TrainingSetup.recipe("memory", lag=3, cell="compare")
    assert setup.hidden_size == 16 and setup.clip == 1.0 and setup.lag == 3
    assert setup.kinds == ("rnn", "lstm", "gru")
    assert setup.config().eval_every == 13 and setup.memory_init


def test_single_run_lowers_the_loss_and_records_every_update():
    job = TrainingJob(TrainingSetup.recipe("forecast", cell="gru", steps=60, seed=1))
    calls = []
    assert job.run(on_update=lambda: calls.append(job.done)) == "finished"
    snapshot = job.snapshot()
    curves = snapshot.curves["gru"]
    assert len(curves.losses) == len(curves.norms_before) == 60 == len(calls)
    assert curves.eval_losses[-1] < 0.5 * curves.eval_losses[0]
    assert curves.eval_steps[0] == 0 and curves.eval_steps[-1] == 60
    assert snapshot.fraction == 1.0 and snapshot.remaining == 0.0
    assert curves.status == "finished" and "Finished 60 updates" in job.message
    final = f"GRU {curves.eval_metrics[-1]:.3g}"
    assert (
        f"Held-out loss (MSE in standard deviations): {final} (guessing: about 1)." in job.message
    )


def test_clipping_caps_the_norm_after_clipping():
    job = TrainingJob(TrainingSetup.recipe("text", text=TEXT, cell="rnn", steps=20, clip=0.5))
    job.run()
    curves = job.snapshot().curves["rnn"]
    assert np.all(curves.norms_after <= 0.5 + 1e-9)
    assert np.any(curves.norms_before > 0.5)


def test_compare_trains_three_cells_in_turn_on_the_same_data():
    setup = TrainingSetup.recipe("sentiment", cell="compare", steps=10)
    job = TrainingJob(setup)
    order = []
    job.run(on_update=lambda: order.append(tuple(t.steps_done for t in job.trainers.values())))
    assert order[:3] == [(1, 0, 0), (1, 1, 0), (1, 1, 1)]
    assert job.done == job.total == 30
    # Same seed, same data: training the LSTM alone gives the same curve bit for bit.
    alone = TrainingJob(setup.with_changes(cell="lstm"))
    alone.run()
    np.testing.assert_array_equal(
        alone.snapshot().curves["lstm"].losses, job.snapshot().curves["lstm"].losses
    )


def test_stop_from_another_thread_keeps_the_model_as_it_is():
    job = TrainingJob(TrainingSetup.recipe("memory", lag=10, steps=100000, hidden_size=8))
    thread = threading.Thread(target=job.run)
    thread.start()
    while job.done < 5:
        pass
    job.control.stop()
    thread.join(timeout=2)
    assert not thread.is_alive()
    assert job.outcome == "stopped" and job.status["lstm"] == "stopped"
    params = {k: v.copy() for k, v in job.models["lstm"].params.items()}
    steps = job.trainers["lstm"].steps_done
    assert 5 <= steps < 100000
    assert "keep their weights" in job.message
    for name, value in job.models["lstm"].params.items():
        np.testing.assert_array_equal(value, params[name])


def test_pause_holds_and_resume_continues():
    job = TrainingJob(TrainingSetup.recipe("sentiment", steps=200, hidden_size=4))
    job.control.pause()
    thread = threading.Thread(target=job.run)
    thread.start()
    thread.join(timeout=0.3)
    assert thread.is_alive() and job.done == 0
    job.control.resume()
    thread.join(timeout=10)
    assert job.outcome == "finished" and job.done == 200


def test_a_huge_learning_rate_without_clipping_diverges_with_a_clear_message():
    setup = TrainingSetup.recipe(
        "sentiment", steps=50, learning_rate=100.0, clip=None, optimizer="sgd"
    )
    job = TrainingJob(setup)
    assert job.run() == "diverged"
    assert "Training diverged" in job.message and "learning rate" in job.message
    assert all(np.all(np.isfinite(v)) for v in job.models["lstm"].params.values())
    assert job.snapshot().curves["lstm"].status == "diverged"


def test_compare_goes_on_when_one_cell_diverges():
    job = TrainingJob(TrainingSetup.recipe("memory", lag=2, steps=5, hidden_size=4, cell="compare"))
    job.status["rnn"] = "diverged"  # as if the RNN had blown up before training started
    assert job.run() == "finished"
    assert job.trainers["lstm"].steps_done == 5 and job.trainers["rnn"].steps_done == 0


@pytest.mark.parametrize("task", ["text", "sentiment", "forecast", "memory"])
def test_previews_show_each_cell(task):
    extra = {"text": TEXT} if task == "text" else {}
    job = TrainingJob(TrainingSetup.recipe(task, cell="compare", steps=3, hidden_size=4, **extra))
    job.run()
    preview = make_preview(job.task, job.models, temperature=0.5, seed=2)
    if task == "text":
        assert set(preview.samples) == {"rnn", "lstm", "gru"}
        assert all(len(sample) > 20 for sample in preview.samples.values())
        again = make_preview(job.task, job.models, temperature=0.5, seed=2)
        assert again.samples == preview.samples
    elif task == "forecast":
        assert preview.truth.shape == (96,)
        assert preview.rollouts["gru"].shape == (48,) and preview.one_step["rnn"].shape == (96,)
    else:
        for rows in preview.labels.values():
            assert len(rows) == 4 and all(0.0 <= p <= 1.0 for _, _, p in rows)


def test_greedy_text_sample_does_not_depend_on_the_seed():
    job = TrainingJob(TrainingSetup.recipe("text", text=TEXT, cell="gru", steps=5, hidden_size=8))
    job.run()
    first = make_preview(job.task, job.models, temperature=0.0, seed=1).samples["gru"]
    assert first == make_preview(job.task, job.models, temperature=0.0, seed=2).samples["gru"]


def test_format_seconds():
    assert format_seconds(4.4) == "4 s"
    assert format_seconds(125) == "2 min 05 s"
    assert format_seconds(math.nan) == "–"


def test_lag_sweep_reports_every_cell_at_every_lag_and_stops_on_request():
    setup = TrainingSetup.recipe("memory", hidden_size=4, steps=3)
    seen = []
    result = lag_sweep(setup, lags=(1, 3), on_progress=lambda done, total: seen.append(total))
    assert result.complete and result.lags == (1, 3) and result.chance == 0.25
    assert all(len(values) == 2 for values in result.accuracies.values())
    assert len(seen) == 18 and seen[0] == 18

    control = TrainingControl()
    partial = lag_sweep(
        setup,
        lags=(1, 3),
        control=control,
        on_progress=lambda done, total: control.stop() if done == 10 else None,
    )
    assert not partial.complete and partial.lags == (1,)


def test_scores_name_each_cell_and_the_guessing_baseline():
    job = TrainingJob(
        TrainingSetup.recipe("memory", lag=2, steps=30, hidden_size=6, cell="compare")
    )
    job.run()
    accuracies = {k: t.history.eval_metrics[-1] for k, t in job.trainers.items()}
    expected = ", ".join(f"{k.upper()} {v:.0%}" for k, v in accuracies.items())
    assert job.scores() == f"Held-out accuracy: {expected} (guessing: 25%)."
    text = TrainingJob(TrainingSetup.recipe("text", text=TEXT, steps=3, hidden_size=4, cell="rnn"))
    assert text.scores() == ""  # nothing trained yet
    text.run()
    assert "(guessing: 2.71; bigram count model: " in text.scores()  # log of 15 characters


def test_compare_divergence_gives_one_reason_and_names_the_other_cells():
    setup = TrainingSetup.recipe(
        "sentiment", cell="compare", steps=50, learning_rate=100.0, clip=None, optimizer="sgd"
    )
    job = TrainingJob(setup)
    assert job.run() == "diverged"
    message = job.message
    assert message.startswith("Training diverged. RNN: Training stopped at update")
    assert message.count("lower the learning rate") == 1
    for kind in ("lstm", "gru"):
        assert f"the {kind.upper()} at update {job.trainers[kind].steps_done + 1}" in message
