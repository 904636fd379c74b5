"""Flashcard review with the keyboard: Space reveals, 1–4 grade; counts, intervals on the
buttons, settings, and the saved state after a restart on the same folder."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from rnn_studio.learn import content as content_module
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.learn.scheduler import Grade
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn.flashcards_view import format_wait
from rnn_studio.ui.learn.learn_area import LearnArea
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    return tmp_path


def open_area(qtbot, clock: Clock) -> LearnArea:
    """A Learn area on the store in RNN_STUDIO_HOME, on the Flashcards page, focused."""
    area = LearnArea(StudioSession(), ProgressStore(), speech=NoSpeechEngine(), clock=clock, seed=0)
    qtbot.addWidget(area)
    area.resize(1100, 700)
    with qtbot.waitActive(area):  # shortcuts only fire in the active window
        area.show()
        area.activateWindow()
    area.show_page("flashcards")
    area.flashcards.card_panel.setFocus()
    return area


def press(qtbot, area: LearnArea, key: Qt.Key) -> None:
    qtbot.keyClick(area.flashcards.card_panel, key)


def test_review_with_the_keyboard_and_the_state_survives_a_restart(qtbot):
    clock = Clock(T0)
    area = open_area(qtbot, clock)
    view = area.flashcards
    deck = content_module.load_all().cards
    limit = view.store.new_cards_per_day
    assert view.session.counts().new == limit
    assert view.current_card().id == deck[0].id

    graded = []
    for key in (Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_1):
        card = view.current_card()
        assert not view.session.revealed
        assert view.reveal_button.isVisible() and not view.grade_buttons[Grade.GOOD].isVisible()
        assert card.back not in view.card.body_html()
        press(qtbot, area, Qt.Key.Key_Space)
        assert view.session.revealed
        assert view.grade_buttons[Grade.GOOD].isVisible()
        press(qtbot, area, key)
        graded.append((card.id, int(key) - int(Qt.Key.Key_0)))
    store = view.store
    assert [(e.card_id, e.grade) for e in store.review_log] == graded
    assert view.session.counts().new == limit - 3
    assert area.progress.stat_labels["reviews_today"].text() == "3"

    # A key before the reveal does not grade.
    press(qtbot, area, Qt.Key.Key_3)
    assert len(store.review_log) == 3

    # A day later the Good (10-minute step) and Again (1-minute step) cards are due; the
    # Easy card went straight to review days away.
    easy_wait = store.review_log[1].due - T0
    assert easy_wait > timedelta(days=2)
    clock.now = T0 + timedelta(days=1, hours=1)
    view.refresh()
    assert view.session.due_count == 2
    clock.now = T0 + easy_wait + timedelta(hours=1)
    view.refresh()
    assert view.session.due_count == 3
    due_before = {cid: store.card_state(cid).to_dict() for cid, _ in graded}

    # "Restart": a new store and a new area on the same folder.
    area.close()
    restarted = open_area(qtbot, clock)
    again = restarted.flashcards
    assert again.store is not store
    assert {cid: again.store.card_state(cid).to_dict() for cid, _ in graded} == due_before
    assert again.session.due_count == 3
    assert "Review" in again.counts_label.text()
    assert len(again.store.review_log) == 3
    assert restarted.progress.stat_labels["due"].text() == "3"


def test_grade_buttons_show_the_next_interval_and_click_to_grade(qtbot):
    clock = Clock(T0)
    area = open_area(qtbot, clock)
    view = area.flashcards
    view.reveal()
    preview = view.session.preview()
    for grade, wait in preview.items():
        assert format_wait(wait) in view.grade_label(grade)
    assert preview[Grade.AGAIN] < preview[Grade.EASY]
    card = view.current_card()
    qtbot.mouseClick(view.grade_buttons[Grade.EASY], Qt.MouseButton.LeftButton)
    assert view.store.review_log[-1].card_id == card.id
    assert view.store.review_log[-1].grade == 4
    assert view.current_card().id != card.id


def test_space_after_the_reveal_grades_good(qtbot):
    area = open_area(qtbot, Clock(T0))
    press(qtbot, area, Qt.Key.Key_Space)
    press(qtbot, area, Qt.Key.Key_Space)
    assert [e.grade for e in area.flashcards.store.review_log] == [3]


def test_new_card_limit_and_scheduler_choice_are_saved(qtbot):
    clock = Clock(T0)
    area = open_area(qtbot, clock)
    view = area.flashcards
    view.new_per_day.setValue(2)
    assert view.session.counts().new == 2
    for _ in range(2):
        view.reveal()
        view.grade(Grade.EASY)
    assert view.current_card() is None
    assert "All done for now" in view.card.toPlainText()
    view.scheduler_choice.setCurrentIndex(view.scheduler_choice.findData("leitner"))
    assert view.store.scheduler_name == "leitner"
    reopened = ProgressStore()
    assert reopened.scheduler_name == "leitner"
    assert reopened.new_cards_per_day == 2
    assert reopened.card_state(view.store.review_log[0].card_id).box >= 1  # replayed


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(20, "<1m"), (600, "10m"), (3 * 3600, "3h"), (4 * 86400, "4d"), (75 * 86400, "2.5mo")],
)
def test_format_wait(seconds, text):
    assert format_wait(timedelta(seconds=seconds)) == text


def header_counts(view) -> tuple[int, int, int]:
    """The three numbers the header shows (read from the label, not from the session)."""
    import re

    numbers = re.findall(r"<b>(\d+)</b>", view.counts_label.text())
    new, learning, review = (int(n) for n in numbers)
    return new, learning, review


def test_header_counts_stay_true_and_a_10m_step_waits_ten_minutes(qtbot):
    clock = Clock(T0)
    area = open_area(qtbot, clock)
    view = area.flashcards
    view.store.set_new_cards_per_day(3)
    view.refresh()
    seen = []
    while view.current_card() is not None and len(seen) < 20:
        new, learning, _review = header_counts(view)
        state = view.session.current_state
        # the card on screen is counted in the header
        assert (new if state.is_new else learning) >= 1, (len(seen), header_counts(view))
        seen.append(view.current_card().id)
        press(qtbot, area, Qt.Key.Key_Space)
        assert "10m" in view.grade_label(Grade.GOOD) or seen.count(seen[-1]) > 1
        press(qtbot, area, Qt.Key.Key_Space)  # Good
        clock.now += timedelta(seconds=5)
    # Three new cards, each graded Good once: none came back within seconds.
    assert len(seen) == 3 and len(set(seen)) == 3
    assert header_counts(view) == (0, 0, 0)
    assert "All done for now" in view.card.toPlainText()
    assert "due in" in view.card.toPlainText()
    assert view.due_timer.isActive()
    # The timer brings the first card back when its step is over, and not before.
    clock.now = T0 + timedelta(minutes=9)
    view.due_timer.timeout.emit()
    assert view.current_card() is None
    clock.now = T0 + timedelta(minutes=10, seconds=1)
    view.due_timer.timeout.emit()
    assert view.current_card() is not None and view.current_card().id == seen[0]
    assert header_counts(view)[1] == 1
