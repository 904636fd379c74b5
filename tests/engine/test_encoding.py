"""Tokens, vocabularies, one-hot vectors and scaled numbers, including awkward input."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnn_studio.engine.encoding import (
    MAX_SEQUENCE_LENGTH,
    Scaler,
    Vocabulary,
    detokenize,
    encode_numbers,
    one_hot,
    split_characters,
    tokenize,
)
from rnn_studio.engine.errors import EngineError


def test_chars_keep_combining_marks_and_emoji_sequences_whole():
    text = "e\u0301 👍🏽 👩\u200d💻 🇫🇷🇩🇪 ❤️"
    tokens = tokenize(text, "chars")
    assert tokens[0] == "é"  # NFC composes e + combining acute into one code point
    assert len(tokens[0]) == 1
    assert "👍🏽" in tokens
    assert "👩\u200d💻" in tokens
    assert "🇫🇷" in tokens and "🇩🇪" in tokens
    assert "❤️" in tokens
    assert "".join(tokens) == unicodedata.normalize("NFC", text)


def test_chars_handle_right_to_left_and_marks_without_base():
    assert tokenize("שָׁלוֹם", "chars")[0].startswith("ש")
    assert "".join(tokenize("مرحبا", "chars")) == "مرحبا"
    assert tokenize("\u0301a", "chars") == ["\u0301", "a"]  # a lone mark is its own token


def test_words_split_punctuation_and_keep_inner_apostrophes():
    assert tokenize("This is not bad!", "words") == ["This", "is", "not", "bad", "!"]
    assert tokenize("it's well-known", "words") == ["it's", "well-known"]
    assert detokenize(["not", "bad", "!"], "words") == "not bad!"
    assert detokenize(["a", "b"], "chars") == "ab"


def test_numbers_accept_commas_whitespace_and_unicode_minus():
    assert tokenize("1, 2.5 -3e2\n\u22124,", "numbers") == [1.0, 2.5, -300.0, -4.0]
    assert tokenize(".5 +2", "numbers") == [0.5, 2.0]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1, x, 3", "Value 2 (character 4) is 'x'"),
        ("1 2 1_000", "Value 3 (character 5) is '1_000'"),
        ("nan", "NaN and infinity are not allowed"),
        ("1, -inf", "NaN and infinity are not allowed"),
        ("1e999", "too large"),
        ("1,,2", "Empty value between two commas at character 2"),
        ("", "empty"),
        (" , ", "empty"),
    ],
)
def test_bad_numbers_name_the_problem(text, fragment):
    with pytest.raises(EngineError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        tokenize(text, "numbers")


def test_empty_and_too_long_and_unknown_mode_are_refused():
    with pytest.raises(EngineError, match="empty"):
        tokenize("", "chars")
    with pytest.raises(EngineError, match="empty"):
        tokenize(" \n ", "words")
    with pytest.raises(EngineError, match=f"limit is {MAX_SEQUENCE_LENGTH}"):
        tokenize("a" * (MAX_SEQUENCE_LENGTH + 1), "chars")
    assert len(tokenize("a" * MAX_SEQUENCE_LENGTH, "chars")) == MAX_SEQUENCE_LENGTH
    with pytest.raises(EngineError, match="Unknown mode 'bytes'"):
        tokenize("abc", "bytes")
    with pytest.raises(EngineError, match="must be a string"):
        tokenize(b"abc", "chars")  # type: ignore[arg-type]


def test_vocabulary_indices_are_sorted_and_round_trip_through_json():
    vocabulary = Vocabulary.from_text("hello", "chars")
    assert vocabulary.tokens == ("e", "h", "l", "o")
    assert vocabulary.encode("hole").tolist() == [1, 3, 2, 0]
    assert vocabulary.decode([1, 0]) == ["h", "e"]
    rebuilt = Vocabulary.from_dict(json.loads(json.dumps(vocabulary.to_dict())))
    assert rebuilt == vocabulary and rebuilt.mode == "chars"


def test_unknown_token_is_an_error_naming_it_unless_unk_is_set():
    vocabulary = Vocabulary.from_text("hello", "chars")
    with pytest.raises(EngineError, match="At position 3: Token 'x' is not in the vocabulary"):
        vocabulary.encode("hex")
    with_unk = Vocabulary.from_text("hello", "chars", unknown="<unk>")
    assert with_unk.tokens[-1] == "<unk>"
    assert with_unk.encode("hx").tolist() == [1, 4]


def test_vocabulary_rejects_duplicates_and_bad_data():
    with pytest.raises(EngineError, match="appears twice"):
        Vocabulary(["a", "a"])
    with pytest.raises(EngineError, match="list of strings"):
        Vocabulary.from_dict({"tokens": [1, 2]})
    with pytest.raises(EngineError, match="outside"):
        Vocabulary(["a"]).token(3)


def test_one_hot_places_a_single_one_per_position():
    vectors = one_hot(np.array([[0, 2], [1, 1]]), 3)
    assert vectors.shape == (2, 2, 3)
    np.testing.assert_array_equal(vectors.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(vectors.argmax(axis=-1), [[0, 2], [1, 1]])
    with pytest.raises(EngineError, match=r"0\.\.2"):
        one_hot([3], 3)
    with pytest.raises(EngineError, match="integers"):
        one_hot([0.5], 3)


def test_numbers_encode_as_column_and_scaler_inverts():
    xs, scaler = encode_numbers([1.0, 2.0, 3.0], standardize=True)
    assert xs.shape == (3, 1)
    assert scaler.mean == pytest.approx(2.0)
    np.testing.assert_allclose(xs[:, 0], [-1.2247448714, 0.0, 1.2247448714])
    np.testing.assert_allclose(scaler.inverse(xs[:, 0]), [1.0, 2.0, 3.0])
    assert Scaler.from_dict(scaler.to_dict()) == scaler
    constant, flat = encode_numbers([5.0, 5.0], standardize=True)
    assert flat.std == 1.0 and np.all(constant == 0.0)
    with pytest.raises(EngineError, match="Value 2"):
        encode_numbers([1.0, float("nan")])


def test_split_characters_of_plain_text_is_list_of_characters():
    assert split_characters("abc") == ["a", "b", "c"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_character_split_never_loses_or_invents_text(text):
    clusters = split_characters(text)
    assert "".join(clusters) == unicodedata.normalize("NFC", text)
    assert all(clusters)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=50),
    st.sampled_from([", ", ",", " ", "\n", " , "]),
)
def test_numbers_round_trip_through_text(values, separator):
    text = separator.join(repr(value) for value in values)
    assert tokenize(text, "numbers") == values
