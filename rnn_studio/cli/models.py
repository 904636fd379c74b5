"""``rnn-studio models`` and ``rnn-studio predict``: the bundled trained models from a terminal.

``models`` prints one tab-separated line per bundled model: name, cell, task, held-out
metric and score, and the baseline on the same data. ``predict`` runs one of them over a
sequence and prints, per step, ``t``, the token read, the predicted next token / label /
value and its probability (blank for values), tab-separated; the last line is
``prediction: <label or token or value> [probability]``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from rnn_studio.cli.parser import CliError

MODELS_DESCRIPTION = """\
List the trained models bundled with RNN Studio, one tab-separated line each:
  name  cell  task  metric  held-out score  baseline (name value)
Accuracy is the share of held-out examples right; loss is nats per character (text) or the
mean squared error in standard deviations (forecast). The baseline is what chance, a bigram
count model or "the next value equals this one" scores on the same held-out data.
"""

PREDICT_DESCRIPTION = """\
Run a bundled model over a sequence, from the zero state, and print what it predicts after
each step, one tab-separated line per step:
  t  token read  predicted next token / label / value  probability (blank for values)
and last 'prediction: <label or token or value> <probability>' (the prediction after the
whole sequence). A space shows as ␣, a new line as ↵.
"""


def add_subparsers(commands: Any) -> None:
    """Add ``models`` and ``predict`` to the ``rnn-studio`` subcommands."""
    models = commands.add_parser(
        "models",
        help="list the bundled trained models and their held-out scores",
        description=MODELS_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    models.set_defaults(run=run_models)
    predict = commands.add_parser(
        "predict",
        help="run a bundled model over a sequence and print its predictions",
        description=PREDICT_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    predict.add_argument("--model", required=True, metavar="NAME", help="see rnn-studio models")
    predict.add_argument(
        "--sequence",
        required=True,
        metavar="TEXT",
        help='what the model reads, e.g. "not bad", "hello hello" or "0.1, 0.5, 0.9"',
    )
    predict.add_argument(
        "--mode",
        choices=("chars", "words", "numbers"),
        help="how to read the sequence (default: the way the model was trained)",
    )
    predict.set_defaults(run=run_predict)


def run_models(args: argparse.Namespace, stream: TextIO | None = None) -> int:
    """Print the bundled models; return 0."""
    from rnn_studio.zoo import ZooError, zoo_entries

    out = sys.stdout if stream is None else stream
    try:
        entries = zoo_entries()
    except ZooError as error:
        raise CliError(str(error)) from None
    for entry in entries:
        fields = [
            entry.name,
            entry.cell,
            entry.task,
            entry.metric,
            f"{entry.score:.4f}",
            f"{entry.baseline_name} {entry.baseline:.4f}",
        ]
        out.write("\t".join(fields) + "\n")
    return 0


def run_predict(args: argparse.Namespace, stream: TextIO | None = None) -> int:
    """Print ``--model``'s prediction at every step of ``--sequence``; return 0.

    Raises
    ------
    CliError
        Unknown model, a mode the model does not read, or tokens it never saw (named).
    """
    from rnn_studio.engine.errors import EngineError
    from rnn_studio.zoo import ZooError, load_zoo_model
    from rnn_studio.zoo.predict import predict_sequence

    out = sys.stdout if stream is None else stream
    try:
        model = load_zoo_model(args.model)
        steps = predict_sequence(model, args.sequence, args.mode)
    except (ZooError, EngineError) as error:
        raise CliError(str(error)) from None
    for step in steps:
        probability = "" if step.probability is None else f"{step.probability:.4f}"
        out.write(f"{step.t}\t{step.token}\t{step.predicted}\t{probability}\n")
    last = steps[-1]
    tail = "" if last.probability is None else f" {last.probability:.4f}"
    out.write(f"prediction: {last.predicted}{tail}\n")
    return 0
