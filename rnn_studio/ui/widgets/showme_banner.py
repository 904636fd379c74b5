"""The "Show me" banner above the studio: what the demo shows, where to look, and the way back.

A "Show me" link sets the studio up; without words the learner has to guess what to look
at. The banner shows the demo's title and description (from ``demos.json``), names the
panel the claim is about (which the studio highlights), and offers "Back to …" to return to
the Learn page, section and scroll position the learner came from.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rnn_studio.learn.markup import plain_text
from rnn_studio.ui.themes import set_role_style


@dataclass(frozen=True)
class ShowMe:
    """What the banner says.

    Attributes
    ----------
    title, description : str
        The demo's, as inline markup (shown as plain text).
    panel_id : str
        The studio panel the claim is about.
    back_label : str
        Where "Back" returns to, e.g. "the lesson" or "the quiz".
    """

    title: str
    description: str
    panel_id: str
    back_label: str


class ShowMeBanner(QFrame):
    """Title, description, "Look at: <panel>", a Back button and a close button."""

    #: The learner asked to go back to where they were reading.
    back_requested = Signal()
    #: The banner was closed (the studio drops the panel highlight).
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("showme_banner")
        self.setAccessibleName("What this demo shows")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        set_role_style(
            self, "#showme_banner { border: 2px solid $current_step; border-radius: 4px; }"
        )
        self.title = QLabel(self)
        self.title.setObjectName("showme_title")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.description = QLabel(self)
        self.description.setObjectName("showme_description")
        self.description.setWordWrap(True)
        self.look_at = QLabel(self)
        self.look_at.setObjectName("showme_look_at")
        self.look_at.setTextFormat(Qt.TextFormat.RichText)
        self.back_button = QPushButton(self)
        self.back_button.setObjectName("showme_back")
        self.back_button.setAccessibleName("Back to where you were reading")
        self.back_button.setToolTip("Return to the Learn page you came from, where you left it")
        self.back_button.clicked.connect(self.back_requested)
        self.close_button = QPushButton("✕", self)
        self.close_button.setObjectName("showme_close")
        self.close_button.setAccessibleName("Close this note")
        self.close_button.setToolTip("Close this note (the studio stays as it is)")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.dismiss)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.description)
        text.addWidget(self.look_at)
        buttons = QVBoxLayout()
        buttons.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        row.addLayout(text, 1)
        row.addLayout(buttons)
        self.shown: ShowMe | None = None
        self.setVisible(False)

    def show_demo(self, show: ShowMe, panel_title: str) -> None:
        """Fill the banner for ``show`` (``panel_title``: the panel to look at) and show it."""
        self.shown = show
        self.title.setText(f"<b>Show me: {html.escape(plain_text(show.title))}</b>")
        self.description.setText(plain_text(show.description))
        self.look_at.setText(f"Look at: <b>{html.escape(panel_title)}</b> (highlighted)")
        self.back_button.setText(f"← Back to {show.back_label}")
        self.back_button.setToolTip(f"Return to {show.back_label}, where you left it")
        self.setVisible(True)

    def dismiss(self, *_: object) -> None:
        """Hide the banner and say so."""
        if self.shown is None and not self.isVisible():
            return
        self.shown = None
        self.setVisible(False)
        self.closed.emit()
