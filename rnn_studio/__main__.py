"""Command line: ``rnn-studio`` or ``python -m rnn_studio`` starts the app."""

from __future__ import annotations

import argparse
import sys

from rnn_studio import __version__


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="rnn-studio",
        description="RNN Studio: step RNN, LSTM and GRU cells through a sequence and watch them.",
    )
    parser.add_argument("--version", action="version", version=f"RNN Studio {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and start the app."""
    build_parser().parse_args(argv)
    from rnn_studio.ui.app import run_app

    return run_app()


if __name__ == "__main__":
    sys.exit(main())
