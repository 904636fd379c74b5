"""Build a cell by name: ``make_cell("lstm", input_size=5, hidden_size=8, seed=0)``.

With ``num_layers`` > 1 or ``bidirectional=True`` it builds a
:class:`~rnn_studio.engine.stack.CellStack` instead (PyTorch's multi-layer modules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from rnn_studio.engine.cell_base import Cell, State, StepResult
from rnn_studio.engine.errors import EngineError, check_seed
from rnn_studio.engine.gru import GRUCell
from rnn_studio.engine.lstm import LSTMCell
from rnn_studio.engine.rnn import RNNCell

if TYPE_CHECKING:
    from rnn_studio.engine.stack import CellStack

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


@overload
def make_cell(
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: Literal[1] = 1,
    bidirectional: Literal[False] = False,
    *,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    nonlinearity: str = "tanh",
    dtype: Any = np.float64,
) -> Cell: ...


@overload
def make_cell(
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    bidirectional: Literal[True],
    *,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    nonlinearity: str = "tanh",
    dtype: Any = np.float64,
) -> CellStack: ...


@overload
def make_cell(
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    *,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    nonlinearity: str = "tanh",
    dtype: Any = np.float64,
) -> Cell | CellStack: ...


def make_cell(
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    *,
    seed: int | None = None,
    rng: np.random.Generator | None = None,
    nonlinearity: str = "tanh",
    dtype: Any = np.float64,
) -> Cell | CellStack:
    """Create an RNN, LSTM or GRU cell (or a stack of them) with PyTorch's layout and init.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
        Which cell.
    input_size, hidden_size : int
        I and H, both ≥ 1.
    num_layers : int
        L, 1 … 8 stacked layers; layer l > 0 reads the D·H outputs of layer l − 1.
    bidirectional : bool
        Run every layer over the reversed sequence too (D = 2), outputs concatenated.
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
    Cell or CellStack
        :class:`RNNCell`, :class:`LSTMCell` or :class:`GRUCell` for ``num_layers=1,
        bidirectional=False`` (the default); otherwise a
        :class:`~rnn_studio.engine.stack.CellStack` whose ``state_dict`` uses PyTorch's names
        (``weight_ih_l1``, ``bias_hh_l0_reverse``, ...) and whose weights are drawn in
        PyTorch's order (see :func:`~rnn_studio.engine.stack.make_stack`).

    Raises
    ------
    EngineError
        Unknown kind, sizes that are not positive integers, both ``seed`` and ``rng``, an
        unsupported dtype or nonlinearity, ``num_layers`` outside 1 … 8, a ``bidirectional``
        that is not a bool.
    """
    one_direction = isinstance(bidirectional, (bool, np.bool_)) and not bidirectional
    if isinstance(num_layers, bool) or num_layers != 1 or not one_direction:
        from rnn_studio.engine.stack import make_stack  # stack.py builds on this module

        return make_stack(
            kind,
            input_size,
            hidden_size,
            num_layers,
            bidirectional,
            seed=seed,
            rng=rng,
            nonlinearity=nonlinearity,
            dtype=dtype,
        )
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
