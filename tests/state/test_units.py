"""Interpretable units: the features, the ranking, and a hint that is true for the shipped model."""

from __future__ import annotations

import re

import numpy as np
import pytest

from rnn_studio.engine.errors import EngineError
from rnn_studio.state import units
from rnn_studio.zoo import load_zoo_model
from rnn_studio.zoo.catalog import course_text


def test_features_mark_what_they_say():
    chars = list('a "b c" (d) not bad x')
    np.testing.assert_array_equal(np.flatnonzero(units.inside_quotes(chars)), [2, 3, 4, 5, 6])
    np.testing.assert_array_equal(np.flatnonzero(units.inside_brackets(chars)), [8, 9, 10])
    np.testing.assert_array_equal(np.flatnonzero(units.after_not(chars)), [16, 17, 18])
    assert list(units.word_position(list("ab cd"))) == [1, 2, 0, 1, 2]
    assert list(units.since_start(list("abc"))) == [0, 1, 2]


def test_ranking_is_by_absolute_pearson_r():
    model = load_zoo_model("chars-gru")
    activations = units.unit_activations(model, units.REFERENCE_TEXT)
    ranked = units.rank_units(activations, "word-position")
    feature = units.word_position(activations.chars)
    for unit, r in ranked[:3]:
        assert r == pytest.approx(np.corrcoef(activations.hidden[:, unit], feature)[0, 1])
    assert [abs(r) for _, r in ranked] == sorted((abs(r) for _, r in ranked), reverse=True)


def test_hint_names_a_unit_only_if_it_tracks_the_feature_in_the_shipped_model():
    for name in ("chars-lstm", "chars-gru", "chars-rnn"):
        model = load_zoo_model(name)
        hint = units.tracking_hint(model, name)
        if not hint:
            continue
        match = re.search(
            r"unit (\d+) of the (cell|hidden) state \w tracks (.+): r = ([+-][\d.]+)", hint
        )
        assert match, hint
        unit, state = int(match.group(1)), "c" if match.group(2) == "cell" else "h"
        feature_id = next(k for k, (label, _) in units.FEATURES.items() if label == match.group(3))
        activations = units.unit_activations(model, units.REFERENCE_TEXT)
        r = units.rank_units(activations, feature_id, state)
        assert dict(r)[unit] == pytest.approx(float(match.group(4)), abs=0.005)
        assert abs(dict(r)[unit]) >= units.HINT_THRESHOLD
        # Not a fluke of the sample: the same unit tracks it on held-out course text too.
        held = units.unit_activations(model, course_text()[-4000:])
        assert abs(dict(units.rank_units(held, feature_id, state))[unit]) >= 0.4
    # At least the LSTM has such a unit (the "at least one unit visibly tracks").
    assert units.tracking_hint(load_zoo_model("chars-lstm"), "chars-lstm")


def test_unknown_characters_are_named():
    with pytest.raises(EngineError, match="'Q'"):
        units.unit_activations(load_zoo_model("chars-rnn"), "Quite")
