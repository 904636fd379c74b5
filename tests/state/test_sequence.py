"""Reading typed sequences: one-hot text, standardised numbers, plain error messages."""

from __future__ import annotations

import numpy as np
import pytest

from rnn_studio.state.sequence import MAX_SEQUENCE_LENGTH, SequenceError, encode_sequence


def test_words_become_one_hot_rows_over_the_sequence_vocabulary() -> None:
    encoded = encode_sequence("not bad not", "words")
    assert encoded.tokens == ("not", "bad", "not")
    assert set(encoded.vocabulary) == {"not", "bad"}
    assert encoded.inputs.shape == (3, 2)
    np.testing.assert_array_equal(encoded.inputs.sum(axis=1), [1, 1, 1])
    np.testing.assert_array_equal(encoded.inputs[0], encoded.inputs[2])
    assert encoded.vocabulary[encoded.target_index(0)] == "bad"
    assert encoded.target_index(2) is None


def test_characters_keep_spaces_as_visible_tokens() -> None:
    encoded = encode_sequence("a b", "chars")
    assert encoded.tokens == ("a", "␣", "b")
    assert encoded.input_size == 3


def test_numbers_are_standardised_and_keep_their_values() -> None:
    encoded = encode_sequence("10, 20 30", "numbers")
    np.testing.assert_allclose(encoded.values, [10, 20, 30])
    assert encoded.inputs.shape == (3, 1)
    assert abs(encoded.inputs.mean()) < 1e-12
    np.testing.assert_allclose(encoded.inputs[:, 0] * encoded.scale + encoded.mean, [10, 20, 30])


@pytest.mark.parametrize(
    ("text", "mode", "fragment"),
    [
        ("", "chars", "empty"),
        ("   ", "words", "empty"),
        ("1, 2, x", "numbers", "'x'"),
        ("1, nan", "numbers", "NaN"),
    ],
)
def test_bad_input_gives_one_plain_message(text: str, mode: str, fragment: str) -> None:
    with pytest.raises(SequenceError, match=fragment):
        encode_sequence(text, mode)


def test_too_long_input_names_the_cap() -> None:
    with pytest.raises(SequenceError, match=str(MAX_SEQUENCE_LENGTH)):
        encode_sequence("a" * (MAX_SEQUENCE_LENGTH + 1), "chars")
    assert len(encode_sequence("a" * MAX_SEQUENCE_LENGTH, "chars")) == MAX_SEQUENCE_LENGTH
