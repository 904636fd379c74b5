"""SM-2: intervals and easiness factors for review histories worked out by hand."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from rnn_studio.learn.scheduler import CardState, Grade, SM2Scheduler
from rnn_studio.learn.scheduler.sm2 import next_ease

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


def test_history_by_hand():
    scheduler = SM2Scheduler()
    state, now = CardState.new("c"), T0
    expected = [
        # (grade, wait before it, interval days, EF, repetitions, phase)
        # Good, q = 4: EF = 2.5 + 0.1 - 1 * (0.08 + 0.02) = 2.5; n = 1 -> I(1) = 1
        (Grade.GOOD, timedelta(0), 1, 2.5, 1, "review"),
        # Good: n = 2 -> I(2) = 6
        (Grade.GOOD, 1 * DAY, 6, 2.5, 2, "review"),
        # Good: n = 3 -> ceil(6 * 2.5) = 15
        (Grade.GOOD, 6 * DAY, 15, 2.5, 3, "review"),
        # Easy, q = 5: EF = 2.5 + 0.1 - 0 = 2.6; ceil(15 * 2.6) = ceil(39.0) = 39
        (Grade.EASY, 15 * DAY, 39, 2.6, 4, "review"),
        # Hard, q = 3: EF = 2.6 + 0.1 - 2 * (0.08 + 0.04) = 2.46; ceil(39 * 2.46) = ceil(95.94) = 96
        (Grade.HARD, 39 * DAY, 96, 2.46, 5, "review"),
        # Again, q = 1 < 3: start over, EF unchanged, drilled again in 10 minutes
        (Grade.AGAIN, 96 * DAY, 0, 2.46, 0, "relearning"),
        # passing the drill: I(1) = 1 day, n = 1, EF unchanged
        (Grade.GOOD, timedelta(minutes=10), 1, 2.46, 1, "review"),
        # Good: n = 2 -> I(2) = 6
        (Grade.GOOD, 1 * DAY, 6, 2.46, 2, "review"),
        # Good: n = 3 -> ceil(6 * 2.46) = ceil(14.76) = 15
        (Grade.GOOD, 6 * DAY, 15, 2.46, 3, "review"),
    ]
    for grade, wait, interval, ease, repetitions, phase in expected:
        now += wait
        state, log = scheduler.schedule(state, grade, now)
        assert state.interval_days == interval
        assert state.ease == pytest.approx(ease)
        assert state.repetitions == repetitions
        assert state.phase == phase
        if phase == "review":
            assert state.due == now + interval * DAY
            assert log.interval == pytest.approx(interval)
        else:
            assert state.due == now + timedelta(minutes=10)
    assert state.lapses == 1 and state.reps == len(expected)


def test_ease_never_drops_below_1_3():
    # Hard lowers EF by 0.14: 2.5 -> 2.36 -> 2.22 -> 2.08 -> 1.94 -> 1.80 -> 1.66 -> 1.52
    # -> 1.38 -> max(1.3, 1.24) = 1.3 and stays there.
    ease, seen = 2.5, []
    for _ in range(10):
        ease = next_ease(ease, 3)
        seen.append(round(ease, 2))
    assert seen == [2.36, 2.22, 2.08, 1.94, 1.8, 1.66, 1.52, 1.38, 1.3, 1.3]


def test_failing_a_new_card_keeps_ease():
    state, _ = SM2Scheduler().schedule(CardState.new("n"), Grade.AGAIN, T0)
    assert state.ease == 2.5 and state.phase == "learning" and state.lapses == 0
    state, _ = SM2Scheduler().schedule(state, Grade.GOOD, T0 + timedelta(minutes=10))
    # Passing the drill: I(1) = 1 day, n = 1, EF still 2.5.
    assert (state.phase, state.interval_days, state.repetitions, state.ease) == (
        "review",
        1,
        1,
        2.5,
    )
