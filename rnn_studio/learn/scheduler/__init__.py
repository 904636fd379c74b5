"""Spaced-repetition schedulers behind one interface: FSRS (default), SM-2 and Leitner boxes.

``make_scheduler(name)`` returns a scheduler with ``schedule(state, grade, now) ->
(next_state, ReviewLogEntry)`` and ``preview(state, now) -> {grade: wait}``.

The three scheduler modules are imported when one of them is first used (``make_scheduler``,
``SCHEDULERS`` or a scheduler class read from here): the app reads the learner's progress
store before its first frame, which needs none of them (``benchmarks/startup.py``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from rnn_studio.learn.scheduler.base import (
    PHASES,
    CardState,
    Grade,
    ReviewLogEntry,
    Scheduler,
    SchedulerError,
    to_grade,
)

if TYPE_CHECKING:
    from rnn_studio.learn.scheduler.fsrs import FSRSScheduler
    from rnn_studio.learn.scheduler.leitner import LeitnerScheduler
    from rnn_studio.learn.scheduler.sm2 import SM2Scheduler

    SCHEDULERS: dict[str, type[Scheduler]]

#: Each scheduler's name, and the module and class that implement it.
_CLASSES = {
    "fsrs": ("fsrs", "FSRSScheduler"),
    "sm2": ("sm2", "SM2Scheduler"),
    "leitner": ("leitner", "LeitnerScheduler"),
}
#: The schedulers' names, in the order the preferences list them.
SCHEDULER_NAMES = tuple(_CLASSES)
SCHEDULER_LABELS = {
    "fsrs": "FSRS (adapts to each card; recommended)",
    "sm2": "SM-2 (classic SuperMemo)",
    "leitner": "Leitner boxes (5 boxes: 1, 2, 4, 8, 16 days)",
}
DEFAULT_SCHEDULER = "fsrs"


def scheduler_class(name: str) -> type[Scheduler]:
    """The scheduler class called ``name`` ("fsrs", "sm2" or "leitner"), imported now."""
    try:
        module_name, class_name = _CLASSES[name]
    except KeyError:
        raise SchedulerError(f"scheduler: {name!r} is not one of {', '.join(_CLASSES)}") from None
    module = importlib.import_module(f"{__name__}.{module_name}")
    scheduler: type[Scheduler] = getattr(module, class_name)
    return scheduler


def make_scheduler(name: str = DEFAULT_SCHEDULER) -> Scheduler:
    """Return the scheduler called ``name`` ("fsrs", "sm2" or "leitner") with default settings."""
    return scheduler_class(name)()


def __getattr__(name: str) -> Any:
    """``SCHEDULERS`` and the scheduler classes, imported on first use."""
    if name == "SCHEDULERS":
        return {key: scheduler_class(key) for key in _CLASSES}
    for key, (_, class_name) in _CLASSES.items():
        if name == class_name:
            return scheduler_class(key)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_SCHEDULER",
    "PHASES",
    "SCHEDULERS",
    "SCHEDULER_LABELS",
    "SCHEDULER_NAMES",
    "CardState",
    "FSRSScheduler",
    "Grade",
    "LeitnerScheduler",
    "ReviewLogEntry",
    "SM2Scheduler",
    "Scheduler",
    "SchedulerError",
    "make_scheduler",
    "scheduler_class",
    "to_grade",
]
