"""Render lessons, glossary entries and cards as simple HTML for a rich-text viewer.

The output is the small semantic subset a ``QTextBrowser`` renders well: headings,
paragraphs, lists, ``<sub>``/``<sup>``, and links ``term:<id>`` (open a glossary entry) and
``demo:<id>`` (set up a studio demo). Pair it with :data:`rnn_studio.learn.markup.LEARN_CSS`
through ``QTextDocument.setDefaultStyleSheet``, or use :func:`html_document`, which embeds it.
Sections carry anchors (``<a name="<section id>">``) so a view can ``scrollToAnchor`` to the
section a card or question cites as ``lesson:<id>``.

:func:`section_plain_text` gives the same sections as plain sentences, and
:func:`section_speech_text` as words for read-aloud (symbols spoken, links skipped).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping

from rnn_studio.learn.content import (
    OVERVIEW_DEPTHS,
    Chapter,
    Demo,
    Dialogue,
    Glossary,
    GlossaryEntry,
    KeyConcept,
    Lesson,
    LessonExample,
    MemoryAid,
    Source,
)
from rnn_studio.learn.markup import (
    LEARN_CSS,
    plain_text,
    render_inline,
    render_lines,
    render_list,
    render_paragraphs,
)
from rnn_studio.learn.speech import spoken

__all__ = [
    "DEPTH_LABELS",
    "chapter_html",
    "dialogue_html",
    "glossary_entry_html",
    "html_document",
    "key_concepts_html",
    "lesson_html",
    "memory_aids_html",
    "overview_html",
    "real_life_examples_html",
    "section_plain_text",
    "section_speech_text",
    "source_citation",
    "sources_html",
]

DEPTH_LABELS = {"basic": "Basic", "standard": "Standard", "detailed": "Detailed"}


def html_document(body: str, css: str = LEARN_CSS) -> str:
    """Wrap ``body`` in a full HTML document with the Learn style sheet."""
    return f"<html><head><style>{css}</style></head><body>{body}</body></html>"


def _anchor(section_id: str) -> str:
    return f'<a name="{html.escape(section_id, quote=True)}"></a>'


def _heading(level: int, text: str, glossary: Glossary) -> str:
    return f"<h{level}>{render_inline(text, glossary.resolve)}</h{level}>"


def dialogue_html(lesson: Lesson, dialogue: Dialogue, glossary: Glossary) -> str:
    """One dialogue part: the title, each line with its speaker, and the recap as a list."""
    parts = [_anchor(dialogue.id), _heading(2, dialogue.title, glossary)]
    for line in dialogue.lines:
        speaker = lesson.speaker(line.speaker)
        name = html.escape(speaker.name, quote=False)
        text = render_inline(line.text, glossary.resolve)
        parts.append(f'<p><span class="{speaker.role}">{name}:</span> {text}</p>')
    parts.append('<p class="recap">Recap</p>')
    parts.append(render_list(dialogue.recap, glossary.resolve))
    return "".join(parts)


def overview_html(lesson: Lesson, depth: str, glossary: Glossary) -> str:
    """The overview at ``depth`` ("basic", "standard" or "detailed")."""
    if depth not in OVERVIEW_DEPTHS:
        raise ValueError(f"depth {depth!r} is not one of {', '.join(OVERVIEW_DEPTHS)}")
    heading = f"<h2>Overview · {DEPTH_LABELS[depth]}</h2>"
    return (
        _anchor("overview") + heading + render_paragraphs(lesson.overview[depth], glossary.resolve)
    )


def chapter_html(chapter: Chapter, glossary: Glossary) -> str:
    """A chapter: explanation, display equations, then its analogy."""
    parts = [_anchor(chapter.id), _heading(2, chapter.title, glossary)]
    parts.append(render_paragraphs(chapter.paragraphs, glossary.resolve))
    if chapter.equations:
        parts.append(render_paragraphs(chapter.equations, glossary.resolve, "equation"))
    parts.append(f"<h3>Analogy: {render_inline(chapter.analogy.title, glossary.resolve)}</h3>")
    parts.append(render_paragraphs(chapter.analogy.paragraphs, glossary.resolve, "analogy"))
    return "".join(parts)


def key_concepts_html(lesson: Lesson, glossary: Glossary) -> str:
    """The key concepts, each with its own heading."""
    parts = ["<h2>Key concepts</h2>"]
    for concept in lesson.key_concepts:
        parts += [_anchor(concept.id), _heading(3, concept.title, glossary)]
        parts.append(render_paragraphs(concept.paragraphs, glossary.resolve))
    return "".join(parts)


def real_life_examples_html(lesson: Lesson, glossary: Glossary) -> str:
    """The real-life examples, each with its own heading."""
    parts = ["<h2>Real-life examples</h2>"]
    for example in lesson.examples:
        parts += [_anchor(example.id), _heading(3, example.title, glossary)]
        parts.append(render_paragraphs(example.paragraphs, glossary.resolve))
    return "".join(parts)


def _memory_aid_body(aid: MemoryAid, glossary: Glossary) -> str:
    if aid.kind == "rhyme":
        return render_lines(aid.lines, glossary.resolve, "verse")
    if aid.kind == "story":
        return render_paragraphs(aid.lines, glossary.resolve)
    return render_lines(aid.lines, glossary.resolve)


def memory_aids_html(lesson: Lesson, glossary: Glossary) -> str:
    """The rhyme, story, mnemonic and acronym."""
    parts = ["<h2>Memory aids</h2>"]
    for aid in lesson.memory_aids:
        parts += [
            _anchor(aid.id),
            _heading(3, aid.title, glossary),
            _memory_aid_body(aid, glossary),
        ]
    return "".join(parts)


def source_citation(source: Source) -> str:
    """One source as plain text: authors (year). Title. Where. (url)"""
    cited = f"{source.authors} ({source.year}). {source.title}. {source.published}."
    return f"{cited} {source.url}" if source.url else cited


def sources_html(lesson: Lesson) -> str:
    """The lesson's sources: each citation, with what the lesson takes from it."""
    parts = ["<h2>Sources</h2>"]
    parts.append(
        "<p><i>The facts in this lesson can be checked in these papers and books; "
        "the wording is ours.</i></p>"
    )
    items = []
    for source in lesson.sources:
        item = (
            f"{html.escape(source.authors, quote=False)} ({source.year}). "
            f"<b>{html.escape(source.title, quote=False)}</b>. "
            f"{html.escape(source.published, quote=False)}."
        )
        if source.url:
            item += f' <span class="url">{html.escape(source.url, quote=False)}</span>'
        item += f"<br><i>Used for:</i> {html.escape(source.used_for, quote=False)}"
        items.append(f"<li>{item}</li>")
    parts.append(f"<ul>{''.join(items)}</ul>")
    return "".join(parts)


def lesson_html(lesson: Lesson, glossary: Glossary, depth: str = "standard") -> str:
    """The whole lesson as one page, in the order of the course page."""
    parts = [f"<h1>{html.escape(lesson.title, quote=False)}</h1>"]
    parts.append(f"<p><i>{render_inline(lesson.summary, glossary.resolve)}</i></p>")
    parts.append(overview_html(lesson, depth, glossary))
    parts += [dialogue_html(lesson, d, glossary) for d in lesson.dialogues]
    parts += [chapter_html(c, glossary) for c in lesson.chapters]
    parts.append(key_concepts_html(lesson, glossary))
    parts.append(real_life_examples_html(lesson, glossary))
    parts.append(memory_aids_html(lesson, glossary))
    if lesson.sources:
        parts.append(sources_html(lesson))
    return "".join(parts)


def glossary_entry_html(
    entry: GlossaryEntry, glossary: Glossary, demos: Mapping[str, Demo] | None = None
) -> str:
    """A glossary entry: term, aliases, definition, explanation, related terms and its demo."""
    parts = [f"<h2>{html.escape(entry.term, quote=False)}</h2>"]
    if entry.aliases:
        aliases = ", ".join(html.escape(a, quote=False) for a in entry.aliases)
        parts.append(f"<p><i>Also: {aliases}</i></p>")
    parts.append(f"<p><b>{render_inline(entry.definition, glossary.resolve)}</b></p>")
    parts.append(f"<p>{render_inline(entry.explanation, glossary.resolve)}</p>")
    if entry.demo is not None:
        title = demos[entry.demo].title if demos and entry.demo in demos else "see it in the studio"
        label = html.escape(f"Show me: {plain_text(title)}", quote=False)
        parts.append(f'<p><a class="showme" href="demo:{entry.demo}">{label}</a></p>')
    if entry.related:
        links = _related_links(entry.related, glossary)
        parts.append(f"<p>Related: {links}</p>")
    return "".join(parts)


def _related_links(related: Iterable[str], glossary: Glossary) -> str:
    return ", ".join(
        f'<a href="term:{rid}">{html.escape(glossary.by_id[rid].term, quote=False)}</a>'
        for rid in related
    )


def section_plain_text(lesson: Lesson, section_id: str, depth: str = "standard") -> str:
    """The words of one lesson section as a reader sees them (speaker names included).

    ``section_id`` is a dialogue, chapter, key concept, example or memory aid id, or
    ``overview`` (read at ``depth``).
    """
    return _section_words(lesson, section_id, depth, plain_text, equations=False)


def section_speech_text(lesson: Lesson, section_id: str, depth: str = "standard") -> str:
    """The words of one lesson section for read-aloud: symbols said as words, "Show me"
    links left out, a chapter's equations read too (see :func:`rnn_studio.learn.speech.spoken`).
    """
    return _section_words(lesson, section_id, depth, spoken, equations=True)


def _section_words(
    lesson: Lesson, section_id: str, depth: str, words: Callable[[str], str], *, equations: bool
) -> str:
    if section_id == "overview":
        return "\n\n".join(words(p) for p in lesson.overview[depth])
    if section_id == "sources":
        cited = [f"{s.authors}, {s.year}: {s.title}. {s.used_for}" for s in lesson.sources]
        return "\n\n".join(words(t) for t in ("Sources", *cited))
    for dialogue in lesson.dialogues:
        if dialogue.id == section_id:
            lines = [f"{lesson.speaker(x.speaker).name}: {words(x.text)}" for x in dialogue.lines]
            recap = ["Recap."] + [words(point) for point in dialogue.recap]
            return "\n\n".join([words(dialogue.title), *lines, *recap])
    for chapter in lesson.chapters:
        if chapter.id == section_id:
            texts = [chapter.title, *chapter.paragraphs]
            if equations and chapter.equations:
                texts += ["Equations.", *chapter.equations]
            texts += [f"Analogy: {chapter.analogy.title}", *chapter.analogy.paragraphs]
            return "\n\n".join(words(t) for t in texts)
    items: tuple[KeyConcept | LessonExample, ...] = (*lesson.key_concepts, *lesson.examples)
    for item in items:
        if item.id == section_id:
            return "\n\n".join(words(t) for t in (item.title, *item.paragraphs))
    for aid in lesson.memory_aids:
        if aid.id == section_id:
            return "\n".join(words(t) for t in (aid.title, *aid.lines))
    raise KeyError(f"no section {section_id!r} in lesson {lesson.id!r}")
