"""Every control of the Learn area has an object name, an accessible name and a tooltip, and
the pages are reachable and usable from the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QTableWidget,
    QTextBrowser,
    QToolTip,
    QWidget,
)

from rnn_studio.learn import quiz
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn.browser import scaled_learn_css
from rnn_studio.ui.learn.learn_area import PAGE_TITLES, LearnArea
from rnn_studio.ui.learn.quiz_view import choice_text
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine
from rnn_studio.ui.theme import LIGHT, apply_font_scale

CONTROLS = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QTableWidget,
    QTextBrowser,
)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def area(qtbot):
    area = LearnArea(StudioSession(), ProgressStore(), speech=NoSpeechEngine(), seed=1)
    qtbot.addWidget(area)
    area.resize(1200, 720)
    with qtbot.waitActive(area):
        area.show()
        area.activateWindow()
    return area


def is_qt_internal(widget: QWidget) -> bool:
    """Parts Qt builds inside composite widgets (a spin box's line edit, a clear button)."""
    parent = widget.parentWidget()
    return widget.objectName().startswith("qt_") or isinstance(parent, (QLineEdit, QSpinBox))


def test_every_control_is_named_and_explained(area):
    area.quiz.start([quiz.matching(area.content.glossary.entries, seed=1)])
    unnamed = []
    for widget in area.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or is_qt_internal(widget):
            continue
        if not (widget.objectName() and widget.accessibleName() and widget.toolTip()):
            unnamed.append((type(widget).__name__, widget.objectName()))
    assert unnamed == []


def test_pages_switch_from_the_keyboard(area, qtbot):
    area.nav.setFocus()
    area.nav.setCurrentRow(0)
    for page in list(PAGE_TITLES)[1:]:
        qtbot.keyClick(area.nav, Qt.Key.Key_Down)
        assert area.current_page() == page
    for number, page in enumerate(PAGE_TITLES, start=1):
        qtbot.keyClick(area, Qt.Key(Qt.Key.Key_0 + number), Qt.KeyboardModifier.AltModifier)
        assert area.current_page() == page


def test_a_lesson_link_can_be_followed_with_tab_and_enter(area, qtbot):
    area.show_page("lesson")
    area.lesson.show_section("introduction")
    reader = area.lesson.reader
    reader.setFocus()
    followed = []
    reader.term_clicked.connect(followed.append)
    reader.demo_clicked.connect(followed.append)
    qtbot.keyClick(reader, Qt.Key.Key_Tab)
    qtbot.keyClick(reader, Qt.Key.Key_Return)
    first_link = reader.links()[0].partition(":")[2]
    assert followed == [first_link]


def test_resting_on_a_term_link_shows_its_definition(area):
    area.lesson.show_section("introduction")
    area.lesson.reader.highlighted.emit(QUrl("term:hidden-state"))
    shown = QToolTip.text()
    assert shown.startswith("<b>hidden state</b>:")
    assert "carries from one time step to the next" in shown
    assert area.describe_term("no-such-term") == ""


def test_the_reader_follows_a_change_of_the_app_font(area, qtbot):
    app = QApplication.instance()
    reader = area.lesson.reader
    before = reader.document().defaultStyleSheet()
    original = QFont(app.font())
    try:
        apply_font_scale(app, 1.6)
        qtbot.waitUntil(lambda: reader.document().defaultStyleSheet() != before, timeout=2000)
        assert reader.document().defaultStyleSheet() == scaled_learn_css(app.font().pointSizeF())
    finally:
        app.setFont(original)
        app.setProperty("rnn_studio_base_point_size", None)


def test_larger_headings_keep_their_proportion_when_the_app_font_changes(area):
    app = QApplication.instance()
    original = QFont(app.font())
    labels = [area.quiz.prompt, area.predict.title, area.progress.stat_labels["due"]]
    ratios = [label.font().pointSizeF() / app.font().pointSizeF() for label in labels]
    assert ratios == pytest.approx([1.15, 1.2, 1.6])
    try:
        apply_font_scale(app, 1.6)
        for label, ratio in zip(labels, ratios, strict=True):
            assert label.font().pointSizeF() == pytest.approx(app.font().pointSizeF() * ratio)
        assert area.predict.title.font().bold()
    finally:
        app.setFont(original)
        app.setProperty("rnn_studio_base_point_size", None)


def test_on_a_dark_palette_the_reader_swaps_to_readable_colours(area):
    reader = area.lesson.reader
    light_css = reader.document().defaultStyleSheet()
    assert f"a {{ color: {LIGHT.link};" in light_css
    dark = QPalette(reader.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#141414"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#EAEAEA"))
    dark.setColor(QPalette.ColorRole.Link, QColor("#8CC8F0"))
    reader.setPalette(dark)
    dark_css = reader.document().defaultStyleSheet()
    assert LIGHT.link.lower() not in dark_css.lower() and "#8cc8f0" in dark_css.lower()
    assert "#F0B54A" in dark_css  # "Show me" links stay orange, lighter
    # "Not quite" is coloured by its class, never by a colour written into the page.
    assert "h2.wrong { color: #FF8A80; }" in dark_css
    assert "h2.wrong { color: #B00020; }" in light_css


@pytest.mark.parametrize(
    ("markup", "shown"),
    [
        ("h<sub>t−1</sub> and W<sub>hh</sub>", "hₜ₋₁ and Wₕₕ"),
        ("W<sup>T</sup> x", "Wᵀ x"),
        ("x<sub>bad</sub>", "x_(bad)"),
        ("a [[hidden state|state]]", "a state"),
    ],
)
def test_choice_text_keeps_subscripts_readable(markup, shown):
    assert choice_text(markup) == shown


def test_the_area_fits_1280_by_720_at_a_projector_font(qtbot):
    app = QApplication.instance()
    original = QFont(app.font())
    try:
        apply_font_scale(app, 1.6)
        area = LearnArea(StudioSession(), ProgressStore(), speech=NoSpeechEngine(), seed=1)
        qtbot.addWidget(area)
        for page in PAGE_TITLES:
            area.show_page(page)
            hint = area.minimumSizeHint()
            assert hint.width() <= 1280 and hint.height() <= 720, (page, hint)
    finally:
        app.setFont(original)
        app.setProperty("rnn_studio_base_point_size", None)
