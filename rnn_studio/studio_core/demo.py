"""A studio demo setup: everything a "Show me" link, a preset or a scene sets in the studio.

Lessons, glossary entries, quizzes and presets name demos by id (``resources/demos.json``);
the studio applies a :class:`DemoSetup` through its session. Validation lives here, once
(:func:`check_field`): the session checks each control it is given with the same rules, and a
test can prove every link in the content resolves to a setup the studio accepts.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

CELL_CHOICES = ("rnn", "lstm", "gru", "compare")
MODE_CHOICES = ("chars", "words", "numbers")
NONLINEARITY_CHOICES = ("tanh", "relu")
#: How the vanilla RNN's W_hh is made: the seeded random initialisation, or the "surprise"
#: demo's lopsided (non-normal) matrix (see :func:`rnn_studio.studio_core.recipe.studio_cell`).
RECURRENT_CHOICES = ("random", "non-normal")
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
    recurrent : {"random", "non-normal"}
        The vanilla RNN's W_hh: the seeded initialisation, or a non-normal matrix with
        ρ = 0.5 and ‖W_hh‖₂ ≈ 3.4 whose gradient grows for many steps before it fades
        (ignored by the LSTM and GRU).
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
    recurrent: str = "random"

    def __post_init__(self) -> None:
        for name in FIELD_ORDER:
            # A NumPy scalar is stored as the Python number it holds (JSON-ready).
            object.__setattr__(self, name, check_field(name, getattr(self, name)))

    @classmethod
    def from_dict(cls, data: Any) -> DemoSetup:
        """Build a setup from JSON data (an object), naming any unknown or invalid field."""
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


#: The order fields are checked in (the first problem found is the one reported).
FIELD_ORDER = (
    "mode",
    "cell",
    "nonlinearity",
    "text",
    "hidden_size",
    "seed",
    "cursor",
    "loss_step",
    "backprop",
    "spectral_radius",
    "forget_bias",
    "clip",
    "recurrent",
)
_CHOICES = {
    "mode": MODE_CHOICES,
    "cell": CELL_CHOICES,
    "nonlinearity": NONLINEARITY_CHOICES,
    "recurrent": RECURRENT_CHOICES,
}
_WHOLE = {
    "hidden_size": (1, MAX_HIDDEN_SIZE),
    "seed": (0, 2**32 - 1),
    "cursor": (-1, 10**6),
    "loss_step": (-1, 10**6),
}
#: Optional numbers: (low, high, low_allowed). Clipping to a norm of 0 would erase the gradient.
_OPTIONAL_NUMBER = {
    "spectral_radius": (0.0, 10.0, True),
    "forget_bias": (-20.0, 20.0, True),
    "clip": (0.0, 1e6, False),
}


def check_field(name: str, value: Any, label: str | None = None) -> Any:
    """Check one field of a setup (the studio session checks its controls with this too).

    Parameters
    ----------
    name : str
        A :class:`DemoSetup` field.
    value :
        The proposed value; a NumPy scalar counts as the Python number it holds.
    label : str, optional
        How the message names the field (default: ``name``, as in the JSON files).

    Returns
    -------
    The value, with a NumPy scalar turned into its Python number.

    Raises
    ------
    DemoError
        The value is not allowed; the message starts with the label.
    """
    label = label or name
    if isinstance(value, np.generic):
        value = value.item()
    if name in _CHOICES:
        if value not in _CHOICES[name]:
            raise DemoError(f"{label}: {value!r} is not one of {', '.join(_CHOICES[name])}")
    elif name == "text":
        if not isinstance(value, str) or not value.strip():
            raise DemoError(f"{label}: the sequence must not be empty")
    elif name in _WHOLE:
        first, last = _WHOLE[name]
        if isinstance(value, bool) or not isinstance(value, int) or not first <= value <= last:
            raise DemoError(f"{label}: {value!r} is not a whole number from {first} to {last}")
    elif name == "backprop":
        if not isinstance(value, bool):
            raise DemoError(f"{label}: must be true or false")
    elif name in _OPTIONAL_NUMBER:
        low, high, low_allowed = _OPTIONAL_NUMBER[name]
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DemoError(f"{label}: {value!r} is not a number")
        above_low = low <= value if low_allowed else low < value
        if not math.isfinite(value) or not above_low or value > high:
            span = f"between {low} and {high}" if low_allowed else f"above {low}, at most {high:g}"
            raise DemoError(f"{label}: {value!r} is not {span}")
    else:
        raise DemoError(f"{name}: not a field of a demo setup")
    return value
