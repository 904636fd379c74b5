"""The compare story bar: three set-ups of RNN vs LSTM vs GRU, one click each.

Random init · LSTM forget gate opened · trained models (see
:mod:`rnn_studio.state.compare_story`). The verdict line is computed from the gradients on
screen and names the set-up; when the learner changes a control so that none of the three
is shown any more, it says so instead of keeping an old claim.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.state import compare_story
from rnn_studio.ui.glossary_links import link_target
from rnn_studio.ui.qt_bridge import SessionBridge, blocked

HEADLINE = "Why the LSTM remembers:"
HEADLINE_TIP = (
    "RNN, LSTM and GRU read the same 102 steps (a letter, 100 distractors, “?”) and send the "
    "gradient back from the last step, in three set-ups."
)


class CompareStoryBar(QFrame):
    """Three buttons, the forget-bias note (set-up 2) and the verdict for what is shown."""

    glossary_requested = Signal(str)

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compare_story")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.session = bridge.session
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 3, 6, 3)
        column.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(4)
        headline = QLabel(HEADLINE, self)
        headline.setToolTip(HEADLINE_TIP)
        # In a narrow centre (1280×720 with every panel) the headline gives way, not the
        # buttons: it is cut short rather than pushing the bar past the window's edge.
        headline.setMinimumWidth(1)
        headline.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        row.addWidget(headline)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QToolButton] = {}
        for step in compare_story.STEPS:
            button = QToolButton(self)
            button.setText(compare_story.TITLES[step])
            button.setCheckable(True)
            button.setObjectName(f"compare_story_{step}")
            button.setAccessibleName(f"Set-up {compare_story.TITLES[step]}")
            button.setToolTip(compare_story.TIPS[step])
            self.group.addButton(button)
            self.buttons[step] = button
            row.addWidget(button)
            button.clicked.connect(lambda _=False, s=step: self.show_step(s))
        row.addStretch(1)
        close = QToolButton(self)
        close.setText("✕")
        close.setObjectName("compare_story_close")
        close.setToolTip("Close the three set-ups")
        close.setAccessibleName("Close the compare story")
        close.clicked.connect(self.hide)
        row.addWidget(close)
        column.addLayout(row)
        self.note = QLabel(self)
        self.note.setObjectName("compare_story_note")
        self.note.setWordWrap(True)
        self.note.setText(
            html.escape(compare_story.FORGET_BIAS_NOTE)
            + f' <a href="term:forget-gate-bias">{compare_story.FORGET_BIAS_TERM}</a>'
        )
        self.note.linkActivated.connect(self._link)
        column.addWidget(self.note)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("compare_story_verdict")
        self.verdict.setWordWrap(True)
        column.addWidget(self.verdict)
        bridge.gradients_changed.connect(lambda *_: self.refresh())
        bridge.trace_changed.connect(lambda *_: self.refresh())
        bridge.controls_changed.connect(lambda *_: self.refresh())
        bridge.controls_changed.connect(lambda *_: self._open_on_compare())
        self._was_compare = self.session.cell_kind == "compare"
        self.hide()

    def start(self) -> None:
        """Show the bar on set-up 1 (random init)."""
        self.show()
        self.show_step("random")

    def show_step(self, step: str) -> None:
        """Set the studio up as ``step``."""
        compare_story.apply_story_step(self.session, step)
        self.refresh()

    def refresh(self) -> None:
        """Check the button and write the verdict of the set-up on screen."""
        if not self.isVisible() or self.session.run_partial:
            return  # (the other two cells come with the gradients, which refresh it again)
        step = compare_story.current_story_step(self.session)
        with blocked(self.group):
            self.group.setExclusive(False)
            for name, button in self.buttons.items():
                button.setChecked(name == step)
            self.group.setExclusive(True)
        self.note.setVisible(step == "forget-open")
        untrained = compare_story.untrained_compare_note(self.session) if step is None else None
        if untrained is not None:
            self.verdict.setText(untrained)
        elif step is None:
            self.verdict.setText("None of the three set-ups is on screen now: pick one.")
        elif self.session.gradients is None:
            self.verdict.setText("Computing the gradients…")
        else:
            self.verdict.setText(compare_story.story_verdict(self.session, step))

    def _open_on_compare(self) -> None:
        """Open the bar when the studio enters compare mode (Compare pressed, a preset or a
        demo), so the reason for what the three curves do is on screen; closed with ✕ it
        stays closed until the next time."""
        compare = self.session.cell_kind == "compare"
        if compare and not self._was_compare and not self.isVisible():
            self.show()
            self.refresh()
        self._was_compare = compare

    def _link(self, href: str) -> None:
        term = link_target(href)
        if term is not None:
            self.glossary_requested.emit(term)
