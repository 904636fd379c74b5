"""Create the QApplication and show the main window."""

from __future__ import annotations

import os
import sys

from rnn_studio import __version__

#: Environment variable: quit this many milliseconds after the window is shown (tests).
QUIT_AFTER_VARIABLE = "RNN_STUDIO_QUIT_AFTER_MS"


def run_app(argv: list[str] | None = None, quit_after_ms: int | None = None) -> int:
    """Start the event loop with the main window; return the exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments for Qt (``sys.argv`` by default).
    quit_after_ms : int, optional
        Close the window by itself after this many milliseconds (also read from the
        ``RNN_STUDIO_QUIT_AFTER_MS`` environment variable); for tests and benchmarks.
    """
    # The engine's matrices are small: BLAS threads only add overhead (see engine.blas).
    from rnn_studio.engine.blas import limit_blas_threads

    limit_blas_threads(1)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.theme import configure_pyqtgraph

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("RNN Studio")
    app.setApplicationVersion(__version__)
    configure_pyqtgraph()
    window = MainWindow()
    from rnn_studio.ui.learn import install_learn_area

    install_learn_area(window)  # the Learn tab (rnn_studio/ui/learn), replacing its placeholder
    from rnn_studio.ui.classroom import install_classroom_features

    install_classroom_features(window)  # menus, presenter, sessions, themes (ui/classroom.py)
    window.show()
    if quit_after_ms is None and os.environ.get(QUIT_AFTER_VARIABLE):
        quit_after_ms = int(os.environ[QUIT_AFTER_VARIABLE])
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    return app.exec()
