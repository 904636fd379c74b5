"""Create the QApplication and show the main window.

Start-up is kept short (``benchmarks/startup.py``): only the Studio is built before the first
paint; the Learn and Train areas are built when first opened (see
:meth:`rnn_studio.ui.main_window.MainWindow.defer_area`), and the autosaved session is reopened
(and the tour offered) just after the window has painted (:class:`AfterFirstPaint`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from rnn_studio import __version__
from rnn_studio.process_start import (
    blas_started_with_one_thread,
    limit_blas_threads_early,
    pause_collection,
    resume_collection,
)

__all__ = ["AfterFirstPaint", "identify_app", "limit_blas_threads_early", "run_app"]

#: Environment variable: quit this many milliseconds after the window is shown (tests).
QUIT_AFTER_VARIABLE = "RNN_STUDIO_QUIT_AFTER_MS"
#: The app's icon in ``resources/icons`` and its desktop entry (``rnn-studio.desktop``).
ICON_NAME = "rnn-studio.svg"
DESKTOP_FILE_NAME = "rnn-studio"


def identify_app(app: object) -> None:
    """Give ``app`` (the ``QApplication``) its name, version, icon and desktop file name."""
    from PySide6.QtGui import QIcon

    from rnn_studio.resources import resource_path

    app.setApplicationName("RNN Studio")  # type: ignore[attr-defined]
    app.setApplicationVersion(__version__)  # type: ignore[attr-defined]
    # Wayland compositors find the window's icon and name through the desktop entry.
    app.setDesktopFileName(DESKTOP_FILE_NAME)  # type: ignore[attr-defined]
    app.setWindowIcon(QIcon(str(resource_path("icons", ICON_NAME))))  # type: ignore[attr-defined]


class AfterFirstPaint:
    """Run ``callbacks`` once ``window`` has painted for the first time.

    The callbacks run from the event loop just after that paint; if the window closes first,
    ``on_close`` callbacks run then (before the window's own close handling, e.g. the
    autosave, which must not overwrite a session that was never reopened).
    """

    def __init__(
        self,
        window: object,
        callbacks: list[Callable[[], object]],
        on_close: list[Callable[[], object]] | None = None,
    ) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        self.callbacks = list(callbacks)
        self.on_close = list(on_close if on_close is not None else callbacks)
        self.done = False
        runner = self

        class Watcher(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    QTimer.singleShot(0, lambda: runner.run(runner.callbacks))
                elif event.type() == QEvent.Type.Close:
                    runner.run(runner.on_close)
                return False

        self.watcher = Watcher(window)  # type: ignore[arg-type]
        # Installed last, so it sees the close before the filters installed earlier.
        window.installEventFilter(self.watcher)  # type: ignore[attr-defined]

    def run(self, callbacks: list[Callable[[], object]]) -> None:
        """Run ``callbacks`` unless a first batch already ran."""
        if self.done:
            return
        self.done = True
        watched = self.watcher.parent()
        if watched is not None:
            watched.removeEventFilter(self.watcher)
        for callback in callbacks:
            callback()


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
    # No cyclic garbage collection until the window has painted (rnn_studio.process_start):
    # ~180 collections re-scanned the start's long-lived objects, a tenth of its CPU.
    pause_collection()
    try:
        return _show_window_and_run(argv, quit_after_ms)
    finally:
        resume_collection()  # the window closed before painting, or the start failed


def _show_window_and_run(argv: list[str] | None, quit_after_ms: int | None) -> int:
    limit_blas_threads_early()
    if not blas_started_with_one_thread():  # NumPy came first, or the user chose a number
        from rnn_studio.engine.blas import limit_blas_threads

        limit_blas_threads(1)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from rnn_studio.ui.pyside_import_check import quicken_pyside_import_check

    quicken_pyside_import_check()  # PySide's check of each module imported from here on
    from rnn_studio.atomic_files import clean_stale_temporaries
    from rnn_studio.storage import user_config_dir, user_data_dir
    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.menus import apply_appearance_early, install_menus
    from rnn_studio.ui.settings import open_settings
    from rnn_studio.ui.theme import configure_pyqtgraph

    for folder in (user_data_dir(), user_config_dir()):
        clean_stale_temporaries(folder)  # left by a process killed mid-write
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    identify_app(app)
    settings = open_settings()
    # The saved text size and theme before any widget exists: widgets are made in them, and
    # the menus find nothing to restyle.
    apply_appearance_early(settings)
    configure_pyqtgraph()
    from rnn_studio.state.zoo_studio import start_session

    # The studio opens on a trained model (the sentiment LSTM reading "not bad"); the Learn
    # and Train areas are built on first use.
    window = MainWindow(start_session(), settings=settings)
    # Menus, presenter, sessions, themes (ui/menus.py); the autosave waits for the paint.
    features = install_menus(window, restore=False)
    restore: list[Callable[[], object]] = (
        [features.restore_autosave] if features.preferences.restore_session else []
    )
    after_paint = restore or [features.offer_crash_restore]
    # Space/Enter/Escape for the focused control filter every event of the app in Python:
    # not before the window is on screen (~7,600 start-up events), from its first paint on.
    app.removeEventFilter(features.keyboard)

    def operate_keyboard() -> None:
        app.installEventFilter(features.keyboard)

    # Kept alive by its watcher, a child of the window.
    AfterFirstPaint(
        window,
        [resume_collection, operate_keyboard, *after_paint, features.maybe_show_tour],
        on_close=[resume_collection, *restore],
    )
    window.show()
    if quit_after_ms is None and os.environ.get(QUIT_AFTER_VARIABLE):
        quit_after_ms = int(os.environ[QUIT_AFTER_VARIABLE])
    if quit_after_ms is not None:
        QTimer.singleShot(quit_after_ms, window.close)
    return app.exec()
