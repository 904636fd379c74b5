"""Reading comfort in the lesson (line height, measure, Previous/Next, where you are) and the
live cell diagrams embedded in the chapters on the RNN, unrolling and gated cells."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn import install_learn_area
from rnn_studio.ui.learn.lesson_diagram import CHAPTER_DIAGRAMS, DEMO_TEXT
from rnn_studio.ui.learn.lesson_nav import nav_html, position_text
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine
from rnn_studio.ui.main_window import MainWindow


@pytest.fixture
def lesson(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(StudioSession(), settings=settings)
    qtbot.addWidget(window)
    area = install_learn_area(window, speech=NoSpeechEngine(), seed=0)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("Learn")
    return area.lesson


def laid_out(reader) -> bool:
    """Every paragraph of the reader's text has its lines (Qt lays a document out lazily)."""
    block = reader.document().begin()
    while block.isValid():
        if block.text() and block.layout().lineCount() == 0:
            return False
        block = block.next()
    return True


def wrapped_lines(reader) -> tuple[list[float], list[int]]:
    """Baseline distances (in ems of body text) and characters of every full line."""
    em = reader.text_font().pointSizeF() * reader.logicalDpiY() / 72.0
    spacings, lengths = [], []
    block = reader.document().begin()
    while block.isValid():
        layout = block.layout()
        if layout.lineCount() >= 2 and not block.blockFormat().headingLevel():
            for i in range(layout.lineCount() - 1):  # the last line of a paragraph is short
                spacings.append((layout.lineAt(i + 1).y() - layout.lineAt(i).y()) / em)
                lengths.append(layout.lineAt(i).textLength())
        block = block.next()
    return spacings, lengths


@pytest.mark.parametrize("section", ["overview", "unrolling", "gated-cells", "mechanism"])
def test_line_height_and_measure_are_comfortable(lesson, qtbot, section) -> None:
    lesson.show_section(section)
    qtbot.waitUntil(lambda: laid_out(lesson.reader), timeout=5000)
    spacings, lengths = wrapped_lines(lesson.reader)
    assert len(lengths) >= 3, section
    assert min(spacings) >= 1.4, (section, min(spacings))
    assert max(lengths) <= 80, (section, max(lengths))
    assert 60 <= float(np.mean(lengths)) <= 80, (section, np.mean(lengths))


def test_every_section_ends_with_previous_and_next(lesson, qtbot) -> None:
    ids = lesson.section_ids()
    for index, section in enumerate(ids):
        lesson.show_section(section)
        links = lesson.reader.links()
        body = lesson.reader.body_html()
        tail = body[body.rindex("<hr/>") :]
        if index > 0:
            assert f"lesson:{ids[index - 1]}" in links and "Previous" in tail
        if index + 1 < len(ids):
            assert f"lesson:{ids[index + 1]}" in links and "Next" in tail
        assert lesson.position_label.text().startswith(f"Part {index + 1} of {len(ids)}")
    # Following "Next" from the first section opens the second.
    lesson.show_section(ids[0])
    lesson.reader.follow_link(f"lesson:{ids[1]}")
    assert lesson.current_section() == ids[1]
    assert lesson.sections.currentRow() == 1


def test_nav_html_names_the_neighbours() -> None:
    sections = [("a", "Alpha"), ("b", "Beta <b>"), ("c", "Gamma")]
    middle = nav_html(sections, "b")
    assert 'href="lesson:a"' in middle and 'href="lesson:c"' in middle
    assert "Previous: Alpha" in middle and "Next: Gamma" in middle
    assert "Previous" not in nav_html(sections, "a") and "Next" not in nav_html(sections, "c")
    assert position_text(sections, "b") == "Part 2 of 3 · Beta <b>"
    assert "Beta &lt;b&gt;" in middle
    assert nav_html(sections, "zzz") == "" and position_text(sections, "zzz") == ""


def test_chapters_embed_the_live_cell_diagram(lesson, qtbot) -> None:
    diagram = lesson.diagram
    for chapter in lesson.lesson.chapters:
        lesson.show_section(chapter.id)
        spec = CHAPTER_DIAGRAMS.get(chapter.id)
        if spec is None:
            assert not diagram.isVisible() and not diagram.timer.isActive()
            continue
        kinds, with_chain = spec
        assert diagram.isVisible() and diagram.chain.isVisible() == with_chain
        shown = diagram.cell.diagram
        assert shown is not None and shown.kind == kinds[0]
        # The same view-model as the studio's, on the fixed demo input.
        session = diagram.session
        assert session.run.sequence.tokens == tuple(DEMO_TEXT.split())
        np.testing.assert_array_equal(shown.values("h"), session.shown.trace.hidden[shown.t])
        assert diagram.timer.isActive()  # running by itself
    assert set(CHAPTER_DIAGRAMS) <= {c.id for c in lesson.lesson.chapters}
    lesson.show_section("gated-cells")
    diagram.show_cell("gru")
    assert diagram.cell.diagram.kind == "gru"
    lesson.show_section("overview")
    assert not diagram.isVisible() and not diagram.timer.isActive()


def test_the_embedded_diagram_steps_by_itself_and_pauses(lesson, qtbot) -> None:
    lesson.show_section("what-is-an-rnn")
    diagram = lesson.diagram
    diagram.timer.setInterval(1)
    start = diagram.session.cursor
    diagram._advance()
    assert diagram.session.cursor == start + 1
    assert diagram.cell.diagram.t == start + 1
    assert diagram.chain.current_step == start + 1
    diagram.play_button.setChecked(False)
    assert not diagram.timer.isActive() and diagram.play_button.text() == "Play"
    diagram.session.go_to_end()
    diagram._advance()  # from the end it starts again
    assert diagram.session.cursor == 0
