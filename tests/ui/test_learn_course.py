"""The Lesson page holds the whole course: a lesson chooser, and links that find their lesson."""

from __future__ import annotations

from rnn_studio.learn.content import load_all
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn.learn_area import LearnArea
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine


def make_area(qtbot, tmp_path) -> LearnArea:
    area = LearnArea(
        StudioSession(), ProgressStore(tmp_path / "p.json"), speech=NoSpeechEngine(), seed=0
    )
    qtbot.addWidget(area)
    area.resize(1280, 720)
    area.show()
    return area


def test_the_chooser_lists_every_lesson_in_course_order(qtbot, tmp_path) -> None:
    area = make_area(qtbot, tmp_path)
    lessons = load_all().lessons
    view = area.lesson
    assert view.lesson_choice.count() == len(lessons) >= 2
    assert view.lesson_ids()[0] == "core-idea"
    assert [lesson.order for lesson in lessons] == sorted(lesson.order for lesson in lessons)
    view.lesson_choice.setCurrentIndex(1)
    assert view.lesson.id == lessons[1].id
    assert view.title_label.text() == lessons[1].title
    assert view.current_section() == "overview"
    chapter = lessons[1].chapters[0]
    assert "Chapter 1: " in view.sections.item(view.section_ids().index(chapter.id)).text()


def test_a_card_citing_a_later_lesson_opens_that_lesson(qtbot, tmp_path) -> None:
    area = make_area(qtbot, tmp_path)
    area.open_lesson("bptt-two-parts")
    assert area.lesson.lesson.id == "bptt-by-hand"
    assert area.lesson.current_section() == "bptt-two-parts"
    # "introduction" exists in every lesson: the lesson on show keeps it.
    area.open_lesson("introduction")
    assert area.lesson.lesson.id == "bptt-by-hand"
    area.lesson.set_lesson("core-idea")
    area.open_lesson("librarian-story")
    assert area.lesson.lesson.id == "core-idea" and area.lesson.current_section() == "memory-aids"


def test_back_from_show_me_returns_to_the_same_lesson(qtbot, tmp_path) -> None:
    area = make_area(qtbot, tmp_path)
    area.open_lesson("bptt-products")
    area.show_demo("bptt-chain")
    area.lesson.set_lesson("core-idea")  # wander off
    area.return_to_place()
    assert area.lesson.lesson.id == "bptt-by-hand"
    assert area.lesson.current_section() == "bptt-products"


def test_the_shapes_lesson_draws_its_unrolled_diagrams(qtbot, tmp_path) -> None:
    from rnn_studio.learn.task_shapes import CHAPTER_SHAPES

    area = make_area(qtbot, tmp_path)
    view = area.lesson
    view.set_lesson("task-shapes")
    assert not view.shape_diagram.isVisible()  # the overview has no diagram
    for chapter, shapes in CHAPTER_SHAPES.items():
        view.show_section(chapter)
        assert view.shape_diagram.isVisible()
        assert [shape.id for shape in view.shape_diagram.shapes] == list(shapes)
        image = view.shape_diagram.grab().toImage()
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 7)
            for y in range(0, image.height(), 7)
        }
        assert len(colours) > 3  # something is drawn
    view.set_lesson("core-idea")
    view.show_section("what-is-an-rnn")
    assert not view.shape_diagram.isVisible()


def test_a_try_it_link_opens_that_exercise(qtbot, tmp_path) -> None:
    area = make_area(qtbot, tmp_path)
    area.open_lesson("tbptt-rule")
    assert 'href="practice:truncation"' in area.lesson.reader.body_html()
    area.lesson.reader.follow_link("practice:truncation")
    assert area.current_page() == "practice"
    assert area.practice.kind() == "truncation" and area.practice.exercise is not None
    assert area.practice.exercise.kind == "truncation"
