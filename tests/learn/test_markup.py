"""The inline markup of lesson text: links, whitelisted tags, escaping and errors."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnn_studio.learn.markup import (
    ALLOWED_TAGS,
    Link,
    MarkupError,
    find_links,
    plain_text,
    render_inline,
    render_lines,
    render_list,
    render_paragraphs,
)


def test_term_link_shows_the_term_or_its_label() -> None:
    assert render_inline("the [[hidden state]] now") == (
        'the <a href="term:hidden-state">hidden state</a> now'
    )
    assert render_inline("[[weight sharing|shared weights]]") == (
        '<a href="term:weight-sharing">shared weights</a>'
    )


def test_term_link_target_comes_from_the_resolver() -> None:
    ids = {"bptt": "backpropagation-through-time"}
    out = render_inline("[[BPTT]] and [[bptt|it]]", lambda term: ids.get(term.lower()))
    assert out == (
        '<a href="term:backpropagation-through-time">BPTT</a> and '
        '<a href="term:backpropagation-through-time">it</a>'
    )


def test_unknown_term_is_an_error_when_a_resolver_is_given() -> None:
    with pytest.raises(MarkupError, match=r"\[\[nowhere\]\] is not a glossary term"):
        render_inline("[[nowhere]]", lambda term: None)


def test_demo_link_has_a_default_and_a_custom_label() -> None:
    assert render_inline("{{demo:not-bad}}") == (
        '<a class="showme" href="demo:not-bad">Show me</a>'
    )
    assert render_inline('{{demo:not-bad|Show me: watch "not" work}}') == (
        '<a class="showme" href="demo:not-bad">Show me: watch "not" work</a>'
    )


def test_find_links_lists_every_link_in_order() -> None:
    text = "[[RNN]] reads {{demo:one-step|a step}} then [[hidden state|its memory]]."
    assert find_links(text) == [
        Link("term", "RNN", "RNN"),
        Link("demo", "one-step", "a step"),
        Link("term", "hidden state", "its memory"),
    ]


def test_whitelisted_tags_pass_and_everything_else_is_escaped() -> None:
    out = render_inline("h<sub>t−1</sub> & x<sup>2</sup> < 3 > 1 <b>bold</b><br><br/>")
    assert out == "h<sub>t−1</sub> &amp; x<sup>2</sup> &lt; 3 &gt; 1 <b>bold</b><br><br>"


def test_labels_are_escaped() -> None:
    out = render_inline("[[hidden state|a & b]] {{demo:x|1 < 2}}")
    assert ">a &amp; b</a>" in out
    assert ">1 &lt; 2</a>" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[hidden state", r"unmatched '\[\['"),
        ("hidden state]]", r"unmatched '\]\]'"),
        ("{{not-a-demo}}", r"unmatched '\{\{'"),
        ("{{demo:}}", "has no demo id"),
        ("{{demo:x|}}", "empty label"),
        ("[[|label]]", "has no term"),
        ("[[term|]]", "empty label"),
        ("<p>para</p>", "<p> is not allowed"),
        ("<script>alert(1)</script>", "<script> is not allowed"),
        ('<b class="x">bold</b>', "must not carry attributes"),
        ("<b>never closed", "<b> is never closed"),
        ("<b><i>crossed</b></i>", r"</b> does not match \(expected </i>\)"),
        ("stray</em>", "</em> does not match"),
        ("<sub/>", "cannot be self-closing"),
        ("a</br>b", "</br> is not a tag"),
    ],
)
def test_malformed_markup_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(MarkupError, match=message):
        render_inline(text)
    with pytest.raises(MarkupError, match=message):
        find_links(text)


def test_non_text_is_rejected() -> None:
    with pytest.raises(MarkupError, match="expected text"):
        render_inline(42)  # type: ignore[arg-type]


def test_plain_text_is_what_a_reader_hears() -> None:
    text = "h<sub>t</sub> = tanh(W<sub>hh</sub>h<sub>t−1</sub>) [[x|the state]]<br>{{demo:a|go}}"
    assert plain_text(text) == "h t = tanh(W hh h t−1 ) the state go"


def test_block_helpers_wrap_rendered_text() -> None:
    assert render_paragraphs(["a & b", "[[c]]"]) == (
        '<p>a &amp; b</p><p><a href="term:c">c</a></p>'
    )
    assert render_paragraphs(["x"], css_class="equation") == '<p class="equation">x</p>'
    assert render_lines(["one", "two"], css_class="verse") == '<p class="verse">one<br>two</p>'
    assert render_list(["a", "<b>b</b>"]) == "<ul><li>a</li><li><b>b</b></li></ul>"


# Text without any markup characters must come out exactly as html.escape would give it.
_PLAIN = st.text(alphabet=st.characters(blacklist_characters="[]{}<>"), max_size=60)


@given(_PLAIN)
def test_plain_text_is_only_escaped(text: str) -> None:
    assert render_inline(text) == html.escape(text, quote=False)
    assert find_links(text) == []


_PIECES = st.sampled_from([*"ab <>/[]{}|:&\"'", "sub", "demo", "script", "b"])


@given(st.lists(_PIECES, max_size=16).map("".join))
def test_output_never_contains_a_tag_outside_the_whitelist(text: str) -> None:
    try:
        out = render_inline(text)
    except MarkupError:
        return
    tags = re.findall(r"</?([a-z]+)", out)
    assert set(tags) <= {*ALLOWED_TAGS, "a"}
    assert "<a " not in out or 'href="' in out
