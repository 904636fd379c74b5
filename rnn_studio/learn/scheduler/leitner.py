"""Leitner boxes: the cardboard-box system, five boxes with doubling review intervals.

Notes
-----
A card lives in box 1-5 and is reviewed every ``BOX_INTERVALS[box]`` days:

    box      1  2  3  4   5
    days     1  2  4  8  16

A new card enters box 1 at its first review (box 2 if graded Easy). After that, Again sends
the card back to box 1, Hard keeps it in its box, Good moves it up one box and Easy two,
never past box 5. The next review is the new box's
interval after the grade. A card graded Again is due again the next day, as in the paper
system, where box 1 is the box you go through every day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rnn_studio.learn.scheduler.base import (
    CardState,
    Grade,
    ReviewLogEntry,
    SchedulerError,
    check_aware,
    make_log_entry,
    preview_by_scheduling,
    to_grade,
)

BOX_INTERVALS = {1: 1, 2: 2, 3: 4, 4: 8, 5: 16}
BOX_COUNT = len(BOX_INTERVALS)
BOX_MOVE = {Grade.AGAIN: None, Grade.HARD: 0, Grade.GOOD: 1, Grade.EASY: 2}


@dataclass(frozen=True)
class LeitnerScheduler:
    """Five Leitner boxes with the intervals in :data:`BOX_INTERVALS`."""

    intervals: tuple[int, ...] = tuple(BOX_INTERVALS.values())
    name: str = field(default="leitner", init=False)

    def __post_init__(self) -> None:
        values = tuple(self.intervals)
        if not values or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values
        ):
            raise SchedulerError("intervals: need one whole number of days >= 1 per box")
        object.__setattr__(self, "intervals", values)

    def next_box(self, box: int, grade: Grade) -> int:
        """Return the box a card in ``box`` (0 = never reviewed) moves to after ``grade``."""
        move = BOX_MOVE[grade]
        if move is None:
            return 1
        if box == 0:  # a new card enters the first box; Easy skips it
            return min(2 if grade == Grade.EASY else 1, len(self.intervals))
        return min(box + move, len(self.intervals))

    def schedule(
        self, state: CardState, grade: int, now: datetime
    ) -> tuple[CardState, ReviewLogEntry]:
        """Grade ``state`` at ``now``; return the next state and the log entry."""
        grade = to_grade(grade)
        check_aware("now", now)
        box = self.next_box(state.box, grade)
        interval = self.intervals[box - 1]
        lapses = state.lapses + (1 if grade == Grade.AGAIN and state.phase == "review" else 0)
        after = state.evolve(
            phase="review",
            box=box,
            interval_days=interval,
            due=now + timedelta(days=interval),
            last_review=now,
            reps=state.reps + 1,
            lapses=lapses,
        )
        return after, make_log_entry(self.name, state, after, grade, now)

    def preview(self, state: CardState, now: datetime) -> dict[Grade, timedelta]:
        """Return the wait each grade would schedule from ``state`` at ``now``."""
        return preview_by_scheduling(self, state, now)

    def to_dict(self) -> dict[str, Any]:
        """Return the scheduler's settings as JSON-ready data."""
        return {"intervals": list(self.intervals)}


def _is_whole_days(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
