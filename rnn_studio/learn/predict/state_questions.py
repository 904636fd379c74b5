"""Questions about states: which LSTM gate is closed, and whether context changes an update."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from rnn_studio import engine
from rnn_studio.learn.predict.base import (
    Evidence,
    PredictError,
    PredictQuestion,
    Reveal,
    as_curve,
    demo_data,
    format_number,
    sample_text,
)
from rnn_studio.studio_core.recipe import studio_cell, studio_inputs

#: A sigmoid gate letting through less than this is "nearly closed".
CLOSED_BELOW = 0.2
#: ... and one letting through at least this is clearly not closed.
OPEN_FROM = 0.35
_GATE_NAMES = {"i": "input", "f": "forget", "o": "output"}

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
    """Ask which LSTM gate is nearly closed for one unit at one step, given its z values."""
    rng = np.random.default_rng(seed)
    targets = ("input", "forget", "output", "none")
    target = targets[int(rng.integers(len(targets)))]
    forget_bias = float(rng.choice([-3.0, -4.0])) if target == "forget" else None
    hidden = 4
    text = sample_text(rng, 16)
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
        f"“{text}”. At t = {step} (the character {shown}; the studio counts from t = 0), "
        f"unit {unit} (of units 0–{hidden - 1}) has these "
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
    demo = demo_data(
        text,
        cell="lstm",
        hidden_size=hidden,
        seed=weight_seed,
        forget_bias=forget_bias,
        cursor=step,
    )
    curves = MappingProxyType(
        {f"{_GATE_NAMES[g]} (unit {unit})": as_curve(trace.gates[g][:, unit]) for g in "ifo"}
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


def context(seed: int) -> PredictQuestion:
    """Ask whether "bad" leaves the same hidden state after "not" as after "very".

    What decides it is shown in the prompt: with W_hh as initialised the previous state
    enters every update, so the two states differ; with W_hh rescaled to spectral radius 0
    (every recurrent weight zero) the network has no memory and "bad" gives the same state
    whatever came before. (The earlier form of this question asked which context moved the
    state further, which untrained weights decide by chance.)
    """
    rng = np.random.default_rng(seed)
    first, second = ("not", "very") if rng.integers(2) else ("very", "not")
    text = f"{first} bad {second} bad"
    hidden = int(rng.choice([4, 8]))
    weight_seed = int(rng.integers(10_000))
    no_memory = bool(rng.integers(2))
    rho = 0.0 if no_memory else None
    inputs = studio_inputs(text, "words")
    cell = studio_cell("rnn", inputs.shape[1], hidden, weight_seed, spectral_radius=rho)
    trace = engine.forward(cell, inputs)
    states = np.asarray(trace.hidden)
    after = {first: 1, second: 3}  # the step of "bad" after each word (0-based, as the studio)
    gap = float(np.linalg.norm(states[after["not"]] - states[after["very"]]))
    weight_hh = np.asarray(cell.params["weight_hh"])
    memory = {word: float(np.linalg.norm(weight_hh @ states[t - 1])) for word, t in after.items()}
    choices = (
        "The same state both times: the word is the same",
        "Different states: h_t also depends on h_{t−1}, which differs",
        "It depends on which word came first in the text",
    )
    answer = 0 if gap <= 1e-12 else 1
    recurrence = (
        "W_hh rescaled to spectral radius 0, so every recurrent weight is zero"
        if no_memory
        else "W_hh as initialised"
    )
    prompt = (
        f"A vanilla RNN (tanh, hidden size {hidden}, weight seed {weight_seed}, untrained, "
        f"{recurrence}) reads “{text}” word by word, with h_t = tanh(W_ih x_t + W_hh h_{{t−1}} "
        f"+ b). Compare its hidden state at t = {after['not']} (“bad” after “not”) with the "
        f"one at t = {after['very']} (“bad” after “very”)."
    )
    summary = (
        f"{choices[answer].split(':')[0]}: the two states are "
        f"{format_number(gap)} apart (‖h after “not bad” − h after “very bad”‖)."
    )
    if no_memory:
        explanation = (
            "With W_hh = 0 the memory term W_hh h_{t−1} is zero, so h_t = tanh(W_ih x_t + b) "
            "depends on the current word alone: “bad” gives the same state whatever came "
            "before. Such a network cannot tell “not bad” from “very bad”: the recurrent "
            "weights are the memory."
        )
    else:
        explanation = (
            "Both times the input part W_ih x_bad is the same, but the memory part W_hh h_{t−1} "
            f"is not (norm {format_number(memory['not'])} after “not”, "
            f"{format_number(memory['very'])} after “very”), so the two states differ. The "
            "hidden state carries the context: that is how an RNN can tell “not bad” from "
            "“very bad”, and training shapes the difference into something useful."
        )
    evidence = (
        Evidence("‖h(not bad) − h(very bad)‖", gap),
        Evidence("‖W_hh h_{t−1}‖ after “not”", memory["not"]),
        Evidence("‖W_hh h_{t−1}‖ after “very”", memory["very"]),
    )
    demo = demo_data(
        text,
        mode="words",
        hidden_size=hidden,
        seed=weight_seed,
        spectral_radius=rho,
        cursor=after["not"],
    )
    change = np.linalg.norm(states - np.vstack([np.zeros((1, hidden)), states[:-1]]), axis=1)
    return PredictQuestion(
        f"context:{seed}",
        "context",
        seed,
        prompt,
        choices,
        answer,
        Reveal(summary, explanation, evidence, demo, MappingProxyType({"‖Δh‖": as_curve(change)})),
    )
