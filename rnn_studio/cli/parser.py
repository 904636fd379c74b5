"""An argument parser whose usage errors are one clear line, and the error type commands raise."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

PROG = "rnn-studio"


class CliError(Exception):
    """A problem with the user's request; ``main`` prints its message as one line and exits 1."""


class OneLineArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` that reports a usage error as a single line on stderr.

    The default parser prints the whole usage block first; one line that names the problem and
    points at ``--help`` is easier to read in a terminal and to match in a test.
    """

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: error: <message> (see <prog> --help)`` and exit with status 2."""
        _write_stderr(f"{self.prog}: error: {message} (see {self.prog} --help)")
        raise SystemExit(2)


def print_error(message: str) -> None:
    """Write one error line, prefixed with the program name, to stderr."""
    one_line = " ".join(str(message).split())
    _write_stderr(f"{PROG}: error: {one_line}")


def _write_stderr(line: str) -> None:
    # A windowed (no console) frozen app on Windows has no stderr at all.
    if sys.stderr is not None:
        sys.stderr.write(line + "\n")
