"""Keep typed work when the process dies: periodic autosave, SIGTERM, and crash detection.

* Every :data:`AUTOSAVE_INTERVAL_MS` the studio's session is autosaved if it changed since
  the last save (one small file write on the GUI thread, skipped when nothing changed).
* ``SIGTERM`` (what the desktop sends at logout) closes the window the normal way, which
  autosaves; a timer lets Python see the signal while Qt's event loop runs.
* Each running window leaves a marker ``running-<pid>`` in the user data folder and removes
  it on a clean exit. A marker whose process is gone means that window crashed (or was
  killed): the next start offers to restore the autosave, even when "Reopen the last
  session" is off.
"""

from __future__ import annotations

import contextlib
import os
import signal
import weakref
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from rnn_studio.storage import user_data_dir

#: How often the session is autosaved while the app runs (milliseconds).
AUTOSAVE_INTERVAL_MS = 60_000
#: How often Python gets control to notice a signal (milliseconds).
SIGNAL_POLL_MS = 400
MARKER_PREFIX = "running-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def crashed_markers(folder: Path | None = None) -> list[Path]:
    """Markers left by windows whose process is gone (a crash or ``kill -9``)."""
    folder = folder or user_data_dir()
    found = []
    for marker in folder.glob(f"{MARKER_PREFIX}*"):
        try:
            pid = int(marker.name[len(MARKER_PREFIX) :])
        except ValueError:
            continue
        if not _alive(pid):
            found.append(marker)
    return found


class SessionGuard(QObject):
    """Autosave now and then, close cleanly on SIGTERM, and leave a crash marker.

    Parameters
    ----------
    parent : QObject
        Owner (the window's features object).
    autosave : callable
        Writes the autosave; returns True when it wrote something.
    close_window : callable
        Closes the window the normal way (the close handler autosaves).
    """

    def __init__(
        self,
        parent: QObject,
        autosave: Callable[[], object],
        close_window: Callable[[], object],
        interval_ms: int = AUTOSAVE_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("session_guard")
        folder = user_data_dir()
        self.crashed = crashed_markers(folder)
        self.marker = folder / f"{MARKER_PREFIX}{os.getpid()}"
        with contextlib.suppress(OSError):
            self.marker.write_text("RNN Studio is running\n", encoding="utf-8")
        self._close_window = close_window
        self.timer = QTimer(self)
        self.timer.setObjectName("autosave_timer")
        self.timer.timeout.connect(autosave)
        self.timer.start(interval_ms)
        self._poll = QTimer(self)
        self._poll.timeout.connect(lambda: None)  # lets Python run its signal handlers
        self._poll.start(SIGNAL_POLL_MS)
        _LIVE_GUARDS.add(self)
        with contextlib.suppress(ValueError, OSError):  # only the main thread may set it
            previous = signal.signal(signal.SIGTERM, _on_sigterm)
            if previous is not _on_sigterm:
                _ORIGINAL_HANDLER[:] = [previous]

    def close_window(self) -> None:
        """Close the window the normal way (from the event loop, after a signal)."""
        self._close_window()

    def forget_crashes(self) -> None:
        """Remove the markers of crashed windows (their autosave was offered)."""
        for marker in self.crashed:
            marker.unlink(missing_ok=True)
        self.crashed = []

    def finish(self) -> None:
        """A clean exit: stop the timers and remove this window's marker."""
        self.timer.stop()
        self._poll.stop()
        self.marker.unlink(missing_ok=True)
        _LIVE_GUARDS.discard(self)
        if not _LIVE_GUARDS and _ORIGINAL_HANDLER:
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signal.SIGTERM, _ORIGINAL_HANDLER.pop())  # type: ignore[arg-type]


#: The guards of open windows (a module-level handler: a bound method of a deleted Qt
#: object must never stay installed as the signal handler).
_LIVE_GUARDS: weakref.WeakSet[SessionGuard] = weakref.WeakSet()
_ORIGINAL_HANDLER: list[object] = []  # the handler before the first guard, put back after


def _on_sigterm(_signum: int, _frame: object) -> None:
    for guard in list(_LIVE_GUARDS):
        with contextlib.suppress(RuntimeError):  # its window is already gone
            QTimer.singleShot(0, guard.close_window)
