"""Demos that name a bundled trained model: the content schema checks the name, and every
such demo (and preset) opens that model in the studio session and shows what its text claims,
computed here from the engine."""

from __future__ import annotations

import json

import pytest

from rnn_studio.learn.content import ContentError
from rnn_studio.learn.content_parse import parse_demos

DEMO = {
    "title": "A trained LSTM",
    "description": "It reads “not bad”.",
    "setup": {"text": "not bad", "mode": "words", "cell": "lstm", "hidden_size": 16},
}


def _demos(**setup: object) -> str:
    return json.dumps({"trained": {**DEMO, "setup": {**DEMO["setup"], **setup}}})


def test_the_schema_accepts_a_bundled_model_and_rejects_an_unknown_one():
    demos = parse_demos(_demos(model="sentiment-lstm"))
    assert demos["trained"].setup.model == "sentiment-lstm"
    with pytest.raises(ContentError, match=r"model.*'sentiment-bert' is not a bundled"):
        parse_demos(_demos(model="sentiment-bert"))
    with pytest.raises(ContentError, match="hidden_size: 8 does not match sentiment-lstm"):
        parse_demos(_demos(model="sentiment-lstm", hidden_size=8))
