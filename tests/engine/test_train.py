"""Training: every task learns, the gated cells remember where the vanilla RNN cannot, runs
repeat bit for bit, and divergence, clipping, truncation and pause/stop behave."""

from __future__ import annotations

import sys
import threading
import time

import numpy as np
import pytest

from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.tasks import ForecastTask, MemoryTask, SentimentTask, TextTask
from rnn_studio.engine.train import (
    RECIPES,
    Trainer,
    TrainingConfig,
    TrainingControl,
    TrainingDivergedError,
    accuracy_against_lag,
)
from rnn_studio.texts import bundled_text


def train(task, kind, hidden, **config):
    model = task.make_model(kind, hidden, seed=config.get("seed", 0))
    trainer = Trainer(model, task, TrainingConfig(**config))
    return trainer, trainer.run()


@pytest.mark.parametrize(
    ("make_task", "kind", "hidden", "steps", "ratio"),
    [
        (lambda: TextTask(bundled_text().text, "chars"), "gru", 48, 120, 0.7),
        (lambda: SentimentTask(seed=0), "lstm", 16, 200, 0.3),
        (lambda: ForecastTask("sines", seed=0), "rnn", 16, 100, 0.2),
        (lambda: MemoryTask(lag=5, seed=0), "gru", 16, 200, 0.3),
    ],
    ids=["text", "sentiment", "forecast", "memory"],
)
def test_each_task_learns(make_task, kind, hidden, steps, ratio):
    task = make_task()
    model = task.make_model(kind, hidden, seed=0)
    start = task.evaluate(model)
    trainer = Trainer(model, task, TrainingConfig(steps=steps, clip=1.0, eval_every=steps))
    summary = trainer.run()
    assert summary.status == "finished" and summary.steps == steps
    assert summary.evaluation.loss < ratio * start.loss
    if task.metric_name == "accuracy":
        assert summary.evaluation.metric > 0.9


def test_same_seeds_repeat_bit_for_bit():
    task = SentimentTask(seed=0)
    first, _ = train(task, "gru", 8, steps=30, seed=3, eval_every=10)
    second, _ = train(task, "gru", 8, steps=30, seed=3, eval_every=10)
    assert first.history.losses == second.history.losses
    assert first.history.norms_before == second.history.norms_before
    assert first.history.eval_metrics == second.history.eval_metrics
    for name, value in first.model.params.items():
        assert np.array_equal(value, second.model.params[name]), name
    other, _ = train(task, "gru", 8, steps=30, seed=4, eval_every=10)
    assert other.history.losses != first.history.losses


def test_clipping_caps_every_reported_norm():
    task = ForecastTask("walk", seed=0)
    trainer, _ = train(task, "rnn", 8, steps=40, clip=0.05, eval_every=40)
    assert max(trainer.history.norms_after) <= 0.05
    assert max(trainer.history.norms_before) > 0.05
    free, _ = train(task, "rnn", 8, steps=5, eval_every=5)
    assert free.history.norms_before == free.history.norms_after


def test_truncated_bptt_changes_gradients_but_not_the_loss():
    task = TextTask(bundled_text().text, "chars", sequence_length=24)
    full = Trainer(task.make_model("lstm", 8, seed=0), task, TrainingConfig(steps=1))
    short = Trainer(task.make_model("lstm", 8, seed=0), task, TrainingConfig(steps=1, bptt=6))
    full_report, short_report = full.step(), short.step()
    assert short_report.loss == pytest.approx(full_report.loss, rel=1e-12)
    assert short_report.norm_before != pytest.approx(full_report.norm_before, rel=1e-6)
    assert len(short_report.grad_norms) == 6 and len(full_report.grad_norms) == 24


def test_exploding_run_stops_with_a_message_and_keeps_finite_weights():
    task = ForecastTask("sines", seed=0)
    model = task.make_model("rnn", 16, seed=0)
    trainer = Trainer(model, task, TrainingConfig(steps=50, optimizer="sgd", learning_rate=100.0))
    summary = trainer.run()
    assert summary.status == "diverged"
    assert "Training stopped at update 2" in summary.message
    assert "lower the learning rate or clip the gradients" in summary.message
    assert all(np.all(np.isfinite(value)) for value in model.params.values())
    assert trainer.steps_done == 1


def test_nan_is_detected_when_the_explosion_guard_is_off():
    task = ForecastTask("sines", seed=0)
    model = task.make_model("rnn", 16, seed=0)
    config = TrainingConfig(steps=80, optimizer="sgd", learning_rate=100.0, explode_factor=None)
    trainer = Trainer(model, task, config)
    with pytest.raises(TrainingDivergedError, match="loss is inf"):
        for _ in range(80):
            trainer.step()
    before = model.params
    with pytest.raises(TrainingDivergedError):
        trainer.step()
    assert all(np.array_equal(before[name], value) for name, value in model.params.items())


def test_stop_from_the_progress_callback():
    task = MemoryTask(lag=3)
    trainer = Trainer(task.make_model("rnn", 4, seed=0), task, TrainingConfig(steps=100))
    control = TrainingControl()
    seen = []

    def on_progress(progress):
        seen.append(progress)
        if progress.step == 5:
            control.stop()

    summary = trainer.run(on_progress, control)
    assert summary.status == "stopped" and summary.steps == 5
    assert summary.evaluation is not None and trainer.history.eval_steps[-1] == 5
    assert [p.step for p in seen] == [1, 2, 3, 4, 5]
    assert seen[-1].fraction == 0.05 and seen[-1].remaining > 0


def blocks_in(thread: threading.Thread, function: str, timeout: float = 10.0) -> bool:
    """Wait until ``thread`` is inside ``function`` (its stack shows it); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = sys._current_frames().get(thread.ident or -1)
        while frame is not None:
            if frame.f_code.co_name == function:
                return True
            frame = frame.f_back
        time.sleep(0.001)
    return False


def test_pause_holds_a_worker_thread_until_resume():
    task = MemoryTask(lag=3)
    trainer = Trainer(task.make_model("rnn", 4, seed=0), task, TrainingConfig(steps=400))
    control = TrainingControl()
    reached = threading.Event()

    def on_progress(progress):
        if progress.step == 10:
            control.pause()
            reached.set()

    result = []
    worker = threading.Thread(target=lambda: result.append(trainer.run(on_progress, control)))
    worker.start()
    assert reached.wait(10)
    assert blocks_in(worker, "wait_while_paused")
    assert trainer.steps_done == 10 and control.paused
    control.resume()
    worker.join(30)
    assert not worker.is_alive()
    assert result[0].status == "finished" and result[0].steps == 400


def test_stop_wakes_a_paused_run():
    task = MemoryTask(lag=3)
    trainer = Trainer(task.make_model("rnn", 4, seed=0), task, TrainingConfig(steps=50))
    control = TrainingControl()
    control.pause()
    worker = threading.Thread(target=lambda: trainer.run(None, control))
    worker.start()
    assert blocks_in(worker, "wait_while_paused")
    control.stop()
    worker.join(5)
    assert not worker.is_alive() and trainer.steps_done == 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"steps": 0}, "steps must be a positive integer"),
        ({"learning_rate": -1.0}, "learning_rate must be positive"),
        ({"optimizer": "rmsprop"}, "optimizer must be 'adam' or 'sgd'"),
        ({"clip": 0.0}, "clip must be positive"),
        ({"clip_mode": "both"}, "clip_mode"),
        ({"bptt": 0}, "bptt"),
    ],
)
def test_bad_settings_are_named(settings, message):
    with pytest.raises(EngineError, match=message):
        TrainingConfig(**settings)


def test_recipes_cover_every_task_and_make_configs():
    assert set(RECIPES) == {"text", "sentiment", "forecast", "memory"}
    config = RECIPES["memory"].config(steps=7, seed=2)
    assert config.steps == 7 and config.seed == 2 and config.clip == 1.0


def test_accuracy_against_lag_runs_every_cell_and_lag():
    seen = []
    results = accuracy_against_lag(
        [0, 2], ("rnn", "gru"), steps=100, hidden_size=8, on_result=lambda *r: seen.append(r)
    )
    assert set(results) == {"rnn", "gru"} and all(len(v) == 2 for v in results.values())
    assert [(cell, lag) for cell, lag, _ in seen] == [
        ("rnn", 0),
        ("gru", 0),
        ("rnn", 2),
        ("gru", 2),
    ]
    assert all(0.0 <= accuracy <= 1.0 for values in results.values() for accuracy in values)
    assert results["gru"][0] > 0.5  # lag 0 is easy; the update gate (+6) slows the start
    control = TrainingControl()
    control.stop()
    assert accuracy_against_lag([0], ("rnn",), steps=5, control=control) == {"rnn": []}


def test_truncating_bptt_below_the_lag_stops_the_memory_task_being_learned():
    task = MemoryTask(lag=10, seed=0)
    settings = {"steps": 200, "clip": 1.0, "eval_every": 200}
    _, full = train(task, "gru", 16, **settings)
    _, truncated = train(task, "gru", 16, bptt=4, **settings)
    assert full.evaluation.metric > 0.9
    assert truncated.evaluation.metric < task.chance + 0.15
