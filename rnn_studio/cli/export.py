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
  token          the token read at step t (a space shows as ␣)
  h_0..h_{H-1}   hidden state h_t, one column per hidden unit
  c_0..c_{H-1}   LSTM only: cell state c_t
  i_*, f_*, g_*, o_*   LSTM only: input gate, forget gate, cell candidate, output gate
  r_*, z_*, n_*        GRU only: reset gate, update gate, candidate state
  grad_norm      ‖∂L/∂h_t‖, backpropagation through time from a loss L = u·h_{T-1}
                 read at the last step with u = (1,…,1)/√H (the studio's gradient view)"""

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
        default="rnn",
        help="the cell to run (default: rnn)",
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
        default="chars",
        help="read the sequence as characters, words or numbers (default: chars)",
    )
    parser.add_argument(
        "--hidden",
        type=whole_number(1, MAX_HIDDEN_SIZE),
        default=8,
        metavar="N",
        help=f"hidden units, 1..{MAX_HIDDEN_SIZE} (default: 8)",
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
    if not out.parent.resolve().is_dir():
        raise CliError(f"the folder {str(out.parent)!r} for --out does not exist")
    if suffix == ".png" and args.view == "gates" and args.cell == "rnn":
        raise CliError("the vanilla RNN has no gates: use --cell lstm or gru, or another --view")

    from rnn_studio.state.trace_table import TraceTableError, compute_export, write_trace_csv
    from rnn_studio.studio_core.demo import DemoSetup

    try:
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
    if suffix == ".csv":
        write_trace_csv(out, *data.table())
        print(f"wrote {out} ({len(data.tokens)} steps, {args.cell}, hidden size {args.hidden})")
        return 0
    # A figure never needs a display: render offscreen even when a desktop is available.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from rnn_studio.cli.qt_check import qt_startup_problem

    problem = qt_startup_problem()
    if problem is not None:
        raise CliError(problem)
    from rnn_studio.ui.export_figures import save_figure

    save_figure(data, args.view, out, args.width, args.height)
    print(f"wrote {out} ({args.width}x{args.height}, {args.view} of {args.cell})")
    return 0
