"""Work that waits for the first paint (the autosave, the tour) runs after it, or at close."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMainWindow

from rnn_studio.ui.app import AfterFirstPaint


class PaintLog(QObject):
    """Records ``"paint"`` when its window paints and ``"close"`` when it closes."""

    def __init__(self, window: QMainWindow, log: list[str]) -> None:
        super().__init__(window)
        self.log = log
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.log.append("paint")
        elif event.type() == QEvent.Type.Close:
            self.log.append("close")
        return False


def test_callbacks_run_once_after_the_first_paint(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    log: list[str] = []
    PaintLog(window, log)  # like the classroom's autosave filter: installed before
    AfterFirstPaint(window, [lambda: log.append("restore"), lambda: log.append("tour")])
    assert log == []
    window.show()
    qtbot.waitUntil(lambda: "tour" in log)
    assert log.index("paint") < log.index("restore") < log.index("tour")
    window.update()
    qtbot.waitUntil(lambda: log.count("paint") >= 2)
    window.close()
    assert log.count("restore") == 1 and log.count("tour") == 1


def test_closing_before_the_first_paint_runs_the_close_callbacks_first(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    log: list[str] = []
    PaintLog(window, log)
    AfterFirstPaint(
        window,
        [lambda: log.append("restore"), lambda: log.append("tour")],
        on_close=[lambda: log.append("restore")],
    )
    window.close()  # never shown, never painted
    # The session is reopened before the (earlier installed) autosave sees the close.
    assert log == ["restore", "close"]
    window.show()
    qtbot.waitUntil(lambda: "paint" in log)
    # Callbacks a paint schedules run from a zero timer: one started now runs after them.
    flushed: list[bool] = []
    QTimer.singleShot(0, lambda: flushed.append(True))
    qtbot.waitUntil(lambda: bool(flushed))
    assert log.count("restore") == 1 and "tour" not in log
