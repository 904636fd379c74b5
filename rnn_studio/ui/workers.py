"""Run the session's costly computations off the UI thread, one at a time, in order.

:class:`QtExecutor` plugs into :meth:`StudioSession.set_executor`. Cheap work (the usual
case: a few milliseconds) runs inline so the views update in the same event; work estimated
above :data:`INLINE_COST` multiply-adds (e.g. 1,000 steps at hidden 256, or the exact
Jacobian curve) runs on a single worker thread. Results come back on the UI thread through a
queued signal, at the end or on the way (:meth:`QtExecutor.post`); the session drops results
that a newer change made stale, and its work stops at its next look once superseded (between
cells, between blocks of Jacobian steps), so the newer work starts soon after.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, QThreadPool, Signal

#: About 50 ms of NumPy work on the test machine.
INLINE_COST = 1e8


class _Relay(QObject):
    finished = Signal(object)
    posted = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], done: Callable[[Any], None], relay: _Relay):
        super().__init__()
        self.work, self.done, self.relay = work, done, relay

    def run(self) -> None:
        try:
            result: Any = self.work()
            failure = None
        except Exception as error:  # re-raised on the UI thread, where it is reported
            result, failure = None, error
        self.relay.finished.emit((self.done, result, failure))


class QtExecutor(QObject):
    """A serial executor: inline when cheap and idle, else on one worker thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, inline_below: float = INLINE_COST):
        super().__init__(parent)
        self.inline_below = inline_below
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._finished)
        self._relay.posted.connect(self._deliver)
        self._queue: deque[tuple[Callable[[], Any], Callable[[Any], None]]] = deque()
        self._running = False

    def __call__(self, work: Callable[[], Any], done: Callable[[Any], None], cost: float) -> None:
        if not self._running and not self._queue and cost < self.inline_below:
            done(work())
            return
        self._queue.append((work, done))
        self._start_next()

    def post(self, callback: Callable[[Any], None], value: Any) -> None:
        """Call ``callback(value)`` on the UI thread, after what was posted before (from any
        thread; at once when called on the UI thread). Work hands over results with it."""
        self._relay.posted.emit((callback, value))

    @property
    def busy(self) -> bool:
        """True while work is queued or running on the worker thread."""
        return self._running or bool(self._queue)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until all queued work is done (tests, benchmarks); True if done."""
        import time

        deadline = time.monotonic() + timeout_ms / 1000
        while self.busy and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            self._pool.waitForDone(5)
        QCoreApplication.processEvents()
        return not self.busy

    def shutdown(self) -> None:
        """Drop queued work and wait for the running job (at window close)."""
        self._queue.clear()
        self._pool.waitForDone()

    def _start_next(self) -> None:
        if self._running or not self._queue:
            return
        work, done = self._queue.popleft()
        self._running = True
        self.busy_changed.emit(True)
        self._pool.start(_Job(work, done, self._relay))

    def _deliver(self, payload: tuple[Callable[[Any], None], Any]) -> None:
        callback, value = payload
        callback(value)

    def _finished(self, payload: tuple[Callable[[Any], None], Any, Exception | None]) -> None:
        done, result, failure = payload
        self._running = False
        try:
            if failure is not None:
                raise failure
            done(result)
        finally:
            self._start_next()
            if not self.busy:
                self.busy_changed.emit(False)
