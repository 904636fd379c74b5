"""Questions about gradients: RNN against LSTM, vanish or explode, what clipping changes."""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

from rnn_studio.engine import optim
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
from rnn_studio.studio_core.recipe import studio_backward, studio_cell, studio_inputs
from rnn_studio.studio_core.verdict import factor_per_step, judge


def gradient_race(seed: int) -> PredictQuestion:
    """Ask whose gradient reaches the first step (t = 0) larger: the RNN's or the LSTM's.

    The forget-gate bias shown in the prompt decides it (the LSTM's cell path multiplies the
    gradient by f_t ≈ σ(bias) per step): a bias of −2 nearly closes the gates, +1 or +3 opens
    them. The bias left as initialised (f ≈ 0.5) is not offered: there the race depends on
    the weights, which the learner cannot see.
    """
    rng = np.random.default_rng(seed)
    steps = int(rng.choice([25, 50, 80]))
    forget_bias = (-2.0, 1.0, 3.0)[int(rng.integers(3))]
    weight_seed = int(rng.integers(10_000))
    hidden = 8
    text = sample_text(rng, steps)
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
    bias_text = f"The LSTM's forget-gate bias is shifted by {forget_bias:+g}."
    prompt = (
        f"A vanilla RNN and an LSTM (hidden size {hidden}, the same weight seed {weight_seed}) "
        f"read the same {steps}-character text “{text.strip()}”. The loss sits at the last "
        f"step. {bias_text} After backpropagating through all {steps} steps, whose gradient "
        "at the first step (t = 0) is larger?"
    )
    rnn_factor, lstm_factor = factor_per_step(rnn_norms), factor_per_step(lstm_norms)
    winner = ("The RNN's", "The LSTM's", "Neither clearly")[answer]
    summary = (
        f"{winner}: ‖∂L/∂h₀‖ is {format_number(first_rnn)} for the RNN and "
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
    if forget_bias < 0:
        explanation += (
            f"Lowering the forget bias by {-forget_bias:g} nearly closes the forget gates, so "
            "the cell path erases the gradient at every step: the gates, not the word LSTM, "
            "are what keep a memory."
        )
    else:
        explanation += (
            f"Raising the forget bias by {forget_bias:g} opens the forget gates, so the cell "
            "path carries the gradient back with less loss per step."
        )
    # Say what happened, not what should have: the measured numbers decide the sentence.
    explanation += {
        0: " Here the RNN's gradient at t = 0 came out larger: the LSTM kept less of it.",
        1: " Here the LSTM kept more of the gradient at t = 0 than the RNN did.",
        2: " Here the two ended within a factor of 2 of each other.",
    }[answer]
    demo = demo_data(
        text,
        cell="compare",
        hidden_size=hidden,
        seed=weight_seed,
        forget_bias=forget_bias,
        backprop=True,
        cursor=0,
    )
    evidence = (
        Evidence("RNN ‖∂L/∂h₀‖", first_rnn),
        Evidence("LSTM ‖∂L/∂h₀‖", first_lstm),
        Evidence("LSTM ÷ RNN", ratio),
        Evidence("RNN factor per step", rnn_factor),
        Evidence("LSTM factor per step", lstm_factor),
        Evidence("LSTM mean forget gate", forget_mean),
    )
    curves = MappingProxyType({"rnn": as_curve(rnn_norms), "lstm": as_curve(lstm_norms)})
    return PredictQuestion(
        f"gradient_race:{seed}",
        "gradient_race",
        seed,
        prompt,
        choices,
        answer,
        Reveal(summary, explanation, evidence, demo, curves),
    )


def vanish_or_explode(seed: int) -> PredictQuestion:
    """Ask whether the numbers shown guarantee that a vanilla RNN's gradient vanishes.

    Going back one step multiplies the gradient by diag(f′(a_t)) W_hhᵀ, whose size is at most
    ‖W_hh‖₂ (the largest singular value) times the largest slope, 1 for tanh and ReLU. So
    ‖W_hh‖₂ < 1 guarantees vanishing; ρ(W_hh) < 1 does not (it governs only the long run of
    the linearised map, and a non-normal W_hh can grow a gradient for many steps first), and
    ρ > 1 does not guarantee an explosion (tanh saturates). The prompt shows both numbers, so
    the answer can be reasoned out; the reveal says what the run actually did. (The earlier
    form asked for the outcome itself, which for ρ > 1 the prompt did not determine.)
    """
    rng = np.random.default_rng(seed)
    nonlinearity = ("tanh", "relu")[int(rng.integers(2))]
    bounded = bool(rng.integers(2))
    steps = int(rng.choice([40, 80]))
    hidden = 8
    text = sample_text(rng, steps)
    inputs = studio_inputs(text, "chars")
    base_seed = int(rng.integers(10_000))
    for attempt in range(100):
        weight_seed = (base_seed + attempt) % 10_000
        start = studio_cell("rnn", inputs.shape[1], hidden, weight_seed)
        w0 = np.asarray(start.params["weight_hh"], dtype=float)
        rho0, norm0 = float(np.max(np.abs(np.linalg.eigvals(w0)))), float(np.linalg.norm(w0, 2))
        # One scale for W_hh, given as the spectral radius the studio's control takes.
        if bounded:
            rho = round(rho0 * float(rng.choice([0.6, 0.8, 0.9])) / norm0, 3)
        else:
            rho = float(rng.choice([0.5, 0.9, 1.5, 2.5]))
        cell = studio_cell(
            "rnn",
            inputs.shape[1],
            hidden,
            weight_seed,
            nonlinearity=nonlinearity,
            spectral_radius=rho,
        )
        weight_hh = np.asarray(cell.params["weight_hh"], dtype=float)
        norm = float(np.linalg.norm(weight_hh, 2))
        if abs(norm - 1.0) >= 0.05:  # never so close to 1 that rounding could mislead
            break
    else:  # pragma: no cover - the search succeeds for every seed tested
        raise PredictError(f"vanish_or_explode: no usable W_hh for seed {seed}")
    _, grads = studio_backward(cell, inputs)
    grad_norms = np.asarray(grads.norms, dtype=float)
    nonfinite = not np.all(np.isfinite(grad_norms))
    judged = judge(grad_norms, rho, nonfinite)  # the studio's own verdict on the run
    factor = judged.factor_per_step
    guaranteed = norm < 1.0
    choices = (
        "Yes: ‖W_hh‖₂ < 1 and the slope is at most 1, so every step back shrinks it",
        "Yes: ρ(W_hh) < 1 is enough to guarantee it",
        "No: nothing shown rules out growth over these steps",
    )
    answer = 0 if guaranteed else 2
    prompt = (
        f"A vanilla RNN with {nonlinearity} (hidden size {hidden}, weight seed {weight_seed}) "
        f"reads {steps} characters, with the loss at the last step, t = {steps - 1}. Its W_hh "
        f"has spectral radius ρ = {rho:.2f} and largest singular value ‖W_hh‖₂ = {norm:.2f}. "
        f"The slope of {nonlinearity} is never above 1. Is the gradient certain to shrink on "
        "its way back to t = 0, whatever the inputs?"
    )
    outcome = {"vanishing": "vanished", "stable": "kept roughly its size", "exploding": "grew"}
    happened = outcome.get(judged.label, "overflowed")
    bound = norm ** (steps - 1)
    summary = (
        f"{choices[answer].split(':')[0]}. In this run it {happened}: ×{format_number(factor)} "
        f"per step on average, ‖∂L/∂h₀‖ = {format_number(float(grad_norms[0]))} against "
        f"{format_number(float(grad_norms[-1]))} at the loss step."
    )
    explanation = (
        "Going back one step multiplies the gradient by diag(f′(a_t)) W_hhᵀ. Its size is at "
        "most ‖W_hh‖₂ times the largest slope, and both slopes here are at most 1. "
    )
    if guaranteed:
        explanation += (
            f"With ‖W_hh‖₂ = {norm:.2f} < 1 every step back shrinks the gradient, so after "
            f"{steps - 1} steps it is at most {format_number(bound)} of what it was: vanishing "
            "is certain, for any inputs."
        )
    else:
        explanation += (
            f"With ‖W_hh‖₂ = {norm:.2f} ≥ 1 that bound allows growth. ρ = {rho:.2f} describes "
            "only the long run of repeated multiplication by W_hh; over a finite number of "
            "steps a matrix whose largest singular value is above 1 can grow a gradient even "
            "when ρ < 1, and with ρ > 1 saturating tanh units (or switched-off ReLU units) "
            "can still hold it back. So the "
            "numbers shown settle nothing: only the run does (it "
            f"{happened} here, the studio's verdict “{judged.label}”)."
        )
    evidence = (
        Evidence("spectral radius ρ(W_hh)", rho),
        Evidence("largest singular value ‖W_hh‖₂", norm),
        Evidence("bound ‖W_hh‖₂^(T−1)", bound),
        Evidence("factor per step", factor),
        Evidence("‖∂L/∂h₀‖", float(grad_norms[0])),
        Evidence("‖∂L/∂h_T‖", float(grad_norms[-1])),
    )
    demo = demo_data(
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
        Reveal(
            summary, explanation, evidence, demo, MappingProxyType({"rnn": as_curve(grad_norms)})
        ),
    )


def clipping(seed: int) -> PredictQuestion:
    """Ask whether clipping (by norm or by value) changes the gradient's direction or size."""
    rng = np.random.default_rng(seed)
    by_norm = bool(rng.integers(2))
    rho = 1.5
    steps = int(rng.choice([20, 30, 40]))
    hidden = 8
    text = sample_text(rng, steps)
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
    demo = demo_data(
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
