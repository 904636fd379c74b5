"""Runs built exactly as the studio builds them, so a reveal's numbers are what "Show me" shows.

Inputs are one-hot over the sequence's own sorted vocabulary; cells come from
``make_cell(kind, I, H, seed=...)`` with the spectral radius and the LSTM forget bias applied
afterwards; the loss for backpropagation is the studio's ``L = u · h_T`` with
``u = (1, …, 1)/√H`` at the last step.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.engine import encoding

PHRASES = (
    "the cat sat on the mat ",
    "rain falls softly on the plain ",
    "memory fades unless it is kept ",
    "a long road winds over the hills ",
)


def studio_inputs(text: str, mode: str) -> np.ndarray:
    """One-hot inputs (T, I) for ``text`` as the studio encodes it (``chars`` or ``words``)."""
    tokens = [str(token) for token in encoding.tokenize(text, mode, max_length=sys.maxsize)]
    vocabulary = encoding.Vocabulary.from_tokens(tokens, mode=mode)
    return np.asarray(encoding.one_hot(vocabulary.encode(tokens), len(vocabulary)), dtype=float)


def studio_cell(
    kind: str,
    input_size: int,
    hidden_size: int,
    seed: int,
    *,
    nonlinearity: str = "tanh",
    spectral_radius: float | None = None,
    forget_bias: float | None = None,
) -> engine.Cell:
    """Build a cell as the studio does for a demo set-up."""
    options: dict[str, Any] = {"seed": seed}
    if kind == "rnn":
        options["nonlinearity"] = nonlinearity
    cell = engine.make_cell(kind, input_size, hidden_size, **options)
    if spectral_radius is not None:
        engine.set_spectral_radius(cell, spectral_radius)
    if kind == "lstm" and forget_bias is not None:
        params = {name: np.array(value) for name, value in cell.params.items()}
        params["bias_ih"][hidden_size : 2 * hidden_size] += forget_bias  # gate order i, f, g, o
        cell.set_params(params)
    return cell


def studio_backward(cell: engine.Cell, inputs: np.ndarray) -> tuple[engine.Trace, engine.Grads]:
    """Forward, then BPTT of the studio's loss ``L = u · h_T``, ``u = 1/√H``, at the last step."""
    with np.errstate(all="ignore"):
        trace = engine.forward(cell, inputs)
        d_hidden = np.zeros_like(np.asarray(trace.hidden))
        d_hidden[-1] = 1.0 / math.sqrt(cell.hidden_size)
        grads = engine.backward(cell, trace, d_hidden)
    return trace, grads


def factor_per_step(norms: np.ndarray) -> float:
    """Geometric-mean factor by which ``norms`` shrink (<1) or grow (>1) going back in time.

    ``(norms[first] / norms[T-1]) ** (1 / (T-1-first))`` over the finite, positive run of
    values ending at the last step, as the studio's verdict computes it; NaN with one step.
    """
    values = np.asarray(norms, dtype=float)
    last = len(values) - 1
    usable = np.isfinite(values) & (values > 0)
    if not usable[last]:
        return math.nan
    first = last
    while first > 0 and usable[first - 1]:
        first -= 1
    if first == last:
        return math.nan
    return math.exp((math.log(values[first]) - math.log(values[last])) / (last - first))


def sample_text(rng: np.random.Generator, length: int) -> str:
    """A text of ``length`` characters: one of :data:`PHRASES`, repeated, drawn with ``rng``."""
    phrase = PHRASES[int(rng.integers(len(PHRASES)))]
    return (phrase * (length // len(phrase) + 1))[:length]
