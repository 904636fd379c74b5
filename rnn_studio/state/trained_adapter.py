"""A trained model in the studio: its cell fitted to the studio's encoding, and its readout.

The studio reads a typed sequence its own way: text becomes one-hot vectors over the
sequence's own (sorted) vocabulary, numbers are standardised by the sequence's own mean and
spread. A trained :class:`~rnn_studio.engine.model.Model` expects its training vocabulary
(or embedding) and its training scaler instead. :func:`trained_cell` builds the cell that,
fed the studio's encoding, computes exactly the hidden states the trained model computes on
the same text (only the input weights change; the recurrent weights are the trained ones):

* tokens: column j of the studio's ``W_ih`` is the trained column of the j-th token
  (``W_ih E[k]`` for an embedding model);
* numbers: with the studio's :math:`x^s = (v - m_s)/s_s` and the model's
  :math:`x^m = (v - m_m)/s_m = a x^s + c`, :math:`a = s_s/s_m`, :math:`c = (m_s - m_m)/s_m`,
  the studio cell uses :math:`W_{ih} a` and :math:`b_{ih} + W_{ih} c`.

A :class:`Readout` is the model's own output layer ``o_t = W h_t + b``, so the studio's
Outputs panel shows what the trained model predicts rather than an untrained readout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_studio import engine
from rnn_studio.engine.encoding import Vocabulary, tokenize
from rnn_studio.engine.losses import softmax
from rnn_studio.engine.model import Model
from rnn_studio.state.readout import Outputs
from rnn_studio.state.sequence import EncodedSequence

READOUT_KINDS = ("tokens", "classes", "values")


class TrainedModelError(ValueError):
    """The trained model cannot read this sequence; the message says why."""


@dataclass(frozen=True, eq=False)
class Readout:
    """A trained linear readout ``o_t = W h_t + b`` and how to read its output.

    Attributes
    ----------
    kind : {"tokens", "classes", "values"}
        Next-token logits, class logits (e.g. negative/positive) or the next value.
    weight : numpy.ndarray, shape (O, H)
    bias : numpy.ndarray, shape (O,)
    labels : tuple of str
        One name per output (the tokens or the classes); empty for values.
    value_mean, value_scale : float
        Values only: the prediction in the units typed is ``o_t * value_scale + value_mean``
        (the model's training scaler).
    name : str
        Whose readout it is, e.g. ``"trained LSTM"``.
    trained : bool
        False for :meth:`untrained_like`'s random readout with the same outputs.
    """

    kind: str
    weight: np.ndarray
    bias: np.ndarray
    labels: tuple[str, ...] = ()
    value_mean: float = 0.0
    value_scale: float = 1.0
    name: str = "trained model"
    trained: bool = True

    def __post_init__(self) -> None:
        if self.kind not in READOUT_KINDS:
            raise TrainedModelError(f"readout kind must be one of {READOUT_KINDS}: {self.kind!r}")
        weight, bias = np.asarray(self.weight), np.asarray(self.bias)
        if weight.ndim != 2 or bias.shape != (weight.shape[0],):
            raise TrainedModelError(
                f"readout weight (O, H) and bias (O,) do not fit: {weight.shape}, {bias.shape}"
            )
        if self.kind != "values" and len(self.labels) != weight.shape[0]:
            raise TrainedModelError(
                f"the readout has {weight.shape[0]} outputs but {len(self.labels)} labels"
            )
        if self.kind == "values" and weight.shape[0] != 1:
            raise TrainedModelError("a value readout predicts one number per step")

    @classmethod
    def from_model(cls, model: Model) -> Readout:
        """The readout of a trained :class:`~rnn_studio.engine.model.Model`."""
        params = model.params
        weight, bias = params["readout.weight"], params["readout.bias"]
        name = f"trained {model.kind.upper()}"
        if model.task == "regress":
            scaler = model.scaler
            mean, scale = (0.0, 1.0) if scaler is None else (scaler.mean, scaler.std)
            return cls("values", weight, bias, (), mean, scale, name)
        if model.labels is not None:
            return cls("classes", weight, bias, tuple(model.labels), name=name)
        if model.vocabulary is None or len(model.vocabulary) != model.output_size:
            labels = tuple(str(index) for index in range(model.output_size))
        else:
            labels = tuple(model.vocabulary.tokens)
        return cls("tokens", weight, bias, labels, name=name)

    def untrained_like(self, hidden_size: int, seed: int) -> Readout:
        r"""A random readout with this one's outputs (labels, kind and value units), reading
        ``hidden_size`` units: what the Outputs panel shows for a random cell of a trained
        model's shape, so "random weights" means the whole untrained network, readout too.

        Notes
        -----
        :math:`W_{hy} \sim U(-4/\sqrt H, 4/\sqrt H)`, :math:`b = 0`, drawn from the
        studio seed's own stream (as the studio's untrained token readout).
        """
        rng = np.random.default_rng([seed, 7919])  # the untrained token readout's stream
        bound = 4.0 / np.sqrt(hidden_size)
        outputs = np.asarray(self.weight).shape[0]
        weight = rng.uniform(-bound, bound, (outputs, hidden_size))
        name = self.name.replace("trained ", "", 1)
        return Readout(
            self.kind,
            weight,
            np.zeros(outputs),
            self.labels,
            self.value_mean,
            self.value_scale,
            name=name,
            trained=False,
        )

    @property
    def hidden_size(self) -> int:
        """H, the hidden units the readout reads."""
        return int(np.asarray(self.weight).shape[1])

    def outputs(self, hidden: np.ndarray) -> Outputs:
        """The readout at every step of the hidden states ``hidden`` (T, H).

        Notes
        -----
        Tokens and classes: :math:`p_t = \\mathrm{softmax}(W h_t + b)`; values:
        :math:`\\hat v_{t+1} = (W h_t + b)\\, s + m` with the training scaler's
        :math:`m, s`.
        """
        hidden = np.asarray(hidden)
        if hidden.ndim != 2 or hidden.shape[1] != self.hidden_size:
            raise TrainedModelError(
                f"the readout reads {self.hidden_size} hidden units, got shape {hidden.shape}"
            )
        with np.errstate(all="ignore"):
            logits = hidden @ np.asarray(self.weight).T + np.asarray(self.bias)
            if self.kind == "values":
                return Outputs(
                    probabilities=None,
                    predictions=logits[:, 0] * self.value_scale + self.value_mean,
                    description=self._describe("the next value"),
                    trained=self.trained,
                    kind="values",
                )
            what = "next token" if self.kind == "tokens" else "class"
            return Outputs(
                probabilities=softmax(logits),
                predictions=None,
                description=self._describe(f"probability of each {what}"),
                labels=self.labels,
                trained=self.trained,
                kind=self.kind,
            )

    def _describe(self, what: str) -> str:
        if self.trained:
            if self.kind == "values":
                return f"The {self.name}'s own readout predicts {what}."
            return f"The {self.name}'s own readout: {what}."
        outputs = "next value" if self.kind == "values" else f"{len(self.labels)} {self.kind}"
        return (
            f"Untrained readout (random W_hy) over the trained {self.name}'s {outputs}: "
            "random weights only guess."
        )


def trained_cell(model: Model, sequence: EncodedSequence) -> Any:
    """The engine cell that computes ``model``'s hidden states from the studio's encoding.

    Parameters
    ----------
    model : Model
        A trained model.
    sequence : EncodedSequence
        The studio's reading of the text (:func:`rnn_studio.state.sequence.encode_sequence`).

    Raises
    ------
    TrainedModelError
        Numbers for a token model (or text for a numbers model), or a token the model never
        saw in training (named in the message).
    """
    name = f"The trained {model.kind.upper()}"
    params = {key: np.array(value) for key, value in model.cell.params.items()}
    weight_ih = params["weight_ih"]
    if model.inputs == "tokens":
        if sequence.is_numeric or model.vocabulary is None:
            raise TrainedModelError(f"{name} reads text; type characters or words, not numbers.")
        raw = [str(token) for token in tokenize(sequence.text, sequence.mode, max_length=10**6)]
        studio_order = Vocabulary.from_tokens(raw, mode=sequence.mode).tokens
        unknown = [token for token in studio_order if token not in model.vocabulary]
        if unknown:
            shown = ", ".join(repr(token) for token in unknown[:5])
            raise TrainedModelError(
                f"{name} never saw {shown} in training; use only tokens of its training data."
            )
        ids = [model.vocabulary.index(token) for token in studio_order]
        embedding = model.params.get("embedding.weight")
        if embedding is None:
            params["weight_ih"] = weight_ih[:, ids]
        else:
            params["weight_ih"] = weight_ih @ np.asarray(embedding)[ids].T
    else:
        if not sequence.is_numeric or model.input_size != 1:
            raise TrainedModelError(f"{name} reads one number per step; type numbers.")
        mean, std = (0.0, 1.0) if model.scaler is None else (model.scaler.mean, model.scaler.std)
        scale = sequence.scale / std
        shift = (sequence.mean - mean) / std
        params["weight_ih"] = weight_ih * scale
        params["bias_ih"] = params["bias_ih"] + weight_ih[:, 0] * shift
    options: dict[str, Any] = {"dtype": model.dtype}
    if model.kind == "rnn":
        options["nonlinearity"] = model.nonlinearity
    cell = engine.make_cell(model.kind, sequence.input_size, model.hidden_size, seed=0, **options)
    cell.set_params(params)
    return cell
