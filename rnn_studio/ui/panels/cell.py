"""Cell view: the current cell drawn as the textbook diagram, with the live values of the step.

It follows the stepper and Compare (the cell the single-cell views show). Stepping forward by
one animates the step: the values travel along the wires in the order of the equations
(gates, then the cell state, then h_t) at the speed chosen here, and :attr:`stage_changed`
tells the Equations panel which line to highlight. A new step finishes the running animation
at once: the animation never holds the stepper back.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPaintEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from rnn_studio.state.cell_diagram import CellDiagram, diagram_of_run
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import Palette
from rnn_studio.ui.widgets.cell_diagram_view import CellDiagramView

#: Animation speeds: label and milliseconds per equation (0: no animation).
ANIMATION_SPEEDS = (
    ("No animation", 0),
    ("Animate slowly", 700),
    ("Animate", 300),
    ("Animate fast", 120),
)
DEFAULT_STAGE_MS = 300
TICK_MS = 16
#: Steps closer together than this (playing fast) are shown whole: too quick to watch.
FAST_STEP_MS = 120


class StepAnimation:
    """Which equation of which step is being drawn: a clock, no Qt.

    ``start(step, stages)`` begins at stage 0; ``advance(ms)`` moves on; ``finish()`` jumps to
    the end. :attr:`progress` is the fractional stage (None once finished).
    """

    def __init__(self) -> None:
        self.step: int | None = None
        self.stages = 0
        self.stage_ms = DEFAULT_STAGE_MS
        self.progress: float | None = None

    @property
    def running(self) -> bool:
        """True while a step is being animated."""
        return self.progress is not None

    @property
    def stage(self) -> int | None:
        """The stage being computed (None when not running)."""
        return None if self.progress is None else int(self.progress)

    def start(self, step: int, stages: int, stage_ms: int) -> None:
        """Animate ``stages`` equations of ``step``, ``stage_ms`` milliseconds each."""
        self.step, self.stages, self.stage_ms = step, stages, stage_ms
        self.progress = 0.0 if stages > 0 and stage_ms > 0 else None

    def advance(self, elapsed_ms: float) -> None:
        """Move the animation on by ``elapsed_ms``; it finishes after the last stage."""
        if self.progress is None:
            return
        self.progress += elapsed_ms / self.stage_ms
        if self.progress >= self.stages:
            self.progress = None

    def finish(self) -> None:
        """Jump to the end (everything computed)."""
        self.progress = None


class CellViewPanel(StudioPanel):
    """The diagram, the animation speed and a button to show the diagram full size."""

    panel_id = "cell"
    title = "Inside the cell"
    hint_reserve_lines = 8
    #: The Equations line being computed (-1 when the animation is over).
    stage_changed = Signal(int)
    #: An animated step finished, by running out or because a new step cut it short.
    animation_finished = Signal(int)

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.speed_box = QComboBox(self)
        self.speed_box.setObjectName("cell_animation_speed")
        self.speed_box.setAccessibleName("Animation speed")
        self.speed_box.setToolTip(
            "How fast the values travel along the wires when you step forward"
        )
        for label, ms in ANIMATION_SPEEDS:
            self.speed_box.addItem(label, ms)
        self.speed_box.setCurrentIndex(self.speed_box.findData(DEFAULT_STAGE_MS))
        self.full_button = QPushButton("Full size", self)
        self.full_button.setObjectName("cell_full_size")
        self.full_button.setAccessibleName("Show the cell diagram full size")
        self.full_button.setToolTip("Open the diagram in a window of its own (Esc closes it)")
        self.view = CellDiagramView(self)
        # The diagram is wide and the dock short: the controls go beside it, not above.
        controls = QVBoxLayout()
        controls.setSpacing(4)
        controls.addWidget(self.speed_box)
        controls.addWidget(self.full_button)
        controls.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(self.view, 1)
        row.addLayout(controls)
        self.body.addLayout(row, 1)

        self.animation = StepAnimation()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        #: Seconds, for the animation and for telling a step one can watch from playback;
        #: tests put a clock of their own here to step without waiting.
        self.clock: Callable[[], float] = time.perf_counter
        self._last_tick = 0.0
        self._last_step_at = -math.inf
        self._shown_step: int | None = None
        self._shown_kind = ""
        #: The step the stepper moved to while the panel was behind another dock's tab:
        #: nobody sees the diagram there, so it is made when the panel comes back (or when
        #: someone asks for :attr:`diagram`).
        self._pending_step: int | None = None
        self.full_size: FullSizeCellView | None = None
        self.full_button.clicked.connect(self.show_full_size)
        bridge.trace_changed.connect(self.refresh)
        bridge.view_cell_changed.connect(self.refresh)
        bridge.cursor_changed.connect(self._cursor_moved)
        self.refresh()

    # ------------------------------------------------------------------------ public
    @property
    def diagram(self) -> CellDiagram | None:
        """The view-model on show (what tests compare with the trace); made now if the
        stepper moved while the panel was behind another tab."""
        self._catch_up()
        return self.view.diagram

    def highlighted_step(self) -> int | None:
        if self._pending_step is not None:
            return self._pending_step  # shown as soon as the panel comes out from behind a tab
        return None if self.view.diagram is None else self.view.diagram.t

    @property
    def behind_a_tab(self) -> bool:
        """True while the window is on screen but no part of this panel is (another dock's
        tab is in front, or it is scrolled out of view)."""
        window = self.window()
        return window is not self and window.isVisible() and self.view.visibleRegion().isEmpty()

    def stage_ms(self) -> int:
        """Milliseconds per equation of the animation (0: off)."""
        return int(self.speed_box.currentData())

    def set_stage_ms(self, ms: int) -> None:
        """Choose the animation speed (one of :data:`ANIMATION_SPEEDS`)."""
        index = self.speed_box.findData(ms)
        if index < 0:
            raise ValueError(f"animation speed must be one of {[s for _, s in ANIMATION_SPEEDS]}")
        self.speed_box.setCurrentIndex(index)

    def apply_palette(self, palette: Palette) -> None:
        """Redraw the diagram in ``palette``'s colours."""
        self.view.apply_palette(palette)

    def refresh(self, *_: object) -> None:
        """Show the session's current step (a new trace or cell: no animation)."""
        self.finish_animation()
        self._pending_step = None
        self._show(self.session.cursor)

    def finish_animation(self) -> None:
        """End the running animation at once, showing the whole step."""
        if not self.animation.running:
            return
        self.animation.finish()
        self._ended()

    def show_full_size(self) -> FullSizeCellView:
        """Open (or raise) the full-size window of the diagram and return it."""
        if self.full_size is None:
            self.full_size = FullSizeCellView(self.bridge)
            self.full_size.destroyed.connect(self._full_size_closed)
        window = self.window()
        if window is not None and window.isFullScreen():
            self.full_size.showFullScreen()
        else:
            self.full_size.resize(max(self.window().width(), 960), 560)
            self.full_size.show()
        self.full_size.raise_()
        self.full_size.activateWindow()
        return self.full_size

    # ---------------------------------------------------------------------- internals
    def _full_size_closed(self) -> None:
        self.full_size = None

    def _show(self, t: int) -> None:
        session = self.session
        shown, run = session.shown, session.run
        if shown is None or run is None:
            self.view.set_diagram(None)
            return
        activation = session.nonlinearity if shown.kind == "rnn" else "tanh"
        t = min(max(t, 0), len(run) - 1)
        self.view.set_diagram(diagram_of_run(shown, run.sequence, t, activation))
        self._shown_step, self._shown_kind = t, shown.kind

    def _catch_up(self) -> None:
        """Show the step the stepper moved to while the panel was behind a tab."""
        if self._pending_step is not None:
            step, self._pending_step = self._pending_step, None
            self._show(step)

    def showEvent(self, event: QShowEvent) -> None:
        """Back in view (its dock's tab raised): show the current step before painting."""
        self._catch_up()
        super().showEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Back in view some other way (scrolled in): show the current step."""
        if self._pending_step is not None:
            QTimer.singleShot(0, self, self._catch_up)
        super().paintEvent(event)

    def _cursor_moved(self, t: int) -> None:
        if self.behind_a_tab:
            # Nobody sees the diagram: no model to make and nothing to animate (~0.3 ms a
            # frame while playing with another tab in front).
            self.finish_animation()
            self._pending_step = t
            return
        self._pending_step = None
        forward_one = (
            self._shown_step is not None
            and t == self._shown_step + 1
            and self.session.shown is not None
            and self.session.shown.kind == self._shown_kind
        )
        self.finish_animation()  # a new step never waits for the old animation
        self._show(t)
        stage_ms = self.stage_ms()
        diagram = self.view.diagram
        now = self.clock()
        watchable = (now - self._last_step_at) * 1000 >= FAST_STEP_MS
        self._last_step_at = now
        if forward_one and watchable and stage_ms > 0 and diagram is not None and self._on_screen():
            self.animation.start(t, len(diagram.stages), stage_ms)
            self.view.set_progress(0.0)
            self._last_tick = self.clock()
            self._timer.start()
            self.stage_changed.emit(diagram.stages[0].equation_line)

    def _on_screen(self) -> bool:
        """Shown and not behind another tab (nobody watches an animation there)."""
        return self.isVisible() and not self.view.visibleRegion().isEmpty()

    def _tick(self) -> None:
        now = self.clock()
        elapsed, self._last_tick = (now - self._last_tick) * 1000, now
        before = self.animation.stage
        self.animation.advance(elapsed)
        diagram = self.view.diagram
        if not self.animation.running or diagram is None:
            self._ended()
            return
        self.view.set_progress(self.animation.progress)
        stage = self.animation.stage
        if stage != before and stage is not None:
            self.stage_changed.emit(diagram.stages[stage].equation_line)

    def _ended(self) -> None:
        """The animation is over (ran out, or cut short): show the whole step."""
        step = self.animation.step
        self._timer.stop()
        self.view.set_progress(None)
        self.stage_changed.emit(-1)
        if step is not None:
            self.animation_finished.emit(step)


#: The full-size diagram window's keys: (key, what it does), as Help lists them. A clicker
#: or the arrow keys step, as in the studio and presenter mode.
FULL_SIZE_KEYS = (
    (Qt.Key.Key_Escape, "Cell diagram window: close it"),
    (Qt.Key.Key_D, "Cell diagram window: close it"),
    (Qt.Key.Key_PageDown, "Cell diagram window: step forward"),
    (Qt.Key.Key_Right, "Cell diagram window: step forward"),
    (Qt.Key.Key_PageUp, "Cell diagram window: step back"),
    (Qt.Key.Key_Left, "Cell diagram window: step back"),
)


class FullSizeCellView(QWidget):
    """The cell diagram alone in a window of its own (presenter mode shows it full screen).

    Esc (or D) closes it; PageDown/PageUp and →/← step.
    """

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("cell_full_size_window")
        self.setWindowTitle("RNN Studio: inside the cell")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.panel = CellViewPanel(bridge, self)
        self.panel.full_button.hide()
        layout.addWidget(self.panel)
        session = bridge.session
        actions = (self.close, self.close, *(session.step_forward,) * 2, *(session.step_back,) * 2)
        for (key, what), action in zip(FULL_SIZE_KEYS, actions, strict=True):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setWhatsThis(what)
            shortcut.activated.connect(action)


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(CellViewPanel))
