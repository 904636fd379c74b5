"""Trained models in the studio: which one the current controls show, and the note saying so.

:meth:`StudioSession.show_trained` files trained models under a studio seed. The session then
computes with a trained model's weights and readout whenever the controls match it (its cell,
hidden size, nonlinearity, the seed it was filed under, no ρ rescaling, no forget bias);
otherwise it shows a fresh random cell, and :meth:`TrainedModels.note` says which control
differs and what value brings the trained model back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.engine.io import model_from_bytes, model_to_bytes
from rnn_studio.engine.model import Model
from rnn_studio.state.controls import CELL_KINDS, CellKey
from rnn_studio.state.trained_adapter import Readout, TrainedModelError
from rnn_studio.studio_core.demo import MAX_HIDDEN_SIZE


@dataclass(frozen=True, eq=False)
class TrainedEntry:
    """A trained model the session shows: the model, its readout and its cell's ρ(W_hh)."""

    model: Any
    readout: Readout
    spectral_radius: float

    @classmethod
    def of(cls, model: Any) -> TrainedEntry:
        """Wrap a snapshot of ``model`` (ρ is computed once: the weights never change).

        The snapshot (an exact copy through the engine's model format, widened to float64
        for a model trained in float32) keeps the studio consistent even if the caller
        trains ``model`` further.
        """
        model = model_from_bytes(
            model_to_bytes(model, dtype=np.float64), name=f"the trained {model.kind}"
        )
        with np.errstate(all="ignore"):
            rho = float(engine.spectral_radius(model.cell))
        return cls(model, Readout.from_model(model), rho)

    def mismatches(self, cell_key: tuple[Any, ...], seed: int) -> list[str]:
        """The controls in ``cell_key`` that differ from this model's, as "control value"."""
        hidden_size, current_seed, nonlinearity, rho, forget_bias, recurrent = cell_key
        model = self.model
        changed = []
        if hidden_size != model.hidden_size:
            changed.append(f"hidden size {model.hidden_size}")
        if current_seed != seed:
            changed.append(f"seed {seed}")
        if model.kind == "rnn" and nonlinearity != model.nonlinearity:
            changed.append(model.nonlinearity)
        if rho is not None:
            changed.append("no ρ rescaling")
        if forget_bias is not None and model.kind == "lstm":
            changed.append("no forget bias")
        if recurrent != "random" and model.kind == "rnn":
            changed.append("its own W_hh")
        return changed


def describe_trained(
    entries: Mapping[str, TrainedEntry],
    kind: str,
    *,
    on_show: bool,
    cell_key: tuple[Any, ...],
    seed: int,
) -> str:
    """One sentence on the trained models ``entries`` for the cell ``kind`` on show.

    Parameters
    ----------
    entries : mapping of str to TrainedEntry
        The trained models in the studio ("" when there are none).
    kind : str
        The cell the single-cell views show.
    on_show : bool
        Whether that cell is the trained one.
    cell_key : tuple
        The studio's (hidden size, seed, nonlinearity, ρ, forget bias).
    seed : int
        The studio seed the trained models are shown under.
    """
    if not entries:
        return ""
    kinds = [name.upper() for name in entries]
    names = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    several = len(kinds) > 1
    if on_show:
        readouts = "their own readouts" if several else "its own readout"
        return f"Showing the trained {names} with {readouts}."
    entry = entries.get(kind)
    fresh = f"A fresh random {kind.upper()} (untrained readout) is shown"
    if entry is None:
        return f"{fresh}: only the {names} {'were' if several else 'was'} trained."
    changed = entry.mismatches(cell_key, seed)
    if not changed:
        return f"The trained {names} cannot read this sequence; see the message above."
    return f"{fresh}: the trained {kind.upper()} needs {', '.join(changed)}."


class TrainedModels:
    """The trained models in the studio, by cell kind, and the seed they are filed under."""

    def __init__(self) -> None:
        self._entries: dict[str, TrainedEntry] = {}
        self._seed = 0

    @property
    def entries(self) -> MappingProxyType[str, TrainedEntry]:
        """The trained models (wrapped), by cell kind."""
        return MappingProxyType(self._entries)

    @property
    def models(self) -> MappingProxyType[str, Any]:
        """The trained models, by cell kind."""
        return MappingProxyType({kind: entry.model for kind, entry in self._entries.items()})

    @property
    def seed(self) -> int:
        """The studio seed the trained models are shown under."""
        return self._seed

    def load(self, models: Mapping[str, Any], *, seed: int = 0) -> None:
        """Replace the trained models (see ``StudioSession.load_trained``).

        Raises
        ------
        TrainedModelError
            No model, a kind that is not its model's, or sizes the studio cannot show;
            nothing changes.
        """
        entries = {}
        if not models:
            raise TrainedModelError("Open at least one trained model.")
        for kind, model in models.items():
            if not isinstance(model, Model):
                raise TrainedModelError(f"{kind}: expected a trained Model, got {model!r}")
            if kind not in CELL_KINDS or model.kind != kind:
                raise TrainedModelError(f"The model filed as {kind!r} is not one of {CELL_KINDS}.")
            entries[kind] = TrainedEntry.of(model)
        if len({entry.model.hidden_size for entry in entries.values()}) != 1:
            raise TrainedModelError("Compared models must have the same hidden size.")
        if next(iter(entries.values())).model.hidden_size > MAX_HIDDEN_SIZE:
            raise TrainedModelError(f"The studio shows at most {MAX_HIDDEN_SIZE} hidden units.")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TrainedModelError(f"seed must be a whole number, got {seed!r}")
        self._entries = entries
        self._seed = int(seed)

    def restore(self, entries: Mapping[str, TrainedEntry], seed: int) -> None:
        """Put back what :attr:`entries` and :attr:`seed` held (undo a :meth:`load`)."""
        self._entries = dict(entries)
        self._seed = seed

    def clear(self) -> None:
        """Put the trained models away."""
        self._entries = {}

    def untrained_readouts(self, cell_key: CellKey) -> dict[str, Readout]:
        """For each trained model the controls do *not* show (a random cell of its kind is
        computed instead), a random readout with the model's outputs (see
        :meth:`Readout.untrained_like`)."""
        return {
            kind: entry.readout.untrained_like(cell_key.hidden_size, cell_key.seed)
            for kind, entry in self._entries.items()
            if entry.mismatches(cell_key, self._seed)
        }

    def matching(self, cell_key: CellKey) -> MappingProxyType[str, TrainedEntry]:
        """The trained models whose controls match ``cell_key`` (these are computed with)."""
        return MappingProxyType(
            {
                kind: entry
                for kind, entry in self._entries.items()
                if not entry.mismatches(cell_key, self._seed)
            }
        )

    def note(self, kind: str, *, on_show: bool, cell_key: CellKey) -> str:
        """One sentence on the trained models for the cell ``kind`` on show (see
        :func:`describe_trained`)."""
        return describe_trained(
            self._entries, kind, on_show=on_show, cell_key=cell_key, seed=self._seed
        )


def with_untrained_readouts(outcome: Any, readouts: Mapping[str, Readout]) -> Any:
    """``outcome`` (a :class:`~rnn_studio.state.compute.Outcome`) with each newly computed
    random cell of a trained model's kind read out by its untrained readout in ``readouts``
    (:meth:`TrainedModels.untrained_readouts`) instead of the studio's token readout over
    the sequence's own tokens, or its least-squares fit for numbers."""
    run = outcome.run
    if not readouts or run is None or outcome.request.previous is not None:
        return outcome
    cells = dict(run.cells)
    for kind, readout in readouts.items():
        cell_run = cells.get(kind)
        if cell_run is None or (readout.kind == "values") != run.sequence.is_numeric:
            continue
        hidden = np.asarray(cell_run.trace.hidden)
        if hidden.shape[-1] != readout.hidden_size:
            continue
        cells[kind] = replace(cell_run, outputs=readout.outputs(hidden))
    return replace(outcome, run=replace(run, cells=MappingProxyType(cells)))
