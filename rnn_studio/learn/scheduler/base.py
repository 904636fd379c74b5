"""What every review scheduler shares: grades, the card state, the review log entry.

A scheduler is a pure function of ``(card state, grade, now)``: it returns the card's next
state and one log entry, and keeps nothing between calls. Card states and log entries are
frozen dataclasses that round-trip through JSON (``to_dict`` / ``from_dict``), so the progress
store can save them and a scheduler can be swapped by replaying the log.
"""

from __future__ import annotations

import enum
import math
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any, Protocol


class SchedulerError(ValueError):
    """Bad input to a scheduler or a card state that cannot be read; the message names it."""


class Grade(enum.IntEnum):
    """How well the learner remembered a card: the four review buttons (keys 1-4)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


PHASES = ("new", "learning", "review", "relearning")


def to_grade(value: object) -> Grade:
    """Return ``value`` as a :class:`Grade`, or raise naming the bad value."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 2, 3, 4):
        raise SchedulerError(f"grade: {value!r} is not 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)")
    return Grade(value)


def check_aware(name: str, moment: object) -> datetime:
    """Return ``moment`` if it is a timezone-aware datetime, else raise naming ``name``."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise SchedulerError(f"{name}: {moment!r} is not a timezone-aware datetime")
    return moment


@dataclass(frozen=True)
class CardState:
    """Where one card stands in its review schedule.

    One record serves every scheduler; each reads and writes only its own fields and leaves
    the others at their defaults.

    Attributes
    ----------
    card_id : str
        The card this state belongs to.
    phase : {"new", "learning", "review", "relearning"}
        ``new`` until the first review; ``learning``/``relearning`` while the card is on
        short same-day steps; ``review`` once it is scheduled in whole days.
    due : datetime or None
        When the card should be shown next; None for a new card.
    last_review : datetime or None
        When it was last graded.
    step : int
        Index of the current (re)learning step (FSRS, SM-2 relearning).
    stability : float or None
        FSRS memory stability S in days (the interval at which recall probability is 90 %).
    difficulty : float or None
        FSRS difficulty D in [1, 10].
    ease : float
        SM-2 easiness factor EF (at least 1.3, starts at 2.5).
    repetitions : int
        SM-2 count of successful repetitions in a row.
    interval_days : int
        Length of the last scheduled interval in whole days (0 while on same-day steps).
    box : int
        Leitner box 1-5 (0 before the first review).
    reps : int
        Number of reviews so far.
    lapses : int
        Number of times a card in review was forgotten (graded Again).
    """

    card_id: str
    phase: str = "new"
    due: datetime | None = None
    last_review: datetime | None = None
    step: int = 0
    stability: float | None = None
    difficulty: float | None = None
    ease: float = 2.5
    repetitions: int = 0
    interval_days: int = 0
    box: int = 0
    reps: int = 0
    lapses: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.card_id, str) or not self.card_id:
            raise SchedulerError(f"card_id: {self.card_id!r} is not a non-empty string")
        if self.phase not in PHASES:
            raise SchedulerError(f"phase: {self.phase!r} is not one of {', '.join(PHASES)}")
        for name in ("due", "last_review"):
            value = getattr(self, name)
            if value is not None:
                check_aware(name, value)
        for name in ("step", "repetitions", "interval_days", "box", "reps", "lapses"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SchedulerError(f"{name}: {value!r} is not a whole number >= 0")
        for name in ("stability", "difficulty", "ease"):
            value = getattr(self, name)
            if value is None and name != "ease":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SchedulerError(f"{name}: {value!r} is not a number")
            if not math.isfinite(value) or value <= 0:
                raise SchedulerError(f"{name}: {value!r} is not a positive finite number")

    @classmethod
    def new(cls, card_id: str) -> CardState:
        """Return the state of a card that has never been reviewed."""
        return cls(card_id=card_id)

    @property
    def is_new(self) -> bool:
        """True before the first review."""
        return self.phase == "new"

    def evolve(self, **changes: Any) -> CardState:
        """Return a copy with ``changes`` applied (validated)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready data (datetimes as ISO 8601 strings with their offset)."""
        data = asdict(self)
        for name in ("due", "last_review"):
            moment = data[name]
            data[name] = None if moment is None else moment.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        """Build a state from :meth:`to_dict` data, naming any unknown or invalid field."""
        if not isinstance(data, dict):
            raise SchedulerError("a card state must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SchedulerError(f"card state: unknown field(s): {', '.join(unknown)}")
        values = dict(data)
        for name in ("due", "last_review"):
            if values.get(name) is not None:
                values[name] = parse_moment(name, values[name])
        try:
            return cls(**values)
        except TypeError as error:  # a missing card_id
            raise SchedulerError(f"card state: {error}") from None


@dataclass(frozen=True)
class ReviewLogEntry:
    """One graded review, as the progress store keeps it.

    Attributes
    ----------
    card_id : str
        The card reviewed.
    grade : int
        1 Again, 2 Hard, 3 Good, 4 Easy.
    reviewed_at : datetime
        When the grade was given (timezone-aware).
    scheduler : str
        Name of the scheduler that scheduled the next review.
    phase_before : str
        The card's phase before this review (``new`` marks a card's first review).
    interval : float
        The scheduled wait until the next review, in days (fractions for same-day steps).
    due : datetime
        When the card is due next.
    """

    card_id: str
    grade: int
    reviewed_at: datetime
    scheduler: str
    phase_before: str
    interval: float
    due: datetime

    def __post_init__(self) -> None:
        for name in ("card_id", "scheduler"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise SchedulerError(f"{name}: {getattr(self, name)!r} is not a non-empty string")
        to_grade(self.grade)
        check_aware("reviewed_at", self.reviewed_at)
        check_aware("due", self.due)
        if self.phase_before not in PHASES:
            raise SchedulerError(f"phase_before: {self.phase_before!r} is not a card phase")

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready data."""
        data = asdict(self)
        data["reviewed_at"] = self.reviewed_at.isoformat()
        data["due"] = self.due.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReviewLogEntry:
        """Build an entry from :meth:`to_dict` data, naming any missing or invalid field."""
        if not isinstance(data, dict):
            raise SchedulerError("a review log entry must be a JSON object")
        known = [f.name for f in fields(cls)]
        missing = [name for name in known if name not in data]
        if missing:
            raise SchedulerError(f"review log entry: missing field(s): {', '.join(missing)}")
        values = {name: data[name] for name in known}
        values["reviewed_at"] = parse_moment("reviewed_at", values["reviewed_at"])
        values["due"] = parse_moment("due", values["due"])
        if isinstance(values["interval"], bool) or not isinstance(values["interval"], (int, float)):
            raise SchedulerError(f"interval: {values['interval']!r} is not a number")
        return cls(**values)


def parse_moment(name: str, text: object) -> datetime:
    """Parse an ISO 8601 timestamp with an offset, or raise naming ``name``."""
    if not isinstance(text, str):
        raise SchedulerError(f"{name}: {text!r} is not an ISO 8601 timestamp")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SchedulerError(f"{name}: {text!r} is not an ISO 8601 timestamp") from None
    return check_aware(name, moment)


def days(delta: timedelta) -> float:
    """Return a time span in (fractional) days."""
    return delta.total_seconds() / 86400.0


class Scheduler(Protocol):
    """The interface every scheduler implements."""

    @property
    def name(self) -> str:
        """The scheduler's name (``"fsrs"``, ``"sm2"``, ``"leitner"``)."""
        ...

    def schedule(
        self, state: CardState, grade: int, now: datetime
    ) -> tuple[CardState, ReviewLogEntry]:
        """Grade ``state`` at ``now`` and return its next state and the log entry."""
        ...

    def preview(self, state: CardState, now: datetime) -> dict[Grade, timedelta]:
        """Return the wait each grade would schedule (for labelling the buttons)."""
        ...


def make_log_entry(
    scheduler: str, before: CardState, after: CardState, grade: Grade, now: datetime
) -> ReviewLogEntry:
    """Build the log entry for a review that took ``before`` to ``after`` at ``now``."""
    assert after.due is not None
    return ReviewLogEntry(
        card_id=before.card_id,
        grade=int(grade),
        reviewed_at=now,
        scheduler=scheduler,
        phase_before=before.phase,
        interval=days(after.due - now),
        due=after.due,
    )


def preview_by_scheduling(
    scheduler: Scheduler, state: CardState, now: datetime
) -> dict[Grade, timedelta]:
    """Implement :meth:`Scheduler.preview` by scheduling each grade in turn."""
    result = {}
    for grade in Grade:
        after, _ = scheduler.schedule(state, grade, now)
        assert after.due is not None
        result[grade] = after.due - now
    return result
