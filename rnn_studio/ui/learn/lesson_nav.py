"""Where the learner is in a lesson: "Part 4 of 11" and Previous/Next at the end of a section.

Qt-free string building for :class:`~rnn_studio.ui.learn.lesson_view.LessonView`. The links
are ``lesson:<section id>`` links, which the view follows itself.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

Section = tuple[str, str]  # (section id, title)


def position_text(sections: Sequence[Section], current: str) -> str:
    """``"Part 4 of 11 · Chapter 2: …"`` for the section ``current``."""
    ids = [section_id for section_id, _ in sections]
    if current not in ids:
        return ""
    index = ids.index(current)
    return f"Part {index + 1} of {len(ids)} · {sections[index][1]}"


def nav_html(sections: Sequence[Section], current: str) -> str:
    """Previous/Next links to the neighbours of ``current``, for the end of its page."""
    ids = [section_id for section_id, _ in sections]
    if current not in ids:
        return ""
    index = ids.index(current)
    links = []
    if index > 0:
        section_id, title = sections[index - 1]
        links.append(
            f'<a class="nav" href="lesson:{html.escape(section_id, quote=True)}">'
            f"← Previous: {html.escape(title)}</a>"
        )
    if index + 1 < len(ids):
        section_id, title = sections[index + 1]
        links.append(
            f'<a class="nav" href="lesson:{html.escape(section_id, quote=True)}">'
            f"Next: {html.escape(title)} →</a>"
        )
    where = html.escape(position_text(sections, current))
    return (
        f'<hr/><p class="nav">{" &nbsp;·&nbsp; ".join(links)}</p><p class="nav-where">{where}</p>'
    )
