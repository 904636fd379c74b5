"""A studio demo setup: everything a "Show me" link, a preset or a scene sets in the studio.

Lessons, glossary entries, quizzes and presets name demos by id (``resources/demos.json``);
the studio applies a :class:`DemoSetup` through its session. Validation lives here so that a
test can prove every link in the content resolves to a setup the studio accepts.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

CELL_CHOICES = ("rnn", "lstm", "gru", "compare")
MODE_CHOICES = ("chars", "words", "numbers")
NONLINEARITY_CHOICES = ("tanh", "relu")
MAX_HIDDEN_SIZE = 256


class DemoError(ValueError):
    """A demo setup that the studio cannot apply; the message names the field."""


@dataclass(frozen=True)
class DemoSetup:
    """The studio state a demo sets up.

    Attributes
    ----------
    text : str
        The sequence as the learner would type it.
    mode : {"chars", "words", "numbers"}
        How to read ``text``.
    cell : {"rnn", "lstm", "gru", "compare"}
        The cell to show, or all three side by side.
    hidden_size : int
        Hidden units, 1 to 256.
    seed : int
        Seed for the weights: the same seed gives the same demo.
    nonlinearity : {"tanh", "relu"}
        Vanilla RNN activation.
    spectral_radius : float or None
        Rescale ``W_hh`` to this spectral radius; None keeps the initialisation.
    forget_bias : float or None
        LSTM forget-gate bias (added to ``b_if``); None keeps the initialisation.
    cursor : int
        Time step to show (0-based); -1 means the last step.
    backprop : bool
        Run backpropagation through time and show the gradient-decay curve.
    loss_step : int
        Step the loss sits at (0-based); -1 means the last step.
    clip : float or None
        Gradient-clipping threshold; None turns clipping off.
    """

    text: str
    mode: str = "chars"
    cell: str = "rnn"
    hidden_size: int = 8
    seed: int = 0
    nonlinearity: str = "tanh"
    spectral_radius: float | None = None
    forget_bias: float | None = None
    cursor: int = -1
    backprop: bool = False
    loss_step: int = -1
    clip: float | None = None

    def __post_init__(self) -> None:
        _check_choice("mode", self.mode, MODE_CHOICES)
        _check_choice("cell", self.cell, CELL_CHOICES)
        _check_choice("nonlinearity", self.nonlinearity, NONLINEARITY_CHOICES)
        if not isinstance(self.text, str) or not self.text.strip():
            raise DemoError("text: the sequence must not be empty")
        _check_int("hidden_size", self.hidden_size, 1, MAX_HIDDEN_SIZE)
        _check_int("seed", self.seed, 0, 2**32 - 1)
        _check_int("cursor", self.cursor, -1, 10**6)
        _check_int("loss_step", self.loss_step, -1, 10**6)
        if not isinstance(self.backprop, bool):
            raise DemoError("backprop: must be true or false")
        _check_optional_float("spectral_radius", self.spectral_radius, 0.0, 10.0)
        _check_optional_float("forget_bias", self.forget_bias, -20.0, 20.0)
        _check_optional_float("clip", self.clip, 0.0, 1e6)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DemoSetup:
        """Build a setup from JSON data, naming any unknown or invalid field."""
        if not isinstance(data, dict):
            raise DemoError("a demo setup must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise DemoError(f"unknown field(s): {', '.join(unknown)}")
        if "text" not in data:
            raise DemoError("text: missing")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """Return the setup as JSON-ready data."""
        return asdict(self)


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise DemoError(f"{name}: {value!r} is not one of {', '.join(choices)}")


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DemoError(f"{name}: {value!r} is not a whole number from {low} to {high}")


def _check_optional_float(name: str, value: object, low: float, high: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DemoError(f"{name}: {value!r} is not a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise DemoError(f"{name}: {value!r} is not between {low} and {high}")
