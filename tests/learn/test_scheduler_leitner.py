"""Leitner boxes: box moves and intervals (1, 2, 4, 8, 16 days) worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from rnn_studio.learn.scheduler import CardState, Grade, LeitnerScheduler, SchedulerError

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def test_history_by_hand():
    scheduler = LeitnerScheduler()
    state, now = CardState.new("c"), T0
    expected = [
        (Grade.GOOD, 1, 1),  # new card enters box 1: 1 day
        (Grade.GOOD, 2, 2),  # box 1 + 1 = 2: 2 days
        (Grade.EASY, 4, 8),  # box 2 + 2 = 4: 8 days
        (Grade.HARD, 4, 8),  # stays in box 4: 8 days
        (Grade.GOOD, 5, 16),  # box 5: 16 days
        (Grade.EASY, 5, 16),  # min(5 + 2, 5) = 5: 16 days
        (Grade.AGAIN, 1, 1),  # back to box 1: 1 day
    ]
    for grade, box, interval in expected:
        state, log = scheduler.schedule(state, grade, now)
        assert (state.box, state.interval_days) == (box, interval)
        assert state.due == now + interval * DAY
        assert log.interval == pytest.approx(interval)
        now = state.due
    assert state.lapses == 1


def test_new_card_easy_skips_box_one():
    state, _ = LeitnerScheduler().schedule(CardState.new("e"), Grade.EASY, T0)
    assert state.box == 2 and state.due == T0 + 2 * DAY


def test_rejects_bad_intervals():
    with pytest.raises(SchedulerError, match="intervals"):
        LeitnerScheduler(intervals=(1, 0, 4))
