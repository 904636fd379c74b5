"""A whole network: input encoding, a recurrent cell and a linear readout, with its loss.

::

    token ids ──one-hot or embedding──▶ x_t ──cell──▶ h_t ──readout──▶ o_t = W h_t + b
    numbers  ───────────────────────────▶ x_t

``task="classify"`` reads ``o_t`` as logits over classes (the next token, or a label such as
positive/negative) with softmax cross-entropy; ``task="regress"`` reads it as the next value
with mean squared error. The loss is taken at every step (next-token prediction,
forecasting) or only at the last one (``loss_on="last"``: a label for the whole sequence, as
in sentiment or the long-range memory task).

Parameters carry PyTorch ``state_dict`` names for a module with attributes ``embedding``
(``nn.Embedding``, optional), ``rnn`` (``nn.RNN``/``LSTM``/``GRU``, one layer, not
batch-first) and ``readout`` (``nn.Linear``): ``embedding.weight``, ``rnn.weight_ih_l0``,
``rnn.weight_hh_l0``, ``rnn.bias_ih_l0``, ``rnn.bias_hh_l0``, ``readout.weight``,
``readout.bias``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rnn_studio.engine.cells import make_cell
from rnn_studio.engine.encoding import Scaler, Vocabulary, one_hot, tokenize
from rnn_studio.engine.errors import (
    EngineError,
    check_memory,
    check_params,
    check_seed,
    check_size,
)
from rnn_studio.engine.losses import mean_squared_error, softmax, softmax_cross_entropy
from rnn_studio.engine.sequence import Trace, backward, forward

TASKS = ("classify", "regress")
INPUT_KINDS = ("tokens", "values")
LOSS_ON = ("every", "last")
CELL_PREFIX = "rnn."
CELL_SUFFIX = "_l0"


class NonFiniteLossError(EngineError):
    """The loss or its gradient came out NaN or infinite (usually exploded weights)."""


@dataclass(frozen=True)
class ModelResult:
    """One forward and backward pass of a :class:`Model` on a batch.

    Attributes
    ----------
    loss : float
        Mean loss over the positions that carry one.
    grads : dict of str to numpy.ndarray
        dLoss/dparameter for every name in :attr:`Model.params`.
    trace : Trace
        The cell's forward record (inputs, hidden states, gates ...).
    outputs : numpy.ndarray, shape (T, [B,] O)
        Readout at every step (logits or predicted values).
    grad_norms : numpy.ndarray, shape (T,)
        L2 norm of the total dLoss/dh_t reaching each step (the gradient-decay curve).
    input_grads : numpy.ndarray, shape (T, [B,] I)
        dLoss/dx_t (for token inputs: with respect to the one-hot or embedded vectors).
    """

    loss: float
    grads: dict[str, np.ndarray]
    trace: Trace
    outputs: np.ndarray
    grad_norms: np.ndarray
    input_grads: np.ndarray


class Model:
    """A recurrent cell between an input encoding and a linear readout.

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
    input_size : int
        Vocabulary size for token inputs, features per step for value inputs.
    hidden_size : int
    output_size : int, optional
        Classes or predicted values; defaults to ``input_size`` (predict the next input).
    task : {"classify", "regress"}
    inputs : {"tokens", "values"}, optional
        Token ids (int arrays, encoded one-hot or by an embedding) or float vectors. Defaults
        to tokens for classification and values for regression.
    embedding_size : int, optional
        Learn an embedding of this size instead of one-hot vectors (token inputs only).
    loss_on : {"every", "last"}
        Where the loss is taken.
    nonlinearity : {"tanh", "relu"}
        Vanilla RNN activation.
    vocabulary : Vocabulary, optional
        Token names for token inputs (its size must equal ``input_size``).
    labels : sequence of str, optional
        Names of the output classes when they are not the next token (e.g. sentiment).
    scaler : Scaler, optional
        Standardisation of value inputs and targets, kept to map predictions back.
    forget_bias : float, optional
        Added to the initial bias of the gate that keeps the old state: the LSTM's forget
        gate f or the GRU's update gate z. A positive value (1 to 4) makes a fresh network
        remember by default, the usual remedy for long memory tasks. Not available for the
        vanilla RNN, which has no gates.
    gate_bias : mapping of str to float, optional
        Added to the initial ``bias_ih`` rows of the named gates (``cell.gate_names``), e.g.
        ``{"f": 4.0, "i": -2.0}``: an LSTM that keeps its cell state and writes little until
        it learns what is worth writing (close to the "chrono" initialisation of Tallec and
        Ollivier, 2018).
    seed, rng :
        Source of the initial weights (``rng`` wins). The cell draws first, then the
        readout (U(−1/√H, 1/√H), as ``nn.Linear``), then the embedding (N(0, 1), as
        ``nn.Embedding``).
    dtype : float64 or float32
    """

    def __init__(
        self,
        kind: str,
        *,
        input_size: int,
        hidden_size: int,
        output_size: int | None = None,
        task: str = "classify",
        inputs: str | None = None,
        embedding_size: int | None = None,
        loss_on: str = "every",
        nonlinearity: str = "tanh",
        vocabulary: Vocabulary | None = None,
        labels: Sequence[str] | None = None,
        scaler: Scaler | None = None,
        forget_bias: float | None = None,
        gate_bias: Mapping[str, float] | None = None,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        dtype: Any = np.float64,
    ) -> None:
        if task not in TASKS:
            raise EngineError(f"Unknown task {task!r}; choose one of {', '.join(TASKS)}.")
        inputs = inputs or ("tokens" if task == "classify" else "values")
        if inputs not in INPUT_KINDS:
            raise EngineError(f"inputs must be 'tokens' or 'values', not {inputs!r}.")
        if loss_on not in LOSS_ON:
            raise EngineError(f"loss_on must be 'every' or 'last', not {loss_on!r}.")
        input_size = check_size(input_size, "input_size")
        output_size = check_size(input_size if output_size is None else output_size, "output_size")
        if embedding_size is not None:
            if inputs != "tokens":
                raise EngineError("An embedding needs token inputs (inputs='tokens').")
            embedding_size = check_size(embedding_size, "embedding_size")
        if vocabulary is not None and len(vocabulary) != input_size:
            raise EngineError(
                f"The vocabulary has {len(vocabulary)} tokens but input_size is {input_size}."
            )
        if labels is not None:
            labels = tuple(str(label) for label in labels)
            if task != "classify" or len(labels) != output_size:
                raise EngineError(
                    f"labels must name the {output_size} output classes of a classifier."
                )
        check_size(hidden_size, "hidden_size")
        check_memory(
            output_size * (int(hidden_size) + 1) + input_size * (embedding_size or 0),
            np.dtype(dtype).itemsize,
            f"a readout of {output_size} outputs (and embedding) at hidden size {hidden_size}",
        )
        if rng is None:
            rng = np.random.default_rng(check_seed(seed))
        cell_input = embedding_size if embedding_size is not None else input_size
        self.cell = make_cell(
            kind, cell_input, hidden_size, rng=rng, nonlinearity=nonlinearity, dtype=dtype
        )
        self.kind = kind
        self.task = task
        self.inputs = inputs
        self.loss_on = loss_on
        self.input_size = input_size
        self.output_size = output_size
        self.embedding_size = embedding_size
        self.vocabulary = vocabulary
        self.labels = labels
        self.scaler = scaler
        dtype = self.cell.dtype
        bound = 1.0 / np.sqrt(self.hidden_size)
        self._readout_weight = rng.uniform(-bound, bound, (output_size, self.hidden_size))
        self._readout_bias = rng.uniform(-bound, bound, (output_size,))
        self._readout_weight = self._readout_weight.astype(dtype)
        self._readout_bias = self._readout_bias.astype(dtype)
        self._embedding: np.ndarray | None = None
        if embedding_size is not None:
            self._embedding = rng.standard_normal((input_size, embedding_size)).astype(dtype)
        biases = dict(gate_bias or {})
        if forget_bias is not None:
            if self.kind == "rnn":
                raise EngineError("forget_bias needs a gated cell (lstm or gru), not 'rnn'.")
            keep = "f" if self.kind == "lstm" else "z"
            biases[keep] = biases.get(keep, 0.0) + float(forget_bias)
        if biases:
            self._add_gate_bias(biases)

    def _add_gate_bias(self, biases: Mapping[str, float]) -> None:
        """Add ``biases[gate]`` to that gate's block of ``bias_ih`` (PyTorch row order)."""
        names = self.cell.gate_names
        params = self.cell.params
        bias = np.array(params["bias_ih"])
        hidden = self.hidden_size
        for gate, value in biases.items():
            if gate not in names:
                choices = ", ".join(names) or "none: the vanilla RNN has no gates"
                raise EngineError(f"No gate {gate!r} in a {self.kind} cell (gates: {choices}).")
            if not np.isfinite(value):
                raise EngineError(f"The bias for gate {gate!r} must be finite, not {value}.")
            block = names.index(gate)
            bias[block * hidden : (block + 1) * hidden] += value
        params["bias_ih"] = bias
        self.cell.set_params(params)

    # --- identity ---------------------------------------------------------------------------
    @property
    def hidden_size(self) -> int:
        """H, hidden units of the cell."""
        return self.cell.hidden_size

    @property
    def nonlinearity(self) -> str:
        """The cell's activation (``"tanh"``, or ``"relu"`` for a vanilla RNN)."""
        return self.cell.nonlinearity

    @property
    def dtype(self) -> np.dtype:
        """Float dtype of all parameters."""
        return self.cell.dtype

    def __repr__(self) -> str:
        return (
            f"Model({self.kind!r}, input_size={self.input_size}, hidden_size={self.hidden_size}, "
            f"output_size={self.output_size}, task={self.task!r}, inputs={self.inputs!r}, "
            f"loss_on={self.loss_on!r})"
        )

    # --- parameters ---------------------------------------------------------------------------
    @property
    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Shape of every parameter, by PyTorch name."""
        shapes: dict[str, tuple[int, ...]] = {}
        if self._embedding is not None:
            shapes["embedding.weight"] = self._embedding.shape
        for name, shape in self.cell.param_shapes.items():
            shapes[CELL_PREFIX + name + CELL_SUFFIX] = shape
        shapes["readout.weight"] = self._readout_weight.shape
        shapes["readout.bias"] = self._readout_bias.shape
        return shapes

    @property
    def params(self) -> dict[str, np.ndarray]:
        """Writable copies of every parameter by PyTorch name (see the module docstring).

        Change the model with :meth:`set_params`; editing these copies does nothing until then.
        """
        params: dict[str, np.ndarray] = {}
        if self._embedding is not None:
            params["embedding.weight"] = self._embedding.copy()
        for name, value in self.cell.params.items():
            params[CELL_PREFIX + name + CELL_SUFFIX] = np.array(value)
        params["readout.weight"] = self._readout_weight.copy()
        params["readout.bias"] = self._readout_bias.copy()
        return params

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Replace every parameter with a validated copy (same names and shapes as
        :attr:`params`, finite values). Nothing changes if any check fails."""
        checked = check_params(params, self.param_shapes, self.dtype, quote=True)
        with np.errstate(over="ignore"):  # huge but finite weights (checked above) are valid
            self.cell.set_params(
                {name: checked[CELL_PREFIX + name + CELL_SUFFIX] for name in self.cell.param_shapes}
            )
        if self._embedding is not None:
            self._embedding = checked["embedding.weight"]
        self._readout_weight = checked["readout.weight"]
        self._readout_bias = checked["readout.bias"]

    def state_dict(self) -> dict[str, np.ndarray]:
        """Same as :attr:`params` (PyTorch's name for it)."""
        return self.params

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Same as :meth:`set_params`."""
        self.set_params(state)

    # --- forward ------------------------------------------------------------------------------
    def encode(self, inputs: Any) -> np.ndarray:
        """Cell inputs (T, [B,] I) for ``inputs``: token ids (T,) / (T, B), or values
        (T, I) / (T, B, I); for a model with one input value, (T,) / (T, B) values work too."""
        if self.inputs == "tokens":
            ids = self._check_ids(inputs)
            if self._embedding is not None:
                return self._embedding[ids]
            return one_hot(ids, self.input_size, dtype=self.dtype)
        xs = np.asarray(inputs, dtype=self.dtype)
        if self.input_size == 1 and xs.ndim in (1, 2) and (xs.ndim == 1 or xs.shape[-1] != 1):
            xs = xs[..., None]
        if xs.ndim not in (2, 3) or xs.shape[-1] != self.input_size:
            raise EngineError(
                f"Inputs must have shape (T, {self.input_size}) or (T, B, {self.input_size}), "
                f"not {np.shape(inputs)}."
            )
        return xs

    def _check_ids(self, inputs: Any) -> np.ndarray:
        ids = np.asarray(inputs)
        if ids.ndim not in (1, 2) or ids.shape[0] == 0:
            raise EngineError(
                f"Token ids must have shape (T,) or (T, B) with T ≥ 1, not {ids.shape}."
            )
        if not np.issubdtype(ids.dtype, np.integer):
            raise EngineError(f"Token ids must be integers, not {ids.dtype}.")
        if ids.min() < 0 or ids.max() >= self.input_size:
            raise EngineError(f"Token ids must lie in 0..{self.input_size - 1}.")
        return ids.astype(np.intp)

    def forward(
        self, inputs: Any, h0: np.ndarray | None = None, c0: np.ndarray | None = None
    ) -> tuple[Trace, np.ndarray]:
        """Run the model over a sequence.

        Parameters
        ----------
        inputs : array_like
            Token ids (T,) or (T, B), or values (T, I) or (T, B, I).
        h0, c0 : numpy.ndarray, optional
            Initial hidden (and LSTM cell) state, ([B,] H); zeros by default.

        Returns
        -------
        trace : Trace
        outputs : numpy.ndarray, shape (T, [B,] O)

        Notes
        -----
        .. math:: o_t = W_{out} h_t + b_{out}
        """
        trace = forward(self.cell, self.encode(inputs), h0=h0, c0=c0)
        return trace, self._readout(trace.hidden)

    def _readout(self, hidden: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported by the loss
            return hidden @ self._readout_weight.T + self._readout_bias

    def step(self, token_or_x: Any, state: Any = None) -> tuple[Any, Any, np.ndarray]:
        """Advance one step from ``state`` (None: zeros) on one token id or input vector.

        Returns
        -------
        state : State
            The new state, to pass to the next call.
        step : StepResult
            What the cell computed (h, c, gates, pre-activations).
        output : numpy.ndarray, shape (O,)
            Readout: logits or the predicted value.
        """
        if self.inputs == "tokens":
            x = self.encode(np.asarray([token_or_x]))[0]
        else:
            x = self.encode(np.asarray(token_or_x, dtype=self.dtype).reshape(1, -1))[0]
        if state is None:
            state = self.cell.initial_state()
        state, step = self.cell.step(x, state)
        return state, step, self._readout(step.h)

    # --- loss and gradients ----------------------------------------------------------------------
    def loss_from_outputs(self, outputs: np.ndarray, targets: Any) -> tuple[float, np.ndarray]:
        """Loss and dLoss/doutputs (same shape as ``outputs``) for readout ``outputs``."""
        selected = outputs[-1] if self.loss_on == "last" else outputs
        if self.task == "classify":
            y = np.asarray(targets)
            if not np.issubdtype(y.dtype, np.integer):
                raise EngineError(f"Classification targets must be class indices, not {y.dtype}.")
            if y.size != selected[..., 0].size:
                raise EngineError(self._target_message(selected.shape[:-1], y.shape))
            with np.errstate(over="ignore", invalid="ignore"):  # inf/NaN loss is reported
                result = softmax_cross_entropy(selected, y.reshape(selected.shape[:-1]))
        else:
            y = np.asarray(targets, dtype=self.dtype)
            if y.size != selected.size:
                raise EngineError(self._target_message(selected.shape, y.shape))
            with np.errstate(over="ignore", invalid="ignore"):  # inf/NaN loss is reported
                result = mean_squared_error(selected, y.reshape(selected.shape))
        if self.loss_on == "last":
            d_outputs = np.zeros_like(outputs)
            d_outputs[-1] = result.grad
        else:
            d_outputs = result.grad
        return result.loss, d_outputs

    def _target_message(self, expected: tuple[int, ...], got: tuple[int, ...]) -> str:
        where = "the last step" if self.loss_on == "last" else "every step"
        return f"Targets for {where} must have shape {expected}, not {got}."

    def loss(
        self, inputs: Any, targets: Any, h0: np.ndarray | None = None, c0: np.ndarray | None = None
    ) -> float:
        """The loss alone (no backward pass), e.g. for held-out data."""
        _, outputs = self.forward(inputs, h0, c0)
        return self.loss_from_outputs(outputs, targets)[0]

    def loss_and_grads(
        self, inputs: Any, targets: Any, h0: np.ndarray | None = None, c0: np.ndarray | None = None
    ) -> ModelResult:
        """Forward pass, loss, and backpropagation through time to every parameter.

        Parameters
        ----------
        inputs : array_like
            As for :meth:`forward`.
        targets : array_like
            ``loss_on="every"``: class ids (T, [B]) or values (T, [B,] O);
            ``loss_on="last"``: class ids ([B]) or values ([B,] O).
        h0, c0 : numpy.ndarray, optional
            Initial state; its gradient is not returned (truncated BPTT detaches it).

        Returns
        -------
        ModelResult

        Notes
        -----
        With :math:`\\delta_t = \\partial L / \\partial o_t` from the loss,

        .. math::

            \\frac{\\partial L}{\\partial W_{out}} = \\sum_t \\delta_t h_t^\\top, \\quad
            \\frac{\\partial L}{\\partial b_{out}} = \\sum_t \\delta_t, \\quad
            \\frac{\\partial L}{\\partial h_t}\\Big|_{local} = W_{out}^\\top \\delta_t

        and the cell's backward pass carries the local terms back through time. For an
        embedding, :math:`\\partial L / \\partial E_k = \\sum_{t: x_t = k}
        \\partial L / \\partial e_t`.
        """
        trace, outputs = self.forward(inputs, h0, c0)
        loss, d_outputs = self.loss_from_outputs(outputs, targets)
        if not (np.isfinite(loss) and np.all(np.isfinite(d_outputs))):
            raise NonFiniteLossError(
                f"the loss is {loss} because the outputs overflowed, so the weights have "
                "probably exploded"
            )
        out_size, hidden = self.output_size, self.hidden_size
        flat_d = d_outputs.reshape(-1, out_size)
        flat_h = trace.hidden.reshape(-1, hidden)
        grads: dict[str, np.ndarray] = {}
        d_hidden = d_outputs @ self._readout_weight  # local dL/dh_t from the readout
        cell_grads = backward(self.cell, trace, d_hidden)
        if self._embedding is not None:
            ids = self._check_ids(inputs).reshape(-1)
            d_embedding = np.zeros_like(self._embedding)
            np.add.at(d_embedding, ids, cell_grads.inputs.reshape(-1, d_embedding.shape[1]))
            grads["embedding.weight"] = d_embedding
        for name, value in cell_grads.params.items():
            grads[CELL_PREFIX + name + CELL_SUFFIX] = np.array(value)
        grads["readout.weight"] = flat_d.T @ flat_h
        grads["readout.bias"] = flat_d.sum(axis=0)
        return ModelResult(
            loss=loss,
            grads=grads,
            trace=trace,
            outputs=outputs,
            grad_norms=np.asarray(cell_grads.norms),
            input_grads=np.asarray(cell_grads.inputs),
        )

    # --- predictions ----------------------------------------------------------------------------
    def probabilities(self, inputs: Any, temperature: float = 1.0) -> np.ndarray:
        """Softmax of the logits at every step, (T, [B,] O) (classifiers only)."""
        if self.task != "classify":
            raise EngineError("Probabilities need a classification model.")
        return softmax(self.forward(inputs)[1], temperature)

    def predict(self, inputs: Any) -> np.ndarray:
        """Most likely class (T, [B]) or predicted values (T, [B,] O); only the last step,
        ([B]) or ([B,] O), for a ``loss_on="last"`` model."""
        outputs = self.forward(inputs)[1]
        if self.loss_on == "last":
            outputs = outputs[-1]
        return outputs.argmax(axis=-1) if self.task == "classify" else outputs


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Fraction of positions where the largest logit is the target class."""
    predicted = np.asarray(outputs).argmax(axis=-1)
    return float(np.mean(predicted == np.asarray(targets).reshape(predicted.shape)))


def sample(
    model: Model,
    prefix: str | Sequence[str],
    n: int,
    *,
    temperature: float = 1.0,
    rng: np.random.Generator,
) -> list[str]:
    """Generate ``n`` tokens after ``prefix`` from a next-token model.

    Parameters
    ----------
    model : Model
        Token inputs, ``task="classify"``, outputs over its own vocabulary.
    prefix : str or sequence of str
        Text to read first (tokenized in the vocabulary's mode) or its tokens; not empty.
    n : int
        Number of tokens to generate.
    temperature : float
        0 always picks the most likely token; 1 samples the model's distribution; above 1
        flattens it (more surprising text), below 1 sharpens it.
    rng : numpy.random.Generator

    Returns
    -------
    list of str
        The generated tokens (without the prefix); join them with
        :func:`rnn_studio.engine.encoding.detokenize`.

    Notes
    -----
    Token :math:`k` is drawn with probability
    :math:`p_k = e^{o_k/\\tau} / \\sum_j e^{o_j/\\tau}` for temperature :math:`\\tau`.
    """
    vocabulary = model.vocabulary
    if model.task != "classify" or model.inputs != "tokens" or vocabulary is None:
        raise EngineError("Sampling needs a next-token model with a vocabulary.")
    if model.output_size != len(vocabulary) or model.labels is not None:
        raise EngineError("Sampling needs a model that predicts its own next token.")
    if temperature < 0:
        raise EngineError(f"Temperature must be 0 or more, not {temperature}.")
    if n < 0:
        raise EngineError(f"Number of tokens to sample must be 0 or more, not {n}.")
    if isinstance(prefix, str):
        tokens = tokenize(prefix, vocabulary.mode or "chars")
    else:
        tokens = list(prefix)
    if not tokens:
        raise EngineError("Sampling needs a prefix of at least one token.")
    state = None
    output = np.zeros(model.output_size)
    for index in vocabulary.encode(tokens):  # type: ignore[arg-type]
        state, _, output = model.step(int(index), state)
    generated: list[str] = []
    for _ in range(n):
        if temperature == 0:
            index = int(np.argmax(output))
        else:
            probs = softmax(output.astype(np.float64), temperature)
            index = int(rng.choice(len(probs), p=probs / probs.sum()))
        generated.append(vocabulary.token(index))
        state, _, output = model.step(index, state)
    return generated


def rollout(model: Model, history: Any, n: int) -> np.ndarray:
    """Forecast ``n`` steps ahead by feeding each prediction back in as the next input.

    Parameters
    ----------
    model : Model
        Value inputs, ``task="regress"``, as many outputs as inputs.
    history : array_like, shape (T, I) or (T,)
        Observed values (in the model's scaled units) to read first.
    n : int

    Returns
    -------
    numpy.ndarray, shape (n, O)
    """
    if model.task != "regress" or model.inputs != "values":
        raise EngineError("Rollout needs a forecasting model (value inputs, regression).")
    if model.input_size != model.output_size:
        raise EngineError("Rollout feeds predictions back, so inputs and outputs must match.")
    xs = model.encode(history)
    if xs.ndim != 2:
        raise EngineError("Rollout takes one unbatched history (T, I).")
    state = None
    output = np.zeros(model.output_size)
    for x in xs:
        state, _, output = model.step(x, state)
    predictions = np.empty((n, model.output_size), dtype=model.dtype)
    for t in range(n):
        predictions[t] = output
        state, _, output = model.step(output, state)
    return predictions


def top_predictions(
    model: Model, inputs: Any, k: int = 3, *, temperature: float = 1.0
) -> list[list[tuple[str, float]]]:
    """The ``k`` most likely next classes after every step of one sequence.

    Parameters
    ----------
    model : Model
        A classifier; classes are named by ``labels`` or the vocabulary (else by index).
    inputs : array_like
        One unbatched sequence: token ids (T,) or values (T, I).
    k : int
    temperature : float

    Returns
    -------
    list of list of (str, float)
        For each step t, up to ``k`` pairs (class name, probability), most likely first.
    """
    if k < 1:
        raise EngineError(f"k must be at least 1, not {k}.")
    probabilities = model.probabilities(inputs, temperature)
    if probabilities.ndim != 2:
        raise EngineError("top_predictions takes one unbatched sequence.")
    if model.labels is not None:
        names: Sequence[str] = model.labels
    elif model.vocabulary is not None and len(model.vocabulary) == model.output_size:
        names = model.vocabulary.tokens
    else:
        names = [str(index) for index in range(model.output_size)]
    order = np.argsort(-probabilities, axis=-1, kind="stable")[:, :k]
    return [
        [(names[int(index)], float(row[int(index)])) for index in ranks]
        for row, ranks in zip(probabilities, order, strict=True)
    ]
