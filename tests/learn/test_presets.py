"""Presets load and apply in the studio."""

from __future__ import annotations

import pytest

from rnn_studio.learn.presets import builtin_presets, load_presets
from rnn_studio.state.session import StudioSession


@pytest.mark.parametrize("presets", [builtin_presets(), load_presets()], ids=["builtin", "file"])
def test_every_preset_applies_without_error(presets) -> None:
    session = StudioSession()
    assert len(presets) >= 5
    for preset in presets:
        session.apply_demo(preset.setup)
        assert session.error == "", preset.preset_id
        assert session.run is not None and session.run.sequence.text == preset.setup.text


def test_presets_cover_the_classic_demos() -> None:
    modes = {preset.setup.mode for preset in load_presets()}
    assert "numbers" in modes and ("words" in modes or "chars" in modes)
