"""HTML for the Learn viewer: every section renders, links resolve to ids, read-aloud text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from rnn_studio.learn import content, lesson_html
from rnn_studio.learn.markup import ALLOWED_TAGS, LEARN_CSS


@pytest.fixture(scope="module")
def loaded() -> content.Content:
    return content.load_all()


class _Collector(HTMLParser):
    """Collects tags, link targets and anchors, and checks that tags nest properly."""

    VOID = frozenset({"br"})

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.anchors: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(str(attributes["href"]))
        if tag == "a" and attributes.get("name"):
            self.anchors.append(str(attributes["name"]))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()


def _parse(markup: str) -> _Collector:
    collector = _Collector()
    collector.feed(markup)
    collector.close()
    assert collector.stack == []
    return collector


def test_whole_lesson_is_well_formed_and_links_resolve(loaded: content.Content) -> None:
    lesson = loaded.lessons[0]
    for depth in ("basic", "standard", "detailed"):
        page = _parse(lesson_html.lesson_html(lesson, loaded.glossary, depth))
        structural = {"h1", "h2", "h3", "p", "ul", "li", "a", "span"}
        assert page.tags <= structural | set(ALLOWED_TAGS)
        for href in page.hrefs:
            kind, _, target = href.partition(":")
            assert kind in {"term", "demo", "train"}, href
            if kind == "train":  # a Train preset: tests/ui/test_watch_it_learn.py checks them
                continue
            assert target in (loaded.glossary.by_id if kind == "term" else loaded.demos), href
        # Every section a card or question may cite can be scrolled to.
        assert lesson.anchors <= set(page.anchors)


def test_dialogue_shows_speakers_by_role_and_a_recap(loaded: content.Content) -> None:
    lesson = loaded.lessons[0]
    markup = lesson_html.dialogue_html(lesson, lesson.dialogues[0], loaded.glossary)
    assert '<span class="teacher">Dr Mensah:</span>' in markup
    assert '<span class="student">Priya:</span>' in markup
    assert markup.count("<li>") == len(lesson.dialogues[0].recap)
    assert 'href="demo:not-bad"' in markup


def test_overview_depths_differ_and_bad_depth_is_refused(loaded: content.Content) -> None:
    lesson = loaded.lessons[0]
    sizes = [
        len(lesson_html.overview_html(lesson, d, loaded.glossary))
        for d in ("basic", "standard", "detailed")
    ]
    assert sizes == sorted(sizes) and len(set(sizes)) == 3
    with pytest.raises(ValueError, match="depth 'deep'"):
        lesson_html.overview_html(lesson, "deep", loaded.glossary)


def test_chapter_has_equations_and_an_analogy(loaded: content.Content) -> None:
    chapter = next(c for c in loaded.lessons[0].chapters if c.id == "gated-cells")
    markup = lesson_html.chapter_html(chapter, loaded.glossary)
    assert markup.count('<p class="equation">') == len(chapter.equations)
    assert "Analogy:" in markup and '<p class="analogy">' in markup


def test_glossary_entry_links_its_related_terms_and_demo(loaded: content.Content) -> None:
    entry = loaded.glossary.get("BPTT")
    markup = lesson_html.glossary_entry_html(entry, loaded.glossary, loaded.demos)
    page = _parse(markup)
    assert f"demo:{entry.demo}" in page.hrefs
    assert [h for h in page.hrefs if h.startswith("term:")][-len(entry.related) :] == [
        f"term:{r}" for r in entry.related
    ]
    assert loaded.demos[entry.demo].title.split()[0] in markup
    without_demo = loaded.glossary.get("seed")
    assert "demo:" not in lesson_html.glossary_entry_html(without_demo, loaded.glossary)


def test_section_plain_text_reads_without_markup(loaded: content.Content) -> None:
    lesson = loaded.lessons[0]
    for section in sorted(lesson.anchors):
        text = lesson_html.section_plain_text(lesson, section)
        assert text.strip()
        assert not re.search(r"\[\[|\]\]|\{\{|\}\}|<[a-z/]", text), section
    dialogue = lesson_html.section_plain_text(lesson, "introduction")
    assert "Dr Mensah:" in dialogue and "Recap." in dialogue
    with pytest.raises(KeyError, match="no section 'nowhere'"):
        lesson_html.section_plain_text(lesson, "nowhere")


def test_html_document_embeds_the_style_sheet() -> None:
    document = lesson_html.html_document("<p>x</p>")
    assert LEARN_CSS in document and document.endswith("<p>x</p></body></html>")
