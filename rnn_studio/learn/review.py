"""A flashcard review session: which card comes next, reveal, grade, and the due counts.

The session is Qt-free and keeps no state of its own beyond the card on screen: every grade
goes straight to the :class:`~rnn_studio.learn.progress.ProgressStore`, so closing the app
and opening a new session on the same folder carries on where the learner stopped.

Order of cards: (re)learning steps that are due, then reviews due today (oldest due first),
then unseen cards in deck order up to the daily new-card limit. A card on a learning step is
never shown before its step is over: a card graded "Good (10m)" waits ten minutes (the view
shows it again when it comes due), so the counts (:meth:`ReviewSession.counts`) always cover
the card on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rnn_studio.learn.progress import ProgressStore, day_of, is_due
from rnn_studio.learn.scheduler import CardState, Grade, ReviewLogEntry, to_grade
from rnn_studio.learn.scheduler.base import check_aware


class ReviewError(ValueError):
    """A review action that does not fit the session's state; the message says why."""


@dataclass(frozen=True)
class QueueCounts:
    """The three numbers a review screen shows.

    Attributes
    ----------
    new : int
        Unseen cards still allowed today.
    learning : int
        Cards on same-day steps that are due now.
    review : int
        Cards due for review today.
    """

    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        """Everything that can be reviewed now."""
        return self.new + self.learning + self.review


def local_now() -> datetime:
    """The current local time, timezone-aware (the default clock)."""
    return datetime.now().astimezone()


def card_id_of(card: object) -> str:
    """Return a card's id: the card itself if it is a string, else its ``id`` attribute/key."""
    if isinstance(card, str):
        card_id: Any = card
    elif isinstance(card, dict):
        card_id = card.get("id")
    else:
        card_id = getattr(card, "id", None)
    if not isinstance(card_id, str) or not card_id:
        raise ReviewError(f"card {card!r} has no text id")
    return card_id


class ReviewSession:
    """Review the cards of one deck.

    Parameters
    ----------
    cards : iterable
        The deck in the order new cards are introduced: card objects with an ``id``
        attribute (e.g. ``Flashcard``), dicts with an ``"id"`` key, or plain id strings.
    store : ProgressStore
        Where states and the review log are kept (and which scheduler to use).
    clock : callable returning an aware datetime, optional
        "Now"; tests inject a fake clock. Defaults to local time.
    """

    def __init__(
        self,
        cards: Iterable[object],
        store: ProgressStore,
        *,
        clock: Callable[[], datetime] = local_now,
    ) -> None:
        self._cards: dict[str, object] = {}
        for card in cards:
            card_id = card_id_of(card)
            if card_id in self._cards:
                raise ReviewError(f"card id {card_id!r} appears twice in the deck")
            self._cards[card_id] = card
        self.store = store
        self._clock = clock
        self._current: str | None = None
        self._revealed = False
        self.refresh()

    # --- what is on screen --------------------------------------------------------------
    @property
    def current(self) -> object | None:
        """The card to show (as given in ``cards``), or None when the session is done."""
        return None if self._current is None else self._cards[self._current]

    @property
    def current_id(self) -> str | None:
        """The id of :attr:`current`."""
        return self._current

    @property
    def current_state(self) -> CardState | None:
        """The scheduling state of :attr:`current`."""
        return None if self._current is None else self.store.card_state(self._current)

    @property
    def revealed(self) -> bool:
        """Whether the back of the current card is showing."""
        return self._revealed

    @property
    def finished(self) -> bool:
        """True when nothing is left to review now."""
        return self._current is None

    def reveal(self) -> None:
        """Show the back of the current card."""
        if self._current is None:
            raise ReviewError("there is no card to reveal: the session is finished")
        self._revealed = True

    def grade(self, grade: int) -> ReviewLogEntry:
        """Grade the revealed card (1 Again, 2 Hard, 3 Good, 4 Easy), save, move to the next.

        Raises
        ------
        ReviewError
            If no card is showing or its answer has not been revealed yet.
        SchedulerError
            If ``grade`` is not 1-4.
        """
        grade = to_grade(grade)
        if self._current is None:
            raise ReviewError("there is no card to grade: the session is finished")
        if not self._revealed:
            raise ReviewError("reveal the answer before grading the card")
        state, entry = self.store.scheduler.schedule(
            self.store.card_state(self._current), grade, self._now()
        )
        self.store.record_review(state, entry)
        self.refresh()
        return entry

    def preview(self) -> dict[Grade, timedelta]:
        """The wait each grade would give the current card (for the button labels)."""
        if self._current is None:
            return {}
        return self.store.scheduler.preview(self.store.card_state(self._current), self._now())

    # --- queue --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Pick the next card again (after the clock moved or the settings changed)."""
        self._current = self._pick()
        self._revealed = False

    def counts(self) -> QueueCounts:
        """How many new, learning and review cards are available now."""
        now = self._now()
        learning = review = 0
        for state in self._seen_states():
            if is_due(state, now):
                if state.phase == "review":
                    review += 1
                else:
                    learning += 1
        return QueueCounts(new=len(self._new_ids_allowed(now)), learning=learning, review=review)

    @property
    def due_count(self) -> int:
        """Cards already seen that are due now (learning and review)."""
        counts = self.counts()
        return counts.learning + counts.review

    @property
    def new_remaining_today(self) -> int:
        """Unseen cards still allowed today under the new-card limit."""
        return len(self._new_ids_allowed(self._now()))

    def next_due(self) -> datetime | None:
        """When the soonest card that is not due yet comes due (None if none is waiting)."""
        now = self._now()
        waiting = [s.due for s in self._seen_states() if s.due is not None and not is_due(s, now)]
        return min(waiting, default=None)

    def _pick(self) -> str | None:
        now = self._now()
        states = self._seen_states()
        learning = sorted(
            (s for s in states if s.phase != "review" and is_due(s, now)), key=_due_key
        )
        if learning:
            return learning[0].card_id
        reviews = sorted(
            (s for s in states if s.phase == "review" and is_due(s, now)), key=_due_key
        )
        if reviews:
            return reviews[0].card_id
        new_ids = self._new_ids_allowed(now)
        return new_ids[0] if new_ids else None

    def _seen_states(self) -> list[CardState]:
        states = (self.store.card_state(card_id) for card_id in self._cards)
        return [state for state in states if not state.is_new]

    def _new_ids_allowed(self, now: datetime) -> Sequence[str]:
        introduced = self.store.new_introduced_on(day_of(now, now.tzinfo), now.tzinfo)
        allowed = max(self.store.new_cards_per_day - introduced, 0)
        unseen = [card_id for card_id in self._cards if self.store.card_state(card_id).is_new]
        return unseen[:allowed]

    def _now(self) -> datetime:
        return check_aware("clock()", self._clock())


def _due_key(state: CardState) -> datetime:
    assert state.due is not None
    return state.due
