"""Every control of the Learn area has an object name, an accessible name and a tooltip, and
the pages are reachable and usable from the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QTableWidget,
    QTextBrowser,
    QWidget,
)

from rnn_studio.learn import quiz
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn.learn_area import PAGE_TITLES, LearnArea
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine

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
