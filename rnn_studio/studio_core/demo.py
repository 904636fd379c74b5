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
COMPARE_KINDS = ("rnn", "lstm", "gru")
#: How a bundled model of each task reads its input (the text task's models read characters).
ZOO_TASK_MODES = {"sentiment": "words", "text": "chars", "memory": "chars", "forecast": "numbers"}
#: Every studio panel by its id (``StudioPanel.panel_id``), in the studio's order: the panels a
#: "Show me" demo may point at, and those a scene or a session file may show.
STUDIO_PANELS = (
    "sequence",
    "model",
    "stepper",
    "unrolled",
    "memory",
    "gates",
    "equations",
    "gradients",
    "outputs",
    "code",
    "cell",
)
#: Most stacked layers the studio draws (the engine takes up to 8).
MAX_STUDIO_LAYERS = 2


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
    model : str or None
        A bundled trained model (``rnn-studio models``) to show with its weights and
        readout instead of random weights: its name when ``cell`` is one cell (its cell,
        hidden size and reading mode must be the setup's), or the family shared by an RNN,
        LSTM and GRU (``"memory100"`` for ``memory100-rnn``, ``-lstm``, ``-gru``) when
        ``cell`` is "compare". ``seed`` is the studio seed the model is filed under; ρ
        rescaling, a forget bias and a non-normal W_hh would hide it and are refused.
        None (the default) shows random weights.
    num_layers : int
        Stacked layers, 1 to 2: layer 2 reads the hidden states of layer 1. The unrolled view
        draws one row of cells per layer (and direction).
    bidirectional : bool
        Also run every layer over the reversed sequence (a backward row in the unrolled
        view); each step's output is the forward and backward states side by side.
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
    model: str | None = None
    num_layers: int = 1
    bidirectional: bool = False

    def __post_init__(self) -> None:
        for name in FIELD_ORDER:
            # A NumPy scalar is stored as the Python number it holds (JSON-ready).
            object.__setattr__(self, name, check_field(name, getattr(self, name)))
        if self.model is not None:
            _check_model_fits(self)

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
        """Return the setup as JSON-ready data (``model`` only when there is one, and
        ``num_layers``/``bidirectional`` only when not 1/false, so files without them read
        as before)."""
        data = asdict(self)
        for name, default in (("model", None), ("num_layers", 1), ("bidirectional", False)):
            if data[name] == default:
                del data[name]
        return data

    @property
    def cell_kinds(self) -> tuple[str, ...]:
        """The cells shown: ``cell``, or an RNN, LSTM and GRU in compare mode."""
        return COMPARE_KINDS if self.cell == "compare" else (self.cell,)

    @property
    def model_names(self) -> tuple[str, ...]:
        """The bundled models the setup shows (none, one, or an RNN, LSTM and GRU)."""
        if self.model is None:
            return ()
        if self.cell == "compare":
            return tuple(f"{self.model}-{kind}" for kind in COMPARE_KINDS)
        return (self.model,)


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
    "model",
    "num_layers",
    "bidirectional",
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
    "num_layers": (1, MAX_STUDIO_LAYERS),
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
    elif name in ("backprop", "bidirectional"):
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
    elif name == "model":
        if value is not None and not isinstance(value, str):
            raise DemoError(f"{label}: {value!r} is not the name of a bundled model")
    else:
        raise DemoError(f"{name}: not a field of a demo setup")
    return value


def _check_model_fits(setup: DemoSetup) -> None:
    """Refuse a ``model`` that is not bundled or does not fit the rest of ``setup``."""
    from rnn_studio.zoo import ZooError, zoo_entry, zoo_names

    try:
        entries = [zoo_entry(name) for name in setup.model_names]
    except ZooError:
        if setup.cell == "compare":
            families = sorted(
                {name.rsplit("-", 1)[0] for name in zoo_names() if name.endswith("-rnn")}
            )
            raise DemoError(
                f"model: {setup.model!r} is not a family of bundled RNN, LSTM and GRU models "
                f'(with cell "compare"); choose one of {", ".join(families)}'
            ) from None
        raise DemoError(
            f"model: {setup.model!r} is not a bundled model; choose one of {', '.join(zoo_names())}"
        ) from None
    for entry in entries:
        if entry.cell not in setup.cell_kinds:
            raise DemoError(f"model: {entry.name} is a {entry.cell.upper()}, not {setup.cell}")
        if entry.hidden_size != setup.hidden_size:
            raise DemoError(
                f"hidden_size: {setup.hidden_size} does not match {entry.name}, "
                f"which has {entry.hidden_size} hidden units"
            )
        mode = ZOO_TASK_MODES.get(entry.task, "chars")
        if mode != setup.mode:
            raise DemoError(f"mode: {entry.name} reads {mode}, not {setup.mode}")
    hidden = [
        name
        for name, default in (("spectral_radius", None), ("forget_bias", None))
        if getattr(setup, name) != default
    ]
    if setup.recurrent != "random":
        hidden.append("recurrent")
    if hidden:
        raise DemoError(
            f"{hidden[0]}: cannot be set with a bundled model (it would show random weights "
            "instead of the trained ones)"
        )
