"""The Lesson and Glossary pages: sections, depths, term links, and Show-me links into the
studio (clicked with the mouse on the rendered link)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPushButton, QTextBrowser

from rnn_studio.learn import content as content_module
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import STUDIO_PANELS
from rnn_studio.ui.learn import install_learn_area
from rnn_studio.ui.learn.browser import scaled_learn_css
from rnn_studio.ui.learn.learn_area import LearnArea
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine
from rnn_studio.ui.main_window import MainWindow
from tests.ui.conftest import drawn


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(StudioSession(), settings=settings)
    qtbot.addWidget(window)
    area = install_learn_area(window, speech=NoSpeechEngine(), seed=0)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("Learn")
    return window, area


def click_link(qtbot, browser: QTextBrowser, href: str) -> None:
    """Click the rendered link ``href`` in ``browser`` with the mouse."""
    document = browser.document()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()

                def on_the_link(cursor: QTextCursor = cursor) -> QPoint:
                    rect = browser.cursorRect(cursor)
                    return QPoint(rect.left() + 3, rect.center().y())  # inside the first letter

                # Scrolled into view once the link is under the point.
                qtbot.waitUntil(lambda: browser.anchorAt(on_the_link()) == href, timeout=2000)
                qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=on_the_link())
                return
            iterator += 1
        block = block.next()
    raise AssertionError(f"no link {href!r} in {browser.objectName()}")


def test_the_lesson_lists_every_section_and_shows_each(window):
    _, area = window
    lesson = area.lesson
    lesson_data = content_module.load_lesson()
    ids = lesson.section_ids()
    assert ids[:4] == ["overview", "introduction", "mechanism", "limitations"]
    assert [c.id for c in lesson_data.chapters] == ids[4:-4]
    assert ids[-4:] == ["key-concepts", "real-life-examples", "memory-aids", "sources"]
    for row, section in enumerate(ids):
        lesson.sections.setCurrentRow(row)
        assert lesson.current_section() == section
        assert lesson.reader.toPlainText().strip()
    lesson.show_section("limitations")
    assert "Recap" in lesson.reader.toPlainText()
    lesson.show_section("librarian-story")  # an anchor inside a group page
    assert lesson.current_section() == "memory-aids"
    with pytest.raises(KeyError):
        lesson.show_section("no-such-section")


def test_each_chapter_has_its_analogy_and_every_demo_link(window):
    _, area = window
    for chapter in content_module.load_lesson().chapters:
        area.lesson.show_section(chapter.id)
        text = area.lesson.reader.toPlainText()
        assert f"Analogy: {content_module.markup.plain_text(chapter.analogy.title)}" in text
        links = area.lesson.reader.links()
        assert {f"demo:{demo}" for demo in chapter.demos} <= set(links)


def test_the_overview_depth_switch_changes_the_text(window, qtbot):
    _, area = window
    lesson = area.lesson
    lengths = {}
    for depth in ("basic", "standard", "detailed"):
        button = lesson.findChild(QPushButton, f"lesson_depth_{depth}")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert lesson.current_section() == "overview" and lesson.overview_depth() == depth
        assert button.isChecked()
        lengths[depth] = len(lesson.reader.toPlainText())
    assert lengths["basic"] < lengths["standard"] < lengths["detailed"]
    lesson.show_section("mechanism")
    assert not lesson.findChild(QPushButton, "lesson_depth_basic").isEnabled()


def test_clicking_a_term_link_opens_its_definition_and_back_returns(window, qtbot):
    _, area = window
    area.show_page("lesson")
    area.lesson.show_section("introduction")
    click_link(qtbot, area.lesson.reader, "term:hidden-state")
    assert area.current_page() == "glossary"
    entry = area.glossary.current_entry()
    assert entry is not None and entry.id == "hidden-state"
    shown = area.glossary.definition.toPlainText()
    assert re.sub(r"<[^>]+>", "", entry.definition) in shown  # h<sub>t</sub> shows as "ht"
    back = area.glossary.back_button
    assert back.isVisible() and "Lesson" in back.text()
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert area.current_page() == "lesson"
    assert area.lesson.current_section() == "introduction"


def test_clicking_a_show_me_link_sets_up_the_studio_and_shows_it(window, qtbot):
    main, area = window
    demos = content_module.load_demos()
    area.lesson.show_section("vanilla-limits")
    click_link(qtbot, area.lesson.reader, "demo:vanishing-100")
    setup = demos["vanishing-100"].setup
    session = main.session
    assert main.current_area() == "Studio"
    assert session.text == setup.text
    assert session.cell_kind == setup.cell
    assert session.spectral_radius == pytest.approx(setup.spectral_radius)
    assert session.hidden_size == setup.hidden_size
    assert session.backprop_enabled == setup.backprop
    assert session.to_setup().to_dict() | {"cursor": 0} == setup.to_dict() | {"cursor": 0}


def test_a_studio_hint_term_opens_the_learn_glossary(window):
    main, area = window
    assert main.learn is area and main.areas["Learn"] is area
    main.show_area("Studio")
    main.glossary_requested.emit("spectral-radius")
    assert main.current_area() == "Learn"
    assert area.current_page() == "glossary"
    assert area.glossary.current_entry().id == "spectral-radius"


def test_glossary_search_as_you_type_related_links_and_show_me(window, qtbot):
    main, area = window
    area.show_page("glossary")
    glossary = area.glossary
    assert len(glossary.matching_terms()) == len(content_module.load_glossary())
    qtbot.keyClicks(glossary.search, "vanish")
    assert glossary.matching_terms()[0] == "vanishing-gradient-problem"
    assert len(glossary.matching_terms()) < len(content_module.load_glossary())
    assert glossary.current_entry().id == "vanishing-gradient-problem"
    qtbot.keyClick(glossary.search, Qt.Key.Key_Down)
    assert glossary.results.hasFocus()
    glossary.search.clear()
    qtbot.keyClicks(glossary.search, "zzzz-nothing")
    assert glossary.matching_terms() == []
    assert "No term matches" in glossary.definition.toPlainText()
    assert not glossary.show_me.isEnabled()

    glossary.show_entry("hidden state")
    related = glossary.current_entry().related[0]
    click_link(qtbot, glossary.definition, f"term:{related}")
    assert glossary.current_entry().id == related

    entry = next(e for e in content_module.load_glossary() if e.demo is not None)
    glossary.show_entry(entry.id)
    assert glossary.show_me.isEnabled()
    qtbot.mouseClick(glossary.show_me, Qt.MouseButton.LeftButton)
    assert main.current_area() == "Studio"
    assert main.session.text == content_module.load_demos()[entry.demo].setup.text


def test_learn_typography_follows_the_app_font(qtbot, tmp_path):
    area = LearnArea(StudioSession(), ProgressStore(tmp_path / "p.json"), speech=NoSpeechEngine())
    qtbot.addWidget(area)
    area.resize(1280, 720)
    area.show()
    qtbot.waitExposed(area)
    reader = area.lesson.reader
    normal_column = reader.column_width()
    font = reader.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    reader.setFont(font)
    assert reader.document().defaultStyleSheet() == scaled_learn_css(font.pointSizeF())
    assert "17.6pt" in scaled_learn_css(16.0)  # body 11 pt at a 10 pt app font
    assert reader.column_width() > normal_column  # same number of characters per line
    assert reader.column_width() <= reader.viewport().width() + 1


def test_the_sources_page_cites_papers_and_textbooks(window):
    _, area = window
    area.lesson.show_section("sources")
    text = area.lesson.reader.toPlainText()
    for needle in (
        "Hochreiter, S. and Schmidhuber, J. (1997)",
        "Gers, F. A., Schmidhuber, J. and Cummins, F. (2000)",
        "Cho, K.",
        "Pascanu, R., Mikolov, T. and Bengio, Y. (2013)",
        "Goodfellow, I., Bengio, Y. and Courville, A. (2016)",
        "chapter 10",
        "Dive into Deep Learning",
        "chapters 9 and 10",
        "Used for:",
    ):
        assert needle in text, needle
    spoken = area.lesson.read_aloud_text()
    assert spoken.startswith("Sources") and "Hochreiter" in spoken


def test_show_me_says_what_to_look_at_and_back_returns_to_the_place_left(window, qtbot):
    win, area = window
    lesson = area.lesson
    chapter = next(c for c in content_module.load_lesson().chapters if "one-step" in c.demos)
    lesson.show_section(chapter.id)
    scroll = lesson.reader.verticalScrollBar()
    scroll.setValue(scroll.maximum() // 2)
    left_at = scroll.value()
    click_link(qtbot, lesson.reader, "demo:one-step")
    studio = win.studio
    assert win.current_area() == "Studio" and studio.isVisible()
    banner = studio.showme_banner
    demo = content_module.load_demos()["one-step"]
    assert banner.isVisible()
    assert content_module.markup.plain_text(demo.title) in banner.title.text()
    # The description, then the model the demo uses (issue 10: every demo names its model).
    from rnn_studio.state.zoo_studio import describe_model

    model = describe_model(win.session)
    assert model.startswith("Model: untrained RNN")
    assert banner.description.text() == (
        content_module.markup.plain_text(demo.description) + " " + model
    )
    # The claim is about the equations, so the equations panel is highlighted, not memory.
    assert demo.panel == "equations" and studio.highlighted_panel == "equations"
    assert "Equations" in banner.look_at.text()
    assert "look here" in studio.docks["equations"].windowTitle()
    assert "border" in studio.panels["equations"].styleSheet()
    assert studio.panels["memory"].styleSheet() == ""
    assert banner.back_button.text() == "← Back to the lesson"
    # Meanwhile the learner wanders: another Learn page.
    area.show_page("quiz")
    qtbot.mouseClick(banner.back_button, Qt.MouseButton.LeftButton)
    assert win.tabs.currentWidget() is area
    assert area.current_page() == "lesson" and lesson.current_section() == chapter.id
    assert scroll.value() == left_at


@pytest.mark.parametrize(
    ("demo_id", "panel"),
    [
        ("not-bad", "memory"),
        ("lstm-gates", "gates"),
        ("vanishing-100", "gradients"),
        ("weight-sharing", "unrolled"),
        ("next-char", "outputs"),
    ],
)
def test_each_demo_highlights_the_panel_its_claim_is_about(window, demo_id, panel):
    win, area = window
    area.show_demo(demo_id)
    assert win.studio.highlighted_panel == panel
    assert win.studio.showme_banner.isVisible()


def test_another_setup_ends_the_show_me_note(window):
    win, area = window
    area.show_demo("lstm-gates")
    assert win.studio.highlighted_panel == "gates"
    win.session.apply_demo(content_module.load_demos()["not-bad"].setup)  # e.g. a preset
    assert not win.studio.showme_banner.isVisible()
    assert win.studio.highlighted_panel is None
    assert "look here" not in win.studio.docks["gates"].windowTitle()


def test_demo_panels_are_the_studios_panels(window):
    win, _ = window
    # One tuple names the panels, for demos, scenes and session files: every studio panel.
    assert tuple(win.studio.panels) == STUDIO_PANELS


def test_the_show_me_note_fits_1280_by_720_at_a_projector_font(window, qtbot):
    from PySide6.QtWidgets import QApplication

    from rnn_studio.ui.theme import apply_font_scale, apply_theme, set_app_font

    win, area = window
    app = QApplication.instance()
    font = app.font()
    try:
        apply_theme("light", app)
        win.show_area("Studio")
        area.show_demo("one-step")
        apply_font_scale(app, 1.5)
        set_app_font(app.font(), app)
        win.resize(1280, 720)
        qtbot.waitUntil(lambda: drawn(win), timeout=8000)
        banner = win.studio.showme_banner
        assert banner.isVisible()
        assert win.minimumSizeHint().height() <= 720, win.minimumSizeHint()
        # the description is all there, scrolling inside the note if the column is short
        assert banner.description.text().startswith("A tiny RNN")
        area_height = banner.description_area.height()
        needed = banner.description.heightForWidth(banner.description_area.viewport().width())
        assert area_height >= banner.description.fontMetrics().lineSpacing()
        assert (
            needed <= area_height + 2 or banner.description_area.verticalScrollBar().maximum() > 0
        )
    finally:
        apply_font_scale(app, 1.0)
        set_app_font(font, app)
