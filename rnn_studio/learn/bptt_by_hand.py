"""Backpropagation through time by hand: a worked example whose numbers come from the engine.

A vanilla RNN with two hidden units reads three one-hot inputs. Its weights are the engine's
initial weights rounded to two decimals (so they can be printed exactly), and there is a loss
at every step, the squared distance of the hidden state from a target:

.. math::

    h_t = \\tanh(W_{xh} x_t + W_{hh} h_{t-1} + b), \\qquad
    L = \\sum_t L_t, \\quad L_t = \\tfrac12 \\lVert h_t - y_t \\rVert^2 .

Going backwards, the gradient reaching :math:`h_t` has two parts: the *direct* part from the
loss at step t, :math:`\\partial L_t / \\partial h_t = h_t - y_t`, and the *recurrent* part
carried back from step t+1 through the Jacobian
:math:`J_{t+1} = \\partial h_{t+1} / \\partial h_t = \\mathrm{diag}(1 - h_{t+1}^2) W_{hh}`:

.. math::

    g_t = (h_t - y_t) + W_{hh}^\\top \\big((1 - h_{t+1}^2) \\odot g_{t+1}\\big),
    \\qquad g_{T-1} = h_{T-1} - y_{T-1}.

Unrolled, :math:`g_0 = d_0 + J_1^\\top d_1 + J_1^\\top J_2^\\top d_2`: a product of Jacobians
for every step the loss is away. :func:`worked_example` computes each number with this
recursion and :func:`engine_totals` gets the same totals from ``engine.backward``; the tests
hold them equal. The learner types each blank (:class:`Blank`), checked by
:func:`agrees_to_figures` to three significant digits.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from rnn_studio import engine

#: The characters read and the hidden size of the worked example.
TEXT = "cab"
HIDDEN = 2
#: Significant digits a typed answer must agree to.
FIGURES = 3


@dataclass(frozen=True)
class Blank:
    """One number the learner types.

    Attributes
    ----------
    key : str
        ``"total[2][0]"`` (g at step 2, unit 0) or ``"recurrent[1][1]"``.
    step, unit : int
        0-based step t and unit.
    part : {"total", "recurrent"}
    label : str
        What to type, in the content markup (``g<sub>2</sub>[0]``).
    value : float
        The number, from the recursion (equal to the engine's to 1e-12 for totals).
    working : str
        How it is computed from numbers already on the page, with those numbers.
    """

    key: str
    step: int
    unit: int
    part: str
    label: str
    value: float
    working: str


@dataclass(frozen=True)
class WorkedBPTT:
    """Every number of the worked example (steps t = 0 … T−1, units 0 and 1).

    Attributes
    ----------
    tokens : tuple of str
    inputs : ndarray, shape (T, I)
        One-hot x_t.
    weight_ih, weight_hh : ndarray, shapes (H, I), (H, H)
        W_xh and W_hh, rounded to two decimals.
    bias : ndarray, shape (H,)
        b (the engine's two biases added, rounded).
    targets : ndarray, shape (T, H)
        y_t.
    hidden : ndarray, shape (T, H)
        h_t from the engine's forward pass.
    direct : ndarray, shape (T, H)
        h_t − y_t.
    slopes : ndarray, shape (T, H)
        1 − h_t², tanh's slope at each step.
    deltas : ndarray, shape (T, H)
        (1 − h_t²) ⊙ g_t: the gradient at step t's pre-activation.
    recurrent : ndarray, shape (T, H)
        W_hhᵀ δ_{t+1} (zero at the last step).
    totals : ndarray, shape (T, H)
        g_t = ∂L/∂h_t.
    cell : engine.Cell
        The cell holding these weights.
    """

    tokens: tuple[str, ...]
    inputs: np.ndarray
    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias: np.ndarray
    targets: np.ndarray
    hidden: np.ndarray
    direct: np.ndarray
    slopes: np.ndarray
    deltas: np.ndarray
    recurrent: np.ndarray
    totals: np.ndarray
    cell: engine.Cell

    @property
    def steps(self) -> int:
        """T, the number of steps."""
        return len(self.tokens)

    def blanks(self) -> tuple[Blank, ...]:
        """The numbers to type, in the order BPTT computes them (last step first)."""
        found: list[Blank] = []
        last = self.steps - 1
        for t in range(last, -1, -1):
            for unit in range(HIDDEN):
                if t < last:
                    found.append(self._recurrent_blank(t, unit))
            for unit in range(HIDDEN):
                found.append(self._total_blank(t, unit))
        return tuple(found)

    def _recurrent_blank(self, t: int, unit: int) -> Blank:
        w = self.weight_hh
        d = self.deltas[t + 1]
        terms = " + ".join(f"({fmt(w[k, unit], 2)})·({fmt(d[k])})" for k in range(HIDDEN))
        working = (
            f"δ<sub>{t + 1}</sub> = (1 − h<sub>{t + 1}</sub><sup>2</sup>) ⊙ g<sub>{t + 1}</sub>"
            f" = ({fmt(d[0])}, {fmt(d[1])}); column {unit} of W<sub>hh</sub> times δ"
            f"<sub>{t + 1}</sub>: {terms} = {fmt(self.recurrent[t, unit])}"
        )
        return Blank(
            f"recurrent[{t}][{unit}]",
            t,
            unit,
            "recurrent",
            f"recurrent part of g<sub>{t}</sub>[{unit}]",
            float(self.recurrent[t, unit]),
            working,
        )

    def _total_blank(self, t: int, unit: int) -> Blank:
        h, y = self.hidden[t, unit], self.targets[t, unit]
        direct = f"h<sub>{t}</sub>[{unit}] − y<sub>{t}</sub>[{unit}] = {fmt(h)} − ({fmt(y, 2)})"
        if t == self.steps - 1:
            working = f"only the direct part: {direct} = {fmt(self.totals[t, unit])}"
        else:
            working = (
                f"direct part {direct} = {fmt(self.direct[t, unit])}, plus the recurrent part "
                f"{fmt(self.recurrent[t, unit])}: {fmt(self.totals[t, unit])}"
            )
        return Blank(
            f"total[{t}][{unit}]",
            t,
            unit,
            "total",
            f"g<sub>{t}</sub>[{unit}] = ∂L/∂h<sub>{t}</sub>[{unit}]",
            float(self.totals[t, unit]),
            working,
        )


def fmt(value: float, decimals: int | None = None) -> str:
    """``value`` with ``decimals`` decimals, or 5 significant digits when None, and a true
    minus sign (−0.12345): enough for the next number to come out right to 3 digits."""
    text = f"{value:.5g}" if decimals is None else f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def worked_example(seed: int = 0) -> WorkedBPTT:
    """Build the worked example from the engine's cell with weight seed ``seed``.

    The targets are drawn from ``seed`` too (uniform in −1 … 1, rounded to two decimals).
    """
    tokens = tuple(TEXT)
    vocabulary = sorted(set(TEXT))
    inputs = np.zeros((len(tokens), len(vocabulary)))
    for t, token in enumerate(tokens):
        inputs[t, vocabulary.index(token)] = 1.0
    cell = engine.make_cell("rnn", len(vocabulary), HIDDEN, seed=seed)
    params = {name: np.round(np.asarray(value), 2) for name, value in cell.params.items()}
    params["bias_ih"] = np.round(params["bias_ih"] + params["bias_hh"], 2)
    params["bias_hh"] = np.zeros(HIDDEN)
    cell.set_params(params)
    rng = np.random.default_rng([seed, 16])
    targets = np.round(rng.uniform(-1.0, 1.0, size=(len(tokens), HIDDEN)), 2)
    hidden = engine.forward(cell, inputs).hidden

    direct = hidden - targets
    slopes = 1.0 - hidden**2
    weight_hh = params["weight_hh"]
    totals = np.zeros_like(hidden)
    recurrent = np.zeros_like(hidden)
    deltas = np.zeros_like(hidden)
    last = len(tokens) - 1
    for t in range(last, -1, -1):  # g_t = d_t + W_hhᵀ δ_{t+1};  δ_t = (1 − h_t²) ⊙ g_t
        if t < last:
            recurrent[t] = weight_hh.T @ deltas[t + 1]
        totals[t] = direct[t] + recurrent[t]
        deltas[t] = slopes[t] * totals[t]
    return WorkedBPTT(
        tokens,
        inputs,
        params["weight_ih"],
        weight_hh,
        params["bias_ih"],
        targets,
        hidden,
        direct,
        slopes,
        deltas,
        recurrent,
        totals,
        cell,
    )


def readable(example: WorkedBPTT) -> bool:
    """True when every number is worth computing by hand: no saturated unit (1 − h² > 0.2),
    no gradient or recurrent part so small that three digits hide in cancellation."""
    last = example.steps - 1
    return bool(
        example.slopes.min() > 0.2
        and np.abs(example.totals).min() > 0.05
        and np.abs(example.recurrent[:last]).min() > 0.01
    )


def readable_example(start: int = 0) -> WorkedBPTT:
    """The worked example of the first seed ≥ ``start`` that is :func:`readable`."""
    seed = start
    while True:
        example = worked_example(seed)
        if readable(example):
            return example
        seed += 1


def engine_totals(example: WorkedBPTT) -> np.ndarray:
    """g_t = ∂L/∂h_t for every t from ``engine.backward`` (the loss's direct parts as input)."""
    trace = engine.forward(example.cell, example.inputs)
    return engine.backward(example.cell, trace, trace.hidden - example.targets).hidden


def jacobian_products(example: WorkedBPTT) -> np.ndarray:
    """g_0 written as Σ_k (J_1ᵀ ⋯ J_kᵀ) d_k, with J_t = diag(1 − h_t²) W_hh (one row per k)."""
    parts = []
    carried = np.eye(HIDDEN)
    for k in range(example.steps):
        if k > 0:
            jacobian = np.diag(example.slopes[k]) @ example.weight_hh
            carried = carried @ jacobian.T
        parts.append(carried @ example.direct[k])
    return np.array(parts)


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """A typed number ("−0.123", "-.5", "0,25", "1e-3"), or None when it is not one."""
    cleaned = text.strip().replace("−", "-").replace(",", ".").replace(" ", "")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def agrees_to_figures(answer: float, value: float, figures: int = FIGURES) -> bool:
    """True when ``answer`` is ``value`` to ``figures`` significant digits.

    The answer may differ from ``value`` by at most half a unit in the last digit kept
    (0.4625 accepts 0.4621–0.4629 rounded: 0.462 and 0.463); a tiny slack covers answers
    the learner rounded from the printed four-decimal numbers.
    """
    if value == 0:
        return abs(answer) < 0.5 * 10.0 ** (-figures)
    exponent = math.floor(math.log10(abs(value)))
    half_unit = 0.5 * 10.0 ** (exponent - figures + 1)
    return abs(answer - value) <= half_unit * 1.02
