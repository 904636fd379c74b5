"""Card states and log entries: JSON round trips and clear errors for bad data."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from rnn_studio.learn.scheduler import (
    SCHEDULERS,
    CardState,
    Grade,
    ReviewLogEntry,
    SchedulerError,
    make_scheduler,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_states_and_logs_round_trip_through_json(name):
    scheduler = make_scheduler(name)
    state, now = CardState.new("card-1"), T0
    for grade in (3, 1, 3, 4, 2):
        state, log = scheduler.schedule(state, grade, now)
        assert CardState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
        assert ReviewLogEntry.from_dict(json.loads(json.dumps(log.to_dict()))) == log
        assert log.scheduler == name
        now = state.due


def test_unknown_scheduler_and_bad_fields_are_named():
    with pytest.raises(SchedulerError, match="'anki'"):
        make_scheduler("anki")
    with pytest.raises(SchedulerError, match="unknown field"):
        CardState.from_dict({"card_id": "a", "colour": "red"})
    with pytest.raises(SchedulerError, match="phase"):
        CardState(card_id="a", phase="sleeping")
    with pytest.raises(SchedulerError, match="due"):
        CardState.from_dict({"card_id": "a", "due": "yesterday"})
    with pytest.raises(SchedulerError, match="stability"):
        CardState(card_id="a", stability=-1.0)
    with pytest.raises(SchedulerError, match="missing"):
        ReviewLogEntry.from_dict({"card_id": "a"})


def test_grade_values():
    assert [int(g) for g in Grade] == [1, 2, 3, 4]
    with pytest.raises(SchedulerError, match="grade"):
        make_scheduler("leitner").schedule(CardState.new("a"), True, T0)
