"""The one-line "how to read this" hint above each panel, with glossary links."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from rnn_studio.ui.glossary_links import HINTS, hint_html, link_target
from rnn_studio.ui.theme import MUTED


class HintLabel(QLabel):
    """A muted, word-wrapped hint whose glossary links emit :attr:`glossary_requested`.

    Parameters
    ----------
    panel_id : str
        Key into :data:`rnn_studio.ui.glossary_links.HINTS`.
    """

    glossary_requested = Signal(str)

    def __init__(self, panel_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel_id = panel_id
        self.setObjectName(f"{panel_id}_hint")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setText(hint_html(panel_id))
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {MUTED};")
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.setOpenExternalLinks(False)
        self.setAccessibleName(f"How to read the {panel_id} panel")
        self.setAccessibleDescription(HINTS[panel_id].replace("[[", "").replace("]]", ""))
        self.linkActivated.connect(self._follow)

    def _follow(self, href: str) -> None:
        term = link_target(href)
        if term is not None:
            self.glossary_requested.emit(term)
