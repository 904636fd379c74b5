"""The small inline markup used in lesson, glossary, card and quiz text, and its HTML form.

Text fields in ``resources/`` are plain text with three additions:

``[[term]]`` and ``[[term|shown text]]``
    A glossary link. ``term`` is a glossary id, term or alias (any case); the link shows
    ``shown text`` if given, else ``term`` as written. HTML: ``<a href="term:<id>">``.
``{{demo:id}}`` and ``{{demo:id|label}}``
    A "Show me" link to the studio demo ``id`` in ``demos.json``; the label defaults to
    ``Show me``. HTML: ``<a class="showme" href="demo:<id>">``.
``{{train:id}}`` and ``{{train:id|label}}``
    A "Watch it learn" link: opens Train on the preset ``id``
    (``rnn_studio.state.watch.WATCH_PRESETS``) and starts it. HTML: ``href="train:<id>"``.
``{{practice:kind}}`` and ``{{practice:kind|label}}``
    A "Try it" link: opens the Practice page on an exercise of ``kind``
    (``rnn_studio.learn.exercises.PRACTICE_KINDS``). HTML: ``href="practice:<kind>"``.
A whitelist of bare inline tags
    ``<sub> <sup> <b> <i> <em> <strong>`` (each closed, properly nested, no attributes) and
    ``<br>``. Any other tag is an error; every other character is escaped, so ``a < b``,
    ``x<sub>t−1</sub>`` and ``&`` are safe in text.

Malformed markup (an unclosed ``[[``, a ``{{`` that is not a demo link, an unknown or
unbalanced tag) raises :class:`MarkupError` naming the problem, so the content validator can
report it with the file and field it came from.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from string import Template

from rnn_studio.studio_core.palette import LIGHT, Palette, role_colours

__all__ = [
    "ALLOWED_TAGS",
    "LEARN_BASE_POINT_SIZE",
    "LEARN_CSS",
    "LEARN_POINT_SIZES",
    "Link",
    "MarkupError",
    "find_links",
    "learn_css",
    "plain_text",
    "render_inline",
    "render_lines",
    "render_list",
    "render_paragraphs",
]

#: Inline tags that pass through unescaped; ``br`` is the only void tag.
ALLOWED_TAGS = ("sub", "sup", "b", "i", "em", "strong", "br")

_PAIRED_TAGS = frozenset(ALLOWED_TAGS) - {"br"}

#: The app font size, in points, that :data:`LEARN_POINT_SIZES` are written for.
LEARN_BASE_POINT_SIZE = 10.0
#: The Learn style sheet's point sizes at an app font of :data:`LEARN_BASE_POINT_SIZE`.
LEARN_POINT_SIZES = {"body": 11.0, "h1": 18.0, "h2": 14.0, "h3": 12.0, "equation": 12.0}

# Qt's rich-text CSS subset. Sizes are ${size_<name>}; colours are palette roles ($link ...):
# the HTML itself carries no colour, only classes (a.showme, span.student, h2.right, p.hint).
_LEARN_CSS = Template("""
body { font-size: ${size_body}pt; line-height: 140%; }
h1 { font-size: ${size_h1}pt; font-weight: 600; margin-bottom: 6px; }
h2 { font-size: ${size_h2}pt; font-weight: 600; margin-top: 14px; margin-bottom: 4px; }
h3 { font-size: ${size_h3}pt; font-weight: 600; margin-top: 10px; margin-bottom: 2px; }
p { margin-top: 4px; margin-bottom: 6px; }
a { color: $link; text-decoration: none; }
a.showme { color: $showme; font-weight: 600; }
p.equation { font-family: "DejaVu Serif", "Cambria Math", serif; font-size: ${size_equation}pt;
             margin-left: 24px; }
p.speaker { margin-bottom: 0px; }
span.teacher { color: $link; font-weight: 600; }
span.student { color: $success; font-weight: 600; }
p.recap { font-weight: 600; margin-top: 10px; }
p.analogy { font-style: italic; }
p.verse { margin-left: 24px; font-style: italic; }
p.hint { color: $muted_text; }
h2.right { color: $success; }
h2.wrong { color: $error; }
""")


def learn_css(palette: Palette = LIGHT, scale: float = 1.0) -> str:
    """The Learn style sheet (for ``QTextDocument.setDefaultStyleSheet``) in one theme and size.

    Parameters
    ----------
    palette : Palette
        The theme's named colour roles; the sheet uses ``link``, ``showme``, ``success``,
        ``error`` and ``muted_text``.
    scale : float
        Every point size of :data:`LEARN_POINT_SIZES` is multiplied by it once (the app font
        over :data:`LEARN_BASE_POINT_SIZE`); must be positive.

    Raises
    ------
    ValueError
        If ``scale`` is not a positive finite number.
    """
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    sizes = {f"size_{name}": f"{size * scale:.1f}" for name, size in LEARN_POINT_SIZES.items()}
    return _LEARN_CSS.substitute(sizes, **role_colours(palette))


#: The Learn style sheet in the light theme at the base size (for a standalone HTML document).
LEARN_CSS = learn_css()

# One pattern finds every construct; the groups say which one matched.
_TOKEN = re.compile(
    r"\[\[(?P<term>[^\[\]|]*)(?:\|(?P<term_label>[^\[\]]*))?\]\]"
    r"|\{\{(?P<link_kind>demo|train|practice):(?P<demo>[^{}|]*)(?:\|(?P<demo_label>[^{}]*))?\}\}"
    r"|<(?P<close>/?)(?P<tag>[A-Za-z][A-Za-z0-9]*)(?P<attrs>[^<>]*)>"
    r"|(?P<stray>\[\[|\]\]|\{\{|\}\})"
)

_DEFAULT_DEMO_LABEL = "Show me"
_DEFAULT_LABELS = {"demo": _DEFAULT_DEMO_LABEL, "train": "Watch it learn", "practice": "Try it"}


class MarkupError(ValueError):
    """Text whose inline markup cannot be read; the message names the problem."""


@dataclass(frozen=True)
class Link:
    """A link found in a text field.

    Attributes
    ----------
    kind : {"term", "demo", "train", "practice"}
        A glossary link, a "Show me" demo link, a "Watch it learn" training link or a
        "Try it" link to a Practice exercise.
    target : str
        The term as written (before resolving) or the demo id.
    label : str
        The text the reader sees.
    """

    kind: str
    target: str
    label: str


TermResolver = Callable[[str], "str | None"]


def find_links(text: str) -> list[Link]:
    """Return the glossary and demo links in ``text``, in order.

    Raises
    ------
    MarkupError
        If the markup is malformed.
    """
    links: list[Link] = []
    _walk(text, links)
    return links


def render_inline(text: str, resolve_term: TermResolver | None = None) -> str:
    """Convert one text field to inline HTML (no enclosing block tag).

    Parameters
    ----------
    text : str
        Text with the markup described in this module's docstring.
    resolve_term : callable, optional
        Maps a term as written to its glossary id, or None if unknown. Without it the link
        target is the written term in id style (lower case, words joined by ``-``), which
        matches the id for a glossary term but not for an alias such as ``BPTT``.

    Returns
    -------
    str
        HTML safe to hand to a ``QTextBrowser``.

    Raises
    ------
    MarkupError
        If the markup is malformed or ``resolve_term`` does not know a linked term.
    """
    return _walk(text, [], resolve_term)


def render_paragraphs(
    paragraphs: Iterable[str],
    resolve_term: TermResolver | None = None,
    css_class: str | None = None,
) -> str:
    """Render each text as a ``<p>`` (with an optional ``class``)."""
    opening = f'<p class="{css_class}">' if css_class else "<p>"
    return "".join(f"{opening}{render_inline(p, resolve_term)}</p>" for p in paragraphs)


def render_lines(
    lines: Iterable[str],
    resolve_term: TermResolver | None = None,
    css_class: str | None = None,
) -> str:
    """Render texts as one ``<p>`` whose lines are separated by ``<br>`` (verse, mnemonics)."""
    opening = f'<p class="{css_class}">' if css_class else "<p>"
    body = "<br>".join(render_inline(line, resolve_term) for line in lines)
    return f"{opening}{body}</p>"


def render_list(items: Iterable[str], resolve_term: TermResolver | None = None) -> str:
    """Render texts as a bulleted ``<ul>``."""
    body = "".join(f"<li>{render_inline(item, resolve_term)}</li>" for item in items)
    return f"<ul>{body}</ul>"


def plain_text(text: str) -> str:
    """Return ``text`` as a reader would hear it: links become their labels, tags vanish.

    Used for read-aloud and for matching typed answers against card text.
    """
    parts: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        parts.append(text[position : match.start()])
        position = match.end()
        if match.group("term") is not None:
            label = match.group("term_label")
            parts.append(label if label is not None else match.group("term"))
        elif match.group("demo") is not None:
            parts.append(match.group("demo_label") or _DEFAULT_LABELS[match.group("link_kind")])
        elif match.group("tag") is not None and match.group("tag").lower() in ("br", "sub", "sup"):
            # "h<sub>t</sub>" should be heard as "h t", not "ht".
            parts.append(" ")
    parts.append(text[position:])
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _default_term_target(term: str) -> str:
    # The glossary's id style: "Hidden  state" -> "hidden-state".
    return re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def _walk(text: str, links: list[Link], resolve_term: TermResolver | None = None) -> str:
    """Parse ``text`` once: collect links, check tags, and build the HTML."""
    if not isinstance(text, str):
        raise MarkupError(f"expected text, got {type(text).__name__}")
    out: list[str] = []
    open_tags: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(html.escape(text[position : match.start()], quote=False))
        position = match.end()
        if match.group("stray") is not None:
            raise MarkupError(
                f"unmatched {match.group('stray')!r} near {_context(text, match.start())!r}"
            )
        if match.group("term") is not None:
            out.append(_term_link(match, links, resolve_term))
        elif match.group("demo") is not None:
            out.append(_demo_link(match, links))
        else:
            out.append(_tag(match, open_tags, text))
    out.append(html.escape(text[position:], quote=False))
    if open_tags:
        raise MarkupError(f"<{open_tags[-1]}> is never closed")
    return "".join(out)


def _term_link(match: re.Match[str], links: list[Link], resolve_term: TermResolver | None) -> str:
    term = match.group("term").strip()
    label = match.group("term_label")
    label = label.strip() if label is not None else term
    if not term:
        raise MarkupError("a glossary link [[...]] has no term")
    if not label:
        raise MarkupError(f"the glossary link to {term!r} has an empty label")
    links.append(Link("term", term, label))
    if resolve_term is None:
        target = _default_term_target(term)
    else:
        resolved = resolve_term(term)
        if resolved is None:
            raise MarkupError(f"[[{term}]] is not a glossary term or alias")
        target = resolved
    return f'<a href="term:{html.escape(target, quote=True)}">{html.escape(label, quote=False)}</a>'


def _demo_link(match: re.Match[str], links: list[Link]) -> str:
    kind = match.group("link_kind")
    demo_id = match.group("demo").strip()
    label = match.group("demo_label")
    label = label.strip() if label is not None else _DEFAULT_LABELS[kind]
    what = {"demo": "show-me", "train": "watch-it-learn", "practice": "try-it"}[kind]
    if not demo_id:
        raise MarkupError(f"a {what} link {{{{{kind}:...}}}} has no {kind} id")
    if not label:
        raise MarkupError(f"the {what} link to {demo_id!r} has an empty label")
    links.append(Link(kind, demo_id, label))
    return (
        f'<a class="showme" href="{kind}:{html.escape(demo_id, quote=True)}">'
        f"{html.escape(label, quote=False)}</a>"
    )


def _tag(match: re.Match[str], open_tags: list[str], text: str) -> str:
    tag = match.group("tag").lower()
    closing = bool(match.group("close"))
    attrs = match.group("attrs").strip()
    if tag not in ALLOWED_TAGS:
        raise MarkupError(f"<{tag}> is not allowed; use only {', '.join(ALLOWED_TAGS)}")
    if attrs not in ("", "/"):
        raise MarkupError(f"<{tag}> must not carry attributes ({attrs!r})")
    if tag == "br":
        if closing:
            raise MarkupError("</br> is not a tag; use <br>")
        return "<br>"
    if attrs == "/":
        raise MarkupError(f"<{tag}/> cannot be self-closing")
    if not closing:
        open_tags.append(tag)
        return f"<{tag}>"
    if not open_tags or open_tags[-1] != tag:
        expected = f"</{open_tags[-1]}>" if open_tags else "no closing tag"
        raise MarkupError(
            f"</{tag}> does not match (expected {expected}) near {_context(text, match.start())!r}"
        )
    open_tags.pop()
    return f"</{tag}>"


def _context(text: str, index: int, width: int = 25) -> str:
    return text[max(0, index - width) : index + width]
