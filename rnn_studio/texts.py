"""The short public-domain texts bundled in ``resources/texts/`` for the next-token task.

``resources/texts/index.json`` lists each text with its title, author, year and licence;
:func:`bundled_text` returns one by id (``"alice"``: the opening of *Alice's Adventures in
Wonderland*, 1865).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from rnn_studio.resources import read_text

DEFAULT_TEXT_ID = "alice"


@dataclass(frozen=True)
class BundledText:
    """One bundled text and where it comes from."""

    id: str
    title: str
    author: str
    year: int
    licence: str
    mode: str
    text: str


def bundled_texts() -> list[BundledText]:
    """Every bundled text, in the order of ``index.json``.

    Raises
    ------
    ValueError
        ``index.json`` is malformed (the message names the field) or a text file is empty.
    """
    index = json.loads(read_text("texts", "index.json"))
    if not isinstance(index, dict) or not isinstance(index.get("texts"), list):
        raise ValueError("resources/texts/index.json: 'texts' must be a list")
    texts = []
    for position, entry in enumerate(index["texts"]):
        where = f"resources/texts/index.json: texts[{position}]"
        for field, kind in (
            ("id", str),
            ("file", str),
            ("title", str),
            ("author", str),
            ("year", int),
            ("licence", str),
            ("mode", str),
        ):
            if not isinstance(entry.get(field), kind):
                raise ValueError(f"{where}.{field} must be a {kind.__name__}")
        body = read_text("texts", entry["file"]).strip()
        if not body:
            raise ValueError(f"{where}: {entry['file']} is empty")
        texts.append(
            BundledText(
                entry["id"],
                entry["title"],
                entry["author"],
                entry["year"],
                entry["licence"],
                entry["mode"],
                body,
            )
        )
    return texts


def bundled_text(text_id: str = DEFAULT_TEXT_ID) -> BundledText:
    """The bundled text called ``text_id``.

    Raises
    ------
    ValueError
        No bundled text has that id.
    """
    texts = bundled_texts()
    for text in texts:
        if text.id == text_id:
            return text
    known = ", ".join(text.id for text in texts)
    raise ValueError(f"No bundled text {text_id!r}; available: {known}")
