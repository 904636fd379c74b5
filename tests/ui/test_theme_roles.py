"""A dark or high-contrast theme gives lesson pages and style sheets the theme's own role
colours: the Learn style sheet is built from the role table (no light colour rewritten after
the fact), and the page HTML itself carries no colour at all."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel

from rnn_studio.learn import quiz
from rnn_studio.learn.markup import learn_css
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn.browser import LearnBrowser
from rnn_studio.ui.learn.learn_area import LearnArea
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine
from rnn_studio.ui.theme import apply_theme, role_colours, set_role_style

HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


def fragments(document: QTextDocument):
    """Every text fragment of ``document`` with its character format."""
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            yield iterator.fragment()
            iterator += 1
        block = block.next()


def link_colours(browser: LearnBrowser) -> dict[str, set[str]]:
    """The colours links are drawn in, by link kind (``term``, ``demo``)."""
    colours: dict[str, set[str]] = {}
    for fragment in fragments(browser.document()):
        href = fragment.charFormat().anchorHref()
        if href:
            kind = href.partition(":")[0]
            colour = fragment.charFormat().foreground().color().name().upper()
            colours.setdefault(kind, set()).add(colour)
    return colours


def heading_colour(browser: LearnBrowser, text: str) -> str:
    for fragment in fragments(browser.document()):
        if text in fragment.text():
            return fragment.charFormat().foreground().color().name().upper()
    raise AssertionError(f"{text!r} not on the page")


@pytest.fixture
def area(qtbot, tmp_path):
    area = LearnArea(
        StudioSession(), ProgressStore(tmp_path / "p.json"), speech=NoSpeechEngine(), seed=1
    )
    qtbot.addWidget(area)
    area.resize(1200, 720)
    area.show()
    qtbot.waitExposed(area)
    return area


@pytest.mark.parametrize("name", ["dark", "high_contrast", "light"])
def test_lesson_links_and_quiz_verdicts_are_drawn_in_the_theme_roles(area, name) -> None:
    app = QApplication.instance()
    palette = apply_theme(name, app)
    reader = area.lesson.reader
    area.lesson.show_section("introduction")
    scale = reader.font().pointSizeF() / 10.0
    assert reader.document().defaultStyleSheet() == learn_css(palette, scale)
    assert HEX.findall(reader.body_html()) == []  # the page names classes, never colours
    colours = link_colours(reader)
    assert colours["term"] == {palette.link.upper()}
    assert colours["demo"] == {palette.showme.upper()}

    area.show_page("quiz")
    entries = area.content.glossary.entries
    question = quiz.term_to_definition(entries, entries[0].id, seed=1)
    area.quiz.start([question])
    feedback = area.quiz.feedback
    assert heading_colour(feedback, "Answer first") == palette.muted_text.upper()
    wrong = (question.answer_index + 1) % len(question.choices)
    area.quiz.choices.setCurrentRow(wrong)
    area.quiz.check()
    assert HEX.findall(feedback.body_html()) == []
    assert heading_colour(feedback, "Not quite") == palette.error.upper()


def test_a_theme_switch_refills_the_sheets_from_the_roles(area) -> None:
    app = QApplication.instance()
    reader = area.lesson.reader
    label = QLabel("hint", area)
    set_role_style(label, "color: $muted_text; border: 1px solid $focus;")
    for name in ("dark", "high_contrast", "light", "high_contrast"):
        palette = apply_theme(name, app)
        roles = set(role_colours(palette).values())
        assert label.styleSheet() == (
            f"color: {palette.muted_text}; border: 1px solid {palette.focus};"
        )
        # Every colour in the app's and the reader's style sheets is one of this theme's roles.
        for sheet in (app.styleSheet(), reader.document().defaultStyleSheet()):
            assert set(HEX.findall(sheet)) <= roles, name
