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
        "Type a [[sequence]] and choose how to read it; each character, word or number is "
        "one [[time step|time step]], fed in as a [[one-hot encoding|one-hot]] vector or a value."
    ),
    "model": (
        "Pick the cell ([[recurrent neural network|RNN]], [[LSTM]], [[GRU]]); the "
        "[[spectral radius]] of W_hh decides whether memories fade or blow up."
    ),
    "stepper": (
        "Move through the [[time step|time steps]]: Space plays, ←/→ step, Home/End jump. "
        "Every view highlights the same step."
    ),
    "unrolled": (
        "The network [[unrolling|unrolled]] in time: one copy per step, the same W_xh and "
        "W_hh in every copy ([[weight sharing]]), the [[hidden state]] flowing right."
    ),
    "memory": (
        "Each column is the [[hidden state]] h_t after step t (red positive, blue negative, "
        "white zero); bars show the current step. The LSTM adds its [[cell state]] c_t."
    ),
    "gates": (
        "Each [[gate]] is a number from 0 (closed) to 1 (open) per unit; rows are units, "
        "columns are steps. Bars show the current step."
    ),
    "equations": (
        "The cell's equations with this step's numbers in, from x_t and h_{t−1} to h_t: "
        "[[activation function|activations]] like [[tanh]] and [[sigmoid]] squash each sum."
    ),
    "gradients": (
        "[[backpropagation through time|Backprop]] from the [[loss]]: how much gradient "
        "reaches each earlier step. Falling: [[vanishing gradient problem|vanishing]]; "
        "rising: [[exploding gradient problem|exploding]]; [[gradient clipping]] caps it."
    ),
    "outputs": (
        "What the readout makes of h_t: next-token probabilities for text, the next value "
        "for numbers. The weights are random until you train in Train."
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
