"""The Learn area: a page list on the left (Lesson, Glossary, Flashcards, Quiz, Predict,
Practice, Progress) and the chosen page on the right, all sharing one progress store and one
speech engine, all wired to the studio session.

Links are routed here: a glossary term opens its entry on the Glossary page (with a Back
button to where the learner was reading); a "Show me" demo or a predict reveal is applied to
the studio session with ``session.apply_demo(setup)`` and :attr:`LearnArea.studio_requested`
asks the main window to bring the Studio forward.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn.content import Content, load_all
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.learn.review import local_now
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.learn.browser import LearnBrowser, describe_glossary_term
from rnn_studio.ui.learn.flashcards_view import FlashcardsView
from rnn_studio.ui.learn.glossary_view import GlossaryView
from rnn_studio.ui.learn.lesson_view import LessonView
from rnn_studio.ui.learn.practice_view import PRACTICE_TITLES, PracticeView
from rnn_studio.ui.learn.predict_view import PredictView
from rnn_studio.ui.learn.progress_view import ProgressView
from rnn_studio.ui.learn.quiz_view import QuizView
from rnn_studio.ui.learn.read_aloud import SpeechEngine, detect_speech_engine
from rnn_studio.ui.theme import set_role_style
from rnn_studio.ui.widgets.showme_banner import ShowMe

#: Page id → what the page list shows.
PAGE_TITLES = {
    "lesson": "Lesson",
    "glossary": "Glossary",
    "flashcards": "Flashcards",
    "quiz": "Quiz",
    "predict": "Predict, then reveal",
    "practice": "Practice",
    "progress": "Progress",
}
#: What "Back to …" says after a "Show me", by the Learn page it was followed from.
BACK_LABELS = {
    "lesson": "the lesson",
    "glossary": "the glossary",
    "flashcards": "the flashcards",
    "quiz": "the quiz",
    "predict": "Predict",
    "practice": "Practice",
    "progress": "Progress",
}
PAGE_TOOLTIPS = {
    "lesson": "The lesson: dialogues, overview, chapters, key concepts, examples, memory aids",
    "glossary": "Every term, searchable as you type",
    "flashcards": "Spaced-repetition review: Space reveals, 1–4 grade",
    "quiz": "Multiple choice, typed answers, matching pairs and conceptual questions",
    "predict": "Questions computed by the live engine: predict first, then see the numbers",
    "practice": "Compute it yourself: BPTT by hand, h₁, gradient signs, gates, truncation",
    "progress": "Due cards, streak, accuracy, review log; reset",
}


class LearnArea(QWidget):
    """Everything the Learn tab of the main window holds.

    Parameters
    ----------
    session : StudioSession
        The studio's session; "Show me" links set it up.
    store : ProgressStore, optional
        The learner's progress (the one in the user data folder if omitted).
    content : Content, optional
        The teaching content (the packaged files if omitted).
    speech : SpeechEngine, optional
        The read-aloud engine (detected if omitted).
    clock : callable returning an aware datetime, optional
        "Now" for reviews and statistics (tests pass a fake clock).
    seed : int or numpy Generator, optional
        Where quizzes and predict questions draw from (fresh entropy if omitted).
    parent : QWidget, optional

    Attributes
    ----------
    lesson, glossary, flashcards, quiz, predict, practice, progress : QWidget
        The pages.
    """

    #: A demo was applied to the session: the window should show the Studio.
    studio_requested = Signal()
    #: A "Watch it learn" link: open Train on this preset id and start it.
    train_requested = Signal(str)
    #: A "Show me" was followed: a :class:`ShowMe` for the studio's banner.
    showme_requested = Signal(object)

    def __init__(
        self,
        session: StudioSession,
        store: ProgressStore | None = None,
        content: Content | None = None,
        speech: SpeechEngine | None = None,
        clock: Callable[[], datetime] = local_now,
        seed: int | np.random.Generator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("learn_area")
        self.setAccessibleName("Learn")
        self.session = session
        self.store = store if store is not None else ProgressStore()
        self.content = content if content is not None else load_all()
        self.speech = speech if speech is not None else detect_speech_engine(self)
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

        self.lesson = LessonView(self.content, self.speech, self)
        self.glossary = GlossaryView(self.content, self.speech, self)
        self.flashcards = FlashcardsView(self.content, self.store, self.speech, clock, self)
        self.quiz = QuizView(self.content, self.store, rng, clock, self)
        self.predict = PredictView(self.store, rng, clock, self)
        self.practice = PracticeView(rng, self.store, clock, self)
        card_ids = [card.id for card in self.content.cards]
        self.progress = ProgressView(self.store, card_ids, clock, self)
        self.pages: dict[str, QWidget] = {
            "lesson": self.lesson,
            "glossary": self.glossary,
            "flashcards": self.flashcards,
            "quiz": self.quiz,
            "predict": self.predict,
            "practice": self.practice,
            "progress": self.progress,
        }

        self.nav = QListWidget(self)
        self.nav.setObjectName("learn_nav")
        self.nav.setAccessibleName("Learn pages")
        self.nav.setToolTip("Choose a page (↑/↓, or Alt+1 to Alt+7 from anywhere in Learn)")
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("learn_pages")
        for page_id, page in self.pages.items():
            item = QListWidgetItem(PAGE_TITLES[page_id])
            item.setData(Qt.ItemDataRole.UserRole, page_id)
            item.setToolTip(PAGE_TOOLTIPS[page_id])
            self.nav.addItem(item)
            self.stack.addWidget(page)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 28)
        self.page_shortcuts = []
        for number, page_id in enumerate(self.pages, start=1):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setObjectName(f"learn_shortcut_{page_id}")
            shortcut.setWhatsThis("Learn: go to page 1, 2, … (in the order of the list)")
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda page=page_id: self.show_page(page))
            self.page_shortcuts.append(shortcut)
            item = self.nav.item(number - 1)
            item.setToolTip(f"{item.toolTip()} (Alt+{number})")
        self.nav.currentRowChanged.connect(self._page_chosen)

        self.warning = QLabel(self)
        self.warning.setObjectName("learn_warning")
        self.warning.setTextFormat(Qt.TextFormat.PlainText)  # text from data
        self.warning.setAccessibleName("Progress file warning")
        self.warning.setWordWrap(True)
        set_role_style(
            self.warning, "background: $warning_background; color: $warning_text; padding: 6px;"
        )
        self.warning.setText(f"⚠ {self.store.warning}" if self.store.warning else "")
        self.warning.setVisible(bool(self.store.warning))

        right = QVBoxLayout()
        right.addWidget(self.warning)
        right.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.nav)
        layout.addLayout(right, 1)

        for browser in self.findChildren(LearnBrowser):
            browser.describe_term = self.describe_term
        self._came_from: str | None = None
        #: Where the learner was when they followed a "Show me" link (see return_to_place).
        self.left_at: dict[str, object] | None = None
        for page in (self.lesson, self.flashcards, self.quiz):
            page.term_clicked.connect(self.open_term)
            page.demo_clicked.connect(self.show_demo)
        self.glossary.demo_clicked.connect(self.show_demo)
        self.lesson.train_clicked.connect(self.train_requested)
        self.lesson.practice_clicked.connect(self.open_practice)
        self.flashcards.lesson_clicked.connect(self.open_lesson)
        self.quiz.lesson_clicked.connect(self.open_lesson)
        self.glossary.back_button.clicked.connect(self._go_back)
        self.predict.studio_setup_requested.connect(self.apply_setup)
        for page in (self.flashcards, self.quiz, self.predict, self.practice):
            page.progress_changed.connect(self.progress.refresh)
            page.save_failed.connect(self.show_warning)
        self.progress.progress_reset.connect(self._after_reset)
        self.nav.setCurrentRow(0)

    # --- navigation ---------------------------------------------------------------------
    def show_page(self, page_id: str) -> None:
        """Bring the page ``page_id`` forward (a key of :data:`PAGE_TITLES`)."""
        if page_id not in self.pages:
            raise KeyError(f"no Learn page {page_id!r} (known: {', '.join(self.pages)})")
        self.nav.setCurrentRow(list(self.pages).index(page_id))

    def current_page(self) -> str:
        """The id of the page on show."""
        return list(self.pages)[self.stack.currentIndex()]

    def open_term(self, term: str) -> None:
        """Open a glossary entry (id, term or alias) on the Glossary page, with a Back button."""
        here = self.current_page()
        self._came_from = here if here != "glossary" else self._came_from
        self.glossary.show_entry(term)
        self.show_page("glossary")
        if self._came_from is not None:
            self.glossary.back_button.setText(f"← Back to {self._came_from.capitalize()}")
        self.glossary.back_button.setVisible(self._came_from is not None)

    def show_warning(self, message: str) -> None:
        """Show ``message`` in the banner above the pages (e.g. progress that was not saved)."""
        self.warning.setText(f"⚠ {message}")
        self.warning.setVisible(True)

    def open_lesson(self, anchor: str) -> None:
        """Open the lesson at the section holding ``anchor``."""
        self.lesson.show_section(anchor)
        self.show_page("lesson")

    def open_practice(self, kind: str) -> None:
        """Open the Practice page on a new exercise of ``kind`` (a "Try it" link)."""
        self.show_page("practice")
        if kind in PRACTICE_TITLES:
            self.practice.set_kind(kind)

    def describe_term(self, term: str) -> str:
        """The tooltip of a term link: the term and its one-sentence definition."""
        return describe_glossary_term(self.content.glossary, term)

    # --- the studio ---------------------------------------------------------------------
    def show_demo(self, demo_id: str) -> None:
        """Set the studio up for the demo ``demo_id``, ask for the Studio to be shown, and
        send :attr:`showme_requested` (title, description, panel to look at, way back)."""
        demo = self.content.demos.get(demo_id)
        if demo is None:
            return
        self.left_at = self._place()
        self.apply_setup(demo.setup)
        page = str(self.left_at["page"])
        self.showme_requested.emit(
            ShowMe(demo.title, demo.description, demo.panel, BACK_LABELS.get(page, "Learn"))
        )

    def return_to_place(self) -> None:
        """Show the page, lesson section and scroll position left for the last "Show me"."""
        place = self.left_at
        if place is None:
            return
        self.show_page(str(place["page"]))
        if place["page"] == "lesson":
            self.lesson.set_lesson(str(place["lesson"]))
            self.lesson.show_section(str(place["section"]))
            scroll = self.lesson.reader.verticalScrollBar()
            scroll.setValue(int(place["scroll"]))  # type: ignore[call-overload]

    def _place(self) -> dict[str, object]:
        return {
            "page": self.current_page(),
            "lesson": self.lesson.lesson.id,
            "section": self.lesson.current_section(),
            "scroll": self.lesson.reader.verticalScrollBar().value(),
        }

    def apply_setup(self, setup: DemoSetup) -> None:
        """Apply ``setup`` to the studio session and emit :attr:`studio_requested`."""
        self.session.apply_demo(setup)
        self.studio_requested.emit()

    # --- internals ----------------------------------------------------------------------
    def _page_chosen(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if page is self.flashcards:
            self.flashcards.refresh()
        if page is not self.glossary:
            self._came_from = None
            self.glossary.back_button.setVisible(False)
        if page is not None:
            page.setFocus()

    def _go_back(self) -> None:
        target = self._came_from
        self._came_from = None
        self.glossary.back_button.setVisible(False)
        if target is not None:
            self.show_page(target)

    def _after_reset(self) -> None:
        self.flashcards.refresh()
        self.warning.setVisible(False)
