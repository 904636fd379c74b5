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
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn.markup import plain_text
from rnn_studio.ui.theme import set_role_style

#: Lines of the description the note always keeps room for; more show when the column
#: has room, and the rest scrolls.
DESCRIPTION_LINES = 1


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
        self.description = QLabel()
        self.description.setObjectName("showme_description")
        self.description.setWordWrap(True)
        self.description.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The description scrolls inside the note when the column is short (a projector
        # font at 1280×720), so the note never clips its own lines or grows the window.
        self.description_area = QScrollArea(self)
        self.description_area.setObjectName("showme_description_area")
        self.description_area.setAccessibleName("What the demo shows")
        self.description_area.setFrameShape(QFrame.Shape.NoFrame)
        self.description_area.setWidgetResizable(True)
        self.description_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.description_area.setWidget(self.description)
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
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom = QHBoxLayout()
        bottom.addWidget(self.look_at, 1)
        bottom.addWidget(self.back_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 4)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.description_area, 1)
        column.addLayout(bottom)
        self.shown: ShowMe | None = None
        self.setVisible(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_description()

    def _fit_description(self) -> None:
        """Room for the whole title, and for the whole description up to
        :data:`DESCRIPTION_LINES` lines; beyond that it scrolls."""
        # The title wraps too (two lines at a projector font): as tall as its text.
        title_height = self.title.heightForWidth(max(self.title.width(), 50))
        if title_height > 0 and self.title.minimumHeight() != title_height:
            self.title.setMinimumHeight(title_height)
        line = self.description.fontMetrics().lineSpacing()
        needed = self.description.heightForWidth(max(self.description_area.viewport().width(), 50))
        self.description_area.setMinimumHeight(min(needed, DESCRIPTION_LINES * line) + 2)
        self.description_area.setMaximumHeight(needed + 2)

    def show_demo(self, show: ShowMe, panel_title: str) -> None:
        """Fill the banner for ``show`` (``panel_title``: the panel to look at) and show it."""
        self.shown = show
        self.title.setText(f"<b>Show me: {html.escape(plain_text(show.title))}</b>")
        self.description.setText(plain_text(show.description))
        self.look_at.setText(f"Look at: <b>{html.escape(panel_title)}</b> (highlighted)")
        self.back_button.setText(f"← Back to {show.back_label}")
        self.back_button.setToolTip(f"Return to {show.back_label}, where you left it")
        self.setVisible(True)
        self._fit_description()

    def dismiss(self, *_: object) -> None:
        """Hide the banner and say so."""
        if self.shown is None and not self.isVisible():
            return
        self.shown = None
        self.setVisible(False)
        self.closed.emit()
