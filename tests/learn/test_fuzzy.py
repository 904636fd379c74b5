"""Lenient matching: forgives what a careful learner might slip on, and nothing more."""

from __future__ import annotations

import pytest

from rnn_studio.learn.fuzzy import damerau_levenshtein, match_answer, normalise, word_slips


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  Hidden   STATE ", "hidden state"),
        ("hidden-state.", "hidden state"),
        ("The vanishing gradient", "vanishing gradient"),
        ("Élan", "elan"),
        ("[[lstm|LSTM]] cell", "lstm cell"),
        ("x<sub>t</sub>", "xt"),
        ("a", "a"),
    ],
)
def test_normalise(text, folded):
    assert normalise(text) == folded


@pytest.mark.parametrize(
    ("first", "second", "distance"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("kitten", "sitting", 3),  # k->s, e->i, +g
        ("gate", "gaet", 1),  # one adjacent swap
        ("ca", "abc", 3),  # optimal string alignment (true Damerau would give 2)
        ("lstm", "gru", 4),  # 3 substitutions + 1 deletion
    ],
)
def test_damerau_levenshtein(first, second, distance):
    assert damerau_levenshtein(first, second) == distance
    assert damerau_levenshtein(second, first) == distance


def test_slips_forgiven_grow_with_the_word_and_never_change_its_beginning():
    assert word_slips("sigmiod", "sigmoid") == 1
    assert word_slips("sigmd", "sigmoid") is None  # 2 slips in a 7-letter word
    assert word_slips("backpropogaton", "backpropagation") == 2
    assert word_slips("ascent", "descent") is None
    assert word_slips("enrolling", "unrolling") is None
    assert word_slips("ltsm", "lstm") == 1 and word_slips("lstn", "lstm") is None


@pytest.mark.parametrize(
    "typed",
    [
        "hidden state",
        "Hidden State",
        "  hidden   state",
        "hidden-state",
        "the hidden state",
        "hiddne state",
        "hiden state",
        "HIDDEN STATES",
    ],
)
def test_accepts_small_slips(typed):
    verdict = match_answer(typed, ["hidden state", "hidden states"])
    assert verdict.accepted, typed


@pytest.mark.parametrize(
    ("typed", "accepted", "confusables"),
    [
        ("GRU", ["LSTM", "long short-term memory"], ["GRU"]),
        ("LSTN", ["LSTM"], []),  # 4 letters: no typo allowed
        ("than", ["tanh"], []),
        ("input gate", ["output gate"], ["input gate"]),
        ("hidden layer", ["hidden state"], []),
        ("0.8", ["0.9"], []),
        ("1000001", ["1000000"], []),  # digits must match even when the length allows a slip
        ("", ["tanh"], []),
    ],
)
def test_refuses_other_answers(typed, accepted, confusables):
    assert not match_answer(typed, accepted, confusables).accepted


def test_alias_counts_and_is_reported():
    verdict = match_answer("long short term memory", ["LSTM", "long short-term memory"])
    assert verdict.accepted and verdict.exact and verdict.matched == "long short-term memory"


def test_typo_closer_to_another_term_is_refused():
    # "rset gate" is 1 slip from "reset gate" but would be refused if it were as close to a
    # confusable; here the confusable "update gate" is far, so it is accepted.
    assert match_answer("rset gate", ["reset gate"], ["update gate"]).accepted
    # "forget gate" is 1 slip from "forget rate" (allowed: 10 letters) but is exactly another
    # known term, so it is refused.
    assert not match_answer("forget gate", ["forget rate"], ["forget gate"]).accepted


def test_needs_an_accepted_answer():
    with pytest.raises(ValueError, match="accepted"):
        match_answer("x", ["  "])


def test_docstring_examples():
    import doctest

    from rnn_studio.learn import fuzzy
    from rnn_studio.learn.predict import base

    for module in (fuzzy, base):
        assert doctest.testmod(module).failed == 0
