"""The live cell diagrams in the lesson: the studio's Cell view on a small, fixed demo input.

The chapters on the vanilla RNN, on unrolling and on gated cells show the same diagram as the
studio (:class:`~rnn_studio.ui.panels.cell.CellViewPanel`), running on its own session: the
words of :data:`DEMO_TEXT` at three hidden units (small enough to print every value), stepping
by itself with the animated step. Unrolling adds the unrolled chain beside it; the gated-cells
chapter switches between the LSTM and the GRU. It plays only while it is on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.panels.cell import CellViewPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import Palette, cell_colours, current_palette
from rnn_studio.ui.widgets.chain import ChainView

DEMO_TEXT = "not bad at all"
DEMO_HIDDEN = 3
#: Chapter id → the cells its diagram shows (the first one at the start) and whether the
#: unrolled chain is shown beside it.
CHAPTER_DIAGRAMS: dict[str, tuple[tuple[str, ...], bool]] = {
    "what-is-an-rnn": (("rnn",), False),
    "unrolling": (("rnn",), True),
    "gated-cells": (("lstm", "gru"), False),
}
#: Milliseconds per equation of the animated step, and the pause after a step.
STAGE_MS = 300
PAUSE_MS = 1200


class LessonDiagram(QWidget):
    """A live diagram for one chapter; :meth:`set_chapter` picks it (or hides the widget)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lesson_diagram")
        self.setAccessibleName("Live diagram of the cell")
        self.session = StudioSession(
            DemoSetup(text=DEMO_TEXT, mode="words", cell="rnn", hidden_size=DEMO_HIDDEN)
        )
        self.bridge = SessionBridge(self.session, self)
        self.chapter = ""
        self.caption = QLabel(self)
        self.caption.setObjectName("lesson_diagram_caption")
        self.caption.setWordWrap(True)
        self.kind_buttons = QButtonGroup(self)
        self.kind_buttons.setExclusive(True)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.caption, 1)
        for kind in ("lstm", "gru"):
            button = QPushButton(kind.upper(), self)
            button.setObjectName(f"lesson_diagram_{kind}")
            button.setCheckable(True)
            button.setToolTip(f"Show the {kind.upper()} cell")
            button.setAccessibleName(f"Show the {kind.upper()} cell")
            button.clicked.connect(lambda _=False, k=kind: self.show_cell(k))
            self.kind_buttons.addButton(button)
            row.addWidget(button)
        self.play_button = QPushButton("Pause", self)
        self.play_button.setObjectName("lesson_diagram_play")
        self.play_button.setAccessibleName("Play or pause the diagram")
        self.play_button.setToolTip("Step through the demo by itself, or stop it")
        self.play_button.setCheckable(True)
        self.play_button.setChecked(True)
        self.play_button.toggled.connect(self._play_toggled)
        row.addWidget(self.play_button)
        self.chain = ChainView(self)
        self.chain.setObjectName("lesson_diagram_chain")
        self.chain.setAccessibleName("Unrolled network")
        self.chain.step_clicked.connect(self.session.set_cursor)
        self.cell = CellViewPanel(self.bridge, self)
        self.cell.full_button.hide()
        self.cell.set_stage_ms(STAGE_MS)
        pictures = QHBoxLayout()
        pictures.setSpacing(6)
        pictures.addWidget(self.chain, 3)
        pictures.addWidget(self.cell, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addLayout(row)
        layout.addLayout(pictures, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._advance)
        self.bridge.cursor_changed.connect(self._cursor_moved)
        self.bridge.trace_changed.connect(self._show_chain)
        self.hide()

    # ------------------------------------------------------------------------ public
    @property
    def playing(self) -> bool:
        """True while the demo steps by itself."""
        return self.play_button.isChecked()

    def set_chapter(self, chapter_id: str) -> bool:
        """Show the diagram of ``chapter_id``; hide it (and return False) if it has none."""
        spec = CHAPTER_DIAGRAMS.get(chapter_id)
        self.chapter = chapter_id if spec else ""
        if spec is None:
            self.timer.stop()
            self.hide()
            return False
        kinds, with_chain = spec
        for button in self.kind_buttons.buttons():
            kind = button.objectName().rsplit("_", 1)[-1]
            button.setVisible(kind in kinds and len(kinds) > 1)
        self.chain.setVisible(with_chain)
        self.show_cell(kinds[0])
        self.session.go_to_start()
        self.show()
        self._schedule()
        return True

    def show_cell(self, kind: str) -> None:
        """Show the ``kind`` cell ("rnn", "lstm" or "gru") on the demo input."""
        for button in self.kind_buttons.buttons():
            button.setChecked(button.objectName().endswith(kind))
        if self.session.cell_kind != kind:
            self.session.set_cell_kind(kind)
        self._show_chain()
        self._caption()

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the chain (the cell view recolours itself)."""
        self.chain.apply_palette(palette)
        self._show_chain()

    # ---------------------------------------------------------------------- internals
    def _caption(self) -> None:
        t = self.session.cursor
        tokens = self.session.run.sequence.tokens if self.session.run else ()
        token = tokens[t] if t < len(tokens) else ""
        self.caption.setText(
            f"Live: the {self.session.cell_kind.upper()} reading “{DEMO_TEXT}”, "
            f"step {t} of {len(tokens) - 1} (“{token}”), {DEMO_HIDDEN} hidden units"
        )

    def _show_chain(self, *_: object) -> None:
        run = self.session.run
        if run is None:
            return
        colour = cell_colours(current_palette()).get(self.session.cell_kind, "#0072B2")
        self.chain.set_chain(run.sequence.tokens, self.session.cell_kind.upper(), colour)
        self.chain.set_cursor(self.session.cursor)

    def _cursor_moved(self, t: int) -> None:
        self.chain.set_cursor(t)
        self._caption()

    def _schedule(self) -> None:
        if not self.playing or not self.isVisible() or not self.chapter:
            self.timer.stop()
            return
        diagram = self.cell.diagram
        stages = len(diagram.stages) if diagram is not None else 2
        self.timer.start(stages * self.cell.stage_ms() + PAUSE_MS)

    def _advance(self) -> None:
        if self.session.at_end:
            self.session.go_to_start()
        else:
            self.session.step_forward()
        self._schedule()

    def _play_toggled(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
        self._schedule()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._schedule()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.timer.stop()
        self.cell.finish_animation()


__all__ = ["CHAPTER_DIAGRAMS", "LessonDiagram"]
