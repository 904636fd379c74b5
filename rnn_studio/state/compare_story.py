"""Why the LSTM remembers, in three set-ups of the compare view (issue 10, item 3).

All three read the same 102-step row of the memory task (a letter, 100 distractors, the cue
"?") with the RNN, LSTM and GRU side by side, and backpropagate from the last step:

1. ``"random"``: untrained weights (seed 0). All three gradients vanish long before the
   start; the untrained LSTM is no better than the RNN.
2. ``"forget-open"``: the same weights, the LSTM's forget-gate bias raised by
   :data:`FORGET_BIAS` (f ≈ σ(3) ≈ 0.95 at the start), so its cell state, and its gradient,
   pass from step to step almost unchanged. Nothing else changes.
3. ``"trained"``: the bundled models trained on this task at lag 100. The LSTM and GRU
   learned to keep their gates open and their gradients reach the start; the RNN's does not.

:func:`story_verdict` writes the sentence the studio shows for each, from the gradients the
session computed (never from stored numbers), naming the set-up.
"""

from __future__ import annotations

import math

import numpy as np

from rnn_studio.state.session import StudioSession
from rnn_studio.state.zoo_studio import example_text, open_zoo_models
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.numbers import format_factor, format_number

STEPS = ("random", "forget-open", "trained")
TITLES = {
    "random": "1 · Random init",
    "forget-open": "2 · Forget gate open",
    "trained": "3 · Trained",
}
TIPS = {
    "random": "Untrained weights (seed 0) for all three cells",
    "forget-open": "The same weights, the LSTM's forget-gate bias raised by 3",
    "trained": "The bundled models trained on this memory task at lag 100",
}
FORGET_BIAS = 3.0
CELL_ORDER = ("rnn", "lstm", "gru")
TRAINED_MODELS = ("memory100-rnn", "memory100-lstm", "memory100-gru")
HIDDEN_SIZE = 16
SEED = 0
REACHES = 1e-3
"""A gradient "reaches the start" when at least this share of the loss's arrives at step 0."""
VANISHED = 1e-10
"""A gradient "is gone" at the start when less than this share arrives."""
FORGET_BIAS_NOTE = (
    f"Forget bias +{FORGET_BIAS:g}: the LSTM's forget gate starts near σ(3) ≈ 0.95, so its "
    "cell state (and the gradient) passes each step almost unchanged."
)
"""The one-line explanation of the forget-bias control shown with set-up 2."""
FORGET_BIAS_TERM = "forget-gate bias"
"""Glossary term the explanation links to."""


def story_text() -> str:
    """The 102-step input every set-up reads."""
    return example_text(TRAINED_MODELS[1])


def apply_story_step(session: StudioSession, step: str) -> None:
    """Set ``session`` up as set-up ``step`` (see the module docstring), with backprop on."""
    if step not in STEPS:
        raise ValueError(f"step must be one of {', '.join(STEPS)}, not {step!r}")
    if step == "trained":
        open_zoo_models(session, TRAINED_MODELS, story_text(), backprop=True)
        return
    session.apply_demo(
        DemoSetup(
            text=story_text(),
            mode="chars",
            cell="compare",
            hidden_size=HIDDEN_SIZE,
            seed=SEED,
            forget_bias=FORGET_BIAS if step == "forget-open" else None,
            backprop=True,
        )
    )


def first_step_share(session: StudioSession) -> dict[str, float]:
    """‖∂L/∂h_0‖ / ‖∂L/∂h_L‖ per cell: the share of the gradient that reaches the start."""
    reports = session.gradients
    if reports is None:
        raise ValueError("No gradients yet: run Backprop first.")
    shares = {}
    for kind, report in reports.items():
        norms = report.grad_norms
        last = float(norms[report.loss_step])
        shares[kind] = float(norms[0]) / last if last > 0 else math.nan
    return shares


def story_verdict(session: StudioSession, step: str) -> str:
    """The sentence the studio shows for set-up ``step``, from the session's gradients."""
    shares = first_step_share(session)
    reports = session.gradients
    assert reports is not None
    factors = {
        kind: format_factor(report.verdict.factor_per_step) for kind, report in reports.items()
    }
    listed = ", ".join(
        f"{kind.upper()} {format_number(share, 2)}" for kind, share in shares.items()
    )
    reached = f"Reaching step 0: {listed}."
    if step == "random":
        return (
            f"Set-up 1 of 3, random init: all three vanish; untrained, the LSTM's gates do not "
            f"help, it vanishes too. {reached}"
        )
    if step == "forget-open":
        return (
            f"Set-up 2 of 3, the same weights with the LSTM's forget gate opened: the LSTM "
            f"now keeps {factors['lstm']} per step and its gradient reaches the start; the RNN "
            f"and GRU are unchanged. {reached}"
        )
    return (
        f"Set-up 3 of 3, trained on this task (lag 100): the LSTM and GRU learned to hold "
        f"their gates open, so their gradients reach the start; the RNN's does not. {reached}"
    )


def current_story_step(session: StudioSession) -> str | None:
    """Which set-up the session shows now, or None when the learner changed something."""
    if (
        session.text != story_text()
        or session.cell_kind != "compare"
        or session.hidden_size != HIDDEN_SIZE
        or session.spectral_radius is not None
        or session.run is None
    ):
        return None
    trained = {kind for kind, cell in session.run.cells.items() if cell.outputs.trained}
    if trained == {"rnn", "lstm", "gru"}:
        return "trained"
    if trained or session.seed != SEED:
        return None
    if session.forget_bias == FORGET_BIAS:
        return "forget-open"
    return "random" if session.forget_bias is None else None


def untrained_compare_note(session: StudioSession) -> str | None:
    """Why untrained gated cells are no better, for a compare view that is none of the three
    set-ups (e.g. Compare pressed on the "100 steps" preset), or None when it does not apply
    (not compare mode, trained weights on show, or a forget bias of the learner's own).

    The factors per step come from the gradients on screen; before Backprop the note says so.
    """
    run = session.run
    if (
        run is None
        or session.cell_kind != "compare"
        or tuple(run.cells) != CELL_ORDER  # the compare run is not computed yet
        or session.forget_bias is not None
        or any(cell.outputs.trained for cell in run.cells.values())
    ):
        return None
    offer = "Pick 2 to open the LSTM's forget gate, or 3 for models trained to remember."
    forget = float(np.nanmean(np.asarray(run.cells["lstm"].trace.gates["f"])))
    gates = f"Untrained, the LSTM's forget gate sits at {format_number(forget, 2)} on average"
    reports = session.gradients
    if reports is None:
        return f"{gates} (press Backprop to see what that does to the gradient). {offer}"
    factors = {kind: report.verdict.factor_per_step for kind, report in reports.items()}
    if not all(kind in factors and math.isfinite(factors[kind]) for kind in CELL_ORDER):
        return f"{gates}. {offer}"
    best_gated = max(factors["lstm"], factors["gru"])
    compared = "no better than" if best_gated <= 1.02 * factors["rnn"] else "against"
    return (
        f"{gates}: the LSTM keeps {format_factor(factors['lstm'])} per step, the GRU "
        f"{format_factor(factors['gru'])}, {compared} the RNN's "
        f"{format_factor(factors['rnn'])}. {offer}"
    )
