"""The Flashcards page: one card at a time, Space to reveal, keys 1–4 to grade.

Each grade button shows the wait it would schedule (as Anki does); the counts of new,
learning and review cards sit above the card, with the scheduler (FSRS, SM-2, Leitner) and
the daily new-card limit. Every grade is saved at once through the progress store, so a
restart carries on where the learner stopped. After the answer is revealed, Space grades
Good, so a run of easy cards needs one key.
Preview on its own: ``python -m rnn_studio.ui.learn.flashcards_view``.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn.content import Content, Flashcard, render_text
from rnn_studio.learn.markup import plain_text
from rnn_studio.learn.progress import MAX_NEW_CARDS_PER_DAY, ProgressError, ProgressStore
from rnn_studio.learn.review import ReviewSession, local_now
from rnn_studio.learn.scheduler import SCHEDULER_LABELS, Grade
from rnn_studio.learn.speech import spoken
from rnn_studio.ui.learn.browser import LearnBrowser
from rnn_studio.ui.learn.read_aloud import ReadAloudButton, SpeechEngine

GRADE_NAMES = {Grade.AGAIN: "Again", Grade.HARD: "Hard", Grade.GOOD: "Good", Grade.EASY: "Easy"}


def format_wait(wait: timedelta) -> str:
    """A review interval as Anki labels it: ``<1m``, ``10m``, ``3h``, ``4d``, ``2.5mo``, ``1.2y``.

    Examples
    --------
    >>> format_wait(timedelta(seconds=30)), format_wait(timedelta(minutes=10))
    ('<1m', '10m')
    >>> format_wait(timedelta(days=4)), format_wait(timedelta(days=75))
    ('4d', '2.5mo')
    """
    seconds = wait.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


class FlashcardsView(QWidget):
    """Review the deck.

    Parameters
    ----------
    content : Content
        All cards of all decks are reviewed, new ones in deck order.
    store : ProgressStore
        Where card states and the review log are saved.
    speech : SpeechEngine
    clock : callable returning an aware datetime, optional
        "Now" (tests pass a fake clock).
    parent : QWidget, optional
    """

    term_clicked = Signal(str)
    demo_clicked = Signal(str)
    lesson_clicked = Signal(str)
    #: A card was graded or the settings changed (the progress page refreshes).
    progress_changed = Signal()
    #: Progress could not be saved; the message says why (the Learn area shows it).
    save_failed = Signal(str)

    def __init__(
        self,
        content: Content,
        store: ProgressStore,
        speech: SpeechEngine,
        clock: Callable[[], datetime] = local_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("flashcards_view")
        self.setAccessibleName("Flashcards")
        self.content = content
        self.store = store
        self._clock = clock
        self.session = ReviewSession(content.cards, store, clock=clock)
        #: Shows the next card when its learning step is over (the session never shows a
        #: card early, so with nothing due the page waits and says how long).
        self.due_timer = QTimer(self)
        self.due_timer.setObjectName("flashcards_due_timer")
        self.due_timer.setSingleShot(True)
        self.due_timer.timeout.connect(self.refresh)

        self.scheduler_choice = QComboBox(self)
        self.scheduler_choice.setObjectName("flashcards_scheduler")
        self.scheduler_choice.setAccessibleName("Scheduler")
        self.scheduler_choice.setToolTip(
            "How the next review is planned; switching replays your review history"
        )
        for name, label in SCHEDULER_LABELS.items():
            # Short name in the box (it must fit at projector font sizes), details on hover.
            self.scheduler_choice.addItem(label.split(" (")[0], name)
            index = self.scheduler_choice.count() - 1
            self.scheduler_choice.setItemData(index, label, Qt.ItemDataRole.ToolTipRole)
        self.new_per_day = QSpinBox(self)
        self.new_per_day.setObjectName("flashcards_new_per_day")
        self.new_per_day.setAccessibleName("New cards per day")
        self.new_per_day.setToolTip("How many unseen cards to introduce each day")
        self.new_per_day.setRange(0, MAX_NEW_CARDS_PER_DAY)
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("flashcards_counts")
        self.counts_label.setAccessibleName("Cards to review")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        settings = QHBoxLayout()
        settings.addWidget(self.counts_label, 1)
        scheduler_label = QLabel("&Scheduler:", self)
        scheduler_label.setObjectName("flashcards_scheduler_label")
        scheduler_label.setBuddy(self.scheduler_choice)
        new_label = QLabel("&New cards/day:", self)
        new_label.setObjectName("flashcards_new_per_day_label")
        new_label.setBuddy(self.new_per_day)
        for widget in (scheduler_label, self.scheduler_choice, new_label, self.new_per_day):
            settings.addWidget(widget)

        self.card_panel = QFrame(self)
        self.card_panel.setObjectName("flashcards_card_panel")
        self.card_panel.setAccessibleName("Card")
        self.card_panel.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.card_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.card = LearnBrowser("flashcards_card", "Flashcard", self.card_panel)
        self.card.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.card.term_clicked.connect(self.term_clicked)
        self.card.demo_clicked.connect(self.demo_clicked)
        self.card.lesson_clicked.connect(self.lesson_clicked)
        self.read_aloud = ReadAloudButton(
            speech, self.read_aloud_text, "flashcards_read_aloud", self.card_panel
        )
        self.reveal_button = QPushButton("Show answer  (Space)", self.card_panel)
        self.reveal_button.setObjectName("flashcards_reveal")
        self.reveal_button.setAccessibleName("Show answer")
        self.reveal_button.setToolTip("Reveal the back of the card (Space)")
        self.reveal_button.clicked.connect(self.reveal)
        self.grade_buttons: dict[Grade, QPushButton] = {}
        grade_row = QHBoxLayout()
        for grade, name in GRADE_NAMES.items():
            button = QPushButton(name, self.card_panel)
            button.setObjectName(f"flashcards_grade_{name.lower()}")
            button.setAccessibleName(f"Grade {name}")
            button.setToolTip(f"{name} (key {int(grade)})")
            button.setMinimumHeight(button.sizeHint().height() * 2)
            button.clicked.connect(lambda _=False, g=grade: self.grade(g))
            self.grade_buttons[grade] = button
            grade_row.addWidget(button)
        card_column = QVBoxLayout(self.card_panel)
        top = QHBoxLayout()
        self.position_label = QLabel(self.card_panel)
        self.position_label.setObjectName("flashcards_card_info")
        self.position_label.setAccessibleName("About this card")
        top.addWidget(self.position_label, 1)
        top.addWidget(self.read_aloud)
        card_column.addLayout(top)
        card_column.addWidget(self.card, 1)
        card_column.addWidget(self.reveal_button)
        card_column.addLayout(grade_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(settings)
        layout.addWidget(self.card_panel, 1)
        self.setFocusProxy(self.card_panel)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.shortcuts: list[QShortcut] = []
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self.card_panel, self._space, context)
        space.setObjectName("flashcards_shortcut_space")
        space.setWhatsThis("Flashcards: show the answer, then grade it Good")
        self.shortcuts.append(space)
        for grade in Grade:
            key = QKeySequence(str(int(grade)))
            shortcut = QShortcut(key, self.card_panel, lambda g=grade: self._grade_key(g), context)
            shortcut.setObjectName(f"flashcards_shortcut_{int(grade)}")
            shortcut.setWhatsThis("Flashcards: grade the answer Again / Hard / Good / Easy")
            self.shortcuts.append(shortcut)

        self._sync_settings()
        self.scheduler_choice.currentIndexChanged.connect(self._scheduler_chosen)
        self.new_per_day.valueChanged.connect(self._limit_chosen)
        self.show_card()

    # --- actions ------------------------------------------------------------------------
    def current_card(self) -> Flashcard | None:
        """The card on show, None when nothing is left to review now."""
        card = self.session.current
        return card if isinstance(card, Flashcard) else None

    def reveal(self) -> None:
        """Show the back of the card (does nothing when the session is finished)."""
        if not self.session.finished and not self.session.revealed:
            self.session.reveal()
            self.show_card()

    def grade(self, grade: int) -> None:
        """Grade the revealed card, save it and show the next one."""
        if self.session.finished or not self.session.revealed:
            return
        try:
            self.session.grade(grade)
        except ProgressError as error:  # kept in memory; saved with the next change
            self.session.refresh()
            self.save_failed.emit(str(error))
        self.show_card()
        self.progress_changed.emit()

    def refresh(self) -> None:
        """Pick the next card again (after the progress was reset or time passed)."""
        self._sync_settings()
        self.session.refresh()
        self.show_card()

    def read_aloud_text(self) -> str:
        """The front, and the back once revealed, as the speech engine should say them."""
        card = self.current_card()
        if card is None:
            return ""
        texts = [card.front] + ([card.back] if self.session.revealed else [])
        return "\n\n".join(spoken(text) for text in texts)

    def grade_label(self, grade: Grade) -> str:
        """The text of a grade button (name and next interval)."""
        return self.grade_buttons[grade].text()

    # --- drawing ------------------------------------------------------------------------
    def show_card(self) -> None:
        """Draw the counts, the card and the buttons from the review session."""
        counts = self.session.counts()
        self.counts_label.setText(
            f"New <b>{counts.new}</b> · Learning <b>{counts.learning}</b> · "
            f"Review <b>{counts.review}</b>"
        )
        self.counts_label.setAccessibleDescription(
            f"{counts.new} new, {counts.learning} learning, {counts.review} due for review"
        )
        card = self.current_card()
        revealed = self.session.revealed
        self.reveal_button.setVisible(card is not None and not revealed)
        for button in self.grade_buttons.values():
            button.setVisible(card is not None and revealed)
        self.read_aloud.setVisible(card is not None)
        self.due_timer.stop()
        if card is None:
            self.position_label.setText("")
            self.card.set_body(self._finished_html())
            self._wake_when_due()
            return
        state = self.session.current_state
        phase = "new card" if state is None or state.is_new else state.phase
        self.position_label.setText(f"{phase.capitalize()} · {', '.join(card.tags)}")
        body = f"<h2>{render_text(card.front, self.content.glossary)}</h2>"
        if revealed:
            body += "<hr/>" + f"<p>{render_text(card.back, self.content.glossary)}</p>"
            body += self._card_links(card)
            for grade, wait in self.session.preview().items():
                name = GRADE_NAMES[grade]
                self.grade_buttons[grade].setText(f"{name}\n{format_wait(wait)}")
                self.grade_buttons[grade].setToolTip(
                    f"{name} (key {int(grade)}): next review in {format_wait(wait)}"
                )
        self.card.set_body(body)

    def _card_links(self, card: Flashcard) -> str:
        links = []
        if card.demo is not None:
            title = plain_text(self.content.demos[card.demo].title)
            links.append(
                f'<a class="showme" href="demo:{card.demo}">Show me: {html.escape(title)}</a>'
            )
        kind, _, target = card.source.partition(":")
        if kind == "glossary":
            term = self.content.glossary.by_id[target].term
            links.append(f'<a href="term:{target}">Glossary: {html.escape(term)}</a>')
        elif kind == "lesson":
            links.append(f'<a href="lesson:{target}">Read it in the lesson</a>')
        return f"<p>{' · '.join(links)}</p>" if links else ""

    def _wake_when_due(self) -> None:
        next_due = self.session.next_due()
        if next_due is None:
            return
        wait_ms = (next_due - self._clock()).total_seconds() * 1000
        # At least a second (no busy loop), at most a day (QTimer takes a 32-bit interval).
        self.due_timer.start(int(min(max(wait_ms, 1000), 86_400_000)))

    def _finished_html(self) -> str:
        next_due = self.session.next_due()
        text = "<h2>All done for now</h2>"
        if next_due is not None:
            wait = next_due - self._clock()
            text += f"<p>The next card is due in {format_wait(wait)}.</p>"
        if self.store.new_cards_per_day == 0:
            text += "<p>New cards are switched off: raise “New cards/day” to learn more.</p>"
        else:
            text += "<p>Come back later, or raise “New cards/day” to learn more cards today.</p>"
        return text

    # --- keys and settings --------------------------------------------------------------
    def _space(self) -> None:
        if self.session.revealed:
            self.grade(Grade.GOOD)
        else:
            self.reveal()

    def _grade_key(self, grade: Grade) -> None:
        if self.session.revealed:
            self.grade(grade)

    def _sync_settings(self) -> None:
        self.scheduler_choice.blockSignals(True)
        self.scheduler_choice.setCurrentIndex(
            self.scheduler_choice.findData(self.store.scheduler_name)
        )
        self.scheduler_choice.blockSignals(False)
        self.new_per_day.blockSignals(True)
        self.new_per_day.setValue(self.store.new_cards_per_day)
        self.new_per_day.blockSignals(False)

    def _scheduler_chosen(self, _index: int) -> None:
        try:
            self.store.set_scheduler(str(self.scheduler_choice.currentData()))
        except ProgressError as error:
            self.save_failed.emit(str(error))
        self.session.refresh()
        self.show_card()
        self.progress_changed.emit()

    def _limit_chosen(self, value: int) -> None:
        try:
            self.store.set_new_cards_per_day(int(value))
        except ProgressError as error:
            self.save_failed.emit(str(error))
        self.session.refresh()
        self.show_card()
        self.progress_changed.emit()


if __name__ == "__main__":
    from rnn_studio.ui.learn.preview import preview_page

    raise SystemExit(preview_page("flashcards"))
