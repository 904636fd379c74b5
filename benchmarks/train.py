"""Training speed: updates per second for each task and cell, and time to a target loss.

Run from the repository root::

    .venv/bin/python benchmarks/train.py            # full table (about a minute)
    .venv/bin/python benchmarks/train.py --quick    # fewer updates, for a smoke test
    .venv/bin/python benchmarks/train.py --zoo      # the bundled models: seconds and scores
    .venv/bin/python benchmarks/train.py --dtype    # float32 vs float64: speed-up, scores

Every run uses the task's recipe (``rnn_studio.engine.train.RECIPES``: Adam, learning rate
0.01, batch 16, clipping at 1) with seed 0 and BLAS pinned to one thread. "updates/s" times
training updates only (no evaluation). "to target" trains from scratch, evaluates the held-out
loss every 10 updates and reports the first update (and the training seconds) at which it is
at or below the task's target; "—" means not reached within the cap.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rnn_studio.engine.blas import limit_blas_threads
from rnn_studio.engine.tasks import (
    ForecastTask,
    MemoryTask,
    SentimentTask,
    Task,
    TextTask,
)
from rnn_studio.engine.train import RECIPES, Trainer
from rnn_studio.texts import bundled_text

CELLS = ("rnn", "lstm", "gru")
MEMORY_LAG = 60
TARGETS = {"text": 2.4, "sentiment": 0.2, "forecast": 0.1, "memory": 0.2}
"""Held-out loss to reach: text in nats per character on the course corpus (uniform guess:
3.89; bigram count model: 2.44), sentiment and
memory cross-entropy (guess: 0.69 and 1.39), forecast MSE in standard deviations (mean: 1)."""
CAPS = {"text": 600, "sentiment": 1000, "forecast": 600, "memory": 1000}


def make_tasks() -> dict[str, Task]:
    """The four benchmark tasks, built from seed 0."""
    return {
        "text": TextTask(bundled_text("course").text, "chars"),
        "sentiment": SentimentTask(seed=0),
        "forecast": ForecastTask("sines", seed=0),
        "memory": MemoryTask(lag=MEMORY_LAG, seed=0),
    }


def updates_per_second(task: Task, name: str, kind: str, updates: int) -> float:
    """Mean rate of ``updates`` training updates after five warm-up updates."""
    recipe = RECIPES[name]
    model = task.make_model(kind, recipe.hidden_size, seed=0)
    trainer = Trainer(model, task, recipe.config(steps=updates + 5, seed=0))
    for _ in range(5):
        trainer.step()
    began = time.perf_counter()
    for _ in range(updates):
        trainer.step()
    return updates / (time.perf_counter() - began)


def time_to_target(task: Task, name: str, kind: str, cap: int) -> tuple[int | None, float]:
    """First update (multiple of 10) whose held-out loss is at or below the target, and the
    training seconds it took (evaluation time excluded)."""
    recipe = RECIPES[name]
    model = task.make_model(kind, recipe.hidden_size, seed=0)
    trainer = Trainer(model, task, recipe.config(steps=cap, seed=0))
    seconds = 0.0
    while trainer.steps_done < cap:
        began = time.perf_counter()
        for _ in range(10):
            trainer.step()
        seconds += time.perf_counter() - began
        if task.evaluate(model).loss <= TARGETS[name]:
            return trainer.steps_done, seconds
    return None, seconds


def zoo_rows() -> None:
    """Train every bundled model from its recipe (nothing is written) and print one row each:
    training seconds, held-out score and the baseline on the same data."""
    from rnn_studio.zoo.build import build_one
    from rnn_studio.zoo.specs import SPECS

    print("| model | task | cell | hidden | updates × batch | seconds | held-out | baseline |")
    print("|---|---|---|---|---|---|---|---|")
    total = 0.0
    for spec in SPECS:
        built = build_one(spec)
        entry = built.entry
        total += built.seconds
        print(
            f"| {spec.name} | {spec.task} | {spec.cell} | {spec.hidden_size} | "
            f"{spec.steps} × {spec.batch_size} | {built.seconds:.1f} | "
            f"{entry['metric']} {entry['score']:.4f} | "
            f"{entry['baseline_name']} {entry['baseline']:.4f} |",
            flush=True,
        )
    print(f"| all | | | | | {total:.1f} | | |")


def dtype_speed(task: Task, name: str, kind: str, hidden: int, rounds: int, block: int):
    """Thread-CPU seconds per update in float64 and float32, interleaved: ``rounds`` times,
    ``block`` updates of each (same batches, same start), so load changes hit both alike.
    Returns the two medians of the per-round means."""
    recipe = RECIPES[name]
    trainers = {}
    for dtype in ("float64", "float32"):
        model = task.make_model(kind, hidden, seed=0, dtype=np.dtype(dtype))
        trainers[dtype] = Trainer(model, task, recipe.config(steps=10**6, seed=0))
        for _ in range(3):  # warm up (buffers, caches)
            trainers[dtype].step()
    times: dict[str, list[float]] = {"float64": [], "float32": []}
    for _ in range(rounds):
        for dtype, trainer in trainers.items():
            began = time.thread_time()
            for _ in range(block):
                trainer.step()
            times[dtype].append((time.thread_time() - began) / block)
    return float(np.median(times["float64"])), float(np.median(times["float32"]))


def dtype_scores(task: Task, name: str, kind: str) -> tuple[float, float, str]:
    """Held-out metric (accuracy, or loss) after the task's full recipe in each dtype."""
    recipe = RECIPES[name]
    scores = []
    for dtype in ("float64", "float32"):
        model = task.make_model(kind, recipe.hidden_size, seed=0, dtype=np.dtype(dtype))
        Trainer(model, task, recipe.config(seed=0)).run()
        evaluation = task.evaluate(model)
        scores.append(evaluation.metric)
    return scores[0], scores[1], evaluation.metric_name


def dtype_rows(quick: bool) -> None:
    """``--dtype``: float32 against float64 training, per update (interleaved, thread CPU
    time) at the recipe's hidden size and at 64 and 256, and the final held-out scores."""
    tasks = make_tasks()
    rounds, block = (3, 3) if quick else (7, 10)
    print("| task | cell | hidden | ms/update float64 | float32 | speed-up |")
    print("|---|---|---|---|---|---|")
    for name, task in tasks.items():
        for kind in CELLS:
            for hidden in sorted({RECIPES[name].hidden_size, 64, 256}):
                f64, f32 = dtype_speed(task, name, kind, hidden, rounds, block)
                print(
                    f"| {name} | {kind} | {hidden} | {1000 * f64:.2f} | {1000 * f32:.2f} | "
                    f"×{f64 / f32:.2f} |",
                    flush=True,
                )
    if quick:
        return
    print()
    print("| task | cell | metric | float64 | float32 | difference |")
    print("|---|---|---|---|---|---|")
    for name, task in tasks.items():
        for kind in CELLS:
            f64, f32, metric = dtype_scores(task, name, kind)
            print(
                f"| {name} | {kind} | {metric} | {f64:.4f} | {f32:.4f} | {f32 - f64:+.4f} |",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 timed updates, low caps")
    parser.add_argument("--zoo", action="store_true", help="time the bundled models' build")
    parser.add_argument(
        "--dtype", action="store_true", help="float32 against float64: speed-up and scores"
    )
    args = parser.parse_args(argv)
    pinned = limit_blas_threads(1)
    if args.dtype:
        print(
            f"# python {platform.python_version()}, numpy {np.__version__}, BLAS pinned: {pinned}"
        )
        dtype_rows(args.quick)
        return 0
    if args.zoo:
        print(
            f"# python {platform.python_version()}, numpy {np.__version__}, BLAS pinned: {pinned}"
        )
        zoo_rows()
        return 0
    updates = 30 if args.quick else 200
    caps = {name: 50 for name in CAPS} if args.quick else CAPS
    tasks = make_tasks()
    print(f"# python {platform.python_version()}, numpy {np.__version__}, BLAS pinned: {pinned}")
    print(f"# memory lag {MEMORY_LAG}; targets (held-out loss) {TARGETS}")
    print(
        "| task | cell | hidden | T × B | updates/s | ms/update | target | updates to target "
        "| seconds to target |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, task in tasks.items():
        batch = task.train_batch(np.random.default_rng(0), RECIPES[name].batch_size)
        for kind in CELLS:
            rate = updates_per_second(task, name, kind, updates)
            reached, seconds = time_to_target(task, name, kind, caps[name])
            to_target = f"{reached}" if reached is not None else f"— (>{caps[name]})"
            when = f"{seconds:.2f}" if reached is not None else "—"
            print(
                f"| {name} | {kind} | {RECIPES[name].hidden_size} | "
                f"{batch.length} × {batch.size} | {rate:.0f} | {1000 / rate:.2f} | "
                f"{TARGETS[name]} | {to_target} | {when} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
