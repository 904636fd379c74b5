"""Command line: ``rnn-studio`` (or ``python -m rnn_studio``) opens the app.

This module only wires the commands together; each one lives in its own module
(``rnn_studio.cli.*``); what a command needs beyond its argument parser is imported only when
it runs, so that opening the app pays for nothing it does not use.
"""

from __future__ import annotations

import argparse
import sys

from rnn_studio import __version__
from rnn_studio.cli import export, models, train
from rnn_studio.cli.parser import PROG, CliError, OneLineArgumentParser, print_error
from rnn_studio.process_start import limit_blas_threads_early, pause_collection, resume_collection

EPILOG = f"""\
examples:
  {PROG}                                   open the studio
  {PROG} --self-check                      verify this installation (no window needed)
  {PROG} export --cell lstm --sequence "not bad" --view gates --out gates.png
  {PROG} export --cell gru --sequence "not bad" --out trace.csv
  {PROG} models                            list the bundled trained models
  {PROG} predict --model sentiment-lstm --sequence "not bad"
  {PROG} COMMAND --help                    options of one command

Without a display, set QT_QPA_PLATFORM=offscreen. Errors are one line on stderr with
exit status 1 (2 for a wrong command line)."""


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for ``rnn-studio`` and its commands."""
    parser = OneLineArgumentParser(
        prog=PROG,
        description="RNN Studio: step RNN, LSTM and GRU cells through a sequence and watch\n"
        "their memory, gates and gradients. With no command, opens the studio window.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"RNN Studio {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check the engine's gradients, the data files, figure rendering and the main "
        "window (offscreen when there is no display), print each result and exit "
        "non-zero on any failure",
    )
    # For benchmarks and packaging/test_packages.sh: open the app, report the first paint, quit.
    parser.add_argument("--measure-startup", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    export.add_subparser(commands)
    models.add_subparsers(commands)
    train.add_train_subparser(commands).set_defaults(run=train.run_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``rnn-studio`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    # Before the parser loads NumPy: its BLAS starts with one thread, and no cyclic garbage
    # collection runs until the studio's first frame (rnn_studio.process_start); a command
    # or the self-check turns the collector back on as soon as the line is parsed.
    limit_blas_threads_early()
    pause_collection()
    try:
        return _run(argv)
    finally:
        resume_collection()


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None or args.self_check:
        resume_collection()
    if args.command is not None and (args.self_check or args.measure_startup):
        parser.error(f"--self-check does not go with a command (got {args.command!r})")
    try:
        if args.self_check:
            from rnn_studio.cli.self_check import run_self_check

            return run_self_check()
        if args.command is not None:
            return args.run(args)
        from rnn_studio.cli.launch import launch_app

        return launch_app(measure_startup=args.measure_startup)
    except (CliError, ValueError, OSError) as error:
        print_error(str(error))
        return 1


if __name__ == "__main__":
    sys.exit(main())
