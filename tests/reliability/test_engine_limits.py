"""Issue 12 item 11: the engine's public API refuses absurd input with EngineError.

Sizes that would need more than the stated budget (``MEMORY_BUDGET_BYTES``, 1 GiB) are
refused before anything is allocated; each case runs in a subprocess limited to 1.5 GiB of
address space, so a regression fails the test instead of swapping the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_studio.engine import make_cell
from rnn_studio.engine.errors import MEMORY_BUDGET_BYTES, EngineError
from rnn_studio.engine.tasks import MemoryTask, SentimentTask, TextTask
from rnn_studio.engine.train import TrainingConfig

LIMITED = r"""
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
import numpy as np
from rnn_studio.engine import forward, make_cell
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.model import Model
from rnn_studio.engine.tasks import MemoryTask
from rnn_studio.engine.train import Trainer, TrainingConfig
cases = {
    "hidden 20000": lambda: make_cell("lstm", 3, 20_000, seed=0),
    "model readout": lambda: Model("rnn", input_size=3, hidden_size=8, output_size=10**9),
    "lag 10**7": lambda: MemoryTask(lag=10**7),
    "batch 10**8": lambda: Trainer(
        MemoryTask(lag=5).make_model("gru", 8, seed=0), MemoryTask(lag=5),
        TrainingConfig(steps=1, batch_size=10**8),
    ).run(),
    "long forward": lambda: forward(
        make_cell("lstm", 1, 256, seed=0), np.broadcast_to(np.zeros((1, 1, 1)), (4000, 400, 1))
    ),
}
for name, case in cases.items():
    start = time.perf_counter()
    try:
        case()
        print(name, "| no error")
    except EngineError as error:
        print(name, "| EngineError |", round(time.perf_counter() - start, 2), "|", error)
"""


def test_absurd_sizes_are_refused_before_allocating():
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env["OPENBLAS_NUM_THREADS"] = "1"
    result = subprocess.run(
        [sys.executable, "-c", LIMITED], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 5, result.stdout
    for line in lines:
        _name, kind, seconds, message = line.split(" | ")
        assert kind == "EngineError", line
        assert float(seconds) < 5 and "GiB" in message, line


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: make_cell("rnn", 3, 4, seed=-1), "seed"),
        (lambda: make_cell("rnn", 3, 4, seed=2.5), "seed"),
        (lambda: TrainingConfig(seed=-1), "seed"),
        (lambda: TrainingConfig(learning_rate=np.float64("nan")), "learning_rate"),
        (lambda: TrainingConfig(learning_rate=np.array([0.1, 0.2])), "learning_rate"),
        (lambda: SentimentTask(held_out_fraction=1.5), "held_out_fraction"),
        (lambda: TextTask("to be or not to be " * 20, held_out_fraction=-0.1), "held_out"),
        (lambda: MemoryTask(lag=5, seed=-3), "seed"),
    ],
)
def test_bad_arguments_raise_engine_error(call, words):
    with pytest.raises(EngineError, match=words):
        call()


def test_numpy_scalars_are_accepted_where_numbers_are():
    config = TrainingConfig(
        learning_rate=np.float32(0.01), batch_size=np.int64(8), seed=np.int64(3)
    )
    assert isinstance(config.learning_rate, float) and config.learning_rate == pytest.approx(0.01)
    assert config.batch_size == 8 and type(config.batch_size) is int and config.seed == 3
    assert MEMORY_BUDGET_BYTES == 2**30


def test_training_texts_have_a_stated_limit_checked_before_reading(tmp_path):
    from rnn_studio.engine.tasks import MAX_TEXT_BYTES

    with pytest.raises(EngineError, match="at most"):
        TextTask("a" * (MAX_TEXT_BYTES + 1))
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 10**6)  # a 50 MB file, sparse: nothing to read if refused
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for source in (big, Path("/dev/zero")):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "rnn_studio",
                "train",
                "--task",
                "text",
                "--text-file",
                str(source),
                "--steps",
                "1",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "at most 8.0 MB" in result.stderr or "not an ordinary file" in result.stderr
