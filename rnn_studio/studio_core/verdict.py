"""The verdict on a gradient-decay curve: vanishing, stable or exploding, and by how much.

The curve is ``‖∂L/∂h_t‖`` for t = 0..L (see :mod:`rnn_studio.studio_core.recipe` for the
loss). Going back one step multiplies the gradient by a Jacobian; the verdict summarises those
factors by their geometric mean, the *factor per step*, and compares it with two thresholds
close to 1 (over 100 steps, 0.95 leaves about 0.6 % of the gradient and 1.05 multiplies it by
about 130).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from rnn_studio.studio_core.numbers import format_factor

#: Per-step factor below which the gradient is called vanishing (0.95**100 ≈ 0.006).
VANISHING_BELOW = 0.95
#: Per-step factor above which the gradient is called exploding (1.05**100 ≈ 130).
EXPLODING_ABOVE = 1.05

#: A vanishing factor at or above this is described as "vanishing slowly" (an LSTM's
#: forget gate near 1 keeps it here while a vanilla RNN falls far below).
SLOWLY_ABOVE = 0.9

VERDICTS = ("vanishing", "stable", "exploding")


@dataclass(frozen=True)
class Verdict:
    """How the gradient behaves going back in time.

    Attributes
    ----------
    label : {"vanishing", "stable", "exploding"}
    factor_per_step : float
        Geometric mean of ``‖∂L/∂h_{t-1}‖ / ‖∂L/∂h_t‖`` over the steps back from the loss
        step (NaN with fewer than two steps).
    spectral_radius : float or None
        Largest ``|eigenvalue|`` of ``W_hh`` (max over gate blocks for gated cells); None
        when it was not solved yet as the gradients were judged (the studio solves a new
        seed's radii after its gradients are on screen).
    steps : int
        How many steps back the factor was measured over.
    nonfinite : bool
        True when the backward pass overflowed to infinity or NaN.
    overflow_step : int or None
        With ``nonfinite``: the step at which the gradient became non-finite going back
        from the loss (``Grads.first_nonfinite_step``), None if unknown.
    clipping : bool
        Clipping was on (the overflow advice then explains why it did not help).
    state_overflow_step : int or None
        With ``nonfinite``: the first step whose hidden (or cell) state overflowed in the
        forward pass, None when the forward pass stayed finite.
    """

    label: str
    factor_per_step: float
    spectral_radius: float | None
    steps: int
    nonfinite: bool = False
    overflow_step: int | None = None
    clipping: bool = False
    state_overflow_step: int | None = None

    def describe(self) -> str:
        """One plain sentence for the status label (numbers by :func:`format_number`)."""
        if self.nonfinite:
            return self._describe_overflow()
        if not math.isfinite(self.factor_per_step):
            return "Stable: one step only, nothing to decay yet. Use a longer sequence."
        factor = f"{format_factor(self.factor_per_step)} per step"
        with np.errstate(over="ignore", under="ignore"):
            total = float(np.float64(self.factor_per_step) ** self.steps)
        span = f"{self.steps} step{'s' if self.steps != 1 else ''} → {format_factor(total, 2)}"
        if self.label == "vanishing":
            how = "Vanishing slowly" if self.factor_per_step >= SLOWLY_ABOVE else "Vanishing"
            return f"{how}: {factor} back in time ({span})."
        if self.label == "exploding":
            return f"Exploding: {factor} back in time ({span})."
        return f"Stable: {factor} back in time ({span})."

    def _describe_overflow(self) -> str:
        # Short: the panel shows it under the plot, and a long text squeezes the plot away.
        if self.state_overflow_step is not None:
            cause = (
                "Overflowed: the hidden state passed 10³⁰⁸, the largest number a float holds, "
                f"at t = {self.state_overflow_step}, so the gradient is infinite or NaN. "
            )
        else:
            where = (
                ""
                if self.overflow_step is None
                else f" at t = {self.overflow_step} ({self._back(self.overflow_step)})"
            )
            cause = (
                "Overflowed: going back, the gradient passed 10³⁰⁸, the largest number a "
                f"float holds{where}. "
            )
        if self.clipping:
            cause += "Clipping cannot rescale an infinite gradient. "
        return cause + "Lower ρ, use tanh or a shorter sequence."

    def _back(self, step: int) -> str:
        """ "3 steps back from the loss" for the overflow step (the loss step is the last)."""
        back = self.steps - step
        if back <= 0:
            return "right at the loss step"
        return f"{back} step{'s' if back != 1 else ''} back from the loss"


def measured_span(norms: np.ndarray) -> tuple[int, int]:
    """``(first, last)``: the finite, positive run of ``norms`` that ends at the last step.

    ``first == last`` when there is nothing to measure (one step, or the last value is not
    finite and positive).
    """
    values = np.asarray(norms, dtype=float)
    last = len(values) - 1
    usable = np.isfinite(values) & (values > 0)
    if last < 0 or not usable[last]:
        return max(last, 0), max(last, 0)
    first = last
    while first > 0 and usable[first - 1]:
        first -= 1
    return first, last


def factor_per_step(norms: np.ndarray) -> float:
    """Geometric-mean factor by which ``norms`` shrink (<1) or grow (>1) going back in time.

    The geometric mean of successive ratios telescopes to
    ``(norms[first] / norms[last]) ** (1 / (last - first))`` over :func:`measured_span`;
    NaN when that span has no step.
    """
    first, last = measured_span(norms)
    if first == last:
        return math.nan
    values = np.asarray(norms, dtype=float)
    return math.exp((math.log(values[first]) - math.log(values[last])) / (last - first))


def label_for(factor: float) -> str:
    """``"vanishing"`` below :data:`VANISHING_BELOW`, ``"exploding"`` above
    :data:`EXPLODING_ABOVE`, else ``"stable"`` (NaN included)."""
    if factor < VANISHING_BELOW:
        return "vanishing"
    if factor > EXPLODING_ABOVE:
        return "exploding"
    return "stable"


def judge(
    norms: np.ndarray,
    rho: float | None,
    nonfinite: bool = False,
    *,
    overflow_step: int | None = None,
    clipping: bool = False,
    state_overflow_step: int | None = None,
) -> Verdict:
    """Call a decay curve vanishing, stable or exploding from its factor per step.

    Parameters
    ----------
    norms : numpy.ndarray, shape (L + 1,)
        ``‖∂L/∂h_t‖`` for t = 0..L.
    rho : float or None
        The cell's spectral radius, kept in the verdict (None: not solved yet).
    nonfinite : bool
        The backward pass overflowed: the verdict is "exploding" with an infinite factor.
    overflow_step, state_overflow_step : int or None
        With ``nonfinite``: where the gradient (``Grads.first_nonfinite_step``) and the
        forward state (``Trace.first_nonfinite_step``) became non-finite, for the text.
    clipping : bool
        Clipping is on (the overflow text then says why it cannot help).
    """
    values = np.asarray(norms, dtype=float)
    if nonfinite:
        return Verdict(
            "exploding",
            math.inf,
            rho,
            len(values) - 1,
            nonfinite=True,
            overflow_step=overflow_step,
            clipping=clipping,
            state_overflow_step=state_overflow_step,
        )
    first, last = measured_span(values)
    if first == last:
        return Verdict("stable", math.nan, rho, 0)
    factor = factor_per_step(values)
    return Verdict(label_for(factor), factor, rho, last - first)
