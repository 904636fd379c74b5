"""Stepping through a run: where the cursor and the loss step land for a run of T steps.

Steps are 0-based; ``-1`` asks for the last step. A position past the end is clamped to the
last step, so a demo written for a longer text still opens on a valid step.
"""

from __future__ import annotations


def clamp_step(t: int, length: int) -> int:
    """Step ``t`` (−1: the last) as an index into a run of ``length`` ≥ 1 steps."""
    last = length - 1
    return last if t < 0 else min(int(t), last)


def step_forward(t: int, length: int) -> int:
    """One step on from ``t``, staying at the last step."""
    return min(t + 1, max(length - 1, 0))


def step_back(t: int) -> int:
    """One step back from ``t``, staying at the first step."""
    return max(t - 1, 0)


def at_end(t: int, length: int) -> bool:
    """True when ``t`` is the last step of a run of ``length`` steps."""
    return t >= length - 1


def resolved_loss_step(loss_step: int, length: int) -> int:
    """The loss step (−1: the last) as an index into a run of ``length`` steps (0 when empty)."""
    last = max(length - 1, 0)
    return last if loss_step < 0 else min(loss_step, last)
