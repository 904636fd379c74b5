""" "Watch it learn": training presets a lesson link opens in the Train area and starts.

A lesson links to one with ``{{train:<id>|label}}`` (see :mod:`rnn_studio.learn.markup`);
the Train area sets its controls to :data:`WATCH_PRESETS` ``[id]`` and presses Start.
"""

from __future__ import annotations

from dataclasses import dataclass

from rnn_studio.state.train_area import TrainingSetup


@dataclass(frozen=True)
class WatchPreset:
    """A training run a lesson can start: what it shows, and the setup."""

    title: str
    claim: str
    setup: TrainingSetup


WATCH_PRESETS: dict[str, WatchPreset] = {
    "memory-lag-100": WatchPreset(
        "RNN vs LSTM vs GRU: remember a letter across 100 steps",
        "The LSTM and GRU climb to 100 % held-out accuracy; the vanilla RNN stays at chance "
        "(25 %).",
        TrainingSetup.recipe("memory", cell="compare", lag=100),
    ),
    "sentiment": WatchPreset(
        'Learning that "not" flips "bad"',
        "Every cell reaches 100 % on held-out phrases it never saw.",
        TrainingSetup.recipe("sentiment", cell="compare"),
    ),
    "memory-bptt-short": WatchPreset(
        "Truncated BPTT one step too short: a GRU on the memory task at lag 10",
        "BPTT window 11, but the symbol sits 11 steps before the cue (12 steps in all): the "
        "gradient never reaches it and held-out accuracy stays near chance (25 %).",
        TrainingSetup.recipe("memory", cell="gru", lag=10, bptt=11),
    ),
    "memory-bptt-enough": WatchPreset(
        "Truncated BPTT long enough: the same GRU, window 12",
        "With a window of 12 steps the cue's window holds the symbol: the GRU reaches 100 % "
        "held-out accuracy.",
        TrainingSetup.recipe("memory", cell="gru", lag=10, bptt=12),
    ),
}
"""Preset id → preset (all from the engine's recipes, seed 0)."""
