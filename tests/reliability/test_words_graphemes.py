"""Issue 12 item 12: words mode keeps combining marks and ZWJ sequences inside their word."""

from __future__ import annotations

import re
import unicodedata

import pytest

from rnn_studio.engine.encoding import split_characters, split_words, tokenize

#: The word pattern words mode used before (splits at combining marks).
OLD_PATTERN = re.compile(r"\w+(?:['’\-]\w+)*|[^\w\s]")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("नमस्ते दुनिया", ["नमस्ते", "दुनिया"]),  # Hindi: virama and vowel signs
        ("ẹ̀kọ́ àti ìwé", ["ẹ̀kọ́", "àti", "ìwé"]),  # Yoruba: tone marks that NFC keeps apart
        ("สวัสดี ครับ", ["สวัสดี", "ครับ"]),  # Thai: vowel and tone marks
        ("👩‍👩‍👧 family 👍🏽!", ["👩‍👩‍👧", "family", "👍🏽", "!"]),  # ZWJ, skin tone
        ("🇳🇬 flag", ["🇳🇬", "flag"]),
    ],
)
def test_words_keep_their_marks_and_joined_emoji(text, words):
    assert split_words(text) == words
    assert tokenize(text, "words") == words
    # every word is a whole number of user-perceived characters
    for word in split_words(text):
        assert "".join(split_characters(word)) == word


def test_text_without_marks_splits_as_before():
    samples = [
        "don't stop, well-known dogs' tails -- ok?",
        "café naïve Über straße 3.5 x--y 'quoted' a_b",
        "the cat that the dog chased slept.",
        "Ελληνικά и русский текст, 中文字符。",
    ]
    for text in samples:
        normal = unicodedata.normalize("NFC", text)
        assert split_words(text) == OLD_PATTERN.findall(normal)
        assert split_words(text.encode("ascii", "ignore").decode()) == OLD_PATTERN.findall(
            normal.encode("ascii", "ignore").decode()
        )
