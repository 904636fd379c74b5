"""Numbers for people: one way to write a number anywhere the app shows one.

Every status line, caption, verdict and reveal writes its numbers with :func:`format_number`
(and probabilities with :func:`format_probability`), so the same value reads the same
everywhere: three significant figures, ``1.23×10⁻⁸`` outside 0.001 … 1 000 000, never a
string of thirty digits, never ``-0``. Gradients are never written as a percentage (a
gradient 10¹¹ times the loss step's is not "10¹³ %"); say "×10¹¹" with :func:`format_factor`.
"""

from __future__ import annotations

import math

#: Below this (in absolute value, zero excepted) numbers are written in scientific notation.
SCIENTIFIC_BELOW = 1e-3
#: At or above this numbers are written in scientific notation.
SCIENTIFIC_FROM = 1e6

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` significant figures, scientific outside 0.001 … 10⁶.

    Parameters
    ----------
    value : float
        Any float, including 0, ±inf and NaN.
    digits : int
        Significant figures (1 or more).

    Returns
    -------
    str
        ``"0.596"``, ``"2235"``, ``"1.74×10⁻¹⁸"``, ``"3.20×10⁷"``, ``"0"``, ``"∞"``, ``"NaN"``.
        A value that rounds to zero is ``"0"``, never ``"-0"``.

    Examples
    --------
    >>> format_number(0.5964), format_number(2234.6), format_number(1.74e-18)
    ('0.596', '2235', '1.74×10⁻¹⁸')
    >>> format_number(8.8e31), format_number(-0.0)
    ('8.80×10³¹', '0')
    """
    value = float(value)
    digits = max(int(digits), 1)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == 0:
        return "0"
    size = abs(value)
    if size < SCIENTIFIC_BELOW or size >= SCIENTIFIC_FROM:
        mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
        return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    if size >= 10 ** (digits - 1):
        text = f"{value:.0f}"  # whole numbers keep every digit below a million
    else:
        text = f"{value:.{digits}g}"
        if "e" in text:  # e.g. 999.95 at three digits rounds up to 1e+03
            text = f"{value:.0f}"
    return "0" if float(text) == 0 else text


def format_factor(value: float, digits: int = 3) -> str:
    """A multiplication factor: ``"×0.912"``, ``"×2.61×10⁶"``, ``"×∞"``."""
    return f"×{format_number(value, digits)}"


def format_probability(probability: float) -> str:
    """A probability as a whole percentage: ``"38%"``, ``"<1%"``, ``">99%"``, ``"0%"``.

    Only for probabilities (0 … 1): a tiny positive probability is ``"<1%"``, never
    ``"2e-186%"``, and nothing below 1 is rounded up to ``"100%"``.
    """
    p = float(probability)
    if not math.isfinite(p):
        return "–"
    p = min(max(p, 0.0), 1.0)
    if p == 0.0:
        return "0%"
    if p >= 1.0:
        return "100%"
    if p < 0.005:
        return "<1%"
    if p > 0.995:
        return ">99%"
    return f"{round(100 * p)}%"
