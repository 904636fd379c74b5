"""Unrolled view: the network drawn once per time step, the same weights in every copy."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget

from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import cell_colours
from rnn_studio.ui.themes import Palette, current_palette
from rnn_studio.ui.widgets.chain import ChainView


class UnrolledPanel(StudioPanel):
    """A scrolling chain of cells with tokens underneath; click a cell to go to its step."""

    panel_id = "unrolled"
    title = "Unrolled in time"
    hint_reserve_lines = 3

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.view = ChainView(self)
        self.view.setObjectName("unrolled_view")
        self.view.setAccessibleName("Unrolled network")
        self.view.setToolTip("One copy of the cell per time step; click a copy to go there")
        self.body.addWidget(self.view, 1)
        self.view.step_clicked.connect(self.session.set_cursor)
        bridge.trace_changed.connect(self._show_chain)
        bridge.view_cell_changed.connect(self._show_chain)
        bridge.cursor_changed.connect(self.view.set_cursor)
        self._show_chain()

    def highlighted_step(self) -> int | None:
        return self.view.cursor if self.view.tokens else None

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
        self.view.set_chain(run.sequence.tokens, kind if len(kind) < 6 else "cell", colour)
        self.view.set_cursor(self.session.cursor)


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(UnrolledPanel))
