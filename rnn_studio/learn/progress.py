"""The learner's progress: card states, review log, quiz answers and settings, in SQLite.

Why SQLite (from the standard library) and not one JSON file: two copies of the app on one
data folder (two windows, a shared classroom account) each rewrote the whole JSON file from
memory, so one copy's reviews overwrote the other's (83 reviews made, 40 on disk), and each
answer rewrote the whole file (440 ms at 10,000 reviews). Now every answer is one small
transaction (an ``INSERT`` into the review log and an ``UPSERT`` of the card's state) in a
database in WAL mode, as Anki does: O(1) per answer, safe for several processes, and a copy
that was open while another one reviewed picks the other's reviews up before its next
answer (``PRAGMA data_version`` tells it something changed).

An older ``progress.json`` is migrated once, record by record, and kept as
``progress.json.migrated-<time>``. A record that cannot be read (a hand-edited file, a bad
row) is set aside on its own in ``progress.rejected-<time>.json``; every other record is
kept, and :attr:`ProgressStore.warning` says how many were set aside. A file that is not a
database at all is moved aside with :func:`rnn_studio.storage.backup_corrupt` and a fresh
store is started. Nothing is lost silently.

Days (for "due today", "new today", streaks and reviews per day) are calendar days in the
timezone of the ``now`` passed in; the app passes local time.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rnn_studio import storage
from rnn_studio.atomic_files import unused_name
from rnn_studio.learn.scheduler import (
    DEFAULT_SCHEDULER,
    SCHEDULER_NAMES,
    CardState,
    Grade,
    ReviewLogEntry,
    Scheduler,
    SchedulerError,
    make_scheduler,
)
from rnn_studio.learn.scheduler.base import check_aware, parse_moment
from rnn_studio.safe_read import BadJSONError, ReadRefusedError, loads_json, read_text_file

SCHEMA_VERSION = 1
FILE_NAME = "progress.sqlite3"
#: The JSON file of RNN Studio 0.1 (migrated once, then kept as a backup).
LEGACY_FILE_NAME = "progress.json"
DEFAULT_NEW_CARDS_PER_DAY = 10
MAX_NEW_CARDS_PER_DAY = 9999
#: Largest legacy progress file read for migration.
MAX_LEGACY_BYTES = 256 * 1024 * 1024
#: Milliseconds a write waits for another window's write to finish.
BUSY_TIMEOUT_MS = 10_000


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
    """Learner progress kept in ``<user data folder>/progress.sqlite3``.

    Parameters
    ----------
    path : path-like, optional
        The database; defaults to :func:`rnn_studio.storage.user_data_dir` /
        ``progress.sqlite3``. A path ending in ``.json`` names the old JSON file: the
        database is then the same name with ``.sqlite3``, and the JSON file is migrated.

    Attributes
    ----------
    path : Path
        The store's database file.
    legacy_path : Path
        Where an old ``progress.json`` is looked for (and migrated from).
    recovered_from : Path or None
        Where an unreadable file was moved when this store was opened, else None.
    set_aside : Path or None
        The file holding records that could not be read, when there were any.
    warning : str or None
        A message for the learner when something had to be recovered, else None.
    """

    _scheduler_name: str
    _new_cards_per_day: int
    _cards: dict[str, CardState]
    _log: list[ReviewLogEntry]
    _quiz: list[QuizRecord]
    _review_id: int
    _quiz_id: int
    _generation: int

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        given = Path(path) if path is not None else storage.user_data_dir() / FILE_NAME
        if given.suffix == ".json":
            self.path, self.legacy_path = given.with_suffix(".sqlite3"), given
        else:
            self.path, self.legacy_path = given, given.with_name(LEGACY_FILE_NAME)
        self.recovered_from: Path | None = None
        self.set_aside: Path | None = None
        self.warning: str | None = None
        self._notes: list[str] = []
        self._connection: sqlite3.Connection | None = None
        self._depth = 0
        self._pending: list[Any] = []  # saved in memory only, after a failed write
        self._clear(DEFAULT_SCHEDULER, DEFAULT_NEW_CARDS_PER_DAY)
        try:
            self._open()
        except (ProgressError, OSError, sqlite3.Error) as problem:
            self.close()
            self._notes.append(f"Your progress cannot be saved for now ({problem}).")
        self.warning = " ".join(self._notes) or None

    # --- settings -----------------------------------------------------------------------
    @property
    def scheduler_name(self) -> str:
        """The chosen scheduler: "fsrs", "sm2" or "leitner"."""
        self._sync()
        return self._scheduler_name

    @property
    def scheduler(self) -> Scheduler:
        """A scheduler instance for :attr:`scheduler_name`."""
        return make_scheduler(self.scheduler_name)

    def set_scheduler(self, name: str) -> None:
        """Switch scheduler and recompute every card by replaying its review log through it.

        Raises
        ------
        SchedulerError
            If ``name`` is not a known scheduler.
        """
        scheduler = make_scheduler(name)
        if name == self.scheduler_name:
            return
        with self._writing() as db:
            states: dict[str, CardState] = {}
            for entry in self._log:
                before = states.get(entry.card_id, CardState.new(entry.card_id))
                states[entry.card_id], _ = scheduler.schedule(
                    before, entry.grade, entry.reviewed_at
                )
            db.execute("DELETE FROM cards")
            db.executemany(
                "INSERT INTO cards (card_id, state) VALUES (?, ?)",
                [(key, _dump(state.to_dict())) for key, state in states.items()],
            )
            _set_meta(db, "scheduler", name)
        self._scheduler_name = name
        self._cards = states

    @property
    def new_cards_per_day(self) -> int:
        """How many unseen cards a review session introduces per day."""
        self._sync()
        return self._new_cards_per_day

    def set_new_cards_per_day(self, count: int) -> None:
        """Set the daily new-card limit (0 to 9999) and save."""
        if isinstance(count, bool) or not isinstance(count, int):
            raise ProgressError(f"new cards per day: {count!r} is not a whole number")
        if not 0 <= count <= MAX_NEW_CARDS_PER_DAY:
            raise ProgressError(
                f"new cards per day: {count} is not between 0 and {MAX_NEW_CARDS_PER_DAY}"
            )
        with self._writing() as db:
            _set_meta(db, "new_cards_per_day", str(count))
        self._new_cards_per_day = count

    # --- reading ------------------------------------------------------------------------
    def card_state(self, card_id: str) -> CardState:
        """Return the card's state (a new-card state if it was never reviewed)."""
        self._sync()
        return self._cards.get(card_id) or CardState.new(card_id)

    @property
    def card_states(self) -> Mapping[str, CardState]:
        """Read-only view of every reviewed card's state, by card id."""
        self._sync()
        return MappingProxyType(self._cards)

    @property
    def review_log(self) -> tuple[ReviewLogEntry, ...]:
        """Every review, oldest first."""
        self._sync()
        return tuple(self._log)

    @property
    def quiz_results(self) -> tuple[QuizRecord, ...]:
        """Every quiz answer, oldest first."""
        self._sync()
        return tuple(self._quiz)

    def new_introduced_on(self, day: date, zone: tzinfo | None) -> int:
        """How many cards had their first review on ``day`` (in ``zone``)."""
        self._sync()
        return sum(
            1
            for entry in self._log
            if entry.phase_before == "new" and day_of(entry.reviewed_at, zone) == day
        )

    def reviews_per_day(self, now: datetime, days: int = 30) -> list[tuple[date, int]]:
        """Reviews on each of the last ``days`` days up to today, zeros included, oldest first."""
        check_aware("now", now)
        self._sync()
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
        self._sync()
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
        """Store a card's new state and its review log entry (one small transaction).

        If the database cannot be written (a full disk), the review is kept in memory, the
        :class:`ProgressError` is raised for the UI to report, and the review is written
        with the next successful save.
        """
        if state.card_id != entry.card_id:
            raise ProgressError(
                f"review of {entry.card_id!r} cannot update the state of {state.card_id!r}"
            )
        try:
            with self._writing() as db:
                self._insert_review(db, state, entry)
        except ProgressError:
            self._remember(state, entry, pending=True)
            raise
        self._remember(state, entry)

    def review(self, card_id: str, grade: int, now: datetime) -> CardState:
        """Grade ``card_id`` at ``now`` with the chosen scheduler, record it and save.

        The card's state is read inside the write transaction, after any reviews another
        window saved, so two windows grading the same card both count.
        """
        try:
            with self._writing() as db:
                state, entry = self.scheduler.schedule(self.card_state(card_id), grade, now)
                self._insert_review(db, state, entry)
        except ProgressError:
            state, entry = self.scheduler.schedule(self.card_state(card_id), grade, now)
            self._remember(state, entry, pending=True)
            raise
        self._remember(state, entry)
        return state

    def _remember(self, state: CardState, entry: ReviewLogEntry, pending: bool = False) -> None:
        """Keep a review in memory (``pending``: not on disk yet, written with the next save)."""
        if pending:
            self._pending.append((state, entry))
        self._cards[state.card_id] = state
        self._log.append(entry)

    def record_quiz(self, kind: str, item_id: str, correct: bool, now: datetime) -> QuizRecord:
        """Store one quiz answer and save (kept in memory until a save works, as reviews)."""
        record = QuizRecord(str(kind), str(item_id), bool(correct), check_aware("now", now))
        try:
            with self._writing() as db:
                self._insert_quiz(db, record)
        except ProgressError:
            self._pending.append(record)
            self._quiz.append(record)
            raise
        self._quiz.append(record)
        return record

    def _insert_review(
        self, db: sqlite3.Connection, state: CardState, entry: ReviewLogEntry
    ) -> None:
        cursor = db.execute(
            "INSERT INTO reviews (card_id, entry) VALUES (?, ?)",
            (entry.card_id, _dump(entry.to_dict())),
        )
        db.execute(
            "INSERT INTO cards (card_id, state) VALUES (?, ?) "
            "ON CONFLICT (card_id) DO UPDATE SET state = excluded.state",
            (state.card_id, _dump(state.to_dict())),
        )
        self._review_id = int(cursor.lastrowid or self._review_id)

    def _insert_quiz(self, db: sqlite3.Connection, record: QuizRecord) -> None:
        cursor = db.execute("INSERT INTO quiz (record) VALUES (?)", (_dump(record.to_dict()),))
        self._quiz_id = int(cursor.lastrowid or self._quiz_id)

    def _flush_pending(self, db: sqlite3.Connection) -> None:
        """Write what a failed save kept in memory (inside the current transaction)."""
        for item in self._pending:
            if isinstance(item, QuizRecord):
                self._insert_quiz(db, item)
            else:
                self._insert_review(db, *item)

    def reset(self, *, confirm: bool = False) -> Path | None:
        """Forget every card state, review and quiz answer (settings are kept).

        Parameters
        ----------
        confirm : bool
            Must be True: the UI asks the learner first.

        Returns
        -------
        Path or None
            A JSON copy of the progress as it was before the reset
            (``progress.json.before-reset-<time>``), or None if there was nothing to keep.
        """
        if confirm is not True:
            raise ProgressError("reset needs confirm=True: ask the learner before erasing progress")
        backup = None
        with self._writing() as db:
            if self._log or self._quiz or self._cards:
                backup = unused_name(self.path.with_name(f"{self.path.stem}.json"), "before-reset")
                storage.atomic_write_json(backup, self.to_json_data(), private=True)
            db.execute("DELETE FROM cards")
            db.execute("DELETE FROM reviews")
            db.execute("DELETE FROM quiz")
            self._generation += 1
            _set_meta(db, "generation", str(self._generation))
        self._cards, self._log, self._quiz = {}, [], []
        return backup

    def save(self) -> None:
        """Make sure the store is on disk (every change is already saved when it is made).

        Raises
        ------
        ProgressError
            If the database cannot be opened or written (the message names it and why).
        """
        with self._writing() as db:
            _set_meta(db, "scheduler", self._scheduler_name)
            _set_meta(db, "new_cards_per_day", str(self._new_cards_per_day))

    def to_json_data(self) -> dict[str, Any]:
        """The whole store as JSON-ready data in the format of the old ``progress.json``."""
        return {
            "schema_version": SCHEMA_VERSION,
            "scheduler": self._scheduler_name,
            "new_cards_per_day": self._new_cards_per_day,
            "cards": {card_id: state.to_dict() for card_id, state in self._cards.items()},
            "review_log": [entry.to_dict() for entry in self._log],
            "quiz_results": [record.to_dict() for record in self._quiz],
        }

    def close(self) -> None:
        """Close the database (the store reopens it if it is used again)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # --- the database -------------------------------------------------------------------
    def _clear(self, scheduler_name: str, new_cards_per_day: int) -> None:
        self._scheduler_name = scheduler_name
        self._new_cards_per_day = new_cards_per_day
        self._cards = {}
        self._log = []
        self._quiz = []
        self._review_id = 0
        self._quiz_id = 0
        self._generation = 0
        self._data_version: int | None = None

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise ProgressError(f"could not save progress to {self.path}: {error}") from None
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
            db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> None:
        try:
            db = self._connect()
        except sqlite3.DatabaseError as error:  # not a database, or a damaged one
            self._move_aside_database(str(error))
            db = self._connect()
        self._connection = db
        try:
            self._reload()
            if self.legacy_path.is_file() or self.legacy_path.is_symlink():
                self._migrate_legacy()
        except sqlite3.DatabaseError as error:
            self.close()
            self._move_aside_database(str(error))
            self._connection = self._connect()
            self._reload()

    def _move_aside_database(self, reason: str) -> None:
        self._clear(DEFAULT_SCHEDULER, DEFAULT_NEW_CARDS_PER_DAY)
        self.recovered_from = storage.backup_corrupt(self.path)
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self._notes.append(
            f"Your progress file could not be read ({reason}). It was kept as "
            f"{self.recovered_from.name} in {self.recovered_from.parent} and a fresh record "
            "of your progress was started."
        )

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (nested calls join the outer one); other windows wait."""
        if self._connection is None:
            try:
                self._connection = self._connect()
            except sqlite3.DatabaseError as error:
                raise ProgressError(f"could not save progress to {self.path}: {error}") from None
        db = self._connection
        if self._depth:
            self._depth += 1
            try:
                yield db
            finally:
                self._depth -= 1
            return
        try:
            self._begin(db)
        except sqlite3.Error as error:
            raise ProgressError(f"could not save progress to {self.path}: {error}") from None
        self._depth = 1
        pending = len(self._pending)
        try:
            self._sync(force=True)
            if pending:
                self._flush_pending(db)
            yield db
            db.execute("COMMIT")
            del self._pending[:pending]
        except BaseException as error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            self._data_version = None  # re-read: the memory may now be ahead of the file
            if isinstance(error, sqlite3.Error):
                raise ProgressError(f"could not save progress to {self.path}: {error}") from None
            raise
        finally:
            self._depth = 0
        self._data_version = self._read_data_version()

    @staticmethod
    def _begin(db: sqlite3.Connection) -> None:
        """Start a write transaction (waits up to the busy timeout for another window)."""
        db.execute("BEGIN IMMEDIATE")

    def _read_data_version(self) -> int | None:
        if self._connection is None:
            return None
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def _sync(self, force: bool = False) -> None:
        """Pick up what other windows saved since this store last looked (cheap when nothing)."""
        if self._connection is None or (self._depth and not force):
            return
        try:
            version = self._read_data_version()
            if version == self._data_version and not force:
                return
            self._reload(incremental=True)
            self._data_version = version
        except sqlite3.Error:
            return  # keep what is in memory; the next write reports the problem

    def _reload(self, incremental: bool = False) -> None:
        db = self._connection
        assert db is not None
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        generation = _whole(meta.get("generation"), 0)
        if generation != self._generation or not incremental:
            self._cards, self._log, self._quiz = {}, [], []
            self._review_id = self._quiz_id = 0
            self._generation = generation
        scheduler = meta.get("scheduler", DEFAULT_SCHEDULER)
        self._scheduler_name = scheduler if scheduler in SCHEDULER_NAMES else DEFAULT_SCHEDULER
        limit = _whole(meta.get("new_cards_per_day"), DEFAULT_NEW_CARDS_PER_DAY)
        self._new_cards_per_day = min(max(limit, 0), MAX_NEW_CARDS_PER_DAY)
        bad: list[dict[str, Any]] = []
        cards = {}
        for card_id, text in db.execute("SELECT card_id, state FROM cards"):
            try:
                state = CardState.from_dict(loads_json(text, "card state"))
                if state.card_id != card_id:
                    raise ProgressError(f"entry {card_id!r} holds card {state.card_id!r}")
                cards[card_id] = state
            except (ValueError, TypeError) as problem:
                bad.append(_rejected("cards", card_id, problem, text))
        for item in self._pending:  # newer than the file until they are written
            if not isinstance(item, QuizRecord):
                cards[item[0].card_id] = item[0]
        self._cards = cards
        rows = db.execute(
            "SELECT id, entry FROM reviews WHERE id > ? ORDER BY id", (self._review_id,)
        )
        for row_id, text in rows:
            self._review_id = row_id
            try:
                self._log.append(ReviewLogEntry.from_dict(loads_json(text, "review")))
            except (ValueError, TypeError) as problem:
                bad.append(_rejected("reviews", row_id, problem, text))
        rows = db.execute("SELECT id, record FROM quiz WHERE id > ? ORDER BY id", (self._quiz_id,))
        for row_id, text in rows:
            self._quiz_id = row_id
            try:
                self._quiz.append(QuizRecord.from_dict(loads_json(text, "quiz result")))
            except (ValueError, TypeError) as problem:
                bad.append(_rejected("quiz", row_id, problem, text))
        if bad:
            self._set_aside_rows(bad)

    def _set_aside_rows(self, bad: list[dict[str, Any]]) -> None:
        """Move unreadable rows out of the database into a JSON file, and say so."""
        self._keep_rejected(bad)
        db = self._connection
        assert db is not None
        column = {"cards": "card_id", "reviews": "id", "quiz": "id"}
        with contextlib.suppress(sqlite3.Error):
            for row in bad:
                table = row["table"]
                db.execute(f"DELETE FROM {table} WHERE {column[table]} = ?", (row["key"],))

    def _keep_rejected(self, bad: list[dict[str, Any]]) -> None:
        target = unused_name(self.path.with_name(f"{self.path.stem}.rejected.json"), "at")
        storage.atomic_write_json(target, {"set_aside": bad}, private=True)
        self.set_aside = target
        count = len(bad)
        self._notes.append(
            f"{count} progress record{'s' if count != 1 else ''} could not be read and "
            f"{'were' if count != 1 else 'was'} set aside in {target.name}; "
            "everything else was kept."
        )

    # --- migration from progress.json ---------------------------------------------------
    def _migrate_legacy(self) -> None:
        """Copy a ``progress.json`` into the database once, record by record, and keep it."""
        with self._writing() as db:
            if not self.legacy_path.exists():
                return  # another window migrated it a moment ago
            try:
                data = loads_json(read_text_file(self.legacy_path, MAX_LEGACY_BYTES), "progress")
                document = _check_legacy_header(data)
            except (BadJSONError, ReadRefusedError, ProgressError) as problem:
                self.recovered_from = storage.backup_corrupt(self.legacy_path)
                self._notes.append(
                    f"Your progress file could not be read ({problem}). It was kept as "
                    f"{self.recovered_from.name} in {self.recovered_from.parent} and a fresh "
                    "record of your progress was started."
                )
                return
            except OSError as error:
                message = f"could not read progress from {self.legacy_path}: {error}"
                raise ProgressError(message) from None
            bad: list[dict[str, Any]] = []
            cards = document["cards"] if isinstance(document["cards"], dict) else {}
            for card_id, value in cards.items():
                try:
                    state = CardState.from_dict(value)
                    if state.card_id != card_id:
                        raise SchedulerError(
                            f"cards: entry {card_id!r} holds card {state.card_id!r}"
                        )
                    db.execute(
                        "INSERT OR REPLACE INTO cards (card_id, state) VALUES (?, ?)",
                        (card_id, _dump(state.to_dict())),
                    )
                except (ValueError, TypeError) as problem:
                    bad.append(_rejected("cards", card_id, problem, value))
            for index, value in enumerate(_as_list(document["review_log"])):
                try:
                    entry = ReviewLogEntry.from_dict(value)
                    db.execute(
                        "INSERT INTO reviews (card_id, entry) VALUES (?, ?)",
                        (entry.card_id, _dump(entry.to_dict())),
                    )
                except (ValueError, TypeError) as problem:
                    bad.append(_rejected("reviews", index, problem, value))
            for index, value in enumerate(_as_list(document["quiz_results"])):
                try:
                    record = QuizRecord.from_dict(value)
                    db.execute("INSERT INTO quiz (record) VALUES (?)", (_dump(record.to_dict()),))
                except (ValueError, TypeError) as problem:
                    bad.append(_rejected("quiz", index, problem, value))
            for key, value in document["settings"].items():
                _set_meta(db, key, value)
            if bad:
                self._keep_rejected(bad)
            os.replace(self.legacy_path, unused_name(self.legacy_path, "migrated"))
        self._reload()


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cards (card_id TEXT PRIMARY KEY, state TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS reviews "
    "(id INTEGER PRIMARY KEY AUTOINCREMENT, card_id TEXT NOT NULL, entry TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS quiz (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)",
)


def _check_legacy_header(data: object) -> dict[str, Any]:
    """The parts of an old ``progress.json``; a bad header refuses the whole file."""
    if not isinstance(data, dict):
        raise ProgressError("the file does not hold a JSON object")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ProgressError(
            f"schema_version {version!r} is not one this version of RNN Studio reads "
            f"({SCHEMA_VERSION})"
        )
    settings = {}
    scheduler = data.get("scheduler")
    if scheduler in SCHEDULER_NAMES:
        settings["scheduler"] = scheduler
    limit = data.get("new_cards_per_day")
    if not isinstance(limit, bool) and isinstance(limit, int) and limit >= 0:
        settings["new_cards_per_day"] = str(min(limit, MAX_NEW_CARDS_PER_DAY))
    return {
        "settings": settings,
        "cards": data.get("cards", {}),
        "review_log": data.get("review_log", []),
        "quiz_results": data.get("quiz_results", []),
    }


def _rejected(table: str, key: object, problem: Exception, data: object) -> dict[str, Any]:
    return {"table": table, "key": key, "reason": str(problem), "data": data}


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _whole(text: object, default: int) -> int:
    try:
        return int(str(text)) if text is not None and len(str(text)) < 20 else default
    except ValueError:
        return default


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )
