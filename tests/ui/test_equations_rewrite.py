"""Stepping rewrites only the Equations panel's changing paragraphs (its first line and the
numbers), and the document is then exactly the one a full rewrite makes."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextDocument

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.equations_html import equations_html
from rnn_studio.ui.panels.equations import EquationsPanel
from rnn_studio.ui.theme import DARK, apply_theme, current_palette, step_text_colour
from tests.ui.conftest import show_panel


def written_afresh(panel: EquationsPanel, session: StudioSession) -> str:
    """The document the panel showed before: the whole HTML set at once, as rich text."""
    palette = current_palette()
    reference = QTextDocument()
    reference.setDefaultFont(panel.browser.document().defaultFont())
    reference.setDefaultStyleSheet(panel.browser.document().defaultStyleSheet())
    activation = session.nonlinearity if session.shown.kind == "rnn" else "tanh"
    reference.setHtml(
        equations_html(
            session.shown, session.run.sequence, session.cursor, activation,
            step_text_colour(palette), busy_line=panel.busy_line,
            busy_background=palette.spotlight_background, busy_text=palette.spotlight_text,
        )
    )  # fmt: skip
    return reference.toHtml()


def make_panel(qtbot, cell: str, hidden: int, mode: str, text: str):
    session = StudioSession(DemoSetup(text=text, mode=mode, cell=cell, hidden_size=hidden))
    panel = show_panel(qtbot, EquationsPanel, session, 430, 300)
    full: list[str] = []
    real = panel.browser.setHtml
    panel.browser.setHtml = lambda html: (full.append(html), real(html))[1]
    return session, panel, full


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize(
    ("hidden", "mode", "text"),
    [(3, "words", "not bad at all, said the cat"), (256, "numbers", "0.5, -1.2, 0.3, 2.5, -0.7")],
)
def test_stepping_rewrites_only_the_numbers_and_shows_the_same_document(
    qtbot, cell, hidden, mode, text
) -> None:
    session, panel, full = make_panel(qtbot, cell, hidden, mode, text)
    assert panel.browser.document().toHtml() == written_afresh(panel, session)
    for t in (1, 2, 4, 0, 3, 3, session.length - 1):
        session.set_cursor(t)
        assert panel.shown_step == t
        assert panel.browser.document().toHtml() == written_afresh(panel, session), t
        assert f"at step t = {t}," in panel.browser.toPlainText()
    assert full == []  # never laid out whole again: only the changing paragraphs


def test_a_new_line_highlight_or_theme_is_written_whole(qtbot) -> None:
    session, panel, full = make_panel(qtbot, "lstm", 8, "words", "not bad at all")
    panel.set_highlighted_line(2)
    assert len(full) == 1
    assert panel.browser.document().toHtml() == written_afresh(panel, session)
    session.set_cursor(2)  # the highlight stays: only the numbers are rewritten
    assert len(full) == 1
    assert panel.browser.document().toHtml() == written_afresh(panel, session)
    panel.set_highlighted_line(-1)
    assert len(full) == 2
    theme = current_palette()
    try:
        apply_theme("dark")
        panel.apply_palette(DARK)
        assert len(full) == 3
        assert panel.browser.document().toHtml() == written_afresh(panel, session)
        session.set_cursor(3)
        assert len(full) == 3
        assert panel.browser.document().toHtml() == written_afresh(panel, session)
    finally:
        apply_theme(theme.name)


def test_a_new_cell_kind_is_written_whole(qtbot) -> None:
    session, panel, full = make_panel(qtbot, "lstm", 4, "words", "not bad at all")
    session.set_cell_kind("gru")
    assert len(full) == 1 and "GRU at step" in panel.browser.toPlainText()
    assert panel.browser.document().toHtml() == written_afresh(panel, session)
    session.set_cursor(2)
    assert len(full) == 1
    assert panel.browser.document().toHtml() == written_afresh(panel, session)


def test_a_new_default_style_sheet_is_applied_and_kept_while_stepping(qtbot) -> None:
    """Presenter mode enlarges the subscripts through the view's default style sheet."""
    session, panel, full = make_panel(qtbot, "lstm", 256, "numbers", "0.5, -1.2, 0.3, 2.5")
    document = panel.browser.document()
    document.setDefaultStyleSheet("sub, sup { font-size: 27px; }")
    panel.refresh()  # same step, same HTML: written again for the new sheet
    assert len(full) == 1
    assert panel.browser.document().toHtml() == written_afresh(panel, session)
    assert "font-size:27px" in document.toHtml()
    session.set_cursor(2)  # the numbers' subscripts take the sheet too
    assert len(full) == 1
    assert panel.browser.document().toHtml() == written_afresh(panel, session)
    document.setDefaultStyleSheet("")
    panel.refresh()
    assert len(full) == 2 and "font-size:27px" not in document.toHtml()
