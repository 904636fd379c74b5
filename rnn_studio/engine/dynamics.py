"""Loss-free views of memory: Jacobian norms back in time and spectral radii of W_hh.

``jacobian_norms`` answers "how much does the last hidden state still depend on h_t?", the
curve that vanishes (or explodes) geometrically in a vanilla RNN; ``spectral_radius`` is the
number that predicts which of the two happens, and ``set_spectral_radius`` dials it in.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from rnn_studio.engine.cell_base import Cell
from rnn_studio.engine.errors import EngineError
from rnn_studio.engine.interrupt import checkpoint
from rnn_studio.engine.jacobian_sweep import jacobian_log10_sweep
from rnn_studio.engine.sequence import Trace, check_trace

__all__ = [
    "gate_spectral_radii",
    "jacobian_log10_norms",
    "jacobian_norms",
    "largest_singular_value",
    "set_spectral_radius",
    "spectral_radius",
]


def jacobian_log10_norms(cell: Cell, trace: Trace) -> np.ndarray:
    """``log10`` of :func:`jacobian_norms`, never leaving log space (−inf when exactly zero).

    Returns
    -------
    ndarray, shape (T,)
        log10 ‖∂h_{T-1}/∂h_t‖_F for t = 0 … T−1 (last entry log10 √(B·H)).
    """
    trace = check_trace(cell, trace)
    result = np.empty(len(trace))
    # One block: the sweep's loop, run to the end (it is the only copy of that loop).
    for block in jacobian_log10_sweep(cell, trace, block_steps=len(trace)):
        result[block.start : block.stop] = block.log10_norms
    return result


def jacobian_norms(cell: Cell, trace: Trace) -> np.ndarray:
    """Frobenius norm of ∂h_{T-1}/∂h_t for every step t, finite down to ~1e-300.

    Parameters
    ----------
    cell : Cell
        The cell that recorded ``trace``.
    trace : Trace
        From :func:`rnn_studio.engine.forward`.

    Returns
    -------
    ndarray, shape (T,)
        ``norms[t] = ‖∂h_{T-1}/∂h_t‖_F`` with h_t = ``trace.hidden[t]``; the last entry is
        ‖I‖_F = √H. (In the 1-based notation of the lessons, ``norms[0]`` is ‖∂h_T/∂h_1‖.)

    Notes
    -----
    ∂h_{T-1}/∂h_t = J_{T-1} J_{T-2} ⋯ J_{t+1} with J_s = ∂h_s/∂h_{s-1}, computed by carrying
    the H × H adjoint matrix backwards through each step (the same local derivatives BPTT
    uses) and dividing it by its largest entry after each step while accumulating the log
    of that scale, so the product stays representable however small or large it gets.

    For the LSTM the state is (h, c): the matrix carried back is (∂h_{T-1}/∂h_t,
    ∂h_{T-1}/∂c_t) and the norm reported is that of the h part (c_t held fixed), i.e. the
    dependence on h_t that a gradient sees.

    For a batch, the batch is treated as one big state whose Jacobian is block diagonal:
    the norm is sqrt(Σ_b ‖J_b‖²_F).

    Cost: O(T·G·H³) per sequence: ~5 ms for an LSTM at H = 32 over 100 steps, ~0.5 s at
    H = 128 over 1,000 steps (one core). Norms below ~1e-308 come back as 0; use
    :func:`jacobian_log10_norms` for those.
    """
    with np.errstate(under="ignore", over="ignore"):
        return np.power(10.0, jacobian_log10_norms(cell, trace))


def _blocks(cell: Cell) -> dict[str, np.ndarray]:
    if not isinstance(cell, Cell):  # a CellStack: every layer and direction has its own W_hh
        raise EngineError(
            f"spectral radii and singular values belong to one cell, not a "
            f"{type(cell).__name__}; pass stack.cell(layer, direction)"
        )
    size = cell.hidden_size
    weight_hh = cell.params["weight_hh"]
    return {name: weight_hh[k * size : (k + 1) * size] for k, name in enumerate(cell.block_names)}


def _radius(block: np.ndarray) -> float:
    checkpoint()  # ~25 ms per block at hidden 256: a stale caller stops before the next one
    return float(np.max(np.abs(np.linalg.eigvals(block.astype(np.float64)))))


def gate_spectral_radii(cell: Cell) -> dict[str, float]:
    """Largest |eigenvalue| of each H × H block of ``weight_hh``.

    Returns
    -------
    dict[str, float]
        Keyed by ``cell.block_names``: ``{"h": ρ}`` for the RNN, ``{"i", "f", "g", "o"}`` for
        the LSTM, ``{"r", "z", "n"}`` for the GRU.
    """
    return {name: _radius(block) for name, block in _blocks(cell).items()}


def spectral_radius(cell: Cell) -> float:
    """Largest |eigenvalue| of ``weight_hh`` (the maximum over gate blocks for gated cells).

    Notes
    -----
    For a vanilla tanh RNN each step multiplies the carried gradient by
    Wᵀ_hh diag(1 − h_t²), and |tanh'| ≤ 1. ρ(W_hh) decides the long run of the linearised
    map (‖Wᵏ‖^{1/k} → ρ as k grows): well below 1 the gradient eventually vanishes
    geometrically. Over a finite span the bound is the largest singular value
    (:func:`largest_singular_value`): a non-normal W_hh with ρ < 1 but ‖W_hh‖₂ > 1 can grow
    the gradient for many steps first.
    """
    return max(gate_spectral_radii(cell).values())


def largest_singular_value(cell: Cell) -> float:
    """‖W_hh‖₂, the largest singular value of ``weight_hh`` (max over gate blocks).

    Notes
    -----
    One step back multiplies the carried gradient by Wᵀ_hh diag(f'(a_t)), so
    ‖∂L/∂h_{t−1}‖ ≤ ‖W_hh‖₂ · max|f'| · ‖∂L/∂h_t‖: the per-step growth bound, which ρ is
    not (ρ ≤ ‖W_hh‖₂, with equality for normal matrices such as symmetric ones).
    """
    return max(float(np.linalg.norm(block, 2)) for block in _blocks(cell).values())


def set_spectral_radius(
    cell: Cell, rho: float, *, radii: Mapping[str, float] | None = None
) -> None:
    """Rescale every H × H block of ``weight_hh`` so that its spectral radius is ``rho``.

    Parameters
    ----------
    cell : Cell
        Modified in place through ``cell.set_params`` (cached constants are rebuilt).
    rho : float
        Target radius, ≥ 0 and finite.
    radii : mapping of str to float, optional
        The blocks' present radii, :func:`gate_spectral_radii` of ``cell``, when they are
        already known (e.g. kept from an earlier call on the same weights): no eigenvalue
        problem is solved then.

    Raises
    ------
    EngineError
        ``rho`` negative or not finite, or a block whose radius is 0 (nothing to rescale).

    Notes
    -----
    The eigenvalues of c·W are c times those of W, so ρ(c·W) = |c|·ρ(W): multiplying a block
    by ρ / ρ(block) gives it radius ρ. That is why the radii of one set of weights serve for
    every ρ asked of them (a slider moved ten times solves no eigenvalue problem).
    """
    if isinstance(rho, bool) or not isinstance(rho, (int, float, np.floating, np.integer)):
        raise EngineError(f"spectral radius must be a number, got {rho!r}")
    if not np.isfinite(rho) or rho < 0:
        raise EngineError(f"spectral radius must be finite and ≥ 0, got {rho}")
    blocks = _blocks(cell)
    params = cell.params
    weight_hh = params["weight_hh"].copy()
    size = cell.hidden_size
    for k, (name, block) in enumerate(blocks.items()):
        current = _radius(block) if radii is None else float(radii[name])
        if current == 0.0:
            raise EngineError(
                f"the {name} block of weight_hh has spectral radius 0; it cannot be rescaled"
            )
        weight_hh[k * size : (k + 1) * size] *= rho / current
    params["weight_hh"] = weight_hh
    cell.set_params(params)
