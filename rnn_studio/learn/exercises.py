"""Exercises that make the learner compute, generated from the live engine (Qt-free).

Each kind draws its numbers from a seed, runs the engine on them, and keeps the engine's
answer and a worked solution:

``h1``
    Compute h₁ of a two-unit vanilla RNN by hand from the printed weights, input and h₀
    (two numbers, checked to three significant digits).
``gradient-sign``
    A one-unit RNN reads two inputs; is ∂L/∂x₁ positive or negative?
``forget-gate``
    An LSTM or GRU unit dropped what it held: which gate, near 0, made it forget?
``truncation``
    The memory task at lag L: which truncated-BPTT window can learn it?
``temperature``
    Three texts the trained character model just generated at temperatures 0.2, 1 and 2:
    which one was sampled at the temperature asked for?

Usage::

    exercise = make_exercise("h1", seed=3)
    exercise.prompt           # markup for the Learn page
    exercise.check(["0.512", "−0.3"]).correct
    exercise.solution         # the worked solution, with the engine's numbers
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rnn_studio import engine
from rnn_studio.learn.bptt_by_hand import agrees_to_figures, fmt, parse_number

KINDS = ("h1", "gradient-sign", "forget-gate", "truncation", "temperature")
TITLES = {
    "h1": "Compute h₁ by hand",
    "gradient-sign": "Predict the sign of a gradient",
    "forget-gate": "Which gate made the unit forget?",
    "truncation": "Pick a truncation window that can learn the lag",
    "temperature": "Which text was sampled at which temperature?",
}
#: Bias that pins a gate near 0 in the forget-gate exercise (σ(−7) ≈ 0.0009).
PIN = -7.0


@dataclass(frozen=True)
class Verdict:
    """The result of checking an answer: right or not, and what to tell the learner."""

    correct: bool
    message: str


@dataclass(frozen=True)
class Exercise:
    """One generated exercise.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    seed : int
    title, prompt, solution : str
        Content markup (``<sub>``, ``<sup>``, ``<b>``, ``<br>``).
    labels : tuple of str
        For a numbers exercise: what each box asks for; empty for a choice.
    values : tuple of float
        The engine's numbers the boxes must match (to three significant digits).
    choices : tuple of str
        For a choice exercise: the options; empty for numbers.
    answer : int
        The index of the right choice (−1 for a numbers exercise).
    facts : dict
        The engine's numbers behind the exercise, for tests and the worked solution.
    """

    kind: str
    seed: int
    title: str
    prompt: str
    solution: str
    labels: tuple[str, ...] = ()
    values: tuple[float, ...] = ()
    choices: tuple[str, ...] = ()
    answer: int = -1
    facts: dict | None = None

    def check(self, response: Sequence[str] | int) -> Verdict:
        """Check typed numbers (a sequence of strings) or a choice index."""
        if self.choices:
            if not isinstance(response, int) or not 0 <= response < len(self.choices):
                return Verdict(False, "Pick one of the options first.")
            if response == self.answer:
                return Verdict(True, "Right.")
            return Verdict(False, "Not quite. Try again, or show the worked solution.")
        if isinstance(response, int) or len(response) != len(self.values):
            return Verdict(False, f"Type {len(self.values)} numbers.")
        numbers = [parse_number(text) for text in response]
        missing = [self.labels[n] for n, value in enumerate(numbers) if value is None]
        if missing:
            return Verdict(False, f"Not a number: {', '.join(missing)}. Type e.g. −0.123.")
        wrong = [
            self.labels[n]
            for n, (typed, value) in enumerate(zip(numbers, self.values, strict=True))
            if typed is None or not agrees_to_figures(typed, value)
        ]
        if wrong:
            return Verdict(False, f"Not yet right to 3 significant digits: {', '.join(wrong)}.")
        return Verdict(True, "Right to 3 significant digits.")


def make_exercise(kind: str, seed: int) -> Exercise:
    """Generate the exercise ``kind`` (one of :data:`KINDS`) from ``seed``."""
    makers: dict[str, Callable[[int], Exercise]] = {
        "h1": h1_exercise,
        "gradient-sign": gradient_sign_exercise,
        "forget-gate": forget_gate_exercise,
        "truncation": truncation_exercise,
        "temperature": temperature_exercise,
    }
    if kind not in makers:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return makers[kind](seed)


def _vector(values: np.ndarray, decimals: int = 2) -> str:
    return "(" + ", ".join(fmt(float(v), decimals) for v in values) + ")"


def _matrix(values: np.ndarray, decimals: int = 1) -> str:
    return "[" + "; ".join(" ".join(fmt(float(v), decimals) for v in row) for row in values) + "]"


# ------------------------------------------------------------------------------ h₁ by hand
def h1_exercise(seed: int) -> Exercise:
    """h₁ = tanh(W_xh x₁ + W_hh h₀ + b) for a two-unit RNN with printed, rounded numbers."""
    rng = np.random.default_rng([seed, 1])
    cell = engine.make_cell("rnn", 2, 2, seed=seed)
    params = {name: np.round(2 * np.asarray(v), 1) for name, v in cell.params.items()}
    params["bias_hh"] = np.zeros(2)
    cell.set_params(params)
    x = np.round(rng.uniform(-1, 1, 2), 1)
    h0 = np.round(rng.uniform(-0.9, 0.9, 2), 1)
    h1 = engine.forward(cell, x[None, :], h0).hidden[0]
    w_x, w_h, b = params["weight_ih"], params["weight_hh"], params["bias_ih"]
    pre = w_x @ x + w_h @ h0 + b
    prompt = (
        "A vanilla RNN with two hidden units: h<sub>1</sub> = tanh(W<sub>xh</sub> x<sub>1</sub>"
        " + W<sub>hh</sub> h<sub>0</sub> + b).<br>"
        f"W<sub>xh</sub> = {_matrix(w_x)} (rows are units), "
        f"W<sub>hh</sub> = {_matrix(w_h)}, b = {_vector(b, 1)}.<br>"
        f"x<sub>1</sub> = {_vector(x, 1)}, h<sub>0</sub> = {_vector(h0, 1)}.<br>"
        "Type both entries of h<sub>1</sub> to 3 significant digits."
    )
    rows = []
    for unit in range(2):
        terms = (
            f"({fmt(w_x[unit, 0], 1)})({fmt(x[0], 1)}) + ({fmt(w_x[unit, 1], 1)})({fmt(x[1], 1)})"
            f" + ({fmt(w_h[unit, 0], 1)})({fmt(h0[0], 1)}) + ({fmt(w_h[unit, 1], 1)})"
            f"({fmt(h0[1], 1)}) + ({fmt(b[unit], 1)})"
        )
        rows.append(
            f"Unit {unit}: a = {terms} = {fmt(pre[unit])}; "
            f"h<sub>1</sub>[{unit}] = tanh({fmt(pre[unit])}) = <b>{fmt(h1[unit])}</b>"
        )
    solution = "<br>".join(rows) + "<br>(The engine's forward pass gives the same numbers.)"
    return Exercise(
        "h1",
        seed,
        TITLES["h1"],
        prompt,
        solution,
        labels=("h₁[0]", "h₁[1]"),
        values=(float(h1[0]), float(h1[1])),
        facts={"pre": pre, "h1": h1, "x": x, "h0": h0},
    )


# ------------------------------------------------------------------------- sign of a gradient
def gradient_sign_exercise(seed: int) -> Exercise:
    """Sign of ∂L/∂x₁ for h_t = tanh(w x_t + u h_{t−1} + b), L = ½(h₂ − y)², h₀ = 0."""
    rng = np.random.default_rng([seed, 2])
    while True:
        w, u, b = np.round(rng.uniform(-1.5, 1.5, 3), 1)
        xs = np.round(rng.uniform(-1, 1, 2), 1)
        y = float(np.round(rng.uniform(-0.9, 0.9), 1))
        if min(abs(w), abs(u)) < 0.2:
            continue
        cell = engine.make_cell("rnn", 1, 1, seed=0)
        cell.set_params(
            {
                "weight_ih": np.array([[w]]),
                "weight_hh": np.array([[u]]),
                "bias_ih": np.array([b]),
                "bias_hh": np.zeros(1),
            }
        )
        trace = engine.forward(cell, xs[:, None])
        h1, h2 = trace.hidden[:, 0]
        error = h2 - y
        if abs(error) < 0.1:
            continue
        d_hidden = np.zeros((2, 1))
        d_hidden[-1, 0] = error  # ∂L/∂h₂ = h₂ − y
        grad = float(engine.backward(cell, trace, d_hidden).inputs[0, 0])
        if abs(grad) > 1e-3:
            break
    prompt = (
        "A one-unit RNN, h<sub>t</sub> = tanh(w x<sub>t</sub> + u h<sub>t−1</sub> + b), starts"
        f" from h<sub>0</sub> = 0 with w = {fmt(w, 1)}, u = {fmt(u, 1)}, b = {fmt(b, 1)} and "
        f"reads x<sub>1</sub> = {fmt(xs[0], 1)}, x<sub>2</sub> = {fmt(xs[1], 1)}. The loss is "
        f"L = ½(h<sub>2</sub> − y)<sup>2</sup> with y = {fmt(y, 1)}; the engine gives "
        f"h<sub>1</sub> = {fmt(h1, 3)} and h<sub>2</sub> = {fmt(h2, 3)}.<br>"
        "If x<sub>1</sub> were a little larger, would the loss go up or down? "
        "That is: what is the sign of ∂L/∂x<sub>1</sub>?"
    )
    factors = [
        ("h<sub>2</sub> − y", error),
        ("1 − h<sub>2</sub><sup>2</sup>", 1 - h2**2),
        ("u", u),
        ("1 − h<sub>1</sub><sup>2</sup>", 1 - h1**2),
        ("w", w),
    ]
    negatives = sum(value < 0 for _, value in factors)
    solution = (
        "Follow the chain from the loss back to x<sub>1</sub>: ∂L/∂x<sub>1</sub> = "
        "(h<sub>2</sub> − y) · (1 − h<sub>2</sub><sup>2</sup>) · u · "
        "(1 − h<sub>1</sub><sup>2</sup>) · w<br>= "
        + " · ".join(f"({fmt(value, 3)})" for _, value in factors)
        + f" = <b>{fmt(grad, 4)}</b>.<br>Both tanh slopes are positive, so the sign is that of"
        f" (h<sub>2</sub> − y) · u · w: {negatives} negative factor"
        f"{'' if negatives == 1 else 's'}, so the gradient is "
        f"{'negative' if grad < 0 else 'positive'}. The engine's backward pass agrees."
    )
    choices = ("positive (L rises with x₁)", "negative (L falls as x₁ rises)")
    return Exercise(
        "gradient-sign",
        seed,
        TITLES["gradient-sign"],
        prompt,
        solution,
        choices=choices,
        answer=0 if grad > 0 else 1,
        facts={"gradient": grad, "factors": [v for _, v in factors]},
    )


# ------------------------------------------------------------------------------- which gate
def forget_gate_exercise(seed: int) -> Exercise:
    """A unit of an LSTM (or GRU) has one gate pinned near 0 and forgets: which gate?"""
    rng = np.random.default_rng([seed, 3])
    kind = ("lstm", "gru")[seed % 2]
    hidden, unit = 3, int(rng.integers(3))
    cell = engine.make_cell(kind, 2, hidden, seed=seed)
    params = {name: np.array(value) for name, value in cell.params.items()}
    order = "ifgo" if kind == "lstm" else "rzn"
    forget, decoy = ("f", "o") if kind == "lstm" else ("z", "r")
    pinned = [forget] + ([decoy] if rng.random() < 0.5 else [])
    for gate in pinned:
        row = order.index(gate) * hidden + unit
        params["bias_ih"][row] = PIN
        params["bias_hh"][row] = 0.0
    cell.set_params(params)
    x = np.round(rng.uniform(-1, 1, (1, 2)), 1)
    start_h = np.zeros(hidden)
    start_h[unit] = 0.8
    start_c = np.zeros(hidden)
    start_c[unit] = 1.5
    trace = engine.forward(cell, x, start_h, start_c if kind == "lstm" else None)
    gates = {name: float(trace.gates[name][0, unit]) for name in cell.gate_names}
    if kind == "lstm":
        assert trace.cell_state is not None  # an LSTM's trace holds c_t
        before, after = start_c[unit], float(trace.cell_state[0, unit])
        kept = gates["f"] * before
        state = "c"
        shown = ", ".join(f"{name} = {fmt(gates[name], 3)}" for name in ("i", "f", "g", "o"))
        choices: tuple[str, ...] = ("the input gate i", "the forget gate f", "the output gate o")
        answer = 1
        rule = (
            "c<sub>t</sub> = f<sub>t</sub> c<sub>t−1</sub> + i<sub>t</sub> g<sub>t</sub>: the"
            " old memory survives only through the factor f<sub>t</sub>"
        )
        decoy_note = (
            "The output gate only hides c<sub>t</sub> from h<sub>t</sub>; it never erases it."
        )
    else:
        before, after = start_h[unit], float(trace.hidden[0, unit])
        kept = gates["z"] * before
        state = "h"
        shown = ", ".join(f"{name} = {fmt(gates[name], 3)}" for name in ("r", "z", "n"))
        choices = ("the reset gate r", "the update gate z")
        answer = 1
        rule = (
            "h<sub>t</sub> = (1 − z<sub>t</sub>) n<sub>t</sub> + z<sub>t</sub> h<sub>t−1</sub>"
            " (PyTorch's convention): the old state is copied only through the factor "
            "z<sub>t</sub>"
        )
        decoy_note = (
            "The reset gate only changes how the candidate n<sub>t</sub> reads h<sub>t−1</sub>;"
            " it does not close the copying path."
        )
    article = "An" if kind == "lstm" else "A"
    prompt = (
        f"{article} {kind.upper()} with three units. Unit {unit} held {state}<sub>t−1</sub> = "
        f"{fmt(before, 2)}. At the next step the engine computes its gates: {shown}, and the new"
        f" {state}<sub>t</sub> = {fmt(after, 3)}.<br>The unit has forgotten what it held. Which"
        " gate, near 0, is responsible?"
    )
    solution = (
        f"{rule}. Here that factor is {fmt(gates[forget], 4)}, so the old value contributes "
        f"{fmt(gates[forget], 4)} × {fmt(before, 2)} = <b>{fmt(kept, 4)}</b> to "
        f"{state}<sub>t</sub>: {100 * gates[forget]:.2f} % of it is kept. " + decoy_note
    )
    return Exercise(
        "forget-gate",
        seed,
        TITLES["forget-gate"],
        prompt,
        solution,
        choices=choices,
        answer=answer,
        facts={"kind": kind, "gates": gates, "kept": kept, "before": before, "pinned": pinned},
    )


# ------------------------------------------------------------------------ truncation window
def loss_window(length: int, bptt: int | None) -> tuple[int, int]:
    """The window [start, stop) of the last step, as the engine's trainer cuts a sequence.

    :class:`rnn_studio.engine.train.Trainer` splits a row of ``length`` steps into windows
    ``[0, W), [W, 2W), …`` and backpropagates inside each; the memory task's loss sits at the
    last step, so only the inputs in the last window get a gradient from it.
    """
    window = bptt or length
    start = ((length - 1) // window) * window
    return start, length


def can_learn(lag: int, bptt: int | None) -> bool:
    """True when the symbol (step 0) shares a window with the cue (step L + 1)."""
    return loss_window(lag + 2, bptt)[0] == 0


def truncation_exercise(seed: int) -> Exercise:
    """Which window lets the gradient from the cue reach the symbol L + 1 steps back?"""
    rng = np.random.default_rng([seed, 4])
    lag = int(rng.integers(6, 40))
    good = lag + 2 + int(rng.integers(0, 8))
    options = [int(w) for w in rng.permutation(sorted({max(1, lag // 2), lag, lag + 1, good}))]
    choices = tuple(f"{w} steps" for w in options)
    answer = next(n for n, w in enumerate(options) if can_learn(lag, w))
    lines = []
    for w in options:
        start, stop = loss_window(lag + 2, w)
        verdict = "reaches the symbol" if start == 0 else "stops before the symbol"
        lines.append(
            f"window {w}: the cue's window is steps {start}–{stop - 1}, so the gradient {verdict}"
        )
    prompt = (
        f"The memory task with lag L = {lag}: a row is the symbol (step 0), {lag} distractors,"
        f" then the cue “?” at step {lag + 1}, where the loss is. Training cuts each row into "
        "windows of W steps (0 … W−1, W … 2W−1, …) and backpropagates only inside a window; the"
        " state still flows forward across them. Which window can learn the task?"
    )
    solution = (
        f"The gradient must travel from the cue at step {lag + 1} back to the symbol at step 0,"
        f" so the cue's window must start at 0: W ≥ L + 2 = {lag + 2}.<br>"
        + "<br>".join(lines)
        + "<br>A window shorter than that still carries the state forward, but no update can "
        "teach the network to <i>store</i> the symbol."
    )
    return Exercise(
        "truncation",
        seed,
        TITLES["truncation"],
        prompt,
        solution,
        choices=choices,
        answer=answer,
        facts={"lag": lag, "options": options},
    )


# ------------------------------------------------------------------------------ temperature
def temperature_exercise(seed: int) -> Exercise:
    """Three live samples of the trained character model, shuffled: which was at 0.2 or 2?"""
    from rnn_studio.learn import generate  # loads the bundled model on first use

    rng = np.random.default_rng([seed, 5])
    samples = [generate.generate(t, seed) for t in generate.TEMPERATURES]
    order = [int(n) for n in rng.permutation(len(samples))]
    asked = float(generate.TEMPERATURES[0] if seed % 2 == 0 else generate.TEMPERATURES[-1])
    letters = "ABC"
    texts = "<br>".join(
        f"<b>{letters[n]}</b>: “{generate.shown(samples[k].text)}”" for n, k in enumerate(order)
    )
    prompt = (
        f"The GRU trained on this course's text continued “{generate.PREFIX.strip()}” three "
        "times, at temperatures 0.2, 1 and 2 (in some order):<br>"
        f"{texts}<br>Which one was sampled at temperature {asked:g}?"
    )
    answer = next(n for n, k in enumerate(order) if samples[k].temperature == asked)
    greedy = generate.generate(0.0, seed)
    period = generate.loop_period(greedy.text)
    rows = "<br>".join(
        f"<b>{letters[n]}</b>: temperature {samples[k].temperature:g}: "
        f"{100 * samples[k].word_share:.0f} % real words, "
        f"{samples[k].cross_entropy:.2f} nats per character under the model "
        f"(perplexity {samples[k].perplexity:.1f})"
        for n, k in enumerate(order)
    )
    loop = f", repeating every {period} characters" if period else ""
    solution = (
        "Dividing the scores by a temperature below 1 sharpens the softmax towards the most "
        "likely characters; above 1 it flattens it towards a uniform guess.<br>"
        + rows
        + f"<br>Greedy decoding (temperature 0) always picks the top character: "
        f"“{generate.shown(greedy.text)}”{loop}."
    )
    return Exercise(
        "temperature",
        seed,
        TITLES["temperature"],
        prompt,
        solution,
        choices=tuple(f"text {letters[n]}" for n in range(len(order))),
        answer=answer,
        facts={"asked": asked, "samples": samples, "order": order, "greedy": greedy},
    )
