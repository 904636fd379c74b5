"""Questions about gradients: RNN against LSTM, vanish or explode, what clipping changes."""

from __future__ import annotations

import math
from types import MappingProxyType

import numpy as np

from rnn_studio import engine
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
from rnn_studio.studio_core.verdict import VERDICTS, factor_per_step, judge


def gradient_race(seed: int) -> PredictQuestion:
    """Ask whose gradient reaches step 1 larger after T steps: the RNN's or the LSTM's."""
    rng = np.random.default_rng(seed)
    steps = int(rng.choice([25, 50, 80]))
    forget_bias = (None, -2.0, 1.0, 3.0)[int(rng.integers(4))]
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
        Evidence("RNN ‖∂L/∂h₁‖", first_rnn),
        Evidence("LSTM ‖∂L/∂h₁‖", first_lstm),
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
    """Ask whether a vanilla RNN's gradient vanishes or explodes, given ρ(W_hh) and f."""
    rng = np.random.default_rng(seed)
    nonlinearity = ("tanh", "relu")[int(rng.integers(2))]
    # tanh saturates, so it needs a larger ρ before it can explode at all.
    radii = (0.5, 1.5, 2.5, 4.0) if nonlinearity == "tanh" else (0.5, 1.5, 2.0, 3.0)
    rho = float(rng.choice(radii))
    steps = int(rng.choice([40, 80]))
    weight_seed = int(rng.integers(10_000))
    hidden = 8
    text = sample_text(rng, steps)
    inputs = studio_inputs(text, "chars")
    cell = studio_cell(
        "rnn", inputs.shape[1], hidden, weight_seed, nonlinearity=nonlinearity, spectral_radius=rho
    )
    trace, grads = studio_backward(cell, inputs)
    with np.errstate(all="ignore"):
        jacobian = np.asarray(engine.jacobian_norms(cell, trace), dtype=float)
    grad_norms = np.asarray(grads.norms, dtype=float)
    nonfinite = not np.all(np.isfinite(grad_norms))
    # The studio's own verdict on ‖∂L/∂h_t‖, so the reveal and the studio agree.
    judged = judge(grad_norms, rho, nonfinite)
    factor = judged.factor_per_step
    answer = VERDICTS.index(judged.label)  # choices in the order vanish, stay, explode
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
