"""Predict, then reveal: questions generated from the live engine, answered before the numbers.

Each question is built from a seed: the seed picks the set-up (sequence, cell, hidden size,
weight seed, spectral radius, forget bias ...), the engine runs it, and the right answer is
whatever the engine computes, never a fact written in advance. The learner commits to a
prediction; :meth:`PredictQuestion.check` then returns the verdict with the measured
evidence, and :attr:`Reveal.demo` holds the studio set-up (``DemoSetup.from_dict`` data)
that shows the same run, so "Show me" opens exactly what was computed.

The cells and inputs are built as the studio builds them (one-hot over the sequence's own
sorted vocabulary, ``make_cell(kind, I, H, seed=...)``, then ρ and the forget bias), and the
loss for backpropagation is the studio's: ``L = u · h_T`` with ``u = (1, …, 1)/√H`` at the
last step. ``tests/learn/test_predict.py`` checks the numbers against the studio session.

Kinds (see :data:`PREDICT_KINDS`): ``gradient_race`` (RNN or LSTM: whose gradient reaches
step 1 larger?), ``closed_gate`` (which LSTM gate is nearly closed for this unit at this
step?), ``vanish_or_explode`` (given ρ and the activation, will the gradient vanish or
explode?), ``clipping`` (does clipping change the gradient's direction or only its size?) and
``context`` (does "bad" change the hidden state more after "not" or after "very"?).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from rnn_studio import engine
from rnn_studio.engine import encoding, optim
from rnn_studio.learn.quiz import ChoiceQuestion, Result

if TYPE_CHECKING:
    from rnn_studio.state.demo import DemoSetup

#: Factor per step below which the gradient is called vanishing; same as the studio's verdict.
VANISHING_BELOW = 0.95
#: Factor per step above which the gradient is called exploding.
EXPLODING_ABOVE = 1.05
#: A sigmoid gate letting through less than this is "nearly closed".
CLOSED_BELOW = 0.2
#: ... and one letting through at least this is clearly not closed.
OPEN_FROM = 0.35

_PHRASES = (
    "the cat sat on the mat ",
    "rain falls softly on the plain ",
    "memory fades unless it is kept ",
    "a long road winds over the hills ",
)
_GATE_NAMES = {"i": "input", "f": "forget", "o": "output"}


class PredictError(ValueError):
    """A question that cannot be generated; the message says why."""


@dataclass(frozen=True)
class Evidence:
    """One measured number shown in the reveal.

    Attributes
    ----------
    label : str
        What was measured, e.g. ``"RNN ‖∂L/∂h₁‖"``.
    value : float
        The number.
    """

    label: str
    value: float

    @property
    def text(self) -> str:
        """The value formatted for display (3 significant figures)."""
        return format_number(self.value)


@dataclass(frozen=True)
class Reveal:
    """What is shown after the learner has answered.

    Attributes
    ----------
    summary : str
        The answer with its key numbers, in one or two sentences.
    explanation : str
        Why it comes out this way.
    evidence : tuple of Evidence
        The measured numbers.
    demo : Mapping
        The studio set-up that shows this run as plain data (``DemoSetup.from_dict`` input);
        :attr:`setup` gives the validated ``DemoSetup``.
    curves : Mapping of str to tuple of float
        Series worth plotting next to the answer (e.g. gradient norm per step per cell).
    """

    summary: str
    explanation: str
    evidence: tuple[Evidence, ...]
    demo: Mapping[str, Any]
    curves: Mapping[str, tuple[float, ...]] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def setup(self) -> DemoSetup:
        """The validated studio set-up, ready for ``StudioSession.apply_demo``."""
        # Imported here, as the content loader does: state.demo is a stdlib-only leaf module,
        # and a module-level import would make learn depend on the state package at import.
        from rnn_studio.state.demo import DemoSetup

        return DemoSetup.from_dict(dict(self.demo))

    def value(self, label: str) -> float:
        """Return the evidence value called ``label``."""
        for item in self.evidence:
            if item.label == label:
                return item.value
        raise KeyError(label)


@dataclass(frozen=True)
class PredictQuestion:
    """A prediction question with its computed answer and reveal.

    Attributes
    ----------
    id : str
        ``"<kind>:<seed>"``; the same id always regenerates the same question.
    kind, prompt, choices, answer_index : see :class:`~rnn_studio.learn.quiz.ChoiceQuestion`
    seed : int
    reveal : Reveal
    """

    id: str
    kind: str
    seed: int
    prompt: str
    choices: tuple[str, ...]
    answer_index: int
    reveal: Reveal

    @property
    def answer(self) -> str:
        """The right choice's text."""
        return self.choices[self.answer_index]

    def check(self, answer: int | str) -> Result:
        """Judge the prediction (choice index or text); the explanation is the reveal."""
        choice = ChoiceQuestion(
            id=self.id,
            kind=self.kind,
            prompt=self.prompt,
            choices=self.choices,
            answer_index=self.answer_index,
        )
        verdict = choice.check(answer)
        explanation = f"{self.reveal.summary}\n\n{self.reveal.explanation}"
        feedback = "Your prediction was right." if verdict.correct else "Not what happened."
        return Result(verdict.correct, self.answer, explanation, feedback)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(value: float) -> str:
    """Three significant figures, as 1.23×10⁻⁸ outside 0.001 to 100 000.

    Examples
    --------
    >>> format_number(0.5964), format_number(2234.6), format_number(1.74e-18)
    ('0.596', '2235', '1.74×10⁻¹⁸')
    """
    if not math.isfinite(value):
        return "∞" if value > 0 else ("−∞" if value < 0 else "NaN")
    if value != 0 and not 1e-3 <= abs(value) < 1e5:
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    if abs(value) >= 1000:
        return f"{value:.0f}"
    return f"{value:.3g}"


# --------------------------------------------------------------------------- the studio's run
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


def _text(rng: np.random.Generator, length: int) -> str:
    phrase = _PHRASES[int(rng.integers(len(_PHRASES)))]
    return (phrase * (length // len(phrase) + 1))[:length]


def _demo(text: str, **fields: Any) -> Mapping[str, Any]:
    setup = {
        "text": text,
        "mode": "chars",
        "cell": "rnn",
        "hidden_size": 8,
        "seed": 0,
        "nonlinearity": "tanh",
        "spectral_radius": None,
        "forget_bias": None,
        "cursor": -1,
        "backprop": False,
        "loss_step": -1,
        "clip": None,
    }
    unknown = set(fields) - set(setup)
    assert not unknown, unknown
    setup.update(fields)
    return MappingProxyType(setup)


def _curve(values: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) for v in np.asarray(values, dtype=float))


# --------------------------------------------------------------------------- question kinds
def gradient_race(seed: int) -> PredictQuestion:
    """ "After T steps, whose gradient at t = 1 is larger, the RNN's or the LSTM's?"."""
    rng = np.random.default_rng(seed)
    steps = int(rng.choice([25, 50, 80]))
    forget_bias = (None, -2.0, 1.0, 3.0)[int(rng.integers(4))]
    weight_seed = int(rng.integers(10_000))
    hidden = 8
    text = _text(rng, steps)
    inputs = studio_inputs(text, "chars")
    rnn = studio_cell("rnn", inputs.shape[1], hidden, weight_seed)
    lstm = studio_cell("lstm", inputs.shape[1], hidden, weight_seed, forget_bias=forget_bias)
    _, rnn_grads = studio_backward(rnn, inputs)
    lstm_trace, lstm_grads = studio_backward(lstm, inputs)
    rnn_norms, lstm_norms = np.asarray(rnn_grads.norms), np.asarray(lstm_grads.norms)
    first_rnn, first_lstm = float(rnn_norms[0]), float(lstm_norms[0])
    ratio = first_lstm / first_rnn if first_rnn > 0 else math.inf
    forget_mean = float(np.mean(lstm_trace.gates["f"]))
    choices = ("The RNN's", "The LSTM's", "About the same (within a factor of 2)")
    answer = 2 if 0.5 <= ratio <= 2.0 else (1 if ratio > 2.0 else 0)
    bias_text = (
        "The LSTM's forget-gate bias is left as initialised."
        if forget_bias is None
        else f"The LSTM's forget-gate bias is shifted by {forget_bias:+g}."
    )
    prompt = (
        f"A vanilla RNN and an LSTM (hidden size {hidden}, the same weight seed {weight_seed}) "
        f"read the same {steps}-character text “{text.strip()}”. The loss sits at the last "
        f"step. {bias_text} After backpropagating through all {steps} steps, whose gradient "
        "at the first step (t = 1) is larger?"
    )
    rnn_factor, lstm_factor = factor_per_step(rnn_norms), factor_per_step(lstm_norms)
    winner = ("The RNN's", "The LSTM's", "Neither clearly")[answer]
    summary = (
        f"{winner}: ‖∂L/∂h₁‖ is {format_number(first_rnn)} for the RNN and "
        f"{format_number(first_lstm)} for the LSTM (LSTM ÷ RNN = {format_number(ratio)})."
    )
    explanation = (
        f"Going back one step, the RNN's gradient is multiplied by W_hhᵀ and tanh′, which "
        f"shrank it by ×{format_number(rnn_factor)} per step on average; over {steps - 1} "
        "steps such factors compound. The LSTM also has a path through its cell state, "
        "c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, where going back one step multiplies by the forget "
        f"gate f_t, which averaged {forget_mean:.2f} here (its gradient shrank by "
        f"×{format_number(lstm_factor)} per step). "
    )
    if forget_bias is None:
        explanation += (
            "With the bias as initialised the forget gate sits near 0.5, so that path halves "
            "the gradient at each step too: an LSTM only keeps long memories once its forget "
            "gates are open, which is why a bias of +1 or more is the usual starting point."
        )
    elif forget_bias < 0:
        explanation += (
            f"Lowering the forget bias by {-forget_bias:g} nearly closes the forget gates, so "
            "the cell path erases the gradient at every step: the gates, not the word LSTM, "
            "are what keep a memory."
        )
    else:
        explanation += (
            f"Raising the forget bias by {forget_bias:g} opens the forget gates, so the cell "
            "path carries the gradient back with little loss: the LSTM remembers step 1."
        )
    demo = _demo(
        text,
        cell="compare",
        hidden_size=hidden,
        seed=weight_seed,
        forget_bias=forget_bias,
        backprop=True,
        cursor=0,
    )
    evidence = (
        Evidence("RNN ‖∂L/∂h₁‖", first_rnn),
        Evidence("LSTM ‖∂L/∂h₁‖", first_lstm),
        Evidence("LSTM ÷ RNN", ratio),
        Evidence("RNN factor per step", rnn_factor),
        Evidence("LSTM factor per step", lstm_factor),
        Evidence("LSTM mean forget gate", forget_mean),
    )
    curves = MappingProxyType({"rnn": _curve(rnn_norms), "lstm": _curve(lstm_norms)})
    return PredictQuestion(
        f"gradient_race:{seed}",
        "gradient_race",
        seed,
        prompt,
        choices,
        answer,
        Reveal(summary, explanation, evidence, demo, curves),
    )


_GATE_EFFECT = {
    "input": (
        "almost none of the new candidate g_t is written into this unit's cell state at this "
        "step: the input is ignored"
    ),
    "forget": (
        "this unit's old cell state c_{t−1} is mostly erased: c_t ≈ i_t ⊙ g_t, so whatever "
        "it remembered is gone"
    ),
    "output": (
        "this unit's memory stays in c_t but is hidden: h_t = o_t ⊙ tanh(c_t) is close to 0, "
        "so the rest of the network does not see it at this step"
    ),
}


def closed_gate(seed: int) -> PredictQuestion:
    """ "Which LSTM gate is nearly closed for this unit at this step?" from its pre-activations."""
    rng = np.random.default_rng(seed)
    targets = ("input", "forget", "output", "none")
    target = targets[int(rng.integers(len(targets)))]
    forget_bias = float(rng.choice([-3.0, -4.0])) if target == "forget" else None
    hidden = 4
    text = _text(rng, 16)
    inputs = studio_inputs(text, "chars")
    base_seed = int(rng.integers(10_000))
    for attempt in range(400):
        weight_seed = (base_seed + attempt) % 10_000
        cell = studio_cell("lstm", inputs.shape[1], hidden, weight_seed, forget_bias=forget_bias)
        trace = engine.forward(cell, inputs)
        spot = _find_gate_spot(trace, target, rng)
        if spot is not None:
            break
    else:  # pragma: no cover - the search succeeds for every seed tested
        raise PredictError(f"closed_gate: no step shows the wanted gate pattern for seed {seed}")
    step, unit = spot
    pre = {g: float(trace.pre[g][step, unit]) for g in "ifo"}
    value = {g: float(trace.gates[g][step, unit]) for g in "ifo"}
    closed = [g for g in "ifo" if value[g] < CLOSED_BELOW]
    answer_name = _GATE_NAMES[closed[0]] if closed else "none"
    choices = ("The input gate", "The forget gate", "The output gate", "None of them")
    answer = ("input", "forget", "output", "none").index(answer_name)
    bias_text = "" if forget_bias is None else f", forget-gate bias {forget_bias:+g}"
    token = text[step]
    shown = "a space" if token == " " else f"“{token}”"
    prompt = (
        f"An LSTM (hidden size {hidden}, weight seed {weight_seed}{bias_text}) reads "
        f"“{text}”. At step {step + 1} (the character {shown}), unit {unit + 1} has these "
        f"gate pre-activations (the weighted sums before the sigmoid): input "
        f"{pre['i']:+.2f}, forget {pre['f']:+.2f}, output {pre['o']:+.2f}. Which gate is "
        "nearly closed, letting through less than a fifth?"
    )
    values_text = ", ".join(f"{_GATE_NAMES[g]} {value[g]:.2f}" for g in "ifo")
    if closed:
        summary = f"The {answer_name} gate: σ gives {values_text}."
        effect = f"With the {answer_name} gate nearly shut, {_GATE_EFFECT[answer_name]}."
    else:
        summary = f"None of them: σ gives {values_text}, each at least {OPEN_FROM}."
        effect = (
            "At initialisation LSTM gates hover around one half; training, or a bias such "
            "as the forget-gate bias, is what pushes them open or shut."
        )
    explanation = (
        "A gate's value is the sigmoid of its pre-activation, σ(z) = 1/(1 + e^(−z)): "
        "z = −1.4 gives 0.2, z = 0 gives 0.5 and z = +1.4 gives 0.8, so a gate is nearly "
        f"closed only when z is well below −1.4. {effect}"
    )
    if forget_bias is not None:
        explanation += (
            f" Here the forget bias of {forget_bias:+g} pulls every unit's forget "
            "pre-activation that far down on its own."
        )
    evidence = (
        *(Evidence(f"{_GATE_NAMES[g]} gate σ(z)", value[g]) for g in "ifo"),
        *(Evidence(f"{_GATE_NAMES[g]} pre-activation z", pre[g]) for g in "ifo"),
        Evidence("mean forget gate over all units and steps", float(np.mean(trace.gates["f"]))),
    )
    demo = _demo(
        text,
        cell="lstm",
        hidden_size=hidden,
        seed=weight_seed,
        forget_bias=forget_bias,
        cursor=step,
    )
    curves = MappingProxyType(
        {f"{_GATE_NAMES[g]} (unit {unit + 1})": _curve(trace.gates[g][:, unit]) for g in "ifo"}
    )
    return PredictQuestion(
        f"closed_gate:{seed}",
        "closed_gate",
        seed,
        prompt,
        choices,
        answer,
        Reveal(summary, explanation, evidence, demo, curves),
    )


def _find_gate_spot(
    trace: engine.Trace, target: str, rng: np.random.Generator
) -> tuple[int, int] | None:
    """A (step, unit) where only ``target`` is below CLOSED_BELOW and the others clearly open."""
    gates = {g: np.asarray(trace.gates[g]) for g in "ifo"}
    steps, units = gates["i"].shape
    for flat in rng.permutation(steps * units):
        step, unit = divmod(int(flat), units)
        values = {_GATE_NAMES[g]: gates[g][step, unit] for g in "ifo"}
        if target == "none":
            # A near miss makes "none" a real question: the lowest gate is below one half.
            if OPEN_FROM <= min(values.values()) <= 0.42:
                return step, unit
        elif values[target] < CLOSED_BELOW and all(
            v >= OPEN_FROM for name, v in values.items() if name != target
        ):
            return step, unit
    return None


def vanish_or_explode(seed: int) -> PredictQuestion:
    """ "W_hh has spectral radius ρ: will the gradient vanish or explode?" for a vanilla RNN."""
    rng = np.random.default_rng(seed)
    nonlinearity = ("tanh", "relu")[int(rng.integers(2))]
    # tanh saturates, so it needs a larger ρ before it can explode at all.
    radii = (0.5, 1.5, 2.5, 4.0) if nonlinearity == "tanh" else (0.5, 1.5, 2.0, 3.0)
    rho = float(rng.choice(radii))
    steps = int(rng.choice([40, 80]))
    weight_seed = int(rng.integers(10_000))
    hidden = 8
    text = _text(rng, steps)
    inputs = studio_inputs(text, "chars")
    cell = studio_cell(
        "rnn", inputs.shape[1], hidden, weight_seed, nonlinearity=nonlinearity, spectral_radius=rho
    )
    trace, grads = studio_backward(cell, inputs)
    with np.errstate(all="ignore"):
        jacobian = np.asarray(engine.jacobian_norms(cell, trace), dtype=float)
    grad_norms = np.asarray(grads.norms, dtype=float)
    nonfinite = not np.all(np.isfinite(grad_norms))
    # Judged on ‖∂L/∂h_t‖, as the studio's verdict is, so the reveal and the studio agree.
    factor = math.inf if nonfinite else factor_per_step(grad_norms)
    if factor < VANISHING_BELOW:
        answer = 0
    elif factor > EXPLODING_ABOVE:
        answer = 2
    else:
        answer = 1
    hidden_states = np.asarray(trace.hidden)
    if nonlinearity == "tanh":
        slope = float(np.mean(1.0 - hidden_states**2))
        slope_label = "mean tanh′ = 1 − h²"
    else:
        slope = float(np.mean(hidden_states > 0))
        slope_label = "share of active ReLU units (slope 1)"
    choices = (
        "It vanishes (shrinks towards zero)",
        "It stays about the same size",
        "It explodes (grows without bound)",
    )
    prompt = (
        f"A vanilla RNN with {nonlinearity} (hidden size {hidden}, weight seed {weight_seed}) "
        f"has W_hh rescaled to spectral radius ρ = {rho:g}. It reads {steps} characters and "
        "the loss sits at the last step. Going back to step 1, what does the gradient do?"
    )
    verdict = ("vanishes", "stays about the same size", "explodes")[answer]
    summary = (
        f"It {verdict}: each step back multiplies it by ×{format_number(factor)} on average, "
        f"so ‖∂L/∂h₁‖ = {format_number(float(grad_norms[0]))} against "
        f"{format_number(float(grad_norms[-1]))} at the loss step."
    )
    explanation = (
        "Going back one step multiplies the gradient by the Jacobian diag(f′(a_t)) W_hh, "
        "roughly ρ(W_hh) times the average slope of the activation. "
    )
    if rho < 1:
        explanation += (
            f"With ρ = {rho:g} < 1 and slopes of at most 1, every factor is below 1: the "
            "product of many of them must vanish."
        )
    elif nonlinearity == "tanh":
        outcome = {
            0: "and the saturated units won: the gradient still vanished",
            1: "and the two nearly cancelled: the gradient kept roughly its size",
            2: "yet ρ was large enough to win: the gradient still grew",
        }[answer]
        explanation += (
            f"ρ = {rho:g} alone would grow it, but a larger W_hh also drives units into "
            f"saturation, where tanh′ = 1 − h² is small (it averaged {slope:.2f} here), "
            f"{outcome}. For tanh, ρ > 1 is needed for an explosion but does not guarantee one."
        )
    else:
        explanation += (
            f"ReLU passes the gradient unchanged through active units and blocks it at the "
            f"others ({slope:.0%} were active here), so the effective factor is smaller "
            f"than ρ = {rho:g}; "
            + (
                "here it stayed above 1, and a product of many factors above 1 explodes."
                if answer == 2
                else "here that was enough to keep it from growing."
            )
        )
    evidence = (
        Evidence("spectral radius ρ(W_hh)", rho),
        Evidence("factor per step", factor),
        Evidence("‖∂h_T/∂h₁‖", float(jacobian[0])),
        Evidence("‖∂L/∂h₁‖", float(grad_norms[0])),
        Evidence("‖∂L/∂h_T‖", float(grad_norms[-1])),
        Evidence(slope_label, slope),
    )
    demo = _demo(
        text,
        hidden_size=hidden,
        seed=weight_seed,
        nonlinearity=nonlinearity,
        spectral_radius=rho,
        backprop=True,
    )
    return PredictQuestion(
        f"vanish_or_explode:{seed}",
        "vanish_or_explode",
        seed,
        prompt,
        choices,
        answer,
        Reveal(summary, explanation, evidence, demo, MappingProxyType({"rnn": _curve(grad_norms)})),
    )


def clipping(seed: int) -> PredictQuestion:
    """ "Does clipping change the gradient's direction or only its size?" (by norm or by value)."""
    rng = np.random.default_rng(seed)
    by_norm = bool(rng.integers(2))
    rho = 1.5
    steps = int(rng.choice([20, 30, 40]))
    hidden = 8
    text = _text(rng, steps)
    inputs = studio_inputs(text, "chars")
    base_seed = int(rng.integers(10_000))
    for attempt in range(100):
        # Skip weights whose ReLU units all die (zero gradient) or whose gradient is beyond
        # the studio's clipping range: the question needs a gradient worth clipping.
        weight_seed = (base_seed + attempt) % 10_000
        cell = studio_cell(
            "rnn", inputs.shape[1], hidden, weight_seed, nonlinearity="relu", spectral_radius=rho
        )
        _, grads = studio_backward(cell, inputs)
        before = {
            name: np.array(value, dtype=float) for name, value in sorted(grads.params.items())
        }
        norm_before = optim.global_norm(before)
        if 1.0 <= norm_before <= 1e6:
            break
    else:  # pragma: no cover - the search succeeds for every seed tested
        raise PredictError(f"clipping: no gradient in a usable range for seed {seed}")
    flat_before = np.concatenate([g.ravel() for g in before.values()])
    after = {name: value.copy() for name, value in before.items()}
    if by_norm:
        threshold = float(f"{norm_before / float(rng.choice([4.0, 10.0])):.1g}")
        report = optim.clip_grad_norm(after, threshold)
        how = f"by norm to c = {threshold:g} (g ← g · min(1, c/‖g‖))"
    else:
        # Many entries are exactly 0 (ReLU units that never fired): take the 80th percentile
        # of the others, so about a fifth of the live components get clamped.
        live = np.abs(flat_before[flat_before != 0])
        threshold = float(f"{np.quantile(live, 0.8):.2g}")
        report = optim.clip_grad_value(after, threshold)
        how = f"by value: each component clamped to [−{threshold:g}, {threshold:g}]"
    flat_after = np.concatenate([g.ravel() for g in after.values()])
    cosine = _cosine(flat_before, flat_after)
    angle = math.degrees(math.acos(min(1.0, max(-1.0, cosine))))
    share_clipped = float(np.mean(np.abs(flat_before) > threshold)) if not by_norm else 1.0
    if not report.clipped:
        answer = 3
    elif angle > 0.01:
        answer = 2
    else:
        answer = 0
    choices = (
        "Only its size",
        "Only its direction",
        "Both its size and its direction",
        "Neither: it has no effect",
    )
    prompt = (
        f"A ReLU RNN with ρ(W_hh) = {rho:g} (hidden size {hidden}, weight seed {weight_seed}) "
        f"reads {steps} characters; backpropagation gives a weight gradient of norm "
        f"{format_number(norm_before)}. It is clipped {how}. What does clipping change?"
    )
    summary = (
        f"{choices[answer]}: the norm goes from {format_number(report.norm_before)} to "
        f"{format_number(report.norm_after)} and the angle between the gradient before and "
        f"after is {angle:.3g}° (cosine {cosine:.6f})."
    )
    if by_norm:
        explanation = (
            f"Norm clipping multiplies the whole gradient by one number, c/‖g‖ = "
            f"{format_number(threshold / norm_before)}: every component shrinks in the same "
            "proportion, so the step still points the same way downhill and only its length "
            "is capped. This is the clipping the studio shows and PyTorch's clip_grad_norm_ "
            "does."
        )
    else:
        explanation = (
            f"Clamping each component on its own shrinks the large ones ({share_clipped:.0%} "
            "of them here) but leaves the small ones alone, which tilts the vector: the "
            "update no longer points where the gradient did. That is why clipping by the "
            "norm, which keeps the direction, is the usual choice."
        )
    evidence = (
        Evidence("‖g‖ before", report.norm_before),
        Evidence("‖g‖ after", report.norm_after),
        Evidence("cosine(before, after)", cosine),
        Evidence("angle (degrees)", angle),
        Evidence("threshold c", threshold),
    )
    demo = _demo(
        text,
        hidden_size=hidden,
        seed=weight_seed,
        nonlinearity="relu",
        spectral_radius=rho,
        backprop=True,
        clip=threshold if by_norm else None,
    )
    return PredictQuestion(
        f"clipping:{seed}",
        "clipping",
        seed,
        prompt,
        choices,
        answer,
        Reveal(summary, explanation, evidence, demo),
    )


def _cosine(first: np.ndarray, second: np.ndarray) -> float:
    """Cosine of the angle between two vectors, scaled first so huge norms cannot overflow."""
    scale = max(float(np.max(np.abs(first))), float(np.max(np.abs(second))), 1e-300)
    a, b = first / scale, second / scale
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def context(seed: int) -> PredictQuestion:
    """ "Which hidden state changes more when 'bad' arrives after 'not' vs after 'very'?"."""
    rng = np.random.default_rng(seed)
    first, second = ("not", "very") if rng.integers(2) else ("very", "not")
    text = f"{first} bad {second} bad"
    hidden = int(rng.choice([4, 8]))
    weight_seed = int(rng.integers(10_000))
    inputs = studio_inputs(text, "words")
    cell = studio_cell("rnn", inputs.shape[1], hidden, weight_seed)
    trace = engine.forward(cell, inputs)
    states = np.asarray(trace.hidden)
    previous = np.vstack([np.zeros((1, hidden)), states[:-1]])
    change = np.linalg.norm(states - previous, axis=1)
    weight_hh = np.asarray(cell.params["weight_hh"])
    weight_ih = np.asarray(cell.params["weight_ih"])
    after = {first: 1, second: 3}  # step of "bad" after each word (0-based)
    delta = {word: float(change[t]) for word, t in after.items()}
    memory = {word: float(np.linalg.norm(weight_hh @ previous[t])) for word, t in after.items()}
    input_part = float(np.linalg.norm(weight_ih @ inputs[1]))
    if math.isclose(delta["not"], delta["very"], rel_tol=1e-9):  # pragma: no cover
        answer = 2
    else:
        answer = 0 if delta["not"] > delta["very"] else 1
    choices = (
        "When “bad” follows “not”",
        "When “bad” follows “very”",
        "Neither: the same word changes it by the same amount",
    )
    prompt = (
        f"A vanilla RNN (tanh, hidden size {hidden}, weight seed {weight_seed}, untrained) "
        f"reads “{text}” word by word. Each time “bad” arrives, the hidden state moves from "
        "h_{t−1} to h_t. When does it move further, ‖h_t − h_{t−1}‖ larger?"
    )
    larger = "not" if answer == 0 else "very"
    summary = (
        f"When “bad” follows “{larger}”: the hidden state moved "
        f"{format_number(delta['not'])} after “not” and {format_number(delta['very'])} after "
        "“very”."
    )
    explanation = (
        "The new state is h_t = tanh(W_ih x_t + W_hh h_{t−1} + b). Both times the input part "
        f"W_ih x_bad is the same vector (norm {format_number(input_part)}); only the memory "
        f"part W_hh h_{{t−1}} differs (norm {format_number(memory['not'])} after “not”, "
        f"{format_number(memory['very'])} after “very”). That alone makes the two updates "
        "differ: the hidden state carries the context, which is how an RNN can tell “not bad” "
        "from “very bad”. Which one moves further depends on these untrained weights (try "
        "another seed); training shapes the difference into something useful. What never "
        "happens is the same change twice."
    )
    evidence = (
        Evidence("‖Δh‖ when “bad” follows “not”", delta["not"]),
        Evidence("‖Δh‖ when “bad” follows “very”", delta["very"]),
        Evidence("‖W_ih x_bad‖ (same both times)", input_part),
        Evidence("‖W_hh h_{t−1}‖ after “not”", memory["not"]),
        Evidence("‖W_hh h_{t−1}‖ after “very”", memory["very"]),
    )
    demo = _demo(text, mode="words", hidden_size=hidden, seed=weight_seed, cursor=after[larger])
    return PredictQuestion(
        f"context:{seed}",
        "context",
        seed,
        prompt,
        choices,
        answer,
        Reveal(summary, explanation, evidence, demo, MappingProxyType({"‖Δh‖": _curve(change)})),
    )


PREDICT_KINDS: Mapping[str, Callable[[int], PredictQuestion]] = MappingProxyType(
    {
        "gradient_race": gradient_race,
        "closed_gate": closed_gate,
        "vanish_or_explode": vanish_or_explode,
        "clipping": clipping,
        "context": context,
    }
)
PREDICT_TITLES = MappingProxyType(
    {
        "gradient_race": "RNN or LSTM: whose gradient survives?",
        "closed_gate": "Which gate is closed?",
        "vanish_or_explode": "Vanish or explode?",
        "clipping": "What does clipping change?",
        "context": "Does context change the update?",
    }
)


def make_predict_question(kind: str, seed: int) -> PredictQuestion:
    """Generate the question of ``kind`` for ``seed`` (the same pair, the same question)."""
    if kind not in PREDICT_KINDS:
        raise PredictError(f"kind: {kind!r} is not one of {', '.join(PREDICT_KINDS)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise PredictError(f"seed: {seed!r} is not a whole number >= 0")
    return PREDICT_KINDS[kind](int(seed))


def question_from_id(question_id: str) -> PredictQuestion:
    """Regenerate a question from its id ``"<kind>:<seed>"`` (as stored in the progress log)."""
    kind, _, seed_text = question_id.partition(":")
    if not seed_text.isdigit():
        raise PredictError(f"{question_id!r} is not a question id like 'clipping:12'")
    return make_predict_question(kind, int(seed_text))


def predict_questions(
    seed: int, count: int = 5, kinds: Sequence[str] | None = None
) -> list[PredictQuestion]:
    """``count`` questions, kinds in shuffled rounds, each with a seed drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    chosen = list(PREDICT_KINDS) if kinds is None else list(kinds)
    unknown = [k for k in chosen if k not in PREDICT_KINDS]
    if unknown or not chosen:
        raise PredictError(f"kinds: {unknown or 'none given'}; choose from {list(PREDICT_KINDS)}")
    order: list[str] = []
    while len(order) < count:
        order.extend(chosen[i] for i in rng.permutation(len(chosen)))
    return [make_predict_question(kind, int(rng.integers(2**31))) for kind in order[:count]]
