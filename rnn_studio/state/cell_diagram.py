"""What the cell diagram shows at one step: every wire's and gate's values, Qt-free.

The Cell view (``rnn_studio.ui.panels.cell``) draws the textbook picture of the current cell
and reads every number it shows from a :class:`CellDiagram`; tests read the same object to
check the picture against the engine's :class:`~rnn_studio.engine.sequence.Trace`.

Quantities (keys of :attr:`CellDiagram.quantities`), in PyTorch's equations:

vanilla RNN
    ``x`` x_t, ``h_prev`` h_{t−1}, ``wx`` = W_xh x_t + b_ih, ``wh`` = W_hh h_{t−1} + b_hh,
    ``a`` = wx + wh (the pre-activation), ``h`` = act(a).
LSTM
    ``x``, ``h_prev``, ``c_prev``; the gates ``i``, ``f``, ``o`` (σ) and the candidate ``g``
    (tanh); ``fc`` = f ⊙ c_{t−1} (what the forget gate keeps), ``ig`` = i ⊙ g (what is
    written), ``c`` = fc + ig, ``tanh_c`` = tanh(c_t), ``h`` = o ⊙ tanh(c_t).
GRU
    ``x``, ``h_prev``; the gates ``r``, ``z`` (σ); ``hn`` = W_hn h_{t−1} + b_hn, ``rhn`` =
    r ⊙ hn, the candidate ``n`` = tanh(W_in x_t + b_in + rhn); ``keep`` = z ⊙ h_{t−1},
    ``new`` = (1 − z) ⊙ n, ``h`` = new + keep.

:attr:`CellDiagram.stages` lists the quantities in the order the equations compute them
(gates first, then the cell state, then h_t); stage k matches line k of the Equations panel.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

#: What a quantity is, which decides how it is drawn: a σ gate (0 closed … 1 open, drawn as
#: a valve), a tanh candidate (−1 … 1), a state or a product on a wire, or the input.
ROLES = ("gate", "candidate", "state", "input")

#: Up to this many hidden units the diagram writes every unit's value.
NUMBERS_UP_TO = 3


@dataclass(frozen=True, eq=False)
class Quantity:
    """One wire's or block's values at the step.

    Attributes
    ----------
    key : str
        Name in :attr:`CellDiagram.quantities` (``"f"``, ``"c_prev"``, ...).
    label : str
        How the diagram writes it (``"f_t"``, ``"c_{t−1}"``).
    role : str
        One of :data:`ROLES`.
    values : numpy.ndarray, shape (H,) or (I,) for the input
        Read-only float64 copy of the values.
    """

    key: str
    label: str
    role: str
    values: np.ndarray

    @property
    def size(self) -> int:
        """Number of units."""
        return int(self.values.size)

    @functools.cached_property
    def finite(self) -> bool:
        """True when every value is a finite number."""
        return bool(np.isfinite(self.values).all())

    @functools.cached_property
    def mean(self) -> float:
        """Mean over the units (NaN if any value is NaN; ±inf if one is infinite)."""
        with np.errstate(all="ignore"):
            return float(np.mean(self.values)) if self.values.size else math.nan

    @functools.cached_property
    def rms(self) -> float:
        """Root mean square over the units, ‖v‖/√n: the magnitude a wire's width shows."""
        if not self.values.size:
            return 0.0
        with np.errstate(all="ignore"):
            peak = float(np.max(np.abs(self.values)))
            if not math.isfinite(peak):
                return math.inf if not np.isnan(self.values).any() else math.nan
            if peak == 0.0:
                return 0.0
            return peak * float(np.sqrt(np.mean((self.values / peak) ** 2)))

    @property
    def opening(self) -> float:
        """For a σ gate: its mean activation, how far the valve is open (0 … 1)."""
        if self.role != "gate":
            raise ValueError(f"{self.key} is not a gate")
        return self.mean


@dataclass(frozen=True)
class Stage:
    """One line of the equations: the quantities it computes.

    Attributes
    ----------
    name : str
        Short name (``"f"``, ``"c"``, ``"h"``).
    keys : tuple of str
        The quantities computed by this line, in drawing order.
    equation_line : int
        Index of the matching line in the Equations panel (0-based).
    """

    name: str
    keys: tuple[str, ...]
    equation_line: int


_STAGES: dict[str, tuple[Stage, ...]] = {
    "rnn": (Stage("a", ("wx", "wh", "a"), 0), Stage("h", ("h",), 1)),
    "lstm": (
        Stage("i", ("i",), 0),
        Stage("f", ("f",), 1),
        Stage("g", ("g",), 2),
        Stage("o", ("o",), 3),
        Stage("c", ("fc", "ig", "c"), 4),
        Stage("h", ("tanh_c", "h"), 5),
    ),
    "gru": (
        Stage("r", ("r",), 0),
        Stage("z", ("z",), 1),
        Stage("n", ("hn", "rhn", "n"), 2),
        Stage("h", ("keep", "new", "h"), 3),
    ),
}

_LABELS = {
    "x": "xₜ",
    "h_prev": "hₜ₋₁",
    "c_prev": "cₜ₋₁",
    "wx": "W_xh xₜ + b_ih",
    "wh": "W_hh hₜ₋₁ + b_hh",
    "a": "aₜ",
    "h": "hₜ",
    "i": "iₜ",
    "f": "fₜ",
    "g": "gₜ",
    "o": "oₜ",
    "fc": "fₜ⊙cₜ₋₁",
    "ig": "iₜ⊙gₜ",
    "c": "cₜ",
    "tanh_c": "tanh(cₜ)",
    "r": "rₜ",
    "z": "zₜ",
    "n": "nₜ",
    "hn": "W_hn hₜ₋₁ + b_hn",
    "rhn": "rₜ⊙(W_hn hₜ₋₁ + b_hn)",
    "keep": "zₜ⊙hₜ₋₁",
    "new": "(1−zₜ)⊙nₜ",
}


@dataclass(frozen=True, eq=False)
class CellDiagram:
    """Everything the cell diagram shows at step ``t``.

    Attributes
    ----------
    kind : str
        ``"rnn"``, ``"lstm"`` or ``"gru"``.
    t : int
        The step (0-based).
    token : str
        The input token at step t ("" if unknown).
    activation : str
        The vanilla RNN's activation (``"tanh"`` or ``"relu"``); ``"tanh"`` for gated cells.
    quantities : mapping of str to Quantity
        See the module docstring for the keys of each cell.
    stages : tuple of Stage
        The equations' order of computation.
    """

    kind: str
    t: int
    token: str
    activation: str
    quantities: Mapping[str, Quantity]
    stages: tuple[Stage, ...]

    @property
    def hidden_size(self) -> int:
        """Hidden units H."""
        return self.quantities["h"].size

    @property
    def shows_numbers(self) -> bool:
        """True when the hidden size is small enough to write every unit's value."""
        return self.hidden_size <= NUMBERS_UP_TO

    def values(self, key: str) -> np.ndarray:
        """The values of quantity ``key``."""
        return self.quantities[key].values

    def stage_of(self, key: str) -> int | None:
        """Index of the stage that computes ``key`` (None for the step's inputs)."""
        for index, stage in enumerate(self.stages):
            if key in stage.keys:
                return index
        return None

    def gates(self) -> tuple[Quantity, ...]:
        """The σ gates, in the equations' order."""
        return tuple(q for q in self.quantities.values() if q.role == "gate")

    def describe(self, key: str, unit: int | None = None, limit: int = 16) -> str:
        """Plain text for a tooltip: the quantity, its mean and its per-unit values.

        With ``unit``, that unit's value first. At most ``limit`` values are listed.
        """
        quantity = self.quantities[key]
        lines = [f"{quantity.label} at t = {self.t}"]
        if quantity.role == "gate":
            lines[0] += f": {percent(quantity.opening)} open on average"
        else:
            lines[0] += f": mean {number(quantity.mean)}, rms {number(quantity.rms)}"
        if unit is not None and 0 <= unit < quantity.size:
            lines.append(f"unit {unit}: {number(float(quantity.values[unit]))}")
        shown = ", ".join(number(float(v)) for v in quantity.values[:limit])
        more = f", … ({quantity.size} values)" if quantity.size > limit else ""
        lines.append(f"[{shown}{more}]")
        return "\n".join(lines)


def number(value: float) -> str:
    """A value as the diagram writes it: 3 decimals, "∞", "NaN", minus sign "−"."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    text = f"{value:.3f}" if abs(value) < 1000 else f"{value:.3g}"
    return text.replace("-", "−")


def percent(fraction: float) -> str:
    """A gate opening as "63 %" ("?" when not finite)."""
    return f"{100 * fraction:.0f} %" if math.isfinite(fraction) else "?"


def cell_diagram(
    kind: str,
    cell: Any,
    trace: Any,
    t: int,
    token: str = "",
    activation: str = "tanh",
) -> CellDiagram:
    """Read step ``t`` of ``trace`` (recorded by ``cell``) into a :class:`CellDiagram`.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    cell : engine cell
        The cell that recorded the trace (its weights give the vanilla RNN's two inputs).
    trace : engine Trace
        An unbatched trace: ``trace.hidden`` of shape (T, H).
    t : int
        The step, 0 ≤ t < T.
    token : str
        The input token, for labels.
    activation : str
        The vanilla RNN's activation.

    Raises
    ------
    ValueError
        Unknown kind, a batched trace, or t out of range.
    """
    if kind not in _STAGES:
        raise ValueError(f"cell kind must be rnn, lstm or gru, got {kind!r}")
    hidden = np.asarray(trace.hidden)
    if hidden.ndim != 2:
        raise ValueError("the cell diagram shows one sequence, not a batch")
    if not 0 <= t < hidden.shape[0]:
        raise ValueError(f"step {t} is outside the trace (0 to {hidden.shape[0] - 1})")
    h_prev = np.asarray(trace.h0) if t == 0 else hidden[t - 1]
    values: dict[str, np.ndarray] = {"x": np.asarray(trace.inputs[t]), "h_prev": h_prev}
    with np.errstate(all="ignore"):
        if kind == "rnn":
            params = cell.params
            values["wx"] = np.asarray(params["weight_ih"]) @ values["x"] + params["bias_ih"]
            values["wh"] = np.asarray(params["weight_hh"]) @ h_prev + params["bias_hh"]
            values["a"] = np.asarray(trace.pre["h"][t])
        elif kind == "lstm":
            cell_state = np.asarray(trace.cell_state)
            c_prev = np.asarray(trace.c0) if t == 0 else cell_state[t - 1]
            gates = {name: np.asarray(trace.gates[name][t]) for name in ("i", "f", "g", "o")}
            values["c_prev"] = c_prev
            values.update(gates)
            values["fc"] = gates["f"] * c_prev
            values["ig"] = gates["i"] * gates["g"]
            values["c"] = cell_state[t]
            values["tanh_c"] = np.tanh(cell_state[t])
        else:
            gates = {name: np.asarray(trace.gates[name][t]) for name in ("r", "z", "n")}
            values.update(gates)
            values["hn"] = np.asarray(trace.pre["hn"][t])
            values["rhn"] = gates["r"] * values["hn"]
            values["keep"] = gates["z"] * h_prev
            values["new"] = (1.0 - gates["z"]) * gates["n"]
    values["h"] = hidden[t]
    quantities = {
        key: Quantity(key, _LABELS[key], _role(key), _frozen(array))
        for key, array in values.items()
    }
    return CellDiagram(
        kind=kind,
        t=int(t),
        token=str(token),
        activation=activation if kind == "rnn" else "tanh",
        quantities=MappingProxyType(quantities),
        stages=_STAGES[kind],
    )


def diagram_of_run(cell_run: Any, sequence: Any, t: int, activation: str) -> CellDiagram:
    """:func:`cell_diagram` for a session ``CellRun`` on its encoded ``sequence``."""
    tokens = getattr(sequence, "tokens", ())
    token = tokens[t] if 0 <= t < len(tokens) else ""
    return cell_diagram(cell_run.kind, cell_run.cell, cell_run.trace, t, token, activation)


def _role(key: str) -> str:
    if key in ("i", "f", "o", "r", "z"):
        return "gate"
    if key in ("g", "n"):
        return "candidate"
    if key == "x":
        return "input"
    return "state"


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, dtype=np.float64, copy=True).reshape(-1)
    copy.setflags(write=False)
    return copy
