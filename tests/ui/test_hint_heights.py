"""A hint's wrapped height is laid out once per font, width and colour, and stays right.

The studio's layout asks each hint for its height at the same few widths ~140 times before
the first frame; the heights are kept, and must equal a fresh layout whatever changed.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QTextDocument

from rnn_studio.ui.theme import DARK, LIGHT
from rnn_studio.ui.widgets.hint import HintLabel, markup_html


def fresh_height(hint: HintLabel, width: int) -> int:
    """The height laid out from scratch (what full_height computed before it kept them)."""
    document = QTextDocument()
    document.setDefaultFont(hint.font())
    document.setDocumentMargin(0)
    document.setHtml(markup_html(hint.source, hint.palette_in_use.link))
    document.setTextWidth(max(width, 40))
    return max(int(document.size().height()) + 2, hint.line_height())


def test_kept_heights_equal_a_fresh_layout_through_font_and_palette_changes(qtbot) -> None:
    hint = HintLabel("memory")
    qtbot.addWidget(hint)
    widths = (30, 120, 240, 500, 120)
    heights = [hint.full_height(width) for width in widths]
    assert heights == [fresh_height(hint, width) for width in widths]
    assert heights[1] > heights[3]  # narrower wraps onto more lines
    font = QFont(hint.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    hint.setFont(font)
    bigger = [hint.full_height(width) for width in widths]
    assert bigger == [fresh_height(hint, width) for width in widths]
    assert bigger[2] > heights[2]
    hint.apply_palette(DARK)
    assert [hint.full_height(w) for w in widths] == [fresh_height(hint, w) for w in widths]
    hint.apply_palette(LIGHT)


def test_the_same_width_is_laid_out_once(qtbot, monkeypatch) -> None:
    hint = HintLabel("gates")
    qtbot.addWidget(hint)
    layouts: list[str] = []
    original = QTextDocument.setHtml

    def counting(document: QTextDocument, html: str) -> None:
        layouts.append(html)
        original(document, html)

    monkeypatch.setattr(QTextDocument, "setHtml", counting)
    first = hint.full_height(200)
    for _ in range(20):
        assert hint.full_height(200) == first
    assert len(layouts) == 1
    hint.full_height(300)
    assert len(layouts) == 2
