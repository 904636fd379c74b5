"""FSRS-6, the Free Spaced Repetition Scheduler, written out from its published formulas.

Memory is modelled by two numbers per card: *stability* S (days until recall probability
falls to 90 %) and *difficulty* D in [1, 10]. Each grade updates both; the next interval is
the wait after which predicted recall equals the desired retention. New and forgotten cards
first go through short same-day steps, as the reference ``fsrs`` package (v6) does. The
default weights are that package's defaults; ``tests/learn/test_scheduler_fsrs.py`` checks
this module against the package and against values worked out by hand.

Why not wrap the ``fsrs`` package (a test-only dependency) instead: not for start-up time or
the offline installers (it is pure Python and imports in about 5 ms), but because

- its fuzzing draws from the global ``random`` module, so a fuzzed schedule cannot repeat;
  ours seeds the spread with the card id and review count (no global random state), and
  with fuzzing off the two agree in the tests (stability and difficulty to a relative
  1e-9, the same due dates, on random review histories);
- its ``Card`` has its own data model (an integer id taken from the clock, and a 1 ms
  ``time.sleep`` per card created without one) and its own JSON, while every scheduler here
  (FSRS, SM-2, Leitner) shares :class:`CardState`, ``preview`` and the progress file's
  schema: an adapter both ways would be about as long as the formulas below;
- its API changed incompatibly at each major version (v4 ``FSRS``, v5 ``Scheduler``, v6 with
  21 weights and a learnable decay), and a learner's saved progress must outlive those.

Notes
-----
With weights w_0..w_20, grade G in {1, 2, 3, 4}, decay d = w_20 and
F = 0.9^(-1/d) - 1 (so that R(S, S) = 0.9):

- retrievability after t whole days:  R(t, S) = (1 + F t / S)^(-d)
- interval for desired retention r:   I(S) = S / F * (r^(-1/d) - 1), rounded, 1 <= I <= 36500
- first review:                       S_0(G) = w_{G-1};  D_0(G) = w_4 - e^{w_5 (G-1)} + 1
- difficulty update:                  ΔD = -w_6 (G - 3);  D' = D + ΔD (10 - D) / 9;
                                      D'' = w_7 D_0(4) + (1 - w_7) D'   (clamped to [1, 10])
- recall (G >= 2), S grows:           S' = S (1 + e^{w_8} (11 - D) S^{-w_9}
                                      (e^{w_10 (1 - R)} - 1) · h · b),
                                      h = w_15 if Hard else 1, b = w_16 if Easy else 1
- forgetting (G = 1):                 S' = min(w_11 D^{-w_12} ((S + 1)^{w_13} - 1)
                                      e^{w_14 (1 - R)},  S / e^{w_17 w_18})
- same-day review (t < 1 day):        S' = S e^{w_17 (G - 3 + w_18)} S^{-w_19},
                                      with the factor at least 1 when G >= 2
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
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

DEFAULT_WEIGHTS: tuple[float, ...] = (
    0.212,
    1.2931,
    2.3065,
    8.2956,
    6.4133,
    0.8334,
    3.0194,
    0.001,
    1.8722,
    0.1666,
    0.796,
    1.4835,
    0.0614,
    0.2629,
    1.6483,
    0.6014,
    1.8729,
    0.5425,
    0.0912,
    0.0658,
    0.1542,
)
STABILITY_MIN = 0.001
DIFFICULTY_MIN = 1.0
DIFFICULTY_MAX = 10.0
# (start, end, factor): the interval's random spread grows by `factor` per day in each range.
FUZZ_RANGES = ((2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, math.inf, 0.05))


@dataclass(frozen=True)
class FSRSScheduler:
    """FSRS-6 with learning steps; pure and deterministic.

    Parameters
    ----------
    weights : sequence of 21 floats
        The model weights w_0..w_20 (defaults: the ``fsrs`` package's).
    desired_retention : float
        Target probability of recall when a card comes due, in (0, 1).
    learning_steps, relearning_steps : tuple of timedelta
        Same-day waits for new cards and for cards forgotten in review.
    maximum_interval : int
        Longest interval in days.
    fuzz : bool
        Spread review intervals of 3 days or more by a few days (as the package does) so cards
        learnt together do not stay bunched. The spread is drawn from a generator seeded with
        the card id and review count, so the same history always gives the same schedule.
    """

    weights: tuple[float, ...] = DEFAULT_WEIGHTS
    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500
    fuzz: bool = False
    name: str = field(default="fsrs", init=False)

    def __post_init__(self) -> None:
        weights = tuple(float(w) for w in self.weights)
        if len(weights) != len(DEFAULT_WEIGHTS):
            raise SchedulerError(f"weights: expected {len(DEFAULT_WEIGHTS)}, got {len(weights)}")
        if not all(math.isfinite(w) for w in weights) or weights[20] <= 0:
            raise SchedulerError("weights: must be finite, with a positive decay w_20")
        object.__setattr__(self, "weights", weights)
        if not 0.0 < self.desired_retention < 1.0:
            raise SchedulerError(
                f"desired_retention: {self.desired_retention!r} is not between 0 and 1"
            )
        if not isinstance(self.maximum_interval, int) or self.maximum_interval < 1:
            raise SchedulerError(f"maximum_interval: {self.maximum_interval!r} is not >= 1 day")

    # --- the model ----------------------------------------------------------------------
    @property
    def decay(self) -> float:
        """The forgetting-curve exponent d = w_20."""
        return self.weights[20]

    @property
    def factor(self) -> float:
        """F = 0.9^(-1/d) - 1, chosen so that recall probability is 0.9 after S days."""
        return 0.9 ** (-1.0 / self.decay) - 1.0

    def retrievability(self, elapsed_days: float, stability: float) -> float:
        """R(t, S) = (1 + F t / S)^(-d): predicted probability of recall after t days."""
        return (1.0 + self.factor * elapsed_days / stability) ** (-self.decay)

    def next_interval(self, stability: float) -> int:
        """I(S) = S / F (r^(-1/d) - 1) in whole days, between 1 and the maximum."""
        raw = stability / self.factor * (self.desired_retention ** (-1.0 / self.decay) - 1.0)
        return min(max(round(raw), 1), self.maximum_interval)

    def initial_stability(self, grade: Grade) -> float:
        """S_0(G) = w_{G-1}."""
        return max(self.weights[grade - 1], STABILITY_MIN)

    def initial_difficulty(self, grade: Grade, clamp: bool = True) -> float:
        """D_0(G) = w_4 - e^{w_5 (G - 1)} + 1."""
        w = self.weights
        value = w[4] - math.exp(w[5] * (grade - 1)) + 1.0
        return _clamp_difficulty(value) if clamp else value

    def next_difficulty(self, difficulty: float, grade: Grade) -> float:
        """Linear damping towards 10, then mean reversion towards D_0(Easy)."""
        w = self.weights
        delta = -w[6] * (grade - 3)
        damped = difficulty + delta * (10.0 - difficulty) / 9.0
        reverted = w[7] * self.initial_difficulty(Grade.EASY, clamp=False) + (1 - w[7]) * damped
        return _clamp_difficulty(reverted)

    def short_term_stability(self, stability: float, grade: Grade) -> float:
        """S' = S e^{w_17 (G - 3 + w_18)} S^{-w_19} for a second review on the same day."""
        w = self.weights
        increase = math.exp(w[17] * (grade - 3 + w[18])) * stability ** (-w[19])
        if grade >= Grade.HARD:
            increase = max(increase, 1.0)
        return max(stability * increase, STABILITY_MIN)

    def next_stability(
        self, difficulty: float, stability: float, retrievability: float, grade: Grade
    ) -> float:
        """Stability after a review a day or more after the last one."""
        w = self.weights
        if grade == Grade.AGAIN:
            long_term = (
                w[11]
                * difficulty ** (-w[12])
                * ((stability + 1.0) ** w[13] - 1.0)
                * math.exp((1.0 - retrievability) * w[14])
            )
            short_term = stability / math.exp(w[17] * w[18])
            value = min(long_term, short_term)
        else:
            hard_penalty = w[15] if grade == Grade.HARD else 1.0
            easy_bonus = w[16] if grade == Grade.EASY else 1.0
            value = stability * (
                1.0
                + math.exp(w[8])
                * (11.0 - difficulty)
                * stability ** (-w[9])
                * (math.exp((1.0 - retrievability) * w[10]) - 1.0)
                * hard_penalty
                * easy_bonus
            )
        return max(value, STABILITY_MIN)

    # --- scheduling ---------------------------------------------------------------------
    def schedule(
        self, state: CardState, grade: int, now: datetime
    ) -> tuple[CardState, ReviewLogEntry]:
        """Grade ``state`` at ``now``; return the next state and the log entry.

        Raises
        ------
        SchedulerError
            If ``grade`` is not 1-4 or ``now`` is not timezone-aware.
        """
        grade = to_grade(grade)
        check_aware("now", now)
        stability, difficulty = self._update_memory(state, grade, now)
        phase, step, wait = self._next_step(state, grade, stability)
        interval_days = 0
        if phase == "review":
            interval_days = self._fuzzed(wait.days, state) if self.fuzz else wait.days
            wait = timedelta(days=interval_days)
        lapses = state.lapses + (1 if state.phase == "review" and grade == Grade.AGAIN else 0)
        after = state.evolve(
            phase=phase,
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=now + wait,
            last_review=now,
            interval_days=interval_days,
            reps=state.reps + 1,
            lapses=lapses,
        )
        return after, make_log_entry(self.name, state, after, grade, now)

    def preview(self, state: CardState, now: datetime) -> dict[Grade, timedelta]:
        """Return the wait each grade would schedule from ``state`` at ``now``."""
        return preview_by_scheduling(self, state, now)

    def _update_memory(self, state: CardState, grade: Grade, now: datetime) -> tuple[float, float]:
        if state.stability is None or state.difficulty is None:
            return self.initial_stability(grade), self.initial_difficulty(grade)
        assert state.last_review is not None
        # Whole days elapsed, as the reference implementation counts them.
        elapsed = (now - state.last_review).days
        if elapsed < 1:
            stability = self.short_term_stability(state.stability, grade)
        else:
            recall = self.retrievability(elapsed, state.stability)
            stability = self.next_stability(state.difficulty, state.stability, recall, grade)
        return stability, self.next_difficulty(state.difficulty, grade)

    def _next_step(
        self, state: CardState, grade: Grade, stability: float
    ) -> tuple[str, int, timedelta]:
        """Return (phase, step, wait) after the review."""
        review_wait = timedelta(days=self.next_interval(stability))
        if state.phase == "review":
            if grade == Grade.AGAIN and self.relearning_steps:
                return "relearning", 0, self.relearning_steps[0]
            return "review", 0, review_wait
        # new, learning or relearning: walk the same-day steps.
        steps = self.learning_steps if state.phase in ("new", "learning") else self.relearning_steps
        phase = "learning" if state.phase in ("new", "learning") else "relearning"
        step = state.step
        if not steps or (step >= len(steps) and grade != Grade.AGAIN):
            return "review", 0, review_wait
        if grade == Grade.AGAIN:
            return phase, 0, steps[0]
        if grade == Grade.HARD:
            if step == 0:
                wait = steps[0] * 1.5 if len(steps) == 1 else (steps[0] + steps[1]) / 2
            else:
                wait = steps[step]
            return phase, step, wait
        if grade == Grade.GOOD and step + 1 < len(steps):
            return phase, step + 1, steps[step + 1]
        return "review", 0, review_wait

    def _fuzzed(self, interval: int, state: CardState) -> int:
        if interval < 2.5:
            return interval
        delta = 1.0
        for start, end, factor in FUZZ_RANGES:
            delta += factor * max(min(float(interval), end) - start, 0.0)
        high = min(round(interval + delta), self.maximum_interval)
        low = min(max(2, round(interval - delta)), high)
        # A string seed is hashed with SHA-512: the same card and review count, the same fuzz.
        rng = random.Random(f"{state.card_id}:{state.reps}")
        return min(round(rng.random() * (high - low + 1) + low), self.maximum_interval)

    def to_dict(self) -> dict[str, Any]:
        """Return the scheduler's settings as JSON-ready data."""
        return {
            "weights": list(self.weights),
            "desired_retention": self.desired_retention,
            "learning_steps": [step.total_seconds() for step in self.learning_steps],
            "relearning_steps": [step.total_seconds() for step in self.relearning_steps],
            "maximum_interval": self.maximum_interval,
            "fuzz": self.fuzz,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FSRSScheduler:
        """Build a scheduler from :meth:`to_dict` data."""

        def steps(values: Sequence[float]) -> tuple[timedelta, ...]:
            return tuple(timedelta(seconds=float(v)) for v in values)

        try:
            return cls(
                weights=tuple(data["weights"]),
                desired_retention=float(data["desired_retention"]),
                learning_steps=steps(data["learning_steps"]),
                relearning_steps=steps(data["relearning_steps"]),
                maximum_interval=int(data["maximum_interval"]),
                fuzz=bool(data["fuzz"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise SchedulerError(f"FSRS settings: {error}") from None


def _clamp_difficulty(value: float) -> float:
    return min(max(value, DIFFICULTY_MIN), DIFFICULTY_MAX)
