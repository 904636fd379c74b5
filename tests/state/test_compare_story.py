"""The three set-ups of the compare story give the orderings their verdict texts claim."""

from __future__ import annotations

import pytest

from rnn_studio.state.compare_story import (
    REACHES,
    STEPS,
    VANISHED,
    apply_story_step,
    first_step_share,
    story_text,
    story_verdict,
)
from rnn_studio.state.session import StudioSession


@pytest.fixture(scope="module")
def shares():
    session = StudioSession()
    result = {}
    for step in STEPS:
        apply_story_step(session, step)
        assert session.cell_kind == "compare" and session.text == story_text()
        assert len(story_text()) == 102
        result[step] = (first_step_share(session), story_verdict(session, step))
    return result


def test_random_init_all_three_vanish_the_lstm_too(shares):
    share, text = shares["random"]
    assert all(value < 1e-15 for value in share.values()), share
    assert text.startswith("Set-up 1 of 3, random init") and "vanishes too" in text


def test_opening_the_forget_gate_saves_only_the_lstm(shares):
    before, _ = shares["random"]
    share, text = shares["forget-open"]
    assert share["lstm"] > 1e-5 and share["lstm"] > 1e10 * share["rnn"]
    # "the RNN and GRU are unchanged"
    assert share["rnn"] == pytest.approx(before["rnn"]) and share["gru"] == pytest.approx(
        before["gru"]
    )
    assert text.startswith("Set-up 2 of 3") and "forget gate opened" in text


def test_trained_lstm_and_gru_reach_the_start_the_rnn_does_not(shares):
    share, text = shares["trained"]
    assert share["lstm"] >= REACHES and share["gru"] >= REACHES
    assert share["rnn"] < VANISHED
    assert text.startswith("Set-up 3 of 3") and "the RNN's does not" in text


def test_verdicts_quote_the_measured_shares(shares):
    from rnn_studio.studio_core.numbers import format_number

    for share, text in shares.values():
        for kind, value in share.items():
            assert f"{kind.upper()} {format_number(value, 2)}" in text


def test_current_step_follows_what_is_on_screen():
    from rnn_studio.state.compare_story import current_story_step

    session = StudioSession()
    assert current_story_step(session) is None
    for step in STEPS:
        apply_story_step(session, step)
        assert current_story_step(session) == step
    session.set_seed(5)  # the trained weights are put away: no set-up on screen any more
    assert current_story_step(session) is None
    apply_story_step(session, "forget-open")
    session.set_forget_bias(1.0)
    assert current_story_step(session) is None
