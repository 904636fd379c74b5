"""Equations panel: the cell's equations with the current step's numbers substituted."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from rnn_studio.ui.equations_html import EquationsParts, equations_parts, playing_parts
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.panels.cell import FAST_STEP_MS
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import Palette, current_palette, step_text_colour

#: While the stepper plays, the equations are rewritten at most this often.
PLAYING_REFRESH_MS = 250
_END_OF_BLOCK = QTextCursor.MoveOperation.EndOfBlock
_END = QTextCursor.MoveOperation.End
_KEEP = QTextCursor.MoveMode.KeepAnchor


class EquationsPanel(StudioPanel):
    """A read-only rich-text view, rewritten at every step."""

    panel_id = "equations"
    title = "Equations"
    hint_reserve_lines = 6

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("equations_text")
        self.browser.setAccessibleName("Equations with numbers")
        self.browser.setToolTip("Follow one step by hand: every number comes from the trace")
        self.browser.setOpenLinks(False)
        self.body.addWidget(self.browser, 1)
        self.shown_step: int | None = None
        #: The equation the cell view is computing (highlighted), None when it is not animating.
        self.busy_line: int | None = None
        self.throttled = False
        #: Playing with steps closer together than :data:`FAST_STEP_MS` (the cell view does
        #: not animate them either): the numbers are left out until the stepper slows down
        #: or pauses, and the document stays the same from step to step.
        self.playing_fast = False
        #: When the stepper last moved (``clock()``); tests put a clock of their own here.
        self.clock: Callable[[], float] = time.perf_counter
        self._last_step_at: float | None = None
        #: The HTML on show, and whether it is behind the session (the stepper moved while
        #: the panel was behind another dock's tab: rewritten when it comes back).
        self._parts: EquationsParts | None = None
        #: The view's default style sheet when the document was last written whole.
        self._sheet = ""
        self._stale = False
        #: Where the numbers start (block number) and how many blocks the document has.
        self._numbers_at = 0
        self._blocks = 0
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(PLAYING_REFRESH_MS)
        self._pending.timeout.connect(self.refresh)
        bridge.trace_changed.connect(self.refresh)
        bridge.view_cell_changed.connect(self.refresh)
        bridge.cursor_changed.connect(self._stepped)
        self.refresh()

    def set_throttled(self, throttled: bool) -> None:
        """While playing, rewrite at most every :data:`PLAYING_REFRESH_MS`, and while the
        steps come faster than :data:`FAST_STEP_MS` not at all (the numbers wait for the
        pause: nobody reads them at 60 steps a second, and a rewrite costs a few milliseconds
        of a frame, about every 25th frame at full speed)."""
        self.throttled = throttled
        if not throttled:
            self._pending.stop()
            self.playing_fast = False
            self.refresh()

    def _stepped(self, t: int) -> None:
        """The stepper moved: note how fast it goes, then show the step (or not: playing
        faster than anyone reads, the numbers wait for the next pause)."""
        now = self.clock()
        fast = (
            self.throttled
            and self._last_step_at is not None
            and (now - self._last_step_at) * 1000 < FAST_STEP_MS
        )
        self._last_step_at = now
        if fast != self.playing_fast:
            self.playing_fast = fast
            self._pending.stop()
            self.refresh()  # into or out of the playing document, at once
        elif not fast:
            self._cursor_moved(t)

    def _cursor_moved(self, _t: int) -> None:
        if not self.throttled:
            self.refresh()
        elif not self._pending.isActive():
            self._pending.start()

    def set_highlighted_line(self, line: int) -> None:
        """Highlight equation ``line`` (0-based; -1 for none) as the cell view computes it."""
        busy = None if line < 0 else line
        if busy != self.busy_line:
            self.busy_line = busy
            self._cursor_moved(self.session.cursor)

    def apply_palette(self, palette: Palette) -> None:
        """Rewrite the equations so the current step's colour follows ``palette``."""
        self.refresh()

    def highlighted_step(self) -> int | None:
        if self.playing_fast:
            return None  # no step's numbers are on show while playing fast
        if self._stale:
            return self.session.cursor  # written as soon as the panel is in view again
        return self.shown_step

    def behind_a_tab(self) -> bool:
        """True while the window is on screen but no part of this panel is."""
        window = self.window()
        return window is not self and window.isVisible() and self.visibleRegion().isEmpty()

    def showEvent(self, event: QShowEvent) -> None:
        """Back in view (its dock's tab raised): catch up with the stepper first."""
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self, *_: object) -> None:
        """Rewrite the equations for the session's current step (later, if nobody can see
        them now: rewriting costs a few milliseconds of the frame)."""
        shown = self.session.shown
        run = self.session.run
        if shown is None or run is None:
            return
        if self.behind_a_tab():
            self._stale = True
            return
        self._stale = False
        t = self.session.cursor
        activation = self.session.nonlinearity if shown.kind == "rnn" else "tanh"
        palette = current_palette()
        colour = step_text_colour(palette)
        parts = equations_parts(
            shown,
            run.sequence,
            t,
            activation,
            colour,
            busy_line=self.busy_line,
            busy_background=palette.spotlight_background,
            busy_text=palette.spotlight_text,
        )
        if self.playing_fast:
            parts = playing_parts(parts, shown.kind)
        shown_parts = self._parts
        # Presenter mode adds to the view's default style sheet: that needs a whole rewrite.
        sheet = self.browser.document().defaultStyleSheet()
        if shown_parts is None or parts.html != shown_parts.html or sheet != self._sheet:
            same_equations = (
                shown_parts is not None
                and sheet == self._sheet
                and (parts.css, parts.equations) == (shown_parts.css, shown_parts.equations)
            )
            if not (same_equations and self._rewrite_numbers(parts)):
                self._write(parts)
            self._parts = parts
        self.shown_step = t

    def _write(self, parts: EquationsParts) -> None:
        """Lay the whole document out afresh (a new cell, theme or highlighted line)."""
        scroll = self.browser.verticalScrollBar().value()
        document = self.browser.document()
        self._sheet = document.defaultStyleSheet()
        self.browser.setHtml(parts.html)
        self.browser.verticalScrollBar().setValue(scroll)
        self._blocks = document.blockCount()
        self._numbers_at = self._blocks - _paragraphs(parts.numbers)

    def _rewrite_numbers(self, parts: EquationsParts) -> bool:
        """Replace only the step's first line and its numbers: the equations between them
        (most of the layout work: every subscript is a text run of its own) stay laid out.

        The document ends up as :meth:`_write` would make it (tests compare the two);
        False, with nothing changed, if its paragraphs are not where they were.
        """
        document = self.browser.document()
        numbers_block = document.findBlockByNumber(self._numbers_at)
        if document.blockCount() != self._blocks or not numbers_block.isValid():
            return False
        numbers_format = numbers_block.blockFormat()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        cursor.setPosition(document.firstBlock().position())
        cursor.movePosition(_END_OF_BLOCK, _KEEP)
        style = f"<style>{parts.css}</style>"  # the classes of what is inserted
        cursor.insertHtml(style + parts.header)
        cursor.setPosition(numbers_block.position())
        cursor.movePosition(_END, _KEEP)
        cursor.insertHtml(style + parts.numbers)
        # The first paragraph inserted takes the format of the paragraph it was merged
        # into; give it back its own (margins of "With this step's numbers").
        cursor.setPosition(document.findBlockByNumber(self._numbers_at).position())
        cursor.setBlockFormat(numbers_format)
        cursor.endEditBlock()
        if document.blockCount() != self._blocks:  # not what was expected: start afresh
            self._write(parts)
        return True


def _paragraphs(html: str) -> int:
    """How many paragraphs (``<p …>``) ``html`` has."""
    return html.count("<p ") + html.count("<p>")


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(EquationsPanel))
