"""What the Outputs panel shows at each step: next-token probabilities or the next value.

The studio's cells are not trained (the Train area does that), so the readout here is built
from the run itself and says so in the panel:

* text: an untrained linear readout ``softmax(W_hy h_t + b_y)`` with seeded random weights.
  Its probabilities change as the hidden state changes, which is the point of the view.
* numbers: a least-squares linear readout fitted on this very sequence (reservoir style: the
  recurrent weights stay random, only ``W_hy`` is solved), predicting ``x_{t+1}`` from ``h_t``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnn_studio.engine.losses import softmax
from rnn_studio.state.sequence import EncodedSequence

#: Ridge penalty of the least-squares value readout; keeps the solve well posed when T < H.
RIDGE_PENALTY = 1e-3


@dataclass(frozen=True, eq=False)
class Outputs:
    """The readout's output at every step.

    Attributes
    ----------
    probabilities : numpy.ndarray or None, shape (T, V)
        Next-token probabilities over the vocabulary (text modes).
    predictions : numpy.ndarray or None, shape (T,)
        Predicted next value in the units typed (numbers mode); entry t predicts value t+1.
    description : str
        One line saying how the readout was made.
    labels : tuple of str or None
        Names of the columns of ``probabilities`` when they are not the sequence's own
        vocabulary (a trained model's tokens or classes).
    trained : bool
        True for a trained model's own readout, False for the studio's untrained one.
    kind : {"tokens", "classes", "values"}
        Next-token probabilities, class probabilities (a trained classifier such as
        sentiment) or predicted next values.
    """

    probabilities: np.ndarray | None
    predictions: np.ndarray | None
    description: str
    labels: tuple[str, ...] | None = None
    trained: bool = False
    kind: str = "tokens"

    def top_tokens(
        self, t: int, vocabulary: tuple[str, ...], k: int = 5
    ) -> list[tuple[str, float]]:
        """Return the ``k`` most likely outputs at step ``t`` with their probabilities.

        Columns are named by :attr:`labels` when set, else by ``vocabulary`` (the sequence's).
        """
        if self.probabilities is None:
            return []
        names = self.labels if self.labels is not None else vocabulary
        row = self.probabilities[t]
        order = np.argsort(-row, kind="stable")[:k]
        return [(names[i], float(row[i])) for i in order]


def compute_outputs(hidden: np.ndarray, sequence: EncodedSequence, seed: int) -> Outputs:
    """Compute the readout for a run's hidden states ``hidden`` (T, H)."""
    with np.errstate(all="ignore"):
        if sequence.is_numeric:
            return _value_readout(hidden, sequence)
        return _token_readout(hidden, sequence, seed)


def _token_readout(hidden: np.ndarray, sequence: EncodedSequence, seed: int) -> Outputs:
    rng = np.random.default_rng([seed, 7919])  # its own stream: the cell's weights stay put
    size = len(sequence.vocabulary)
    bound = 1.0 / np.sqrt(hidden.shape[1])
    weight = rng.uniform(-bound, bound, (size, hidden.shape[1])) * 4.0
    return Outputs(
        probabilities=softmax(np.nan_to_num(hidden) @ weight.T),
        predictions=None,
        description="Untrained readout (random W_hy): train a model in Train to make it useful.",
    )


def _value_readout(hidden: np.ndarray, sequence: EncodedSequence) -> Outputs:
    features = np.nan_to_num(hidden, posinf=0.0, neginf=0.0)
    design = np.hstack([features, np.ones((len(features), 1))])
    targets = sequence.inputs[1:, 0]
    if len(targets) == 0:
        weights = np.zeros(design.shape[1])
    else:
        train = design[:-1]
        gram = train.T @ train + RIDGE_PENALTY * np.eye(design.shape[1])
        weights = np.linalg.solve(gram, train.T @ targets)
    standardised = design @ weights
    return Outputs(
        probabilities=None,
        predictions=standardised * sequence.scale + sequence.mean,
        description="Readout fitted by least squares on this series; the cell stays random.",
        kind="values",
    )
