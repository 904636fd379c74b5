"""Demos that name a bundled trained model: the content schema checks the name, and every
such demo (and preset) opens that model in the studio session (what each one's text claims is
computed from the engine in tests/learn/test_claims.py)."""

from __future__ import annotations

import json

import pytest

from rnn_studio.learn.content import ContentError, load_all
from rnn_studio.learn.content_parse import parse_demos
from rnn_studio.learn.presets import load_presets
from rnn_studio.state.session import StudioSession
from rnn_studio.state.zoo_studio import describe_model, describe_setup

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


# ------------------------------------------------------------------- every bundled demo
CONTENT = load_all()
BUNDLED = {i: d for i, d in CONTENT.demos.items() if d.setup.model is not None}


def test_the_demos_about_what_a_network_learned_use_bundled_models():
    assert {
        "not-bad",
        "bad-alone",
        "sine-forecast",
        "price-forecast",
        "next-char",
        "trained-memory-100",
    } <= set(BUNDLED)


@pytest.mark.parametrize("demo_id", sorted(BUNDLED))
def test_a_bundled_demo_opens_its_trained_model_and_the_banner_names_it(demo_id):
    """Its claim is checked in tests/learn/test_claims.py (every demo has a check there)."""
    demo = BUNDLED[demo_id]
    session = StudioSession()
    session.apply_demo(demo.setup)
    assert session.error == "" and session.warning == ""
    assert all(cell.outputs.trained for cell in session.run.cells.values())
    assert describe_model(session) == describe_setup(demo.setup)  # the banner names it
    assert describe_setup(demo.setup).startswith("Model: the trained")


def test_every_preset_on_a_bundled_demo_opens_the_trained_model():
    presets = [p for p in load_presets() if p.setup.model is not None]
    assert {p.preset_id for p in presets} >= {"hello", "sine-wave", "noisy-price", "trained-100"}
    for preset in presets:
        session = StudioSession()
        session.apply_demo(preset.setup)
        assert session.shows_trained and session.text == preset.setup.text, preset.preset_id
        assert "Model: the trained" in describe_setup(preset.setup), preset.preset_id
