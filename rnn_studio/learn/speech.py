"""Text for read-aloud: lesson markup turned into words a speech engine says correctly.

:func:`~rnn_studio.learn.markup.plain_text` is what a reader sees; a listener needs more.
``1 − h<sub>t</sub><sup>2</sup>`` is seen as "1 − h t 2" but must be heard as "one minus h t
squared", ``⊙`` and ``‖g‖`` must become words, and a "Show me" link is something to click,
not to hear. :func:`spoken` does this for any text field; the lesson, glossary and flashcard
pages read through it.
"""

from __future__ import annotations

import re

from rnn_studio.learn.markup import plain_text

_DEMO_LINK = re.compile(r"\{\{[^}]*\}\}")
_SUB = re.compile(r"<sub>([^<]*)</sub>")
_SUP = re.compile(r"<sup>([^<]*)</sup>")
_UNDERSCORE = re.compile(r"(?<=\w)_(?:\{([^}]*)\}|(\w+))")
_NORM = re.compile(r"‖([^‖]+)‖")
_UNICODE_POWER = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789−")
_BETWEEN_WORDS = re.compile(r"(?<=[A-Za-z]{2})/(?=[A-Za-z]{2})")

#: Symbols and the words said for them (the spaces keep neighbouring words apart).
SYMBOL_WORDS = {
    "⊙": " element-wise times ",
    "−": " minus ",
    "×": " times ",
    "·": " times ",
    "≈": " approximately ",
    "≤": " at most ",
    "≥": " at least ",
    "←": " becomes ",
    "→": " to ",
    "∂": " partial ",
    "Σ": " the sum over ",
    "∑": " the sum over ",
    "∏": " the product over ",
    "σ": " sigma ",
    "ρ": " rho ",
    "η": " eta ",
    "λ": " lambda ",
    "=": " equals ",
    "+": " plus ",
    "/": " over ",
    "\xa0": " ",
}


def _subscript(match: re.Match[str]) -> str:
    inner = next(group for group in match.groups() if group is not None).strip()
    # "hh", "xh", "t": short letter subscripts are spelt out ("W h h", not "W hh").
    if inner.isalpha() and len(inner) <= 3:
        inner = " ".join(inner)
    return f" {inner} "


def _power_words(inner: str) -> str:
    inner = inner.strip()
    if inner == "2":
        return " squared "
    if inner == "3":
        return " cubed "
    if inner == "T":
        return " transposed "
    return f" to the power {inner} "


def _superscript(match: re.Match[str]) -> str:
    return _power_words(match.group(1))


def _unicode_power(match: re.Match[str]) -> str:
    return _power_words(match.group(0).translate(_SUPERSCRIPT_DIGITS))


def spoken(text: str) -> str:
    """``text`` (inline markup) as words for a speech engine.

    "Show me" demo links are left out; glossary links are read as their label; subscripts
    are read after a space (spelt out when short), superscripts as "squared", "cubed",
    "transposed" or "to the power …"; ``‖x‖`` as "the norm of x"; and each symbol in
    :data:`SYMBOL_WORDS` as its words ("⊙" "element-wise times", "−" "minus").

    Examples
    --------
    >>> spoken("1 − h<sub>t</sub><sup>2</sup>")
    '1 minus h t squared'
    >>> spoken("f<sub>t</sub> ⊙ c<sub>t−1</sub>")
    'f t element-wise times c t minus 1'
    >>> spoken("g ← c · g / ‖g‖ {{demo:clipping|Show me: clipping}}")
    'g becomes c times g over the norm of g'
    """
    text = _DEMO_LINK.sub(" ", text)
    text = _SUB.sub(_subscript, text)
    text = _SUP.sub(_superscript, text)
    text = plain_text(text)
    text = _UNDERSCORE.sub(_subscript, text)
    text = _NORM.sub(lambda m: f" the norm of {m.group(1)} ", text)
    text = _UNICODE_POWER.sub(_unicode_power, text)
    text = _BETWEEN_WORDS.sub(" or ", text)
    for symbol, words in SYMBOL_WORDS.items():
        text = text.replace(symbol, words)
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


__all__ = ["SYMBOL_WORDS", "spoken"]
