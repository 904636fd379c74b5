"""Start the app through its normal entry point and stop at the main window's first paint.

``rnn-studio --measure-startup`` and the main-window step of ``--self-check`` both call
:func:`run_until_first_paint`: it creates the ``QApplication`` first, watches every paint event,
and quits the event loop as soon as a top-level main window has painted. ``run_app`` reuses that
``QApplication``, so what is measured is exactly what a user starts.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_IMPORTED_AT = time.perf_counter()


def seconds_since_process_start() -> float:
    """Seconds since this process started (Linux: from ``/proc``; elsewhere: since import)."""
    try:
        after_name = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        start_ticks = int(after_name[19])  # field 22 of proc(5): starttime in clock ticks
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return time.perf_counter() - _IMPORTED_AT


@dataclass(frozen=True)
class FirstPaint:
    """What painted first: the window's class and title, when (wall-clock seconds since the
    process started) and the CPU seconds the process had used by then (all threads), which
    a busy machine inflates much less than the wall clock."""

    class_name: str
    title: str
    seconds: float
    cpu_seconds: float


def run_until_first_paint(launch: Callable[[], int], timeout_s: float = 30.0) -> FirstPaint:
    """Run ``launch`` (which shows the main window and runs the event loop) until it paints.

    Parameters
    ----------
    launch : callable
        Starts the app and returns its exit code, e.g. ``rnn_studio.ui.app.run_app``. It must
        reuse ``QApplication.instance()``.
    timeout_s : float
        Give up if no main window has painted after this many seconds.

    Returns
    -------
    FirstPaint

    Raises
    ------
    RuntimeError
        If no ``QMainWindow`` painted within ``timeout_s``.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    painted: list[FirstPaint] = []

    paint = QEvent.Type.Paint
    watching: list[QMainWindow] = []

    class FirstPaintWatcher(QObject):
        """Watches the whole application until a main window shows up, then that window
        alone: a filter on the application runs Python for each of the ~30,000 events of a
        start-up (~0.1 s), which the measurement would add to what it measures."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if painted or not isinstance(watched, QMainWindow) or not watched.isWindow():
                return False
            if watched not in watching:
                app.removeEventFilter(self)
                watched.installEventFilter(self)
                watching.append(watched)
            if event.type() == paint:
                seconds = seconds_since_process_start()
                painted.append(
                    FirstPaint(
                        type(watched).__name__, watched.windowTitle(), seconds, time.process_time()
                    )
                )
                QTimer.singleShot(0, _close_and_quit)
            return False

    def _close_and_quit() -> None:
        for widget in QApplication.topLevelWidgets():
            widget.close()
        app.quit()

    watcher = FirstPaintWatcher()
    app.installEventFilter(watcher)
    QTimer.singleShot(int(timeout_s * 1000), _close_and_quit)
    try:
        launch()
    finally:
        app.removeEventFilter(watcher)
    if not painted:
        raise RuntimeError(f"no main window painted within {timeout_s:g} s")
    return painted[0]
