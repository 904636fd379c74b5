"""Review sessions: queue order, daily new-card limit, reveal/grade, and restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from rnn_studio.learn.progress import ProgressStore
from rnn_studio.learn.review import ReviewError, ReviewSession
from rnn_studio.learn.scheduler import Grade, SchedulerError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Card:
    id: str
    front: str
    back: str


DECK = [Card(f"c{i}", f"front {i}", f"back {i}") for i in range(6)]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))


def make_session(clock, limit=3):
    store = ProgressStore()
    store.set_new_cards_per_day(limit)
    return ReviewSession(DECK, store, clock=clock)


def test_new_cards_in_deck_order_up_to_the_daily_limit():
    clock = Clock(T0)
    session = make_session(clock, limit=3)
    assert session.counts().new == 3 and session.due_count == 0
    shown = []
    for _ in range(3):
        shown.append(session.current_id)
        session.reveal()
        session.grade(Grade.EASY)  # straight to review: 8 days
    assert shown == ["c0", "c1", "c2"]
    assert session.finished and session.counts().total == 0
    # Tomorrow three more new cards are allowed.
    clock.now = T0 + DAY
    session.refresh()
    assert session.current_id == "c3" and session.new_remaining_today == 3


def test_due_learning_card_comes_before_new_cards_and_steps_are_waited_out():
    clock = Clock(T0)
    session = make_session(clock, limit=2)
    session.reveal()
    session.grade(Grade.AGAIN)  # c0: learning step, due in 1 minute
    assert session.current_id == "c1"  # c0 not due yet, so the next new card
    clock.now = T0 + 2 * MINUTE
    session.reveal()
    session.grade(Grade.EASY)  # c1 graduates
    assert session.current_id == "c0"  # c0's step is due now, before nothing else
    assert session.counts().learning == 1
    session.reveal()
    session.grade(Grade.GOOD)  # c0 to step 1: due in 10 minutes
    # New limit used up, no reviews due: nothing to show until the 10-minute step is over.
    assert session.finished and session.counts().total == 0
    assert session.next_due() == T0 + 12 * MINUTE
    clock.now = T0 + 11 * MINUTE
    session.refresh()
    assert session.finished
    clock.now = T0 + 12 * MINUTE
    session.refresh()
    assert session.current_id == "c0" and session.counts().learning == 1


@pytest.mark.parametrize("scheduler", ["fsrs", "sm2", "leitner"])
def test_counts_cover_every_card_shown_and_no_step_comes_back_early(scheduler):
    """A sitting of a few seconds per card on the shipped deck, grading Good (or Again on
    every third card): the header's count for the shown card's kind is never 0, and no card
    comes back before the wait its grade button promised."""
    from rnn_studio.learn.content import load_all

    clock = Clock(T0)
    store = ProgressStore()
    store.set_scheduler(scheduler)
    store.set_new_cards_per_day(10)
    session = ReviewSession(load_all().cards, store, clock=clock)
    promised: dict[str, datetime] = {}
    shown = 0
    while not session.finished and shown < 200:
        card_id = session.current_id
        state = session.current_state
        counts = session.counts()
        kind = "new" if state.is_new else ("review" if state.phase == "review" else "learning")
        assert getattr(counts, kind) >= 1, (shown, card_id, kind, counts)
        assert clock.now >= promised.get(card_id, clock.now), (card_id, clock.now)
        session.reveal()
        grade = Grade.AGAIN if shown % 3 == 2 else Grade.GOOD
        wait = session.preview()[grade]
        session.grade(grade)
        promised[card_id] = clock.now + wait
        clock.now += timedelta(seconds=5)
        session.refresh()
        shown += 1
    assert shown == 10  # ten new cards, each once: every learning step is still running
    assert session.next_due() is not None and session.next_due() > clock.now


def test_reviews_due_today_come_oldest_first():
    clock = Clock(T0)
    session = make_session(clock, limit=3)
    for _ in range(3):
        session.reveal()
        session.grade(Grade.EASY)
        clock.now += MINUTE
    clock.now = T0 + 8 * DAY  # all three due (8-day intervals)
    session.refresh()
    assert session.counts().review == 3
    assert session.current_id == "c0"


def test_grading_needs_a_revealed_card_and_a_valid_grade():
    session = make_session(Clock(T0))
    with pytest.raises(ReviewError, match="reveal"):
        session.grade(3)
    session.reveal()
    with pytest.raises(SchedulerError, match="grade"):
        session.grade(0)
    session.grade(3)
    assert not session.revealed


def test_state_carries_over_a_restart():
    clock = Clock(T0)
    session = make_session(clock, limit=2)
    session.reveal()
    session.grade(Grade.GOOD)
    session.reveal()
    session.grade(Grade.GOOD)
    # "Restart": new store and session objects on the same folder.
    restarted = ReviewSession(DECK, ProgressStore(), clock=clock)
    assert restarted.new_remaining_today == 0  # two introduced today, limit 2
    assert [e.card_id for e in restarted.store.review_log] == ["c0", "c1"]
    assert restarted.finished  # both cards wait out their 10-minute step
    clock.now = T0 + 15 * MINUTE
    restarted.refresh()
    assert restarted.counts().learning == 2
    assert restarted.current_state is not None and restarted.current_state.phase == "learning"


def test_preview_labels_buttons():
    session = make_session(Clock(T0))
    waits = session.preview()
    assert waits[Grade.AGAIN] == MINUTE and waits[Grade.EASY] == 8 * DAY


def test_deck_accepts_ids_and_rejects_duplicates():
    store = ProgressStore()
    assert ReviewSession(["a", {"id": "b"}], store, clock=Clock(T0)).current_id == "a"
    with pytest.raises(ReviewError, match="twice"):
        ReviewSession(["a", "a"], store, clock=Clock(T0))
    with pytest.raises(ReviewError, match="no text id"):
        ReviewSession([object()], store, clock=Clock(T0))


def test_finished_session_refuses_reveal():
    store = ProgressStore()
    store.set_new_cards_per_day(0)
    session = ReviewSession(DECK, store, clock=Clock(T0))
    assert session.finished and session.current is None
    with pytest.raises(ReviewError, match="finished"):
        session.reveal()


def test_days_follow_the_clock_timezone():
    # 23:30 in UTC+10 is still the same local day as 08:00; 00:30 the next local day is not.
    tokyo_ish = timezone(timedelta(hours=10))
    clock = Clock(datetime(2026, 3, 2, 8, 0, tzinfo=tokyo_ish))
    session = make_session(clock, limit=1)
    session.reveal()
    session.grade(Grade.EASY)
    clock.now = datetime(2026, 3, 2, 23, 30, tzinfo=tokyo_ish)
    assert session.new_remaining_today == 0
    clock.now = datetime(2026, 3, 3, 0, 30, tzinfo=tokyo_ish)  # 14:30 UTC on 2 March
    assert session.new_remaining_today == 1


def test_reviews_the_shipped_deck_across_a_restart():
    from rnn_studio.learn.content import load_deck

    deck = load_deck()
    clock = Clock(T0)
    store = ProgressStore()
    session = ReviewSession(deck.cards, store, clock=clock)
    assert session.current is deck.cards[0]
    for grade in (Grade.GOOD, Grade.AGAIN, Grade.EASY):
        session.reveal()
        session.grade(grade)
    restarted = ReviewSession(deck.cards, ProgressStore(), clock=clock)
    assert restarted.new_remaining_today == store.new_cards_per_day - 3
    assert restarted.store.card_state(deck.cards[2].id).phase == "review"
