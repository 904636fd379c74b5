"""Unrolled view: the network drawn once per time step, the same weights in every copy.

The panel's own controls stack a second layer and add the backward direction (the session's
``num_layers`` and ``bidirectional``); then each step is a column: one row of cells per
layer, a backward row above each forward row, every cell showing its hidden state's units,
and after Backprop each cell's ‖∂L/∂h‖ as a stripe under it.

After Backprop the one-row chain shows the gradient going back along it (see
:meth:`rnn_studio.ui.widgets.chain.ChainView.set_flow`); pressing Backprop plays it from the
loss step back to step 0 in step with the Gradient decay plot.
"""

from __future__ import annotations

import math
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from rnn_studio.engine import EngineError
from rnn_studio.state.backward_flow import BackwardFlow, backward_flow, flow_cost
from rnn_studio.state.layer_rows import layer_gradient_norms, layer_rows
from rnn_studio.studio_core.demo import MAX_STUDIO_LAYERS
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.panels.gradients import ANIMATION_MS
from rnn_studio.ui.qt_bridge import SessionBridge, blocked
from rnn_studio.ui.theme import Palette, cell_colours, current_palette
from rnn_studio.ui.widgets.chain import ChainView
from rnn_studio.ui.widgets.compact_spin import CompactSpinBox

ONE_ROW_TIP = "One copy of the cell per time step; click a copy to go there"
#: The view's tooltip with layers or both directions (each column has its numbers too).
LAYERS_TIP = (
    "A row per layer and direction; L1 → (bold) is the cell the other panels show. The "
    "backward rows (←) read the sequence from the end, so their state at t has seen steps "
    "t … T−1. Each cell's bars are its hidden units (blue negative, red positive); hover a "
    "column for the numbers. After Backprop the stripe under each cell is ‖∂L/∂h‖ for the "
    "loss on the top layer's output at the loss step, L = u·y (the one-row chain's arrows "
    "are not drawn). Click a column to go to its step."
)


class UnrolledPanel(StudioPanel):
    """A scrolling chain of cells with tokens underneath; click a cell to go to its step."""

    panel_id = "unrolled"
    title = "Unrolled in time"
    hint_reserve_lines = 3

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self._build_layer_controls()
        self.view = ChainView(self)
        self.view.setObjectName("unrolled_view")
        self.view.setAccessibleName("Unrolled network")
        self.view.setToolTip(ONE_ROW_TIP)
        self.body.addWidget(self.view, 1)
        self.view.step_clicked.connect(self.session.set_cursor)
        bridge.trace_changed.connect(self._show_chain)
        bridge.view_cell_changed.connect(self._show_chain)
        bridge.view_cell_changed.connect(self.show_gradients)
        bridge.cursor_changed.connect(self._cursor_moved)
        bridge.gradients_changed.connect(self.show_gradients)
        self.flow: BackwardFlow | None = None
        self._flow_for: object = None
        self._play_pending = False
        self._play_started = 0.0
        self._play_timer = QTimer(self)
        self._play_timer.setInterval(30)
        self._play_timer.timeout.connect(self._advance_flow)
        self._show_chain()
        self.show_gradients()

    def _build_layer_controls(self) -> None:
        """Layers (1 or 2) and both directions: one short row above the chain."""
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.layers_box = CompactSpinBox(1, self)
        self.layers_box.setObjectName("unrolled_num_layers")
        self.layers_box.setAccessibleName("Stacked layers")
        self.layers_box.setToolTip(
            f"Stacked layers, 1 to {MAX_STUDIO_LAYERS}: layer 2 reads layer 1's hidden states "
            "(a row of cells per layer)"
        )
        self.layers_box.setRange(1, MAX_STUDIO_LAYERS)
        self.layers_box.setKeyboardTracking(False)
        label = QLabel("Layers", self)
        label.setBuddy(self.layers_box)
        self.bidirectional_box = QCheckBox("both directions", self)
        self.bidirectional_box.setObjectName("unrolled_bidirectional")
        self.bidirectional_box.setAccessibleName("Bidirectional: both directions")
        self.bidirectional_box.setToolTip(
            "Bidirectional: also run every layer backwards over the sequence (a backward row "
            "of cells); each step then sees the whole sequence, so such a model cannot "
            "generate text"
        )
        row.addWidget(label)
        row.addWidget(self.layers_box)
        row.addSpacing(8)
        row.addWidget(self.bidirectional_box)
        row.addStretch(1)
        self.body.addLayout(row)
        self.layers_box.valueChanged.connect(self.session.set_num_layers)
        self.bidirectional_box.toggled.connect(self.session.set_bidirectional)
        self.bridge.controls_changed.connect(self._sync_layer_controls)
        self._sync_layer_controls()

    def _sync_layer_controls(self, *_: object) -> None:
        with blocked(self.layers_box, self.bidirectional_box):
            self.layers_box.setValue(self.session.num_layers)
            self.bidirectional_box.setChecked(self.session.bidirectional)

    # ------------------------------------------------------------------ backward flow
    @property
    def playing_backward(self) -> bool:
        """True while the gradient is travelling back along the chain."""
        return self._play_timer.isActive()

    def play_backward(self) -> None:
        """Backprop was pressed: play the gradient back from the loss step to step 0."""
        self._play_pending = True
        if self.flow is not None and self._flow_for is self._current_report():
            self._start_play()

    def show_gradients(self, *_: object) -> None:
        """Show the gradient of the cell on view (computing its cell-state path if an LSTM),
        and with layers each row's ‖∂L/∂h‖ for the loss on the stack's output."""
        report = self._current_report()
        shown = self.session.shown
        self._show_row_gradients()
        if report is None or shown is None:
            self._set_flow(None, None)
            return
        if report is self._flow_for:
            return
        cell, trace = shown.cell, shown.trace
        kind, loss_step, norms = shown.kind, report.loss_step, report.grad_norms

        def work() -> BackwardFlow:
            return backward_flow(kind, cell, trace, loss_step, norms)

        def done(flow: BackwardFlow) -> None:
            if report is self._current_report():  # drop a result a newer change made stale
                self._set_flow(flow, report)

        executor = getattr(self.window(), "executor", None)
        cost = flow_cost(cell, loss_step + 1) if kind == "lstm" else 0.0
        if executor is None or not callable(executor):
            done(work())
        else:
            executor(work, done, cost)

    def _show_row_gradients(self) -> None:
        """With layers: each row's ‖∂L/∂h‖ after Backprop (one stack backward, cheap)."""
        report, shown = self._current_report(), self.session.shown
        norms: tuple = ()
        if self.view.state.rows and report is not None and shown is not None:
            try:
                norms = layer_gradient_norms(shown, report.loss_step)
            except EngineError:  # an overflowed forward pass has no gradient to show
                norms = ()
        self.view.set_row_gradients(norms)

    def _current_report(self):
        reports = self.session.gradients
        shown = self.session.shown
        if not reports or shown is None:
            return None
        return reports.get(shown.kind)

    def _set_flow(self, flow: BackwardFlow | None, report: object) -> None:
        self.flow, self._flow_for = flow, report
        if flow is None:
            self._play_timer.stop()
            self.view.set_flow(None)
            return
        if self._play_pending:
            self._start_play()
        else:
            self.view.set_flow(flow, self.view.state.flow_front if self.playing_backward else None)

    def _start_play(self) -> None:
        self._play_pending = False
        flow = self.flow
        if flow is None:
            return
        self._play_started = time.perf_counter()
        self.view.set_flow(flow, flow.loss_step)
        self.view.scroll_to_step(flow.loss_step)
        self._play_timer.start()

    def _advance_flow(self) -> None:
        flow = self.flow
        if flow is None:
            self._play_timer.stop()
            return
        elapsed = (time.perf_counter() - self._play_started) * 1000
        front = max(flow.loss_step - math.floor((flow.loss_step + 1) * elapsed / ANIMATION_MS), 0)
        self.view.set_flow(flow, front)
        self.view.scroll_to_step(front)
        if front == 0:
            self.finish_backward()

    def finish_backward(self) -> None:
        """Show the whole backward flow at once (the play ran out or was cut short)."""
        self._play_timer.stop()
        if self.flow is not None:
            self.view.set_flow(self.flow, None)
        self.view.scroll_to_step(self.session.cursor)

    def _cursor_moved(self, t: int) -> None:
        self.view.set_cursor(t)

    def highlighted_step(self) -> int | None:
        return self.view.current_step if self.view.tokens else None

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the chain: boxes, ink, the highlighted step and the cell's colour."""
        self.view.apply_palette(palette)
        self._show_chain()

    def _show_chain(self, *_: object) -> None:
        run = self.session.run
        if run is None:
            return
        kind = "RNN·LSTM·GRU" if self.session.cell_kind == "compare" else run.primary.kind.upper()
        colours = cell_colours(current_palette())
        colour = colours.get(self.session.cell_kind, colours["rnn"])
        shown = self.session.shown
        rows = layer_rows(shown) if shown is not None else ()
        if rows:
            colour = colours.get(shown.kind, colour) if shown is not None else colour
        self.view.set_chain(run.sequence.tokens, kind if len(kind) < 6 else "cell", colour, rows)
        self.view.setToolTip(LAYERS_TIP if rows else ONE_ROW_TIP)
        if rows:
            self._show_row_gradients()
        self.view.set_cursor(self.session.cursor)


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(UnrolledPanel))
