"""The learner's progress: card states, review log, quiz answers and settings, in one JSON file.

Why JSON and not SQLite: a deck holds tens of cards and a learner makes at most a few thousand
reviews, so the whole store is a few hundred kilobytes that is rewritten atomically
(:func:`rnn_studio.storage.atomic_write_json`) after each answer. One human-readable file is
easy to back up, inspect and move aside when damaged, and uses the same write path as every
other user file.

A file that cannot be read (bad JSON, a missing field, a schema version this app does not
know) is moved aside with :func:`rnn_studio.storage.backup_corrupt` and a fresh store is
started; :attr:`ProgressStore.recovered_from` and :attr:`ProgressStore.warning` tell the UI
what happened so it can say so. Nothing is lost silently.

Days (for "due today", "new today", streaks and reviews per day) are calendar days in the
timezone of the ``now`` passed in; the app passes local time.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rnn_studio import storage
from rnn_studio.learn.scheduler import (
    DEFAULT_SCHEDULER,
    SCHEDULERS,
    CardState,
    Grade,
    ReviewLogEntry,
    Scheduler,
    SchedulerError,
    make_scheduler,
)
from rnn_studio.learn.scheduler.base import check_aware, parse_moment

SCHEMA_VERSION = 1
FILE_NAME = "progress.json"
DEFAULT_NEW_CARDS_PER_DAY = 10
MAX_NEW_CARDS_PER_DAY = 9999


class ProgressError(ValueError):
    """A progress operation that cannot be done; the message says why."""


@dataclass(frozen=True)
class QuizRecord:
    """One answered quiz or predict question.

    Attributes
    ----------
    kind : str
        The question kind (e.g. ``"multiple_choice"``, ``"typed"``, ``"predict"``).
    item_id : str
        The question, term or card it was about.
    correct : bool
        Whether the answer was right.
    answered_at : datetime
        When (timezone-aware).
    """

    kind: str
    item_id: str
    correct: bool
    answered_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """Return JSON-ready data."""
        return {
            "kind": self.kind,
            "item_id": self.item_id,
            "correct": self.correct,
            "answered_at": self.answered_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: object) -> QuizRecord:
        """Build a record from :meth:`to_dict` data, naming a bad field."""
        if not isinstance(data, dict):
            raise ProgressError("a quiz result must be a JSON object")
        for name in ("kind", "item_id"):
            if not isinstance(data.get(name), str):
                raise ProgressError(f"quiz result: {name} is not text")
        if not isinstance(data.get("correct"), bool):
            raise ProgressError("quiz result: correct is not true or false")
        return cls(
            data["kind"],
            data["item_id"],
            data["correct"],
            parse_moment("answered_at", data.get("answered_at")),
        )


@dataclass(frozen=True)
class ProgressStats:
    """What the progress view shows.

    Attributes
    ----------
    due_count : int
        Cards seen before that are due now (learning steps due, reviews due today).
    new_today : int
        Cards reviewed for the first time today.
    reviews_today : int
        Reviews given today.
    streak_days : int
        Consecutive days with at least one review, ending today (or yesterday, if nothing has
        been reviewed yet today: the streak is not broken until the day is over).
    reviewed_today : bool
        Whether today already counts towards the streak.
    review_accuracy : float or None
        Share of reviews not graded Again; None before the first review.
    quiz_accuracy : float or None
        Share of quiz answers that were right; None before the first answer.
    total_reviews, quiz_answered, cards_seen : int
        Totals.
    quiz_accuracy_by_kind : Mapping of str to float
        Quiz accuracy per question kind (e.g. ``typed``, ``predict``).
    """

    due_count: int
    new_today: int
    reviews_today: int
    streak_days: int
    reviewed_today: bool
    review_accuracy: float | None
    quiz_accuracy: float | None
    total_reviews: int
    quiz_answered: int
    cards_seen: int
    quiz_accuracy_by_kind: Mapping[str, float] = field(default_factory=dict)


def is_due(state: CardState, now: datetime) -> bool:
    """Whether a card already seen should be reviewed at ``now``.

    Same-day (re)learning steps are due at their exact time; cards scheduled in whole days
    are due from the start of their due day (in ``now``'s timezone). New cards are never
    "due": they are introduced under the daily new-card limit instead.
    """
    if state.is_new or state.due is None:
        return False
    if state.phase in ("learning", "relearning"):
        return state.due <= now
    return day_of(state.due, now.tzinfo) <= day_of(now, now.tzinfo)


def day_of(moment: datetime, zone: tzinfo | None) -> date:
    """Return the calendar day of ``moment`` in ``zone``."""
    return moment.astimezone(zone).date()


class ProgressStore:
    """Learner progress kept in ``<user data folder>/progress.json``.

    Parameters
    ----------
    path : path-like, optional
        The file to use; defaults to :func:`rnn_studio.storage.user_data_dir` / ``progress.json``.

    Attributes
    ----------
    path : Path
        The store's file.
    recovered_from : Path or None
        Where an unreadable file was moved when this store was opened, else None.
    warning : str or None
        A message for the learner when the file had to be recovered, else None.
    """

    _scheduler_name: str
    _new_cards_per_day: int
    _cards: dict[str, CardState]
    _log: list[ReviewLogEntry]
    _quiz: list[QuizRecord]

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else storage.user_data_dir() / FILE_NAME
        self.recovered_from: Path | None = None
        self.warning: str | None = None
        self._clear(DEFAULT_SCHEDULER, DEFAULT_NEW_CARDS_PER_DAY)
        if self.path.exists():
            self._load()

    # --- settings -----------------------------------------------------------------------
    @property
    def scheduler_name(self) -> str:
        """The chosen scheduler: "fsrs", "sm2" or "leitner"."""
        return self._scheduler_name

    @property
    def scheduler(self) -> Scheduler:
        """A scheduler instance for :attr:`scheduler_name`."""
        return make_scheduler(self._scheduler_name)

    def set_scheduler(self, name: str) -> None:
        """Switch scheduler and recompute every card by replaying its review log through it.

        Raises
        ------
        SchedulerError
            If ``name`` is not a known scheduler.
        """
        scheduler = make_scheduler(name)
        if name == self._scheduler_name:
            return
        states: dict[str, CardState] = {}
        for entry in self._log:
            before = states.get(entry.card_id, CardState.new(entry.card_id))
            states[entry.card_id], _ = scheduler.schedule(before, entry.grade, entry.reviewed_at)
        self._scheduler_name = name
        self._cards = states
        self.save()

    @property
    def new_cards_per_day(self) -> int:
        """How many unseen cards a review session introduces per day."""
        return self._new_cards_per_day

    def set_new_cards_per_day(self, count: int) -> None:
        """Set the daily new-card limit (0 to 9999) and save."""
        if isinstance(count, bool) or not isinstance(count, int):
            raise ProgressError(f"new cards per day: {count!r} is not a whole number")
        if not 0 <= count <= MAX_NEW_CARDS_PER_DAY:
            raise ProgressError(
                f"new cards per day: {count} is not between 0 and {MAX_NEW_CARDS_PER_DAY}"
            )
        self._new_cards_per_day = count
        self.save()

    # --- reading ------------------------------------------------------------------------
    def card_state(self, card_id: str) -> CardState:
        """Return the card's state (a new-card state if it was never reviewed)."""
        return self._cards.get(card_id) or CardState.new(card_id)

    @property
    def card_states(self) -> Mapping[str, CardState]:
        """Read-only view of every reviewed card's state, by card id."""
        return MappingProxyType(self._cards)

    @property
    def review_log(self) -> tuple[ReviewLogEntry, ...]:
        """Every review, oldest first."""
        return tuple(self._log)

    @property
    def quiz_results(self) -> tuple[QuizRecord, ...]:
        """Every quiz answer, oldest first."""
        return tuple(self._quiz)

    def new_introduced_on(self, day: date, zone: tzinfo | None) -> int:
        """How many cards had their first review on ``day`` (in ``zone``)."""
        return sum(
            1
            for entry in self._log
            if entry.phase_before == "new" and day_of(entry.reviewed_at, zone) == day
        )

    def reviews_per_day(self, now: datetime, days: int = 30) -> list[tuple[date, int]]:
        """Reviews on each of the last ``days`` days up to today, zeros included, oldest first."""
        check_aware("now", now)
        zone = now.tzinfo
        counts = Counter(day_of(entry.reviewed_at, zone) for entry in self._log)
        today = day_of(now, zone)
        return [
            (today - timedelta(days=back), counts.get(today - timedelta(days=back), 0))
            for back in range(days - 1, -1, -1)
        ]

    def stats(self, now: datetime, card_ids: Iterable[str] | None = None) -> ProgressStats:
        """Summarise progress at ``now``; ``card_ids`` limits the due count to one deck."""
        check_aware("now", now)
        zone = now.tzinfo
        today = day_of(now, zone)
        wanted = None if card_ids is None else set(card_ids)
        due = sum(
            1
            for card_id, state in self._cards.items()
            if (wanted is None or card_id in wanted) and is_due(state, now)
        )
        review_days = {day_of(entry.reviewed_at, zone) for entry in self._log}
        streak_end = today if today in review_days else today - timedelta(days=1)
        streak = 0
        while streak_end - timedelta(days=streak) in review_days:
            streak += 1
        passed = sum(1 for entry in self._log if entry.grade != Grade.AGAIN)
        right = sum(1 for record in self._quiz if record.correct)
        asked_by_kind = Counter(record.kind for record in self._quiz)
        right_by_kind = Counter(record.kind for record in self._quiz if record.correct)
        by_kind = {kind: right_by_kind[kind] / asked for kind, asked in asked_by_kind.items()}
        return ProgressStats(
            due_count=due,
            new_today=self.new_introduced_on(today, zone),
            reviews_today=sum(1 for e in self._log if day_of(e.reviewed_at, zone) == today),
            streak_days=streak,
            reviewed_today=today in review_days,
            review_accuracy=passed / len(self._log) if self._log else None,
            quiz_accuracy=right / len(self._quiz) if self._quiz else None,
            total_reviews=len(self._log),
            quiz_answered=len(self._quiz),
            cards_seen=len(self._cards),
            quiz_accuracy_by_kind=MappingProxyType(by_kind),
        )

    # --- writing ------------------------------------------------------------------------
    def record_review(self, state: CardState, entry: ReviewLogEntry) -> None:
        """Store a card's new state and its review log entry, and save."""
        if state.card_id != entry.card_id:
            raise ProgressError(
                f"review of {entry.card_id!r} cannot update the state of {state.card_id!r}"
            )
        self._cards[state.card_id] = state
        self._log.append(entry)
        self.save()

    def review(self, card_id: str, grade: int, now: datetime) -> CardState:
        """Grade ``card_id`` at ``now`` with the chosen scheduler, record it and save."""
        state, entry = self.scheduler.schedule(self.card_state(card_id), grade, now)
        self.record_review(state, entry)
        return state

    def record_quiz(self, kind: str, item_id: str, correct: bool, now: datetime) -> QuizRecord:
        """Store one quiz answer and save."""
        record = QuizRecord(str(kind), str(item_id), bool(correct), check_aware("now", now))
        self._quiz.append(record)
        self.save()
        return record

    def reset(self, *, confirm: bool = False) -> Path | None:
        """Forget every card state, review and quiz answer (settings are kept).

        Parameters
        ----------
        confirm : bool
            Must be True: the UI asks the learner first.

        Returns
        -------
        Path or None
            A copy of the file as it was before the reset, or None if nothing was saved yet.
        """
        if confirm is not True:
            raise ProgressError("reset needs confirm=True: ask the learner before erasing progress")
        backup = None
        if self.path.exists():
            stamp = time.strftime("%Y%m%d-%H%M%S")
            backup = self.path.with_name(f"{self.path.name}.before-reset-{stamp}")
            counter = 1
            while backup.exists():
                backup = self.path.with_name(f"{self.path.name}.before-reset-{stamp}-{counter}")
                counter += 1
            storage.atomic_write_bytes(backup, self.path.read_bytes())
        self._clear(self._scheduler_name, self._new_cards_per_day)
        self.save()
        return backup

    def save(self) -> None:
        """Write the store atomically.

        Raises
        ------
        ProgressError
            If the file cannot be written (the message names it and the reason).
        """
        data = {
            "schema_version": SCHEMA_VERSION,
            "scheduler": self._scheduler_name,
            "new_cards_per_day": self._new_cards_per_day,
            "cards": {card_id: state.to_dict() for card_id, state in self._cards.items()},
            "review_log": [entry.to_dict() for entry in self._log],
            "quiz_results": [record.to_dict() for record in self._quiz],
        }
        try:
            storage.atomic_write_json(self.path, data)
        except OSError as error:
            raise ProgressError(f"could not save progress to {self.path}: {error}") from error

    # --- loading ------------------------------------------------------------------------
    def _clear(self, scheduler_name: str, new_cards_per_day: int) -> None:
        self._scheduler_name = scheduler_name
        self._new_cards_per_day = new_cards_per_day
        self._cards = {}
        self._log = []
        self._quiz = []

    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self._recover(f"not UTF-8 text: {error.reason}")
            return
        except OSError as error:
            raise ProgressError(f"could not read progress from {self.path}: {error}") from error
        try:
            self._read(json.loads(text))
        except (ValueError, TypeError, KeyError) as error:  # JSON, schema and field errors
            self._recover(str(error))

    def _read(self, data: object) -> None:
        if not isinstance(data, dict):
            raise ProgressError("the file does not hold a JSON object")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ProgressError(
                f"schema_version {version!r} is not one this version of RNN Studio reads "
                f"({SCHEMA_VERSION})"
            )
        scheduler = data.get("scheduler")
        if scheduler not in SCHEDULERS:
            raise ProgressError(f"scheduler: {scheduler!r} is not one of {', '.join(SCHEDULERS)}")
        limit = data.get("new_cards_per_day")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ProgressError(f"new_cards_per_day: {limit!r} is not a whole number >= 0")
        cards, log, quiz = data.get("cards"), data.get("review_log"), data.get("quiz_results")
        if not isinstance(cards, dict):
            raise ProgressError("cards: not a JSON object")
        if not isinstance(log, list) or not isinstance(quiz, list):
            raise ProgressError("review_log and quiz_results must be JSON lists")
        states = {}
        for card_id, value in cards.items():
            state = CardState.from_dict(value)
            if state.card_id != card_id:
                raise SchedulerError(f"cards: entry {card_id!r} holds card {state.card_id!r}")
            states[card_id] = state
        self._scheduler_name = scheduler
        self._new_cards_per_day = min(limit, MAX_NEW_CARDS_PER_DAY)
        self._cards = states
        self._log = [ReviewLogEntry.from_dict(entry) for entry in log]
        self._quiz = [QuizRecord.from_dict(record) for record in quiz]

    def _recover(self, reason: str) -> None:
        self._clear(DEFAULT_SCHEDULER, DEFAULT_NEW_CARDS_PER_DAY)
        self.recovered_from = storage.backup_corrupt(self.path)
        self.warning = (
            f"Your progress file could not be read ({reason}). It was kept as "
            f"{self.recovered_from.name} in {self.recovered_from.parent} and a fresh record "
            "of your progress was started."
        )
