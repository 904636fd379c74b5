"""The studio's controls: the learner's choices, checked with :class:`DemoSetup`'s rules.

:class:`Controls` is what the session computes from: the sequence as typed, how to read it,
the cell (or ``"compare"``), its size, seed, nonlinearity, spectral radius ρ and forget bias,
how many layers and whether both directions run, and the backprop settings (loss step,
clipping, on or off). Every control is checked by
:func:`rnn_studio.studio_core.demo.check_field`, the rule a demo file is checked with, so the
studio accepts from a slider exactly what it accepts from a link. The text is the exception:
an unreadable text is not refused but shown as an error (see :mod:`rnn_studio.state.sequence`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, NamedTuple

from rnn_studio.studio_core.demo import DemoSetup, check_field

#: The cells the studio computes ("compare" shows all three).
CELL_KINDS = ("rnn", "lstm", "gru")

#: How an error message names each control (the JSON field names are for files).
LABELS = {
    "mode": "mode",
    "cell": "cell",
    "hidden_size": "hidden size",
    "seed": "seed",
    "nonlinearity": "nonlinearity",
    "spectral_radius": "spectral radius",
    "forget_bias": "forget bias",
    "loss_step": "loss step",
    "clip": "clipping threshold",
    "backprop": "backprop",
    "recurrent": "recurrent weights",
    "num_layers": "layers",
    "bidirectional": "both directions",
}


class CellKey(NamedTuple):
    """The controls that choose a cell's weights (with its kind and input size)."""

    hidden_size: int
    seed: int
    nonlinearity: str
    spectral_radius: float | None
    forget_bias: float | None
    recurrent: str = "random"


@dataclass(frozen=True)
class Controls:
    """The learner's choices (see :class:`~rnn_studio.studio_core.demo.DemoSetup` for each).

    Build one with :meth:`from_setup`; change it with :meth:`changed`, which checks each new
    value and raises ``ValueError`` (a :class:`~rnn_studio.studio_core.demo.DemoError`) naming
    the control.
    """

    text: str
    mode: str
    cell: str
    hidden_size: int
    seed: int
    nonlinearity: str
    spectral_radius: float | None
    forget_bias: float | None
    loss_step: int
    clip: float | None
    backprop: bool
    recurrent: str = "random"
    num_layers: int = 1
    bidirectional: bool = False

    @classmethod
    def from_setup(cls, setup: DemoSetup) -> Controls:
        """The controls ``setup`` sets (everything but its cursor)."""
        return cls(**{field.name: getattr(setup, field.name) for field in fields(cls)})

    def changed(self, **values: Any) -> Controls:
        """A copy with ``values`` set, each checked (the text is taken as typed)."""
        checked = {
            name: value if name == "text" else check_field(name, value, LABELS[name])
            for name, value in values.items()
        }
        return replace(self, **checked)

    def reset_model(self) -> Controls:
        """The model and backprop controls back to their defaults; sequence and cell kept."""
        defaults = DemoSetup(text="x")
        return replace(
            self,
            hidden_size=defaults.hidden_size,
            seed=defaults.seed,
            nonlinearity=defaults.nonlinearity,
            spectral_radius=None,
            forget_bias=None,
            clip=None,
            loss_step=-1,
            recurrent="random",
            num_layers=defaults.num_layers,
            bidirectional=defaults.bidirectional,
        )

    def to_setup(self, cursor: int) -> DemoSetup:
        """These controls, at step ``cursor``, as a :class:`DemoSetup` (an empty text as "x")."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        values["text"] = self.text if self.text.strip() else "x"
        return DemoSetup(cursor=cursor, **values)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The cells to compute, in display order."""
        return CELL_KINDS if self.cell == "compare" else (self.cell,)

    @property
    def cell_key(self) -> CellKey:
        """The controls that choose the weights."""
        return CellKey(
            self.hidden_size,
            self.seed,
            self.nonlinearity,
            self.spectral_radius,
            self.forget_bias,
            self.recurrent,
        )
