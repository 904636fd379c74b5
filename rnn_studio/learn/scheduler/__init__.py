"""Spaced-repetition schedulers behind one interface: FSRS (default), SM-2 and Leitner boxes.

``make_scheduler(name)`` returns a scheduler with ``schedule(state, grade, now) ->
(next_state, ReviewLogEntry)`` and ``preview(state, now) -> {grade: wait}``.
"""

from __future__ import annotations

from rnn_studio.learn.scheduler.base import (
    PHASES,
    CardState,
    Grade,
    ReviewLogEntry,
    Scheduler,
    SchedulerError,
    to_grade,
)
from rnn_studio.learn.scheduler.fsrs import FSRSScheduler
from rnn_studio.learn.scheduler.leitner import LeitnerScheduler
from rnn_studio.learn.scheduler.sm2 import SM2Scheduler

SCHEDULERS = {"fsrs": FSRSScheduler, "sm2": SM2Scheduler, "leitner": LeitnerScheduler}
SCHEDULER_LABELS = {
    "fsrs": "FSRS (adapts to each card; recommended)",
    "sm2": "SM-2 (classic SuperMemo)",
    "leitner": "Leitner boxes (5 boxes: 1, 2, 4, 8, 16 days)",
}
DEFAULT_SCHEDULER = "fsrs"


def make_scheduler(name: str = DEFAULT_SCHEDULER) -> Scheduler:
    """Return the scheduler called ``name`` ("fsrs", "sm2" or "leitner") with default settings."""
    try:
        return SCHEDULERS[name]()
    except KeyError:
        raise SchedulerError(f"scheduler: {name!r} is not one of {', '.join(SCHEDULERS)}") from None


__all__ = [
    "DEFAULT_SCHEDULER",
    "PHASES",
    "SCHEDULERS",
    "SCHEDULER_LABELS",
    "CardState",
    "FSRSScheduler",
    "Grade",
    "LeitnerScheduler",
    "ReviewLogEntry",
    "SM2Scheduler",
    "Scheduler",
    "SchedulerError",
    "make_scheduler",
    "to_grade",
]
