"""``rnn-studio export``: render a figure (PNG) or write the trace (CSV) without a window."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from rnn_studio.cli.arg_types import positive_number, whole_number
from rnn_studio.cli.parser import CliError

VIEWS = ("gradients", "heatmap", "gates")
MAX_FIGURE_SIDE = 8000

CSV_COLUMNS_HELP = """\
CSV columns (one row per time step t):
  t              step index, 0-based
  token          the token read at step t (a space is a space; quoted when it starts or
                 ends with white space or holds a comma, quote or line break)
  h_0..h_{H-1}   hidden state h_t, one column per hidden unit
  c_0..c_{H-1}   LSTM only: cell state c_t
  i_*, f_*, g_*, o_*   LSTM only: input gate, forget gate, cell candidate, output gate
  r_*, z_*, n_*        GRU only: reset gate, update gate, candidate state
  grad_norm      ‖∂L/∂h_t‖, backpropagation through time from a loss L = u·h_{T-1}
                 read at the last step with u = (1,…,1)/√H (the studio's gradient view)
  p_<token>      with --model: the readout's probability of each next token or class
                 after step t ("p_ " for a space); y_pred instead for a forecasting model,
                 the predicted next value in the units typed"""

DESCRIPTION = """\
Run a cell over a sequence with the studio's settings and save the result, without opening
a window: a figure for slides and handouts (.png) or the whole trace as a table (.csv).

views (for .png):
  gradients  ‖∂L/∂h_t‖ on a log scale: how much gradient reaches each earlier step
  heatmap    the hidden state h_t, one row per hidden unit, one column per step
  gates      the gate activations over time (LSTM, GRU; the vanilla RNN has no gates)
"""


def add_subparser(commands: Any) -> argparse.ArgumentParser:
    """Add ``export`` to the ``rnn-studio`` subcommands and return its parser."""
    from rnn_studio.studio_core.demo import MAX_HIDDEN_SIZE, MODE_CHOICES

    parser = commands.add_parser(
        "export",
        help="save a figure (.png) or the trace (.csv) without opening a window",
        description=DESCRIPTION,
        epilog=CSV_COLUMNS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--cell",
        choices=("rnn", "lstm", "gru"),
        default=None,
        help="the cell to run (default: rnn; with --model, the model's own)",
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        default=None,
        help="use a bundled trained model (see rnn-studio models) instead of a random cell",
    )
    parser.add_argument(
        "--weights",
        choices=("trained", "random"),
        default=None,
        help="with --model: its trained weights (default) or an untrained network of the "
        "same shape from --seed",
    )
    parser.add_argument(
        "--sequence",
        required=True,
        metavar="TEXT",
        help='the sequence, e.g. "not bad" or "1, 2, 3" with --mode numbers',
    )
    parser.add_argument(
        "--mode",
        choices=MODE_CHOICES,
        default=None,
        help="read the sequence as characters, words or numbers (default: chars; with "
        "--model, the way it was trained)",
    )
    parser.add_argument(
        "--hidden",
        type=whole_number(1, MAX_HIDDEN_SIZE),
        default=None,
        metavar="N",
        help=f"hidden units, 1..{MAX_HIDDEN_SIZE} (default: 8; with --model, the model's)",
    )
    parser.add_argument(
        "--seed",
        type=whole_number(0, 2**32 - 1),
        default=0,
        metavar="S",
        help="seed for the weights: the same seed gives the same figure (default: 0)",
    )
    parser.add_argument(
        "--spectral-radius",
        type=positive_number,
        default=None,
        metavar="R",
        help="rescale the recurrent weights W_hh to spectral radius R "
        "(default: keep the initialisation)",
    )
    parser.add_argument(
        "--view",
        choices=VIEWS,
        default="gradients",
        help="what the .png shows (default: gradients; ignored for .csv)",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="where to write: FILE.png for a figure, FILE.csv for the trace",
    )
    parser.add_argument(
        "--width",
        type=whole_number(64, MAX_FIGURE_SIDE),
        default=1200,
        metavar="W",
        help="figure width in pixels (default: 1200)",
    )
    parser.add_argument(
        "--height",
        type=whole_number(64, MAX_FIGURE_SIDE),
        default=700,
        metavar="H",
        help="figure height in pixels (default: 700)",
    )
    parser.set_defaults(run=run_export)
    return parser


def run_export(args: argparse.Namespace) -> int:
    """Write the figure or CSV that ``args`` asks for; return 0.

    Raises
    ------
    CliError
        For an unsupported file type, a missing output folder, an unreadable sequence or a
        view the cell does not have.
    """
    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".png", ".csv"):
        raise CliError(f"--out must end in .png or .csv, not {out.name!r}")
    from rnn_studio.atomic_files import check_writable_target

    try:
        check_writable_target(out)  # before any work: the folder exists and takes a file
    except OSError as unwritable:
        raise CliError(f"--out: {unwritable}") from None
    if args.model is None:
        if args.weights == "trained":
            raise CliError("--weights trained needs --model NAME (see rnn-studio models)")
        args.cell = args.cell or "rnn"
        args.hidden = args.hidden or 8
        args.mode = args.mode or "chars"
    if suffix == ".png" and args.view == "gates" and args.cell == "rnn":
        raise CliError("the vanilla RNN has no gates: use --cell lstm or gru, or another --view")

    from rnn_studio.state.trace_table import (
        TraceTableError,
        compute_export,
        compute_model_export,
        with_outputs,
        write_trace_csv,
    )
    from rnn_studio.studio_core.demo import DemoSetup

    try:
        if args.model is not None:
            data = compute_model_export(
                _bundled_model(args), args.sequence, args.mode, seed=args.seed
            )
        else:
            data = compute_export(
                DemoSetup(
                    text=args.sequence,
                    mode=args.mode,
                    cell=args.cell,
                    hidden_size=args.hidden,
                    seed=args.seed,
                    spectral_radius=args.spectral_radius,
                    backprop=True,
                )
            )
    except TraceTableError as error:
        raise CliError(str(error)) from None
    if suffix == ".png" and args.view == "gates" and data.kind == "rnn":
        raise CliError("the vanilla RNN has no gates: use an LSTM or GRU model, or another --view")
    if suffix == ".csv":
        table = data.table(real_tokens=True)  # as the studio's CSV: a space is a space
        if args.model is not None:
            table = with_outputs(table, data.cell_run, visible_blanks=False)
        write_trace_csv(out, *table)
        size = data.hidden.shape[1]
        print(f"wrote {out} ({len(data.tokens)} steps, {data.kind}, hidden size {size})")
        return 0
    # A figure never needs a display: render offscreen even when a desktop is available.
    # An offscreen platform already chosen keeps its options (a screen size, say): the test
    # suite's bigger screen was replaced by the default 800 x 800 one for the whole process.
    if not os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from rnn_studio.cli.qt_check import qt_startup_problem

    startup_problem = qt_startup_problem()
    if startup_problem is not None:
        raise CliError(startup_problem)
    from rnn_studio.ui.export_figures import save_figure

    save_figure(data, args.view, out, args.width, args.height)
    print(f"wrote {out} ({args.width}x{args.height}, {args.view} of {data.kind})")
    return 0


def _bundled_model(args: argparse.Namespace) -> Any:
    """The ``--model`` network with ``--weights``: trained, or untrained from ``--seed``.

    Raises
    ------
    CliError
        Unknown model, or ``--cell``, ``--hidden``, ``--mode`` or ``--spectral-radius``
        that contradict it.
    """
    from rnn_studio.zoo import ZooError, load_zoo_model, zoo_entry, zoo_task
    from rnn_studio.zoo.predict import model_mode

    try:
        entry = zoo_entry(args.model)
        model = load_zoo_model(args.model)
    except ZooError as error:
        raise CliError(str(error)) from None
    if args.cell not in (None, model.kind):
        raise CliError(f"{args.model} is a {model.kind} model: leave out --cell {args.cell}")
    if args.hidden not in (None, model.hidden_size):
        raise CliError(f"{args.model} has {model.hidden_size} hidden units, not {args.hidden}")
    if args.spectral_radius is not None:
        raise CliError("--spectral-radius would change the trained weights; leave it out")
    own = model_mode(model)
    if args.mode not in (None, own):
        raise CliError(f"{args.model} reads {own}, not {args.mode}: use --mode {own}")
    args.mode = own
    if args.weights == "random":
        task = zoo_task(entry)
        options = {"memory_init": False} if entry.task == "memory" else {}
        model = task.make_model(entry.cell, entry.hidden_size, seed=args.seed, **options)
    return model
