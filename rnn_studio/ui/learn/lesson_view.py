"""The Lesson page: a list of sections on the left, the chosen section in a reader on the right.

Sections follow the course page: the overview (basic, standard or detailed, the learner
switches), the three dialogues with their recaps, the chapters with explanation and analogy
(plus every "Show me" demo of the chapter), key concepts, real-life examples and memory aids.
Preview on its own: ``python -m rnn_studio.ui.learn.lesson_view``.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn import lesson_html
from rnn_studio.learn.content import (
    OVERVIEW_DEPTHS,
    Content,
    KeyConcept,
    Lesson,
    LessonExample,
    MemoryAid,
)
from rnn_studio.learn.markup import plain_text
from rnn_studio.ui.learn.browser import LearnBrowser
from rnn_studio.ui.learn.lesson_diagram import LessonDiagram
from rnn_studio.ui.learn.lesson_nav import nav_html, position_text
from rnn_studio.ui.learn.read_aloud import ReadAloudButton, SpeechEngine
from rnn_studio.ui.learn.task_shape_view import TaskShapeView
from rnn_studio.ui.learn.typography import scaled_font

#: Pages that gather several lesson anchors.
GROUP_PAGES = {
    "key-concepts": "Key concepts",
    "real-life-examples": "Real-life examples",
    "memory-aids": "Memory aids",
    "sources": "Sources",
}


class LessonView(QWidget):
    """Read one lesson section at a time.

    Parameters
    ----------
    content : Content
        The loaded teaching content: every lesson, in course order, in the lesson chooser
        above the section list (the first one is shown).
    speech : SpeechEngine
        The engine behind the Read aloud button.
    parent : QWidget, optional
    """

    term_clicked = Signal(str)
    demo_clicked = Signal(str)
    train_clicked = Signal(str)
    #: A "Try it" link: open the Practice page on this exercise kind.
    practice_clicked = Signal(str)

    def __init__(self, content: Content, speech: SpeechEngine, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lesson_view")
        self.setAccessibleName("Lesson")
        self.content = content
        self.lesson: Lesson = content.lessons[0]
        self._depth = "standard"
        self._section = ""

        self.lesson_choice = QComboBox(self)
        self.lesson_choice.setObjectName("lesson_choice")
        self.lesson_choice.setAccessibleName("Lesson")
        self.lesson_choice.setToolTip("Choose a lesson of the course")
        for number, lesson in enumerate(content.lessons, start=1):
            self.lesson_choice.addItem(f"{number}. {plain_text(lesson.title)}", lesson.id)
        # Long titles must not widen the page at a projector font: the list shows them whole.
        self.lesson_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.lesson_choice.setMinimumContentsLength(10)
        self.lesson_choice.currentIndexChanged.connect(self._lesson_chosen)
        self.sections = QListWidget(self)
        self.sections.setObjectName("lesson_sections")
        self.sections.setAccessibleName("Lesson sections")
        self.sections.setToolTip("Choose a part of the lesson (↑/↓ to move)")
        self.sections.setWordWrap(True)
        self.sections.setSpacing(2)
        self._fill_sections()
        self.sections.currentItemChanged.connect(self._section_chosen)

        self.title_label = QLabel(self.lesson.title, self)
        self.title_label.setObjectName("lesson_title")
        self.title_label.setAccessibleName("Lesson title")
        scaled_font(self.title_label, bold=True)

        self.depth_buttons = QButtonGroup(self)
        self.depth_buttons.setExclusive(True)
        depth_row = QHBoxLayout()
        depth_row.setSpacing(2)
        self.depth_label = QLabel("Overview depth:", self)
        self.depth_label.setObjectName("lesson_depth_label")
        depth_row.addWidget(self.depth_label)
        for depth in OVERVIEW_DEPTHS:
            button = QPushButton(lesson_html.DEPTH_LABELS[depth], self)
            button.setObjectName(f"lesson_depth_{depth}")
            button.setCheckable(True)
            button.setAccessibleName(f"{lesson_html.DEPTH_LABELS[depth]} overview")
            button.setToolTip(
                {
                    "basic": "The overview in two sentences",
                    "standard": "The overview in a paragraph",
                    "detailed": "The overview in a page",
                }[depth]
            )
            button.setChecked(depth == self._depth)
            button.clicked.connect(lambda _=False, d=depth: self.set_depth(d))
            self.depth_buttons.addButton(button)
            depth_row.addWidget(button)

        self.reader = LearnBrowser("lesson_text", "Lesson text", self)
        self.reader.term_clicked.connect(self.term_clicked)
        self.reader.demo_clicked.connect(self.demo_clicked)
        self.reader.lesson_clicked.connect(self.show_section)  # Previous / Next
        # Where the learner is ("Part 4 of 11 · …") and the chapter's live diagram, if any.
        self.position_label = QLabel(self)
        self.position_label.setObjectName("lesson_position")
        self.position_label.setAccessibleName("Where you are in the lesson")
        self.diagram = LessonDiagram(self)
        self.shape_diagram = TaskShapeView(self)  # the unrolled task shapes (lesson 4)
        self.reader.train_clicked.connect(self.train_clicked)
        self.reader.practice_clicked.connect(self.practice_clicked)
        self.read_aloud = ReadAloudButton(speech, self.read_aloud_text, "lesson_read_aloud", self)

        # The title may be cut short rather than squeeze the section list at large fonts.
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.title_label.setToolTip(self.lesson.title)
        toolbar = QHBoxLayout()
        toolbar.addWidget(self.title_label, 1)
        toolbar.addLayout(depth_row)
        toolbar.addSpacing(12)
        toolbar.addWidget(self.read_aloud)
        right = QWidget(self)
        right.setObjectName("lesson_reader_pane")
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(toolbar)
        column.addWidget(self.position_label)
        reading = QSplitter(Qt.Orientation.Vertical, right)
        reading.setObjectName("lesson_reading_splitter")
        reading.setChildrenCollapsible(False)
        reading.addWidget(self.diagram)
        reading.addWidget(self.shape_diagram)
        reading.addWidget(self.reader)
        reading.setStretchFactor(2, 1)
        reading.setSizes([260, 380, 380])
        column.addWidget(reading, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("lesson_splitter")
        splitter.setChildrenCollapsible(False)
        left = QWidget(self)
        left.setObjectName("lesson_list_pane")
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.lesson_choice)
        left_column.addWidget(self.sections, 1)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 870])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setFocusProxy(self.sections)
        self.sections.setCurrentRow(0)

    # --- public -------------------------------------------------------------------------
    def lesson_ids(self) -> list[str]:
        """The lessons of the course, in the chooser's order."""
        return [lesson.id for lesson in self.content.lessons]

    def set_lesson(self, lesson_id: str) -> None:
        """Show the lesson ``lesson_id`` from its first section (nothing if it is on show).

        Raises
        ------
        KeyError
            If there is no such lesson.
        """
        if lesson_id not in self.lesson_ids():
            raise KeyError(f"no lesson {lesson_id!r}")
        index = self.lesson_ids().index(lesson_id)
        if self.lesson_choice.currentIndex() != index:
            self.lesson_choice.setCurrentIndex(index)  # switches through _lesson_chosen

    def section_ids(self) -> list[str]:
        """The ids of the entries in the section list, in order."""
        return [section_id for section_id, _ in self._section_titles()]

    def current_section(self) -> str:
        """The section on show (an entry of :meth:`section_ids`)."""
        return self._section

    def overview_depth(self) -> str:
        """The overview depth: "basic", "standard" or "detailed"."""
        return self._depth

    def set_depth(self, depth: str) -> None:
        """Show the overview at ``depth`` (and switch to the overview)."""
        if depth not in OVERVIEW_DEPTHS:
            raise ValueError(f"depth {depth!r} is not one of {', '.join(OVERVIEW_DEPTHS)}")
        self._depth = depth
        for button in self.depth_buttons.buttons():
            button.setChecked(button.objectName() == f"lesson_depth_{depth}")
        if self._section == "overview":
            self._render()
        else:
            self.show_section("overview")

    def show_section(self, anchor: str) -> None:
        """Show the section holding ``anchor`` (any lesson anchor, or a group page id).

        Raises
        ------
        KeyError
            If no lesson has such a section.

        Notes
        -----
        The lesson on show is searched first (every lesson has an ``introduction``); an
        anchor only another lesson has switches to that lesson.
        """
        if anchor not in self.section_ids() and anchor not in self.lesson.anchors:
            owner = next((x for x in self.content.lessons if anchor in x.anchors), None)
            if owner is None:
                raise KeyError(f"no section {anchor!r} in any lesson")
            self.set_lesson(owner.id)
        page = self._page_of(anchor)
        row = self.section_ids().index(page)
        if self.sections.currentRow() != row:
            self.sections.setCurrentRow(row)  # renders through _section_chosen
        elif self._section != page:
            self._section = page
            self._render()
        if anchor != page:
            self.reader.scrollToAnchor(anchor)

    def read_aloud_text(self) -> str:
        """The words of the section on show, as the speech engine should say them."""
        lesson, section = self.lesson, self._section
        if section == "key-concepts":
            ids = [item.id for item in lesson.key_concepts]
        elif section == "real-life-examples":
            ids = [item.id for item in lesson.examples]
        elif section == "memory-aids":
            ids = [item.id for item in lesson.memory_aids]
        elif section == "sources":
            return lesson_html.section_speech_text(lesson, "sources")
        else:
            return lesson_html.section_speech_text(lesson, section, self._depth)
        texts = [GROUP_PAGES[section]]
        texts += [lesson_html.section_speech_text(lesson, item_id) for item_id in ids]
        return "\n\n".join(texts)

    # --- internals ----------------------------------------------------------------------
    def _fill_sections(self) -> None:
        self.sections.clear()
        for section_id, title in self._section_titles():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, section_id)
            item.setToolTip(title)
            self.sections.addItem(item)

    def _lesson_chosen(self, index: int) -> None:
        if index < 0:
            return
        self.lesson = self.content.lessons[index]
        self.title_label.setText(self.lesson.title)
        self.title_label.setToolTip(self.lesson.title)
        self._section = ""
        self.sections.blockSignals(True)
        self._fill_sections()
        self.sections.blockSignals(False)
        self.sections.setCurrentRow(0)
        self._section_chosen(self.sections.currentItem())

    def _section_titles(self) -> list[tuple[str, str]]:
        lesson = self.lesson
        titles = [("overview", "Overview")]
        titles += [(d.id, f"Dialogue · {plain_text(d.title)}") for d in lesson.dialogues]
        titles += [
            (c.id, f"Chapter {n}: {plain_text(c.title)}")
            for n, c in enumerate(lesson.chapters, start=1)
        ]
        titles += [(k, v) for k, v in GROUP_PAGES.items() if k != "sources" or lesson.sources]
        return titles

    def _page_of(self, anchor: str) -> str:
        lesson = self.lesson
        if anchor in self.section_ids():
            return anchor
        groups: dict[str, tuple[KeyConcept | LessonExample | MemoryAid, ...]] = {
            "key-concepts": lesson.key_concepts,
            "real-life-examples": lesson.examples,
            "memory-aids": lesson.memory_aids,
        }
        for page, items in groups.items():
            if any(item.id == anchor for item in items):
                return page
        raise KeyError(f"no section {anchor!r} in lesson {lesson.id!r}")

    def _section_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is None:
            return
        self._section = str(item.data(Qt.ItemDataRole.UserRole))
        self._render()

    def _render(self) -> None:
        lesson, glossary, section = self.lesson, self.content.glossary, self._section
        is_overview = section == "overview"
        for button in self.depth_buttons.buttons():
            button.setEnabled(is_overview)
        self.depth_label.setEnabled(is_overview)
        if is_overview:
            body = lesson_html.overview_html(lesson, self._depth, glossary)
        elif section == "key-concepts":
            body = lesson_html.key_concepts_html(lesson, glossary)
        elif section == "real-life-examples":
            body = lesson_html.real_life_examples_html(lesson, glossary)
        elif section == "memory-aids":
            body = lesson_html.memory_aids_html(lesson, glossary)
        elif section == "sources":
            body = lesson_html.sources_html(lesson)
        else:
            dialogue = next((d for d in lesson.dialogues if d.id == section), None)
            if dialogue is not None:
                body = lesson_html.dialogue_html(lesson, dialogue, glossary)
            else:
                chapter = next(c for c in lesson.chapters if c.id == section)
                body = lesson_html.chapter_html(chapter, glossary) + self._demo_list(chapter.demos)
        sections = self._section_titles()
        self.reader.set_body(body + nav_html(sections, section))
        self.reader.verticalScrollBar().setValue(0)
        self.position_label.setText(position_text(sections, section))
        self.diagram.set_chapter(section)
        self.shape_diagram.set_chapter(section)

    def _demo_list(self, demo_ids: tuple[str, ...]) -> str:
        if not demo_ids:
            return ""
        items = "".join(
            f'<li><a class="showme" href="demo:{demo_id}">Show me: '
            f"{html.escape(plain_text(self.content.demos[demo_id].title))}</a></li>"
            for demo_id in demo_ids
        )
        return f"<h3>See it in the studio</h3><ul>{items}</ul>"


if __name__ == "__main__":
    from rnn_studio.ui.learn.preview import preview_page

    raise SystemExit(preview_page("lesson"))
