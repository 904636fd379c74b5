"""How the studio builds what it shows: inputs, the cell, and the loss it backpropagates.

One recipe, used by the studio session (:mod:`rnn_studio.state`) and by the predict-then-reveal
questions (:mod:`rnn_studio.learn.predict`), so a reveal's numbers are exactly what "Show me"
opens in the studio.

Notes
-----
* Inputs: text is split into tokens (:func:`rnn_studio.engine.encoding.tokenize`) and each
  token becomes a one-hot row over the sequence's own vocabulary, sorted, so the input size
  stays small enough to draw every weight.
* Cell: ``make_cell(kind, I, H, seed=seed)`` (with the nonlinearity for the vanilla RNN), then
  (vanilla RNN, ``recurrent="non-normal"``) the surprise demo's weights, then ``W_hh``
  rescaled to spectral radius ρ, then (LSTM only) the forget bias added to ``b_if``.
* Layers (``num_layers`` > 1 or ``bidirectional``): :func:`studio_stack` keeps that cell as
  layer 0's forward direction and builds every other layer and direction the same way, each
  from its own seed derived from ``(seed, layer, direction)``.
* Loss: ``L = u · h_L`` with the fixed unit vector ``u = (1, …, 1)/√H`` read at the loss step
  L, so ``∂L/∂h_L = u`` has norm 1 and every earlier ``‖∂L/∂h_t‖`` is how much of that unit
  gradient survives the trip back to step t.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.engine import encoding


def text_tokens(text: str, mode: str) -> list[str]:
    """Split ``text`` into tokens (``"chars"`` or ``"words"``) with no length cap."""
    return [str(token) for token in encoding.tokenize(text, mode, max_length=sys.maxsize)]


def one_hot_inputs(tokens: Sequence[str], mode: str) -> tuple[tuple[str, ...], np.ndarray]:
    """One-hot inputs over the tokens' own sorted vocabulary.

    Parameters
    ----------
    tokens : sequence of str
        The tokens, in reading order (T of them).
    mode : {"chars", "words"}
        How they were read.

    Returns
    -------
    vocabulary : tuple of str
        The columns' tokens, sorted.
    inputs : numpy.ndarray, shape (T, V), float64
        ``inputs[t, j] = 1`` where token t is ``vocabulary[j]``, else 0.
    """
    vocabulary = encoding.Vocabulary.from_tokens(list(tokens), mode=mode)
    inputs = encoding.one_hot(vocabulary.encode(list(tokens)), len(vocabulary))
    return tuple(vocabulary.tokens), np.asarray(inputs, dtype=np.float64)


def studio_inputs(text: str, mode: str) -> np.ndarray:
    """One-hot inputs (T, I) for ``text`` read as ``mode`` (``chars`` or ``words``)."""
    return one_hot_inputs(text_tokens(text, mode), mode)[1]


def studio_cell(
    kind: str,
    input_size: int,
    hidden_size: int,
    seed: int,
    *,
    nonlinearity: str = "tanh",
    spectral_radius: float | None = None,
    forget_bias: float | None = None,
    recurrent: str = "random",
    radii: Mapping[str, float] | None = None,
) -> engine.Cell:
    """Build a cell as the studio does for a set-up.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    input_size, hidden_size : int
    seed : int
        Seed of the initial weights.
    nonlinearity : {"tanh", "relu"}
        The vanilla RNN's activation (ignored by the gated cells).
    spectral_radius : float or None
        Rescale ``W_hh`` (every gate block) to this ρ; None keeps the initialisation.
    forget_bias : float or None
        LSTM only: added to the forget-gate bias ``b_if`` (ignored by the other cells).
    recurrent : {"random", "non-normal"}
        Vanilla RNN only: ``"non-normal"`` replaces the weights by :func:`non_normal_params`
        (ignored by the other cells).
    radii : mapping of str to float, optional
        ``engine.gate_spectral_radii`` of this set-up's cell before the ρ rescaling, when
        already known: rescaling then solves no eigenvalue problem (see
        ``engine.set_spectral_radius``).
    """
    options: dict[str, Any] = {"seed": seed}
    if kind == "rnn":
        options["nonlinearity"] = nonlinearity
    cell = engine.make_cell(kind, input_size, hidden_size, **options)
    if kind == "rnn" and recurrent == "non-normal":
        cell.set_params(non_normal_params(cell.params))
    if spectral_radius is not None:
        engine.set_spectral_radius(cell, spectral_radius, radii=radii)
    if kind == "lstm" and forget_bias is not None:
        params = {name: np.array(value) for name, value in cell.params.items()}
        params["bias_ih"][hidden_size : 2 * hidden_size] += forget_bias  # gate order i, f, g, o
        cell.set_params(params)
    return cell


def layer_seed(seed: int, layer: int, direction: int) -> int:
    """The seed of layer ``layer``, direction ``direction`` of a studio stack.

    Layer 0's forward cell keeps ``seed`` itself (it is the cell every other panel shows); the
    rest draw theirs from ``numpy.random.SeedSequence((seed, layer, direction))``, so each is
    independent of the others and of the cell another seed would give.
    """
    if layer == 0 and direction == 0:
        return seed
    return int(np.random.SeedSequence((seed, layer, direction)).generate_state(1)[0])


def studio_stack(
    base: engine.Cell,
    num_layers: int,
    bidirectional: bool,
    seed: int,
    *,
    build: Callable[[int, int], engine.Cell] | None = None,
    **options: Any,
) -> engine.CellStack:
    """The studio's stack of ``num_layers`` layers (and both directions) around ``base``.

    Parameters
    ----------
    base : Cell
        Layer 0's forward cell: the cell the rest of the studio shows (random or trained).
    num_layers : int
        Layers, ≥ 1.
    bidirectional : bool
        Add a reverse-direction cell to every layer.
    seed : int
        The studio's seed; see :func:`layer_seed`.
    build : callable, optional
        ``build(input_size, seed)`` returns the cell the recipe makes for that input size and
        seed (the studio passes its cell cache, so unchanged layers are not rebuilt); by
        default :func:`studio_cell` with ``options``.
    **options
        The other cells' recipe (:func:`studio_cell`'s keywords: nonlinearity, spectral
        radius, forget bias, recurrent weights).
    """
    directions = 2 if bidirectional else 1
    if base.dtype != np.float64:  # a float32 trained cell: the studio computes in float64
        twin = engine.make_cell(base.kind, base.input_size, base.hidden_size, seed=0,
                                nonlinearity=base.nonlinearity)  # fmt: skip
        twin.set_params(base.params)
        base = twin

    def make(input_size: int, cell_seed: int) -> engine.Cell:
        if build is not None:
            return build(input_size, cell_seed)
        return studio_cell(base.kind, input_size, base.hidden_size, cell_seed, **options)

    rows = []
    for layer in range(num_layers):
        inputs = base.input_size if layer == 0 else directions * base.hidden_size
        rows.append(
            [
                base
                if layer == 0 and direction == 0
                else make(inputs, layer_seed(seed, layer, direction))
                for direction in range(directions)
            ]
        )
    return engine.CellStack(rows)


#: The surprise demo's W_hh: eigenvalues all NON_NORMAL_RHO, largest singular value NON_NORMAL_NORM.
NON_NORMAL_RHO = 0.5
NON_NORMAL_NORM = 3.43


def non_normal_params(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A vanilla RNN's weights with a non-normal W_hh that grows a gradient although ρ < 1.

    Notes
    -----
    W_hh = ρ I + s J, with J the shift (ones just above the diagonal) and s chosen so that
    ‖W_hh‖₂ = :data:`NON_NORMAL_NORM`. It is triangular, so every eigenvalue is ρ =
    :data:`NON_NORMAL_RHO` (and a library computes them exactly), yet each step back can
    stretch a gradient by up to ‖W_hh‖₂: going back k steps multiplies it by (Wᵀ_hh)ᵏ, whose
    entries C(k, m) ρ^(k−m) s^m grow for many steps before ρᵏ wins. The input reaches unit 0
    only and the biases are 0: unit 0 is an eigenvector (W_hh e₀ = ρ e₀), so the forward pass
    stays small and tanh's slope near 1, and what the learner sees is W_hh alone.
    """
    weight_hh = np.asarray(params["weight_hh"])
    size = weight_hh.shape[0]
    shift = np.eye(size, k=1)
    low, high = 0.0, 2.0 * NON_NORMAL_NORM
    for _ in range(80):  # ‖ρI + sJ‖₂ grows with s: bisect for the target norm
        s = (low + high) / 2
        if np.linalg.norm(NON_NORMAL_RHO * np.eye(size) + s * shift, 2) > NON_NORMAL_NORM:
            high = s
        else:
            low = s
    new = {name: np.array(value, dtype=float) for name, value in params.items()}
    new["weight_hh"] = NON_NORMAL_RHO * np.eye(size) + low * shift
    new["weight_ih"][1:] = 0.0
    new["bias_ih"][:] = 0.0
    new["bias_hh"][:] = 0.0
    return new


def loss_gradient(hidden: np.ndarray) -> np.ndarray:
    """``∂L/∂h_t`` for every t of the loss ``L = u · h_L`` read at the last row of ``hidden``.

    Zero everywhere but the last step, where it is ``u = (1, …, 1)/√H`` (norm 1).
    """
    d_hidden = np.zeros_like(np.asarray(hidden, dtype=float))
    d_hidden[-1] = 1.0 / math.sqrt(d_hidden.shape[-1])
    return d_hidden


def studio_backward(
    cell: engine.Cell,
    inputs: np.ndarray,
    trace: engine.Trace | None = None,
    *,
    weights: bool = True,
) -> tuple[engine.Trace, engine.Grads]:
    """Forward over ``inputs``, then BPTT of ``L = u · h_L`` with the loss at the last step.

    For a loss at an earlier step L, pass ``inputs[: L + 1]``: the forward pass up to L does
    not depend on later inputs. ``trace``: the forward pass of ``cell`` over ``inputs``
    when it is already there (it is not run again). Overflow is recorded (NaN / infinity),
    never warned about. ``weights`` False: dW_ih and dW_hh are left out when a bound proves
    them finite (see ``engine.backward``).

    Raises
    ------
    EngineError
        The engine refuses to backpropagate through an overflowed forward pass.
    """
    with np.errstate(all="ignore"):
        if trace is None:
            trace = engine.forward(cell, inputs)
        grads = engine.backward(cell, trace, loss_gradient(trace.hidden), weights=weights)
    return trace, grads
