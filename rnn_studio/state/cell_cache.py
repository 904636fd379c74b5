"""Cells the studio has built, kept so switching cells or typing does not rebuild them.

Building a cell is cheap, but its spectral radius (an eigenvalue problem per gate block) costs
about 25 ms per block at hidden size 256 (eight blocks in compare mode), so the session keeps
the last :data:`CELL_CACHE_SIZE` cells it built with their ρ, keyed by everything that chooses
their weights, and the blocks' radii before any ρ rescaling for the last
:data:`RADII_CACHE_SIZE` initialisations: ρ(c·W) = |c|·ρ(W), so moving the ρ slider, or the
forget bias and the nonlinearity (which leave W_hh alone), solves no eigenvalue problem. Cells
registered with
:meth:`CellCache.register` (e.g. read from a session file) are never evicted and win over a
freshly built one whenever the controls ask for them.

With no ρ asked (W_hh as initialised) the weights do not need the radii: :meth:`CellCache.cell`
then gives ρ as None ("pending") unless the radii are kept, and :meth:`CellCache.radius`
solves them when the run is on screen, so a new seed's trace does not wait for them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.state.controls import CELL_KINDS, CellKey
from rnn_studio.state.trained_adapter import Readout
from rnn_studio.studio_core import recipe

#: Cells kept for reuse (switching cells or typing keeps ρ and the weights without recomputing);
#: compare mode with two layers and both directions alone uses 12.
CELL_CACHE_SIZE = 16

#: Initialisations whose W_hh block radii are kept (a few floats each).
RADII_CACHE_SIZE = 64

#: (kind, input size, hidden size, seed, nonlinearity, ρ, forget bias, recurrent weights)
FullKey = tuple[Any, ...]


class CellCache:
    """Recently built cells (evicted oldest first) and registered cells (never evicted).

    A computation may run on a worker thread: it reads a :meth:`snapshot`, which shares the
    recent cells (only computations add to them, one at a time) and copies the registered
    ones.
    """

    def __init__(
        self,
        recent: dict[FullKey, tuple[Any, float | None]] | None = None,
        pinned: dict[FullKey, tuple[Any, float, Readout | None]] | None = None,
        radii: dict[FullKey, dict[str, float]] | None = None,
    ) -> None:
        self._recent = {} if recent is None else recent
        self._pinned = {} if pinned is None else pinned
        self._radii = {} if radii is None else radii

    def snapshot(self) -> CellCache:
        """A view for one computation (see the class docstring)."""
        return CellCache(self._recent, dict(self._pinned), self._radii)

    def register(self, cell: Any, seed: int, readout: Readout | None = None) -> None:
        """Use ``cell`` whenever the controls ask for its kind, sizes, ``seed`` and nonlinearity
        with no ρ rescaling and no forget bias (see ``StudioSession.register_cell``)."""
        kind = str(cell.kind)
        if kind not in CELL_KINDS:
            raise ValueError(f"cell kind must be one of {', '.join(CELL_KINDS)}, got {kind!r}")
        if readout is not None and readout.hidden_size != int(cell.hidden_size):
            raise ValueError(
                f"the readout reads {readout.hidden_size} hidden units, the cell has "
                f"{cell.hidden_size}"
            )
        nonlinearity = str(getattr(cell, "nonlinearity", "tanh")) if kind == "rnn" else "tanh"
        key = (kind, int(cell.input_size), int(cell.hidden_size), int(seed), nonlinearity)
        with np.errstate(all="ignore"):
            rho = float(engine.spectral_radius(cell))
        pinned = (*key, None, None, "random")  # named: mypy reads d[(*k, ...)] as 3.11 syntax
        self._pinned[pinned] = (cell, rho, readout)

    def forget_registered(self) -> None:
        """Drop every registered cell (an opened file's weights are not kept for good)."""
        self._pinned.clear()

    def cell(
        self, kind: str, input_size: int, cell_key: CellKey
    ) -> tuple[Any, float | None, Readout | None]:
        """The cell for these controls, its ρ(W_hh), and its readout if it was registered with one.

        Built with the studio's recipe (:func:`rnn_studio.studio_core.recipe.studio_cell`)
        unless registered or recently built. ρ is None when no ρ is asked and the
        initialisation's radii are not known yet (:meth:`radius` solves them): the weights
        do not depend on them then.
        """
        key = self._full_key(kind, input_size, cell_key)
        if key in self._pinned:
            return self._pinned[key]
        rho_target = cell_key.spectral_radius
        cached = self._recent.pop(key, None)
        if cached is None:
            kind, input_size, hidden_size, seed, nonlinearity, _, forget_bias, recurrent = key
            radii = None
            if rho_target is not None:  # the rescaling needs the radii
                radii = self._initial_radii(
                    kind, input_size, hidden_size, seed, nonlinearity, recurrent
                )
            cell = recipe.studio_cell(
                kind,
                input_size,
                hidden_size,
                seed,
                nonlinearity=nonlinearity,
                spectral_radius=rho_target,
                forget_bias=forget_bias,
                recurrent=recurrent,
                radii=radii,
            )
            # Every block rescaled to ρ has radius ρ; else W_hh is the initialisation's.
            cached = (cell, float(rho_target) if rho_target is not None else None)
        if cached[1] is None:
            radii = self._radii.get(self._radii_key(key))
            if radii is not None:
                cached = (cached[0], max(radii.values()))
        self._recent[key] = cached  # most recently used last
        while len(self._recent) > CELL_CACHE_SIZE:
            self._recent.pop(next(iter(self._recent)))
        return (*cached, None)

    def radius(self, kind: str, input_size: int, cell_key: CellKey) -> float:
        """ρ(W_hh) of the cell :meth:`cell` gives for these controls (max over gate blocks),
        solving the initialisation's eigenvalue problems if they are not kept yet."""
        key = self._full_key(kind, input_size, cell_key)
        if key in self._pinned:
            return self._pinned[key][1]
        if cell_key.spectral_radius is not None:
            return float(cell_key.spectral_radius)
        radii = self._initial_radii(*self._radii_key(key))
        rho = max(radii.values())
        cached = self._recent.get(key)
        if cached is not None:
            self._recent[key] = (cached[0], rho)
        return rho

    def prepare(self, kind: str, input_size: int, cell_key: CellKey) -> None:
        """Solve and keep the radii :meth:`cell` would need for these controls' weights (the
        initialisation's, whatever ρ is asked), unless kept already or registered."""
        key = self._full_key(kind, input_size, cell_key)
        if key not in self._pinned:
            self._initial_radii(*self._radii_key(key))

    @staticmethod
    def _full_key(kind: str, input_size: int, cell_key: CellKey) -> FullKey:
        """Everything that chooses the weights of ``kind`` under these controls."""
        hidden_size, seed, nonlinearity, rho_target, forget_bias, recurrent = cell_key
        if kind != "rnn":
            nonlinearity, recurrent = "tanh", "random"
        if kind != "lstm":
            forget_bias = None
        return (
            kind,
            input_size,
            hidden_size,
            seed,
            nonlinearity,
            rho_target,
            forget_bias,
            recurrent,
        )

    @staticmethod
    def _radii_key(key: FullKey) -> tuple[Any, ...]:
        """The part of a full key that chooses the initialisation's W_hh."""
        kind, input_size, hidden_size, seed, nonlinearity, _, _, recurrent = key
        return (kind, input_size, hidden_size, seed, nonlinearity, recurrent)

    def _initial_radii(
        self,
        kind: str,
        input_size: int,
        hidden_size: int,
        seed: int,
        nonlinearity: str,
        recurrent: str,
    ) -> dict[str, float]:
        """``engine.gate_spectral_radii`` of the cell these choose before any ρ rescaling
        (the forget bias leaves W_hh alone, and ρ is what the rescaling sets)."""
        key = (kind, input_size, hidden_size, seed, nonlinearity, recurrent)
        radii = self._radii.pop(key, None)
        if radii is None:
            initial = recipe.studio_cell(
                kind, input_size, hidden_size, seed, nonlinearity=nonlinearity, recurrent=recurrent
            )
            with np.errstate(all="ignore"):
                radii = engine.gate_spectral_radii(initial)
        self._radii[key] = radii  # most recently used last
        while len(self._radii) > RADII_CACHE_SIZE:
            self._radii.pop(next(iter(self._radii)))
        return radii
