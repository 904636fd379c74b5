"""Demo setups validate every field and name the one that is wrong."""

from __future__ import annotations

import pytest

from rnn_studio.studio_core.demo import DemoError, DemoSetup


def test_a_full_setup_round_trips() -> None:
    data = {
        "text": "not bad",
        "mode": "words",
        "cell": "compare",
        "hidden_size": 16,
        "seed": 3,
        "nonlinearity": "relu",
        "spectral_radius": 0.8,
        "forget_bias": 3.0,
        "cursor": 1,
        "backprop": True,
        "loss_step": -1,
        "clip": 5.0,
        "recurrent": "non-normal",
    }
    assert DemoSetup.from_dict(data).to_dict() == data


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("mode", "letters", "mode"),
        ("cell", "transformer", "cell"),
        ("hidden_size", 0, "hidden_size"),
        ("hidden_size", 257, "hidden_size"),
        ("hidden_size", 8.5, "hidden_size"),
        ("spectral_radius", float("nan"), "spectral_radius"),
        ("clip", -1.0, "clip"),
        ("backprop", "yes", "backprop"),
        ("text", "   ", "text"),
        ("seed", True, "seed"),
        ("recurrent", "orthogonal", "recurrent"),
    ],
)
def test_invalid_fields_are_named(field: str, value: object, named: str) -> None:
    data = {"text": "abc", field: value}
    with pytest.raises(DemoError, match=named):
        DemoSetup.from_dict(data)


def test_unknown_and_missing_fields_are_reported() -> None:
    with pytest.raises(DemoError, match="unknown field"):
        DemoSetup.from_dict({"text": "abc", "colour": "red"})
    with pytest.raises(DemoError, match="text: missing"):
        DemoSetup.from_dict({"mode": "chars"})
    with pytest.raises(DemoError, match="JSON object"):
        DemoSetup.from_dict(["text"])  # type: ignore[arg-type]
