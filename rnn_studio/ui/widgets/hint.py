"""The "how to read this" hint above each panel, with glossary links.

A hint shows in full (wrapped) when its panel has room and collapses to one elided line
when it has not (a projector font at 1280×720): the panel decides, through
:meth:`HintLabel.set_collapsed`. Collapsed, the line keeps the links it has room for and ends
in "…" and a "?" link that opens the whole hint (:meth:`HintLabel.show_whole`; Tab reaches
it, Enter opens it); the whole hint is also the tooltip and the accessible description.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent, QTextDocument
from PySide6.QtWidgets import QLabel, QWhatsThis, QWidget

from rnn_studio.ui.glossary_links import HINTS, link_target, term_id
from rnn_studio.ui.theme import Palette, current_palette

#: ``[[term]]`` or ``[[term|shown text]]`` (the content markup of the hints).
_LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")
ELLIPSIS = "…"
#: The link a folded hint ends with; it opens the whole hint (keyboard: Tab to it, Enter).
MORE_TEXT = "?"
MORE_HREF = "hint:more"


def markup_units(source: str) -> list[tuple[str, str]]:
    """``source`` split into (plain text, markup) units: words with their spaces, and links."""
    units: list[tuple[str, str]] = []
    position = 0
    for match in _LINK.finditer(source):
        for word in re.findall(r"\S+\s*|\s+", source[position : match.start()]):
            units.append((word, word))
        units.append((match.group(2) or match.group(1), match.group(0)))
        position = match.end()
    for word in re.findall(r"\S+\s*|\s+", source[position:]):
        units.append((word, word))
    return units


def markup_html(source: str, link_colour: str) -> str:
    """Rich text of ``source`` with ``term:<id>`` links in ``link_colour``."""
    parts: list[str] = []
    position = 0
    for match in _LINK.finditer(source):
        parts.append(html.escape(source[position : match.start()]))
        shown = match.group(2) or match.group(1)
        parts.append(
            f'<a href="term:{term_id(match.group(1))}" style="color:{link_colour};">'
            f"{html.escape(shown)}</a>"
        )
        position = match.end()
    parts.append(html.escape(source[position:]))
    return "".join(parts)


def plain_text(source: str) -> str:
    """``source`` without its link markup."""
    return "".join(plain for plain, _ in markup_units(source))


class HintLabel(QLabel):
    """A muted hint whose glossary links emit :attr:`glossary_requested`.

    Parameters
    ----------
    panel_id : str
        Key into :data:`rnn_studio.ui.glossary_links.HINTS`.
    """

    glossary_requested = Signal(str)

    def __init__(self, panel_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panel_id = panel_id
        self.source = HINTS[panel_id]
        self.collapsed = False
        self.palette_in_use = current_palette()
        self._full_heights: dict[tuple[str, int, int, str, str], int] = {}
        self.setObjectName(f"{panel_id}_hint")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.setOpenExternalLinks(False)
        self.setAccessibleName(f"How to read the {panel_id} panel")
        full = plain_text(self.source)
        self.setAccessibleDescription(full)
        self.setToolTip(full)
        self.linkActivated.connect(self._follow)
        self.apply_palette(self.palette_in_use)

    # ------------------------------------------------------------------------- sizes
    def line_height(self) -> int:
        """Height of the collapsed hint (one line of the current font)."""
        return self.fontMetrics().lineSpacing() + 2

    def full_height(self, width: int) -> int:
        """Height of the whole hint wrapped at ``width`` pixels.

        Laying the text out is the costly part, and the layout of the studio asks again and
        again for the same few widths (~140 times before the first frame): each height is
        kept per font, width and link colour.
        """
        width = max(width, 40)
        key = (self.font().key(), self.logicalDpiY(), width, self.palette_in_use.link, self.source)
        height = self._full_heights.get(key)
        if height is None:
            document = QTextDocument()
            document.setDefaultFont(self.font())
            document.setDocumentMargin(0)
            document.setHtml(markup_html(self.source, self.palette_in_use.link))
            document.setTextWidth(width)
            height = int(document.size().height()) + 2
            self._full_heights[key] = height
        return max(height, self.line_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(40, self.height_for_state())

    def sizeHint(self) -> QSize:
        return QSize(160, self.height_for_state())

    def hasHeightForWidth(self) -> bool:
        return False  # the height follows the state, set by the panel

    def height_for_state(self) -> int:
        """One line when collapsed, the wrapped text's height otherwise."""
        if self.collapsed:
            return self.line_height()
        return self.full_height(self.width() if self.width() > 40 else 240)

    # ------------------------------------------------------------------------ states
    def set_collapsed(self, collapsed: bool) -> None:
        """Show one elided line (``True``) or the whole wrapped hint (``False``)."""
        if collapsed == self.collapsed:
            return
        self.collapsed = collapsed
        self.setWordWrap(not collapsed)
        self._show_text()

    def apply_palette(self, palette: Palette) -> None:
        """Muted text and links in ``palette``'s colours."""
        self.palette_in_use = palette
        self.setStyleSheet(f"color: {palette.muted_text};")
        self._show_text()

    def _show_text(self) -> None:
        link = self.palette_in_use.link
        if not self.collapsed:
            self.setText(markup_html(self.source, link))
        else:
            shown = self._elided_source(self.width())
            text = markup_html(shown, link)
            if shown != self.source:
                # The rest of the hint is one click (or Tab, Enter) away, not only in a tooltip.
                text += (
                    f' <a href="{MORE_HREF}" style="color:{link}; font-weight:600;" '
                    f'title="Show the whole hint">{MORE_TEXT}</a>'
                )
            self.setText(text)
        self.setFixedHeight(self.height_for_state())

    @property
    def folded(self) -> bool:
        """True while the hint shows only its beginning (and the "?" that opens the rest)."""
        return self.collapsed and self._elided_source(self.width()) != self.source

    def show_whole(self) -> None:
        """Open the whole hint in a balloon under the hint (Esc or a click closes it)."""
        document = QTextDocument()
        document.setHtml(markup_html(self.source, self.palette_in_use.link))
        QWhatsThis.showText(
            self.mapToGlobal(self.rect().bottomLeft()),
            f"<p style='max-width:30em'>{html.escape(document.toPlainText())}</p>",
            self,
        )

    def _elided_source(self, width: int) -> str:
        """The longest prefix of the hint (whole words and links) that fits one line."""
        metrics = self.fontMetrics()
        units = markup_units(self.source)
        if metrics.horizontalAdvance("".join(p for p, _ in units)) <= width - 4:
            return self.source
        more = metrics.horizontalAdvance(f" {MORE_TEXT}") + 4  # room for the "?" link
        shown, plain = "", ""
        for unit_plain, unit_markup in units:
            tail = unit_plain.rstrip() + ELLIPSIS
            if metrics.horizontalAdvance(plain + tail) + more > width - 4:
                break
            shown += unit_markup
            plain += unit_plain
        return shown.rstrip() + ELLIPSIS

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._show_text()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._show_text()

    def _follow(self, href: str) -> None:
        if href == MORE_HREF:
            self.show_whole()
            return
        term = link_target(href)
        if term is not None:
            self.glossary_requested.emit(term)
