"""The rich-text viewer every Learn page reads from: the Learn style sheet, a comfortable line
length, a font that follows the app's, and ``term:`` / ``demo:`` links turned into signals.

Links never navigate the browser itself (``setOpenLinks(False)``): a ``term:<id>`` link emits
:attr:`LearnBrowser.term_clicked`, a ``demo:<id>`` link :attr:`LearnBrowser.demo_clicked` and a
``lesson:<anchor>`` link :attr:`LearnBrowser.lesson_clicked`; the Learn area decides what to do
(open the glossary entry, set up the studio, open the lesson section).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import (
    QCursor,
    QFont,
    QFontMetricsF,
    QResizeEvent,
    QTextBlockFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextBrowser, QToolTip, QWidget

from rnn_studio.learn.content import Glossary
from rnn_studio.learn.markup import (
    LEARN_BASE_POINT_SIZE,
    LEARN_POINT_SIZES,
    learn_css,
    render_inline,
)
from rnn_studio.ui.theme import Palette, current_palette, palette_for

#: Widest text column, in characters of running English body text (typographers suggest
#: 60–80; measured on :data:`MEASURE_SAMPLE`, since the font's "average" character is wider
#: than the letters of real text and gave lines of ~90 characters).
MAX_LINE_CHARACTERS = 73
MEASURE_SAMPLE = (
    "A recurrent network keeps a hidden state that carries what it has read so far, "
    "and updates it at every step."
)
#: Distance between the baselines of body text, in ems (1.4 or more reads comfortably).
LINE_HEIGHT_EM = 1.5


def scaled_learn_css(point_size: float, palette: Palette | None = None) -> str:
    """The Learn style sheet for an app font of ``point_size`` points, in ``palette``'s colours.

    Parameters
    ----------
    point_size : float
        The widget's font size in points; non-positive values (pixel-sized fonts) keep the
        sizes as written.
    palette : Palette, optional
        The colour roles; the applied theme's by default.
    """
    scale = point_size / LEARN_BASE_POINT_SIZE if point_size > 0 else 1.0
    return learn_css(palette or current_palette(), scale)


def describe_glossary_term(glossary: Glossary, term_id: str) -> str:
    """Rich text for a term link's tooltip: the term in bold and its one-sentence definition."""
    entry = glossary.get(term_id)
    if entry is None:
        return ""
    definition = render_inline(entry.definition, glossary.resolve)
    return f"<b>{html.escape(entry.term)}</b>: {definition}"


def link_parts(url: QUrl | str) -> tuple[str, str]:
    """Split a Learn link into ``(kind, id)``: ``("term", "hidden-state")``, ``("demo", ...)``,
    ``("lesson", "<section anchor>")``.

    Anything else gives ``("", text)``.
    """
    text = url.toString() if isinstance(url, QUrl) else str(url)
    kind, sep, target = text.partition(":")
    if sep and kind in ("term", "demo", "lesson", "train", "practice") and target:
        return kind, target
    return "", text


class LearnBrowser(QTextBrowser):
    """A read-only rich-text view of Learn HTML.

    Parameters
    ----------
    object_name : str
        The Qt object name (tests find the widget by it).
    accessible_name : str
        What a screen reader announces.
    parent : QWidget, optional
    """

    term_clicked = Signal(str)
    demo_clicked = Signal(str)
    lesson_clicked = Signal(str)
    train_clicked = Signal(str)
    practice_clicked = Signal(str)

    def __init__(self, object_name: str, accessible_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setToolTip(
            "Links: click, or Tab to one and press Enter. Blue opens a glossary entry; "
            "orange “Show me” sets up the studio"
        )
        self.anchorClicked.connect(self.follow_link)
        self.highlighted.connect(self._hovered)
        #: Gives the text shown when the pointer rests on a ``term:<id>`` link ("" for none).
        self.describe_term: Callable[[str], str] | None = None
        self._body = ""
        self._side_margin = -1
        self._apply_style()

    # --- content ------------------------------------------------------------------------
    def set_body(self, body_html: str) -> None:
        """Show ``body_html`` (an HTML fragment from :mod:`rnn_studio.learn.lesson_html`)."""
        self._body = body_html
        self.setHtml(body_html)
        self._space_lines()
        self._side_margin = -1  # setHtml resets the root frame's margins
        self._fit_line_length()

    def body_html(self) -> str:
        """The HTML fragment on show, as given to :meth:`set_body`."""
        return self._body

    def follow_link(self, url: QUrl | str) -> None:
        """Act on a clicked link: emit :attr:`term_clicked` or :attr:`demo_clicked`."""
        kind, target = link_parts(url)
        if kind == "term":
            self.term_clicked.emit(target)
        elif kind == "demo":
            self.demo_clicked.emit(target)
        elif kind == "lesson":
            self.lesson_clicked.emit(target)
        elif kind == "train":
            self.train_clicked.emit(target)
        elif kind == "practice":
            self.practice_clicked.emit(target)

    def _hovered(self, url: QUrl) -> None:
        kind, target = link_parts(url)
        if kind == "term" and self.describe_term is not None:
            text = self.describe_term(target)
            if text:
                QToolTip.showText(QCursor.pos(), text, self)

    def links(self) -> list[str]:
        """Every link target in the HTML on show, in order (``term:...``, ``demo:...``)."""
        return re.findall(r'href="([^"]+)"', self._body)

    # --- typography ---------------------------------------------------------------------
    def body_point_size(self) -> float:
        """The size body text is drawn at, in points."""
        size = self.font().pointSizeF()
        base = size if size > 0 else LEARN_BASE_POINT_SIZE
        return LEARN_POINT_SIZES["body"] * base / LEARN_BASE_POINT_SIZE

    def _apply_style(self) -> None:
        css = scaled_learn_css(self.font().pointSizeF(), palette_for(self.palette()))
        self.document().setDefaultStyleSheet(css)
        self.document().setDocumentMargin(12)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._apply_style()
            self.set_body(self._body)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_line_length()

    def column_width(self) -> float:
        """The width of the text column, in pixels."""
        document = self.document()
        frame = document.rootFrame().frameFormat()
        return document.textWidth() - frame.leftMargin() - frame.rightMargin()

    def text_font(self) -> QFont:
        """The font paragraphs are actually drawn in.

        Qt's rich text does not apply the style sheet's ``body`` font size to paragraphs, so
        this reads the first paragraph's text rather than trusting :meth:`body_point_size`.
        """
        font = QFont(self.document().defaultFont())
        block = self.document().begin()
        while block.isValid():
            if block.text().strip() and not block.blockFormat().headingLevel():
                size = block.begin().fragment().charFormat().fontPointSize()
                if size > 0:
                    font.setPointSizeF(size)
                break
            block = block.next()
        return font

    def line_height_percent(self) -> float:
        """Qt's proportional line height giving :data:`LINE_HEIGHT_EM` for body text.

        Qt scales the font's natural line spacing (about 1.16 em), not the em: convert.
        """
        body_font = self.text_font()
        em_pixels = body_font.pointSizeF() * self.logicalDpiY() / 72.0
        natural = QFontMetricsF(body_font).lineSpacing() or em_pixels
        return 100.0 * LINE_HEIGHT_EM * em_pixels / natural

    def _space_lines(self) -> None:
        """Give every block the comfortable line height (Qt ignores CSS line-height on body)."""
        spacing = QTextBlockFormat()
        spacing.setLineHeight(
            self.line_height_percent(), QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(spacing)

    def _fit_line_length(self) -> None:
        """Keep lines to at most :data:`MAX_LINE_CHARACTERS` characters, centred.

        The margins go on the document's root frame, inside the viewport, so the page keeps
        the theme's background from edge to edge.
        """
        metrics = QFontMetricsF(self.text_font())
        widest = metrics.horizontalAdvance(MEASURE_SAMPLE) / len(MEASURE_SAMPLE)
        widest *= MAX_LINE_CHARACTERS
        available = self.viewport().width() - 2 * self.document().documentMargin()
        side = int(max(0.0, (available - widest) / 2))
        if side == self._side_margin:
            return
        self._side_margin = side
        root = self.document().rootFrame()
        frame = root.frameFormat()
        # A side margin replaces the document margin on that side: add them.
        margin = self.document().documentMargin()
        frame.setLeftMargin(margin + side)
        frame.setRightMargin(margin + side)
        root.setFrameFormat(frame)
