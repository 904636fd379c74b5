"""The Sequence panel's presets: the classic demos, each a named :class:`DemoSetup`.

``resources/examples.json`` (read by :func:`rnn_studio.learn.content.load_examples`) is the
source of truth once it exists; the built-in list below keeps the studio usable without it.
Presets are authored content, so they live with the rest of it in ``learn``; the studio's
session (``state``) never needs them (the Sequence panel applies a preset's setup).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from rnn_studio import resources
from rnn_studio.studio_core.demo import DemoSetup


@dataclass(frozen=True)
class Preset:
    """A preset: an id, the label shown in the menu, a one-line description and its setup."""

    preset_id: str
    label: str
    description: str
    setup: DemoSetup


def _sine_text(steps: int = 60, period: float = 20.0) -> str:
    return ", ".join(f"{math.sin(2 * math.pi * t / period):.3f}" for t in range(steps))


def _price_text(steps: int = 80, seed: int = 7) -> str:
    # A geometric random walk: daily returns of about 1.5 %, like a noisy share price.
    rng = np.random.default_rng(seed)
    prices = 100.0 * np.exp(np.cumsum(rng.normal(0.0005, 0.015, steps)))
    return ", ".join(f"{p:.2f}" for p in prices)


def builtin_presets() -> tuple[Preset, ...]:
    """Return the presets that ship with the code (used when examples.json is missing)."""
    return (
        Preset(
            "not-bad",
            "“not bad”: meaning from context",
            "The hidden state carries “not” forward so “bad” reads differently.",
            DemoSetup(text="not bad", mode="words", cell="rnn", hidden_size=8, cursor=0),
        ),
        Preset(
            "long-sentence",
            "Long sentence: long-range memory",
            "Does the subject at the start still show in the hidden state at the end?",
            DemoSetup(
                text="The keys that the man who lives next to the old bakery lost last week "
                "were finally found",
                mode="words",
                cell="compare",
                hidden_size=16,
                backprop=True,
            ),
        ),
        Preset(
            "sine",
            "Sine wave: forecast the next value",
            "A smooth periodic series: the readout predicts the next value.",
            DemoSetup(text=_sine_text(), mode="numbers", cell="lstm", hidden_size=16),
        ),
        Preset(
            "price",
            "Price-like series: noisy forecasting",
            "A random walk like a share price: far harder to predict than the sine.",
            DemoSetup(text=_price_text(), mode="numbers", cell="gru", hidden_size=16),
        ),
        Preset(
            "vanishing-100",
            "100 steps: vanishing gradient",
            "Backprop from the last step: the gradient shrinks by a factor at every step back.",
            DemoSetup(
                text="abcdefghij" * 10,
                mode="chars",
                cell="rnn",
                hidden_size=32,
                spectral_radius=0.9,
                backprop=True,
            ),
        ),
    )


def load_presets() -> tuple[Preset, ...]:
    """Return the presets from ``resources/examples.json``, or the built-in ones without it.

    Each example names a demo in ``resources/demos.json``; its setup is that demo's, with the
    example's own text and reading mode.
    """
    try:
        examples, demos = _examples_and_demos()
        loaded = tuple(_example_preset(example, demos) for example in examples)
    except (ImportError, AttributeError, OSError, ValueError, KeyError, TypeError):
        return builtin_presets()
    return loaded or builtin_presets()


def preset_labels() -> tuple[str, ...]:
    """The labels :func:`load_presets` gives, read without parsing or checking the files.

    The title of each example in ``examples.json`` as written there (the Sequence panel's
    list shows them from the first frame; its presets are parsed once it has painted). When
    the file is missing or not what :func:`load_presets` accepts, the two may differ: the
    caller takes the labels of the presets it loads in the end.
    """
    try:
        text = (resources.resource_root() / "examples.json").read_text(encoding="utf-8")
        labels = tuple(str(example["title"]) for example in json.loads(text)["examples"])
    except (OSError, ValueError, KeyError, TypeError):
        labels = ()
    return labels or tuple(preset.label for preset in builtin_presets())


@functools.cache
def _examples_and_demos() -> tuple[Any, Any]:
    """``examples.json`` and the ``demos.json`` it names, checked against each other.

    Only these two files: the studio's preset list is on the first frame, the lessons, decks,
    quizzes and glossary that :func:`content.load_all` also parses (about 70 ms) are not.
    The content modules themselves (~20 ms to import) are loaded here, not with this module.
    """
    from rnn_studio.learn import content

    root = resources.resource_root()
    demos = content.parse_demos((root / "demos.json").read_text(encoding="utf-8"))
    examples = content.parse_examples(
        (root / "examples.json").read_text(encoding="utf-8"), frozenset(demos)
    )
    return examples, demos


def _example_preset(example: Any, demos: Any) -> Preset:
    """Turn a ``content.Example`` (id, title, description, text, mode, demo) into a Preset."""
    demo = demos.get(example.demo) if example.demo else None
    if demo is None:
        setup = DemoSetup(text=example.text, mode=example.mode)
    else:
        setup = replace(demo.setup, text=example.text, mode=example.mode)
    return Preset(str(example.id), str(example.title), str(example.description), setup)
