"""``Cell`` declares the hooks every cell implements; each cell implements all of them."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.engine.cell_base import Cell
from rnn_studio.engine.cells import make_cell

#: What sequence.py (forward, backward) and dynamics.py (Jacobian norms) call on a cell.
HOOKS = {
    "_build_constants",
    "_step",
    "_forward_sequence",
    "_backward_sequence",
    "_local_derivatives",
    "_adjoint_step",
}


def test_the_base_class_declares_every_hook_and_cannot_be_built() -> None:
    assert Cell.__abstractmethods__ == HOOKS
    with pytest.raises(TypeError, match="abstract"):
        Cell(3, 4, rng=np.random.default_rng(0))  # type: ignore[abstract]


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_every_cell_implements_every_hook(kind: str) -> None:
    cell = make_cell(kind, 3, 4, seed=0)
    assert not type(cell).__abstractmethods__
    for hook in HOOKS:
        assert getattr(type(cell), hook) is not getattr(Cell, hook), hook
