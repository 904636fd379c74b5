"""Properties every scheduler keeps on any review history (hypothesis-generated)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_studio.learn.scheduler import SCHEDULERS, CardState, Grade, make_scheduler

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
WAITS = st.sampled_from(
    [
        timedelta(0),
        timedelta(minutes=1),
        timedelta(minutes=10),
        timedelta(hours=6),
        timedelta(days=1),
        timedelta(days=4),
        timedelta(days=30),
    ]
)
HISTORIES = st.lists(st.tuples(WAITS, st.integers(1, 4)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(SCHEDULERS)), history=HISTORIES)
def test_better_grades_never_wait_less_and_states_stay_valid(name, history):
    scheduler = make_scheduler(name)
    state, now = CardState.new("card"), T0
    for wait, grade in history:
        now += wait
        waits = scheduler.preview(state, now)
        ordered = [waits[g] for g in Grade]
        assert ordered == sorted(ordered), (name, state, ordered)
        assert all(w > timedelta(0) for w in ordered)
        before = state
        state, log = scheduler.schedule(state, grade, now)
        assert state.due is not None and state.due > now
        assert state.last_review == now and state.reps == before.reps + 1
        assert log.grade == grade and log.reviewed_at == now and log.due == state.due
        assert CardState.from_dict(state.to_dict()) == state


@settings(max_examples=40, deadline=None)
@given(history=HISTORIES)
def test_fsrs_difficulty_and_stability_stay_in_range(history):
    scheduler = make_scheduler("fsrs")
    state, now = CardState.new("card"), T0
    for wait, grade in history:
        now += wait
        state, _ = scheduler.schedule(state, grade, now)
        assert 1.0 <= state.difficulty <= 10.0
        assert state.stability >= 0.001
