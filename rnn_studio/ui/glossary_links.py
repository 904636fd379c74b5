"""Each studio panel's one-line "how to read this" hint, with links to glossary terms.

Hints use the content markup of :mod:`rnn_studio.learn.markup`: ``[[term]]`` or
``[[term|shown text]]`` links a glossary term. A link renders as ``<a href="term:<id>">``
and a click emits ``glossary_requested(term_id)``; the Learn area opens the entry.
"""

from __future__ import annotations

import html
import re

#: Panel id → hint text in content markup.
HINTS: dict[str, str] = {
    "sequence": (
        "One [[time step]] per character, word or number, fed in as a "
        "[[one-hot encoding|one-hot]] vector or a value."
    ),
    "model": (
        "[[recurrent neural network|RNN]], [[LSTM]] or [[GRU]]. The [[spectral radius]] ρ "
        "decides the long run: typically memories fade below 1 and grow above 1, though a "
        "lopsided (non-normal) W_hh can grow them for a while even below 1."
    ),
    "stepper": "Space plays, ←/→ step, Home/End jump: every view follows the same [[time step]].",
    "unrolled": (
        "[[unrolling|Unrolled]]: one copy per step, the same W_xh and W_hh in every copy "
        "([[weight sharing]]); the [[hidden state]] flows right, and after Backprop the "
        "[[gradient]] flows back left."
    ),
    "memory": (
        "The [[hidden state]] per unit (rows) and step (columns): red positive, blue negative, "
        "values near zero fade into the background; steps not read yet are veiled. The LSTM adds "
        "its [[cell state]] c_t."
    ),
    "cell": (
        "How to read this: each [[gate]] block fills as far as it is open (its average over "
        "units), thicker wires carry larger values, strips show every unit; hover for numbers. "
        "The [[LSTM]]'s [[cell state]] runs along the top."
    ),
    "gates": "Each [[gate]] per unit over time: 0 is closed, 1 open; bars show the current step.",
    "equations": (
        "This step by hand: the [[activation function|activations]] [[tanh]] and [[sigmoid]] "
        "squash each weighted sum."
    ),
    "gradients": (
        "[[backpropagation through time|BPTT]] from the [[loss]] at the right, read right to "
        "left: a [[vanishing gradient problem|vanishing]] gradient rises to the right "
        "(shrinks going back), an [[exploding gradient problem|exploding]] one falls to the "
        "right; [[gradient clipping|norm clipping]] scales it all by one factor."
    ),
    "outputs": (
        "What the readout makes of the [[hidden state|h_t]]: next-token probabilities, or "
        "the next value."
    ),
    "code": (
        "The same step in NumPy, as the engine's tests run it: the highlighted line is being "
        "computed; hover a name for its value. Backward is [[backpropagation through time|BPTT]]."
    ),
}

_LINK = re.compile(r"\[\[([^\]|]+)(?:\|([^\]]+))?\]\]")


def term_id(term: str) -> str:
    """Return the glossary id for ``term`` as written in a hint (lower case, hyphenated)."""
    return re.sub(r"[^a-z0-9]+", "-", term.strip().lower()).strip("-")


def hint_terms(panel_id: str) -> list[str]:
    """Return the glossary ids linked from a panel's hint, in order."""
    return [term_id(match.group(1)) for match in _LINK.finditer(HINTS[panel_id])]


def hint_html(panel_id: str, link_colour: str = "#0060A8") -> str:
    """Return a panel's hint as rich text with ``term:<id>`` links."""
    text = HINTS[panel_id]
    parts: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        parts.append(html.escape(text[position : match.start()]))
        term = match.group(1)
        shown = match.group(2) or term
        parts.append(
            f'<a href="term:{term_id(term)}" style="color:{link_colour};">{html.escape(shown)}</a>'
        )
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts)


def link_target(href: str) -> str | None:
    """Return the term id of a ``term:<id>`` link, None for anything else."""
    return href[len("term:") :] if href.startswith("term:") else None
