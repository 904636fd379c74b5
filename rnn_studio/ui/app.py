"""Create the QApplication and show the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

from rnn_studio import __version__


def run_app(argv: list[str] | None = None) -> int:
    """Start the event loop with the main window; return the exit code."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("RNN Studio")
    app.setApplicationVersion(__version__)
    window = QMainWindow()
    window.setWindowTitle("RNN Studio")
    window.resize(1280, 720)
    window.show()
    return app.exec()
