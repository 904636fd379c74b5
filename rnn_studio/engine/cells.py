"""Build a cell by name: ``make_cell("lstm", input_size=5, hidden_size=8, seed=0)``."""

from __future__ import annotations

from typing import Any

import numpy as np

from rnn_studio.engine.cell_base import Cell, State, StepResult
from rnn_studio.engine.errors import EngineError, check_seed
from rnn_studio.engine.gru import GRUCell
from rnn_studio.engine.lstm import LSTMCell
from rnn_studio.engine.rnn import RNNCell

CELL_CLASSES: dict[str, type[Cell]] = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}
CELL_KINDS = tuple(CELL_CLASSES)

GATE_LABELS = {
    "i": "input",
    "f": "forget",
    "g": "cell candidate",
    "o": "output",
    "r": "reset",
    "z": "update",
    "n": "candidate",
}
"""Display names of the gates, keyed by ``cell.gate_names`` entries."""

__all__ = [
    "CELL_KINDS",
    "GATE_LABELS",
    "Cell",
    "GRUCell",
    "LSTMCell",
    "RNNCell",
    "State",
    "StepResult",
    "make_cell",
]


def make_cell(
    kind: str,
    input_size: int,
    hidden_size: int,
    *,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    nonlinearity: str = "tanh",
    dtype: Any = np.float64,
) -> Cell:
    """Create an RNN, LSTM or GRU cell with PyTorch's layout and initialisation.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
        Which cell.
    input_size, hidden_size : int
        I and H, both ≥ 1.
    seed : int, optional
        Seed for the initial weights (same seed, same weights, bit for bit).
    rng : numpy.random.Generator, optional
        Generator to draw the weights from instead of ``seed`` (give at most one). With
        neither, a fresh unseeded generator is used.
    nonlinearity : {"tanh", "relu"}
        Activation of the vanilla RNN; the LSTM and GRU take only "tanh".
    dtype : float64 or float32
        Precision of everything the cell computes.

    Returns
    -------
    Cell
        :class:`RNNCell`, :class:`LSTMCell` or :class:`GRUCell`.

    Raises
    ------
    EngineError
        Unknown kind, sizes that are not positive integers, both ``seed`` and ``rng``, an
        unsupported dtype or nonlinearity.
    """
    if not isinstance(kind, str) or kind.lower() not in CELL_CLASSES:
        raise EngineError(f"unknown cell kind {kind!r}; choose one of {', '.join(CELL_KINDS)}")
    if seed is not None and rng is not None:
        raise EngineError("give either seed or rng, not both")
    if rng is None:
        rng = np.random.default_rng(check_seed(seed))
    elif not isinstance(rng, np.random.Generator):
        raise EngineError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    return CELL_CLASSES[kind.lower()](
        input_size, hidden_size, rng=rng, nonlinearity=nonlinearity, dtype=dtype
    )
