"""The shape of a predict-then-reveal question: prompt, choices, computed answer and reveal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from rnn_studio.learn.quiz import ChoiceQuestion, Result
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.numbers import format_number

#: The texts questions read, repeated to the length a question wants.
PHRASES = (
    "the cat sat on the mat ",
    "rain falls softly on the plain ",
    "memory fades unless it is kept ",
    "a long road winds over the hills ",
)


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


def demo_data(text: str, **fields: Any) -> Mapping[str, Any]:
    """A complete studio set-up as plain data (every ``DemoSetup`` field, defaults filled)."""
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
        "recurrent": "random",
        "num_layers": 1,
        "bidirectional": False,
    }
    unknown = set(fields) - set(setup)
    assert not unknown, unknown
    setup.update(fields)
    return MappingProxyType(setup)


def as_curve(values: np.ndarray) -> tuple[float, ...]:
    """A series as a tuple of floats (for plotting next to the reveal)."""
    return tuple(float(v) for v in np.asarray(values, dtype=float))


def sample_text(rng: np.random.Generator, length: int) -> str:
    """A text of ``length`` characters: one of :data:`PHRASES`, repeated, drawn with ``rng``."""
    phrase = PHRASES[int(rng.integers(len(PHRASES)))]
    return (phrase * (length // len(phrase) + 1))[:length]
