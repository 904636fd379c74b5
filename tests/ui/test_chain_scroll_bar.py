"""The unrolled chain's scroll bar repaints only round its handle while the chain plays, and
what is on screen is what a full repaint shows, step after step and at both ends."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from rnn_studio.learn.presets import builtin_presets
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.panels.unrolled import UnrolledPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.widgets import chain
from rnn_studio.ui.widgets.chain import HandleScrollBar


def make_panel(qtbot, cell: str) -> tuple[StudioSession, UnrolledPanel]:
    preset = next(p for p in builtin_presets() if p.preset_id == "vanishing-100")
    session = StudioSession(dataclasses.replace(preset.setup, cell=cell))
    panel = UnrolledPanel(SessionBridge(session))
    qtbot.addWidget(panel)
    panel.resize(1000, 170)
    panel.show()
    qtbot.waitExposed(panel)
    return session, panel


def on_screen(qtbot, widget: QWidget) -> np.ndarray:
    """What the window shows now (its backing store), not a fresh rendering of the widget."""
    qtbot.wait(1)  # the pending (partial) repaints are done
    image = widget.screen().grabWindow(widget.winId()).toImage()
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return data.copy()


class PaintRects(QObject):
    """The rectangles of the paint events a widget gets."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(QRect(event.rect()))
        return False


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_stepping_shows_what_a_full_repaint_shows(qtbot, cell) -> None:
    session, panel = make_panel(qtbot, cell)
    bar = panel.view.horizontalScrollBar()
    assert isinstance(bar, HandleScrollBar)
    steps = len(session.run)
    # Forward through the whole chain (the handle reaches the end), then back to the start.
    for t in [*range(steps), *range(steps - 2, -1, -7), 0]:
        session.set_cursor(t)
        stepped = on_screen(qtbot, panel)
        panel.repaint()  # everything drawn afresh
        assert np.array_equal(stepped, on_screen(qtbot, panel)), f"step {t}"
    assert bar.value() == bar.minimum()


def test_a_step_repaints_round_the_handle_only(qtbot) -> None:
    session, panel = make_panel(qtbot, "lstm")
    bar = panel.view.horizontalScrollBar()
    session.set_cursor(10)
    qtbot.wait(1)
    paints = PaintRects(bar)
    for t in range(11, 40):
        session.set_cursor(t)
        qtbot.wait(1)
    assert bar.minimum() < bar.value() < bar.maximum()
    assert paints.rects  # the handle moved
    handle = bar.handle_rect().width()
    widest = handle + bar.width() // 20 + 2 * chain.HANDLE_OUTLINE_PX
    assert max(rect.width() for rect in paints.rects) <= widest < bar.width() // 2


def test_the_ends_repaint_the_whole_bar(qtbot) -> None:
    session, panel = make_panel(qtbot, "rnn")
    bar = panel.view.horizontalScrollBar()
    session.set_cursor(20)
    qtbot.wait(1)
    paints = PaintRects(bar)
    session.set_cursor(0)  # back to the start: the left arrow looks disabled again
    qtbot.wait(1)
    assert bar.value() == bar.minimum()
    assert any(rect.width() == bar.width() for rect in paints.rects)
