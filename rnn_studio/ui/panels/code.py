"""Code panel: the current cell's reference NumPy code, the line being computed highlighted.

The lines are the step functions of :mod:`rnn_studio.engine.reference` (read with
``inspect``, so they are the code that runs); the values come from
:mod:`rnn_studio.state.code_lines`, which runs that code for the current step. Forward, the
highlight walks through the step's lines each time the stepper moves, at the stepper's pace;
backward, "Play BPTT ◀" (and the Gradient panel's Backprop button) walks through the backward
step from the loss step down to t = 0. Hovering a name shows its value at that line; the line
under the code shows what the highlighted line computed, for a class to read.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QHelpEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QPlainTextEdit,
    QTextEdit,
    QToolButton,
    QToolTip,
    QWidget,
)

from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge, blocked
from rnn_studio.ui.theme import Palette, current_palette

if TYPE_CHECKING:
    from rnn_studio.state.code_lines import BackwardPass, Listing, StepValues

# rnn_studio.state.code_lines (the traced step: ast, inspect, four dataclasses) is imported
# when the code is first listed: the panel starts behind the Gates tab (benchmarks/startup.py).
from rnn_studio.ui.widgets.status_text import StatusText

#: Stepping by hand: the highlight moves one line per this many milliseconds.
LINE_MS = 110
#: Playing BPTT: one line per this many milliseconds.
BACKWARD_LINE_MS = 60
#: Faster than this per line (the stepper at 5 steps/s or more), the highlight does not walk:
#: it shows each step's last line, one update per step.
MIN_LINE_MS = 20
#: Values shown per array on the line under the code (hovering shows the same).
VALUE_ENTRIES = 6
#: Long lines wrap only when the code view has room for this many lines.
WRAP_LINES = 8
#: The line under the highlighted one that shows its values starts with this.
VALUE_PREFIX = "  → "


class CodeHighlighter(QSyntaxHighlighter):
    """Comments (``#`` to the end of the line) muted and italic; value lines in bold colour."""

    def __init__(self, document: QTextDocument, comment_colour: str, value_colour: str) -> None:
        super().__init__(document)
        self.comment = QTextCharFormat()
        self.comment.setFontItalic(True)
        self.value = QTextCharFormat()
        self.value.setFontWeight(QFont.Weight.Bold)
        self.set_colours(comment_colour, value_colour)

    def set_colours(self, comment_colour: str, value_colour: str) -> None:
        """Colour comments and value lines (a theme change)."""
        self.comment.setForeground(QColor(comment_colour))
        self.value.setForeground(QColor(value_colour))
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if text.startswith(VALUE_PREFIX):
            self.setFormat(0, len(text), self.value)
            return
        start = text.find("#")
        if start >= 0:
            self.setFormat(start, len(text) - start, self.comment)


class CodePanel(StudioPanel):
    """Forward/Backward switch, Play BPTT, line buttons, the code and the current values."""

    panel_id = "code"
    title = "Code"
    hint_reserve_lines = 8

    def __init__(
        self, bridge: SessionBridge, parent: QWidget | None = None, on_screen: bool = True
    ) -> None:
        """``on_screen=False``: made covered by another tab (the studio's default layout),
        the code is listed only when first raised (:meth:`set_on_screen`), not at start."""
        super().__init__(bridge, parent)
        self.forward_button = self._button("code_forward", "Forward", "The forward step")
        self.backward_button = self._button(
            "code_backward", "Backward", "The backward step of backpropagation through time"
        )
        for button in (self.forward_button, self.backward_button):
            button.setCheckable(True)
        self.direction_group = QButtonGroup(self)
        self.direction_group.setExclusive(True)
        self.direction_group.addButton(self.forward_button)
        self.direction_group.addButton(self.backward_button)
        self.forward_button.setChecked(True)
        self.play_button = self._button(
            "code_play_backward", "Play ◀", "Play BPTT: the backward step from the loss to t = 0"
        )
        self.previous_button = self._button("code_previous_line", "↑", "Previous line")
        self.next_button = self._button("code_next_line", "↓", "Next line")
        # One compact row above the code: it shares a tab with Equations, and at a projector
        # font the right column has little height to spare. The values of the highlighted
        # line are shown in the code itself, on a line of their own under it.
        self.body.setSpacing(2)
        # Wrapped, not elided ("t…" in 40 px at text size 2.0), and under the buttons when
        # it does not fit beside them.
        self.position_label = StatusText(1, parent=self, wrap=True)
        self.position_label.setObjectName("code_position")
        self.position_label.setAccessibleName("Step and line shown")
        # The direction, then the stepping buttons: one under the other when the panel is
        # narrower than both, and each group's buttons too if need be (text size 2.0 and up:
        # the panel scrolled sideways).
        self.button_groups: list[QBoxLayout] = []
        for group in (
            (self.forward_button, self.backward_button),
            (self.play_button, self.previous_button, self.next_button),
        ):
            buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
            buttons.setSpacing(2)
            for button in group:
                buttons.addWidget(button)
            self.button_groups.append(buttons)
        controls = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        controls.setSpacing(2)
        for buttons in self.button_groups:
            controls.addLayout(buttons)
        position_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        position_row.setSpacing(4)
        position_row.addLayout(controls)
        position_row.addWidget(self.position_label, 1)
        self.controls, self.position_row = controls, position_row
        self.wrapping_rows = [*self.button_groups, controls, position_row]
        self.body.addLayout(position_row)

        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("code_text")
        self.editor.setAccessibleName("Reference code of the cell")
        self.editor.setReadOnly(True)
        self.editor.setUndoRedoEnabled(False)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.editor.viewport().installEventFilter(self)
        self.editor.viewport().setMouseTracking(True)
        self.body.addWidget(self.editor, 1)
        palette = current_palette()
        self.highlighter = CodeHighlighter(self.editor.document(), palette.muted_text, palette.link)

        self.direction = "forward"
        self.shown_listing: Listing | None = None
        self.values: StepValues | None = None
        self.line = 0  # index into shown_listing.lines
        self.shown_step: int | None = None
        self.playing_backward = False
        self._play_pending = False
        self._backward: BackwardPass | None = None
        self._backward_key: tuple | None = None
        self._value_block: int | None = None  # the block showing the highlighted line's values
        self.on_screen = on_screen  # see set_on_screen
        self._stale = not on_screen
        self._walk = QTimer(self)
        self._walk.setObjectName("code_walk_timer")
        self._walk.timeout.connect(self._walk_tick)
        self._since_move = QElapsedTimer()
        self._palette = current_palette()
        self._sync_font()

        self.direction_group.buttonClicked.connect(self._direction_clicked)
        self.play_button.clicked.connect(self.play_backward)
        self.previous_button.clicked.connect(lambda: self.move_line(-1))
        self.next_button.clicked.connect(lambda: self.move_line(1))
        bridge.trace_changed.connect(self._trace_changed)
        bridge.view_cell_changed.connect(self._trace_changed)
        bridge.cursor_changed.connect(self._cursor_moved)
        bridge.gradients_changed.connect(self._gradients_changed)
        if on_screen:
            self.refresh(walk=False)

    def row_width(self, row: QBoxLayout) -> int:
        """Both groups of buttons side by side, and the position line's text whole beside
        them."""
        if row is not self.controls and row is not self.position_row:
            return super().row_width(row)  # a group of buttons
        groups = [super(CodePanel, self).row_width(group) for group in self.button_groups]
        margins = self.body.contentsMargins()
        sides = margins.left() + margins.right()  # counted in each group's width: once is enough
        width = sum(groups) - sides * (len(groups) - 1) + self.controls.spacing()
        if row is self.position_row:
            label = self.position_label
            width += row.spacing() + label.fontMetrics().horizontalAdvance(label.text()) + 2
        return width

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        return button

    # ----------------------------------------------------------------------- public
    def highlighted_step(self) -> int | None:
        """The step shown; None while covered by another tab and not yet caught up."""
        return None if self._stale else self.shown_step

    @property
    def walking(self) -> bool:
        """True while the highlight is moving through the lines by itself."""
        return self._walk.isActive()

    def highlighted_line(self) -> str:
        """The text of the highlighted line ('' when nothing is highlighted)."""
        if self.shown_listing is None or self.values is None:
            return ""
        return self.shown_listing.lines[self.line].text

    def set_direction(self, direction: str) -> None:
        """Show the forward or the backward step (stops a BPTT walk)."""
        self._stop_play()
        self.direction = direction
        with blocked(self.forward_button, self.backward_button):
            self.forward_button.setChecked(direction == "forward")
            self.backward_button.setChecked(direction == "backward")
        self.refresh(walk=True)

    def play_backward(self) -> None:
        """Walk the backward step from the loss step down to t = 0 (Backprop first if needed)."""
        self._play_pending = True
        if not self.session.backprop_enabled:
            self.session.backprop()  # the gradients arrive through gradients_changed
        elif self.session.gradients and not self.session.busy:
            self._start_play()

    def follow_backprop(self) -> None:
        """The Gradient panel's Backprop was pressed: play the backward walk with it."""
        if not self.on_screen:
            self._stale = True
            return
        self._play_pending = True
        if self.session.gradients and not self.session.busy:
            self._start_play()

    def move_line(self, delta: int) -> None:
        """Highlight the previous (−1) or next (+1) computing line; stops the walk."""
        self._walk.stop()
        self.playing_backward = False
        if self.shown_listing is None or self.values is None:
            return
        computing = self.shown_listing.computing_lines
        position = computing.index(self.line) if self.line in computing else 0
        position = min(max(position + delta, 0), len(computing) - 1)
        self._highlight(computing[position])

    def line_value_text(self) -> str:
        """What the highlighted line computed, as shown under the code."""
        if self.values is None or self.shown_listing is None:
            return ""
        line = self.shown_listing.lines[self.line]
        parts = [
            self.values.describe(self.line, name, VALUE_ENTRIES, brief=True)
            for name in line.assigned
        ]
        return "   ".join(part for part in parts if part)

    # ---------------------------------------------------------------------- updates
    def _direction_clicked(self, *_: object) -> None:
        self.set_direction("forward" if self.forward_button.isChecked() else "backward")

    def set_on_screen(self, on_screen: bool) -> None:
        """Follow the session only while on screen (the studio calls this when the Code tab
        is raised or covered); catch up when shown again."""
        self.on_screen = on_screen
        if on_screen and self._stale:
            self._stale = False
            self.refresh(walk=False)
        elif not on_screen:
            self._walk.stop()

    def _trace_changed(self, *_: object) -> None:
        self._stop_play()
        self._backward = None
        self._backward_key = None
        if self._skip():
            return
        self.refresh(walk=False)

    def _cursor_moved(self, _t: int) -> None:
        if self.playing_backward:
            self._stop_play()
        if self._skip():
            return
        self.refresh(walk=True)

    def _gradients_changed(self, *_: object) -> None:
        self._backward = None
        self._backward_key = None
        if self._play_pending and self.session.gradients:
            self._start_play()
        elif self.direction == "backward" and not self.playing_backward and not self._skip():
            self.refresh(walk=False)

    def _skip(self) -> bool:
        """True (and remember to catch up) while the panel is covered by another tab."""
        if not self.on_screen:
            self._stale = True
        return not self.on_screen

    def refresh(self, *, walk: bool) -> None:
        """Show the current cell's code for the cursor's step (walking its lines if asked)."""
        shown = self.session.shown
        run = self.session.run
        if shown is None or run is None:
            self._show_nothing("No sequence to run.")
            return
        from rnn_studio.state.code_lines import forward_values, listing

        self._show_listing(listing(shown.kind, self.direction))
        t = self.session.cursor
        if self.direction == "forward":
            self.values = forward_values(
                shown.kind, shown.cell.params, shown.trace, t, self._nonlinearity(shown.kind)
            )
            self.shown_step = t
            self.position_label.setText(f"t = {t} · forward step")
            self._start_walk(walk, LINE_MS)
            return
        self.shown_step = t
        pass_ = self._backward_pass()
        if pass_ is None:
            self.values = None
            self._show_nothing("No gradient yet: press Play BPTT ◀ (or Backprop ◀).", keep=True)
            return
        if t > pass_.loss_step:
            self.values = None
            self._show_nothing(
                f"Step t = {t} is after the loss step {pass_.loss_step}: "
                "no gradient flows back to it.",
                keep=True,
            )
            return
        self.values = pass_.values(t)
        self.position_label.setText(f"t = {t} · backward step, loss at t = {pass_.loss_step}")
        self._start_walk(walk, LINE_MS)

    def _nonlinearity(self, kind: str) -> str:
        return self.session.nonlinearity if kind == "rnn" else "tanh"

    def _backward_pass(self) -> BackwardPass | None:
        """The reference BPTT of the session's loss for the shown cell (kept until it changes)."""
        reports = self.session.gradients
        shown = self.session.shown
        if not reports or shown is None or shown.kind not in reports:
            return None
        report = reports[shown.kind]
        key = (id(report), id(shown.trace))
        if self._backward is None or self._backward_key != key:
            from rnn_studio.state.code_lines import backward_pass

            self._backward = backward_pass(
                shown.kind,
                shown.cell.params,
                shown.trace,
                report.loss_step,
                self._nonlinearity(shown.kind),
            )
            self._backward_key = key
        return self._backward

    def _show_listing(self, found: Listing) -> None:
        if found is not self.shown_listing:
            self.shown_listing = found
            self.editor.setPlainText(found.text())
            self._value_block = None
            self.line = found.computing_lines[0]

    def _show_nothing(self, message: str, keep: bool = False) -> None:
        self._walk.stop()
        if keep:
            self._remove_value_line()
        else:
            self.shown_listing = None
            self.editor.clear()
            self._value_block = None
        self.editor.setExtraSelections([])
        self.position_label.setText(message)

    # ---------------------------------------------------------------------- walking
    def _start_walk(self, walk: bool, slowest_ms: int) -> None:
        """Highlight the first computing line and walk to the last, or jump to the last."""
        assert self.shown_listing is not None
        computing = self.shown_listing.computing_lines
        if not walk:
            self._walk.stop()
            self._highlight(computing[-1])
            return
        # Time since the previous step the stepper made (none yet: walk at the slowest pace).
        elapsed = self._since_move.restart() if self._since_move.isValid() else -1
        if elapsed < 0:
            self._since_move.start()
        interval = slowest_ms
        if 0 <= elapsed < slowest_ms * len(computing):
            # The stepper moves faster than a whole walk: finish the walk before its next step.
            interval = int(0.8 * elapsed / len(computing))
            if interval < MIN_LINE_MS:
                self._walk.stop()
                self._highlight(computing[-1])
                return
        self._walk.setInterval(interval)
        self._highlight(computing[0])
        self._walk.start()

    def _walk_tick(self) -> None:
        if self.shown_listing is None:
            self._walk.stop()
            return
        computing = self.shown_listing.computing_lines
        position = computing.index(self.line) if self.line in computing else -1
        if position + 1 < len(computing):
            self._highlight(computing[position + 1])
            return
        if self.playing_backward and self.shown_step is not None and self.shown_step > 0:
            self._show_backward_step(self.shown_step - 1)
            return
        self._walk.stop()
        if self.playing_backward:
            self.playing_backward = False
            self.position_label.setText(f"t = {self.shown_step} · BPTT reached the first step")

    def _start_play(self) -> None:
        self._play_pending = False
        self.direction = "backward"
        with blocked(self.forward_button, self.backward_button):
            self.backward_button.setChecked(True)
            self.forward_button.setChecked(False)
        shown = self.session.shown
        if shown is None:
            return
        from rnn_studio.state.code_lines import listing

        self._show_listing(listing(shown.kind, "backward"))
        pass_ = self._backward_pass()
        if pass_ is None:
            return
        self.playing_backward = True
        self._walk.setInterval(BACKWARD_LINE_MS)
        self._show_backward_step(pass_.loss_step)
        self._walk.start()

    def _show_backward_step(self, t: int) -> None:
        pass_ = self._backward_pass()
        if pass_ is None or self.shown_listing is None:
            self._stop_play()
            return
        self.values = pass_.values(t)
        self.shown_step = t
        self.position_label.setText(
            f"t = {t} · playing BPTT from the loss at t = {pass_.loss_step}"
        )
        self._highlight(self.shown_listing.computing_lines[0])

    def _stop_play(self) -> None:
        self._play_pending = False
        if self.playing_backward:
            self.playing_backward = False
            self._walk.stop()

    def _highlight(self, line: int) -> None:
        """Mark ``line`` (an index into the listing) and show its values on the line below."""
        self.line = line
        self._remove_value_line()
        document = self.editor.document()
        block = document.findBlockByNumber(line)
        blocks = [block]
        text = self.line_value_text()
        if text:
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            cursor.insertText("\n" + VALUE_PREFIX + text)
            self._value_block = line + 1
            blocks.append(block.next())
        selections = []
        for marked in blocks:
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(self._palette.spotlight_background))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(marked)
            selections.append(selection)
        self.editor.setExtraSelections(selections)
        # Its values in view, then the code line (in a short view, the code line is on top).
        for marked in reversed(blocks):
            self.editor.setTextCursor(QTextCursor(marked))
            self.editor.ensureCursorVisible()

    def _remove_value_line(self) -> None:
        if self._value_block is None:
            return
        block = self.editor.document().findBlockByNumber(self._value_block)
        self._value_block = None
        if not block.isValid() or not block.text().startswith(VALUE_PREFIX):
            return
        cursor = QTextCursor(block.previous())
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        cursor.setPosition(block.position() + block.length() - 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()

    def value_line(self) -> str:
        """The text of the line under the highlighted one ('' when it shows no values)."""
        if self._value_block is None:
            return ""
        return self.editor.document().findBlockByNumber(self._value_block).text()

    def block_of_line(self, line: int) -> int:
        """The text block that shows listing line ``line``."""
        return line if self._value_block is None or line < self._value_block else line + 1

    def line_of_block(self, block: int) -> int | None:
        """The listing line shown in text block ``block`` (None for the value line)."""
        if self._value_block is None or block < self._value_block:
            return block
        return None if block == self._value_block else block - 1

    # ------------------------------------------------------------------- hover, theme
    def value_tooltip(self, line: int, column: int) -> str:
        """The tooltip for the text at ``line``, ``column`` of the code ('' for none)."""
        if self.values is None or self.shown_listing is None:
            return ""
        if not 0 <= line < len(self.shown_listing.lines):
            return ""
        text = self.shown_listing.lines[line].text
        comment = text.find("#")
        if 0 <= comment <= column:
            return text.strip()  # the whole line, comment included (it may be cut off)
        from rnn_studio.state.code_lines import name_at

        name = name_at(text, column)
        if name is None:
            return ""
        return self.values.describe(line, name, entries=12)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_wrapping()
        if watched is self.editor.viewport() and event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            cursor = self.editor.cursorForPosition(event.pos())
            line = self.line_of_block(cursor.blockNumber())
            text = "" if line is None else self.value_tooltip(line, cursor.positionInBlock())
            if text:
                QToolTip.showText(event.globalPos(), text, self.editor)
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the comments and the highlighted line for ``palette``."""
        self._palette = palette
        self.highlighter.set_colours(palette.muted_text, palette.link)
        if self.values is not None:
            self._highlight(self.line)

    def _fit_wrapping(self) -> None:
        """Wrap long lines when the whole step fits; one line per statement when it does not.

        With room for :data:`WRAP_LINES` lines the comments wrap and nothing is hidden; in a
        short dock (a projector font at 1280×720) wrapping would push the values of the
        highlighted line out of sight, so each statement keeps one line (scroll sideways).
        """
        lines = self.editor.viewport().height() / max(self.editor.fontMetrics().lineSpacing(), 1)
        mode = (
            QPlainTextEdit.LineWrapMode.WidgetWidth
            if lines >= WRAP_LINES
            else QPlainTextEdit.LineWrapMode.NoWrap
        )
        if self.editor.lineWrapMode() != mode:
            self.editor.setLineWrapMode(mode)
            # No sideways scroll bar eating a line: a cut comment shows whole on hover.
            self.editor.setHorizontalScrollBarPolicy(
                Qt.ScrollBarPolicy.ScrollBarAsNeeded
                if mode == QPlainTextEdit.LineWrapMode.WidgetWidth
                else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            )
            if self.values is not None:
                self._highlight(self.line)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._sync_font()

    def _sync_font(self) -> None:
        """The panel's font size (it follows the app's font scale) in a fixed-width face."""
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(self.font().pointSizeF())
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.editor.setFont(font)
        # The layout gives the code the panel's spare height; its minimum is one short line.
        self.editor.setMinimumHeight(QFontMetrics(font).lineSpacing() // 2 + 8)


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(CodePanel))
