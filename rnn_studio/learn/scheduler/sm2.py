"""SM-2, the classic SuperMemo algorithm (Woźniak, 1990), mapped to four review buttons.

Notes
-----
SM-2 grades recall with a quality q from 0 to 5; the four buttons map to

    Again -> q = 1,  Hard -> q = 3,  Good -> q = 4,  Easy -> q = 5.

After a successful recall (q >= 3) the easiness factor changes by

    EF' = max(1.3, EF + 0.1 - (5 - q) (0.08 + 0.02 (5 - q)))

(so Easy adds 0.10, Good keeps EF, Hard subtracts 0.14), the repetition count n grows by one
and the interval in days is

    I(1) = 1,  I(2) = 6,  I(n) = ceil(I(n-1) · EF')   for n > 2

(SM-2 rounds fractional intervals up). After a failure (q < 3) repetitions start again from
the beginning without changing EF. SM-2 asks for failed items to be drilled again the same
day until they are recalled; here a failed card comes back after ``relearn_wait`` (10 min),
in phase ``learning`` (a card never passed) or ``relearning`` (a lapse), and passing that
drill schedules it I(1) = 1 day later without touching EF or counting as a repetition.
The new EF is used for the interval that follows the same review, so Easy at once spaces a
card further than Good.
"""

from __future__ import annotations

import math
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

QUALITY = {Grade.AGAIN: 1, Grade.HARD: 3, Grade.GOOD: 4, Grade.EASY: 5}
EASE_MIN = 1.3
EASE_START = 2.5


def next_ease(ease: float, quality: int) -> float:
    """EF' = max(1.3, EF + 0.1 - (5 - q)(0.08 + 0.02 (5 - q)))."""
    miss = 5 - quality
    return max(EASE_MIN, ease + 0.1 - miss * (0.08 + 0.02 * miss))


@dataclass(frozen=True)
class SM2Scheduler:
    """Classic SM-2 with a same-day drill for failed cards.

    Parameters
    ----------
    relearn_wait : timedelta
        How soon a failed card is shown again the same day.
    maximum_interval : int
        Longest interval in days.
    """

    relearn_wait: timedelta = timedelta(minutes=10)
    maximum_interval: int = 36500
    name: str = field(default="sm2", init=False)

    def __post_init__(self) -> None:
        if self.relearn_wait <= timedelta(0):
            raise SchedulerError("relearn_wait: must be positive")
        if not isinstance(self.maximum_interval, int) or self.maximum_interval < 1:
            raise SchedulerError(f"maximum_interval: {self.maximum_interval!r} is not >= 1 day")

    def schedule(
        self, state: CardState, grade: int, now: datetime
    ) -> tuple[CardState, ReviewLogEntry]:
        """Grade ``state`` at ``now``; return the next state and the log entry."""
        grade = to_grade(grade)
        check_aware("now", now)
        quality = QUALITY[grade]
        lapses = state.lapses
        if quality < 3:
            if state.phase == "review":
                lapses += 1
            after = state.evolve(
                phase="learning" if state.phase in ("new", "learning") else "relearning",
                repetitions=0,
                interval_days=0,
                due=now + self.relearn_wait,
            )
        elif state.phase in ("learning", "relearning"):
            after = state.evolve(phase="review", repetitions=1, interval_days=1)
        else:
            repetitions = state.repetitions + 1
            ease = next_ease(state.ease, quality)
            if repetitions == 1:
                interval = 1
            elif repetitions == 2:
                interval = 6
            else:
                # Round to 1e-9 first so 15 * 2.6 = 39.000000000000004 stays 39 days.
                interval = math.ceil(round(state.interval_days * ease, 9))
            after = state.evolve(
                phase="review",
                repetitions=repetitions,
                ease=ease,
                interval_days=min(interval, self.maximum_interval),
            )
        if after.phase == "review":
            after = after.evolve(due=now + timedelta(days=after.interval_days))
        after = after.evolve(last_review=now, reps=state.reps + 1, lapses=lapses)
        return after, make_log_entry(self.name, state, after, grade, now)

    def preview(self, state: CardState, now: datetime) -> dict[Grade, timedelta]:
        """Return the wait each grade would schedule from ``state`` at ``now``."""
        return preview_by_scheduling(self, state, now)

    def to_dict(self) -> dict[str, Any]:
        """Return the scheduler's settings as JSON-ready data."""
        return {
            "relearn_wait": self.relearn_wait.total_seconds(),
            "maximum_interval": self.maximum_interval,
        }
