"""``rnn-studio train``: train a small model on a built-in task from the command line.

For teachers preparing models before class::

    rnn-studio train --task memory --cell lstm --lag 60 --out memory_lstm.npz
    rnn-studio train --task text --cell gru --steps 500 --out course_gru.npz
    rnn-studio train --task memory --cell lstm --lag 100 --memory-init off

A progress bar is drawn on a terminal (plain progress lines otherwise, e.g. in a log) and
the last line is always ``final <metric>: <value>``: held-out accuracy for ``sentiment`` and
``memory``, held-out loss for ``text`` (nats per token) and ``forecast`` (mean squared error
in standard deviations). The text task prints ``bigram baseline: <value>`` on the line
before: the held-out loss of a bigram count model, the number a network must beat. The
saved ``.npz`` opens in the studio and loads into PyTorch (see
:mod:`rnn_studio.engine.io`).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from rnn_studio.cli.arg_types import positive_number, whole_number

TASKS = ("text", "sentiment", "forecast", "memory")
CELLS = ("rnn", "lstm", "gru")
BAR_WIDTH = 30

DESCRIPTION = """\
Train a small RNN, LSTM or GRU on a built-in task (generated from the seed; nothing is
downloaded), print progress, optionally save the model, and end with one line
'final <metric>: <value>' (accuracy for sentiment and memory, held-out loss for text and
forecast).

tasks:
  text       predict the next character of a text (default: this course's own lessons,
             glossary, cards and quizzes, bundled; --text alice for the opening of
             Alice's Adventures in Wonderland; or --text-file); prints the bigram
             baseline to beat on the line before the final loss
  sentiment  label phrases like "the film was not bad" positive or negative
  forecast   predict the next value of a series (--series sine, sines or walk)
  memory     recall the first token after --lag distractor steps (chance: 25 %)
"""


def _clip(text: str) -> float:
    if text.lower() in ("0", "off", "none"):
        return 0.0
    return positive_number(text)


def add_train_subparser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``train`` command to ``subparsers`` and return its parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "train",
        help="train a model on a built-in task and save it",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--task", required=True, choices=TASKS, help="what to learn")
    parser.add_argument("--cell", default="lstm", choices=CELLS, help="cell kind (lstm)")
    parser.add_argument(
        "--lag", type=whole_number(0, 1000), default=60, help="memory task: distractor steps (60)"
    )
    parser.add_argument(
        "--memory-init",
        choices=("on", "off"),
        default="on",
        help="memory task: start the LSTM forget gate open (+6) and its input gate shut (-3), "
        "the GRU update gate at +6, so an untrained cell keeps its memory; off: zero gate "
        "biases, and the gated cells forget like the RNN (on)",
    )
    parser.add_argument("--hidden", type=whole_number(1, 512), help="hidden units (task default)")
    parser.add_argument("--steps", type=whole_number(1, 10**7), help="updates (task default)")
    parser.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=0, help="seed (0)")
    parser.add_argument(
        "--clip",
        type=_clip,
        help="gradient-norm clipping threshold, 0 or 'off' to disable (task default 1)",
    )
    parser.add_argument("--lr", type=positive_number, help="learning rate (task default)")
    parser.add_argument(
        "--optimizer", choices=("adam", "sgd"), help="optimiser (adam; sgd uses momentum 0.9)"
    )
    parser.add_argument("--batch", type=whole_number(1, 4096), help="sequences per update (16)")
    parser.add_argument(
        "--bptt", type=whole_number(1, 100000), help="truncate backpropagation to this many steps"
    )
    parser.add_argument(
        "--series",
        choices=("sine", "sines", "walk"),
        default="sines",
        help="forecast task: sine, sum of sines with noise, or price-like random walk",
    )
    parser.add_argument(
        "--text",
        choices=("course", "alice"),
        default="course",
        help="text task: a bundled text, this course's own (76,000 characters) or the "
        "opening of Alice (1,660; too short to beat the bigram baseline) (course)",
    )
    parser.add_argument("--text-file", type=Path, help="text task: UTF-8 text to learn from")
    parser.add_argument(
        "--mode", choices=("chars", "words"), default="chars", help="text task: token unit"
    )
    parser.add_argument(
        "--dtype",
        choices=("float64", "float32"),
        default="float64",
        help="training precision: float32 is faster (about x1.2-2.2 per update, most at large "
        "hidden sizes) and reaches the same final scores within tolerance; float64 is exact "
        "(float64)",
    )
    parser.add_argument("--out", type=Path, help="save the trained model here (.npz)")
    return parser


def _make_task(args: argparse.Namespace) -> Any:
    from rnn_studio.engine.tasks import ForecastTask, MemoryTask, SentimentTask, TextTask

    if args.task == "text":
        if args.text_file is not None:
            from rnn_studio.engine.tasks import MAX_TEXT_BYTES
            from rnn_studio.safe_read import BadJSONError, read_text_file

            try:  # size and file type checked before reading (a 50 MB file, /dev/zero)
                text = read_text_file(args.text_file, MAX_TEXT_BYTES)
            except BadJSONError as error:
                raise ValueError(str(error)) from None
            except OSError as error:
                reason = error.strerror or str(error)
                raise ValueError(f"Cannot read {args.text_file}: {reason}") from None
        else:
            from rnn_studio.texts import bundled_text

            text = bundled_text(args.text).text
        return TextTask(text, args.mode)
    if args.task == "sentiment":
        return SentimentTask(seed=args.seed)
    if args.task == "forecast":
        return ForecastTask(args.series, seed=args.seed)
    return MemoryTask(lag=args.lag, seed=args.seed)


class ProgressPrinter:
    """Draws a bar in place on a terminal, or prints a line every tenth of the run."""

    def __init__(self, stream: TextIO, metric_name: str, total: int) -> None:
        self.stream = stream
        self.metric_name = metric_name
        self.total = total
        self.interactive = stream.isatty()
        self.last_line = 0
        self.last_draw = 0.0
        self.held_out = "n/a"

    def __call__(self, progress: Any) -> None:
        if progress.evaluation is not None:
            self.held_out = f"{progress.evaluation.metric:.4g}"
        loss = progress.update.loss
        done = progress.step
        if self.interactive:
            now = time.monotonic()
            if done < self.total and now - self.last_draw < 0.1:
                return
            self.last_draw = now
            filled = round(BAR_WIDTH * done / self.total)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            left = progress.remaining
            eta = f"{left:5.1f}s left" if math.isfinite(left) else ""
            self.stream.write(
                f"\r[{bar}] {done}/{self.total} loss {loss:.4g} "
                f"held-out {self.metric_name} {self.held_out} {eta}  "
            )
            if done == self.total:
                self.stream.write("\n")
            self.stream.flush()
            return
        step = max(1, self.total // 10)
        if done % step == 0 or done == self.total:
            self.stream.write(
                f"update {done}/{self.total}  loss {loss:.4g}  held-out {self.metric_name} "
                f"{self.held_out}  {progress.elapsed:.1f}s\n"
            )
            self.stream.flush()

    def finish_line(self) -> None:
        """End a half-drawn bar (after a stop or divergence)."""
        if self.interactive:
            self.stream.write("\n")


def run_train(args: argparse.Namespace, stream: TextIO | None = None) -> int:
    """Run ``rnn-studio train`` with parsed ``args``; return the exit status.

    Returns 0 when training finished, 1 when it diverged (the reason goes to stderr) and
    130 when interrupted with Ctrl-C. The last line on ``stream`` (stdout) is always
    ``final <metric>: <value>``.
    """
    out = sys.stdout if stream is None else stream
    import numpy as np

    from rnn_studio.engine.blas import limit_blas_threads
    from rnn_studio.engine.io import save_model
    from rnn_studio.engine.train import RECIPES, Trainer, TrainingControl

    limit_blas_threads(1)  # tiny matrices: BLAS threads only add overhead
    if args.out is not None:
        from rnn_studio.atomic_files import check_writable_target

        check_writable_target(args.out)  # before training, not after (OSError: one line)
    recipe = RECIPES[args.task]
    task = _make_task(args)
    changes: dict[str, Any] = {"seed": args.seed}
    if args.steps is not None:
        changes["steps"] = args.steps
    if args.lr is not None:
        changes["learning_rate"] = args.lr
    if args.clip is not None:
        changes["clip"] = args.clip or None
    if args.optimizer is not None:
        changes["optimizer"] = args.optimizer
    if args.batch is not None:
        changes["batch_size"] = args.batch
    if args.bptt is not None:
        changes["bptt"] = args.bptt
    config = recipe.config(**changes)
    config = recipe.config(**changes, eval_every=max(1, config.steps // 20))
    hidden = args.hidden or recipe.hidden_size
    dtype = np.dtype(getattr(args, "dtype", "float64"))
    if args.task == "memory":
        model = task.make_model(
            args.cell, hidden, seed=args.seed, memory_init=args.memory_init == "on", dtype=dtype
        )
    else:
        model = task.make_model(args.cell, hidden, seed=args.seed, dtype=dtype)
    trainer = Trainer(model, task, config)
    clip = f"clip {config.clip}" if config.clip else "no clipping"
    out.write(
        f"training {args.cell} (hidden {hidden}) on {args.task}: {config.steps} updates, "
        f"{config.optimizer} lr {config.learning_rate}, batch {config.batch_size}, {clip}, "
        f"seed {args.seed}"
        + (f", memory init {args.memory_init}" if args.task == "memory" else "")
        + (f", {dtype.name}" if dtype != np.float64 else "")
        + "\n"
    )
    start = task.evaluate(model)
    out.write(f"start held-out {start.metric_name}: {start.metric:.4g}\n")
    printer = ProgressPrinter(out, task.metric_name, config.steps)
    control = TrainingControl()
    try:
        summary = trainer.run(on_progress=printer, control=control)
    except KeyboardInterrupt:
        printer.finish_line()
        control.stop()
        out.write(f"interrupted after {trainer.steps_done} updates\n")
        final = task.evaluate(model)
        _write_final(out, task, f"{final.metric:.4f}")
        return 130
    if summary.status == "diverged":
        printer.finish_line()
        from rnn_studio.cli.parser import print_error

        print_error(summary.message)
        _write_final(out, task, "nan")
        return 1
    if args.out is not None:
        path = save_model(args.out, model)
        out.write(f"saved {path}\n")
    final = summary.evaluation
    assert final is not None
    _write_final(out, task, f"{final.metric:.4f}")
    out.flush()
    return 0


def _write_final(out: TextIO, task: Any, value: str) -> None:
    """The last line, ``final <metric>: <value>``; for the text task the bigram baseline
    (held-out loss of a bigram count model) on the line before, so the two sit together."""
    if task.name == "text":
        out.write(f"bigram baseline: {task.bigram_baseline():.4f}\n")
    out.write(f"final {task.metric_name}: {value}\n")
