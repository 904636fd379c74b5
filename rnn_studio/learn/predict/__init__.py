"""Predict, then reveal: questions generated from the live engine, answered before the numbers.

Each question is built from a seed: the seed picks the set-up (sequence, cell, hidden size,
weight seed, spectral radius, forget bias ...), the engine runs it, and the right answer is
whatever the engine computes, never a fact written in advance. The learner commits to a
prediction; :meth:`PredictQuestion.check` then returns the verdict with the measured
evidence, and :attr:`Reveal.demo` holds the studio set-up (``DemoSetup.from_dict`` data)
that shows the same run, so "Show me" opens exactly what was computed.

The cells, inputs and loss are the studio's own (:mod:`rnn_studio.studio_core.recipe`: one-hot
over the sequence's sorted vocabulary, the cell with ρ and the forget bias, ``L = u · h_T``
with ``u = (1, …, 1)/√H`` at the last step) and so is the verdict on a decay curve
(:mod:`rnn_studio.studio_core.verdict`). ``tests/learn/test_predict.py`` checks the numbers
against the studio session and an independent rebuild.

Kinds (see :data:`PREDICT_KINDS`): ``gradient_race`` (RNN or LSTM: whose gradient reaches
step 1 larger?), ``closed_gate`` (which LSTM gate is nearly closed for this unit at this
step?), ``vanish_or_explode`` (given ρ and the activation, will the gradient vanish or
explode?), ``clipping`` (does clipping change the gradient's direction or only its size?) and
``context`` (does "bad" change the hidden state more after "not" or after "very"?).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import numpy as np

from rnn_studio.learn.predict.base import (
    Evidence,
    PredictError,
    PredictQuestion,
    Reveal,
    format_number,
)
from rnn_studio.learn.predict.gradient_questions import (
    clipping,
    gradient_race,
    vanish_or_explode,
)
from rnn_studio.learn.predict.state_questions import CLOSED_BELOW, OPEN_FROM, closed_gate, context

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


__all__ = [
    "CLOSED_BELOW",
    "OPEN_FROM",
    "PREDICT_KINDS",
    "PREDICT_TITLES",
    "Evidence",
    "PredictError",
    "PredictQuestion",
    "Reveal",
    "clipping",
    "closed_gate",
    "context",
    "format_number",
    "gradient_race",
    "make_predict_question",
    "predict_questions",
    "question_from_id",
    "vanish_or_explode",
]
