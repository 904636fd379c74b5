"""Locate the data files in ``resources/`` whether installed as a wheel or run from source.

In a wheel (and a frozen bundle) the folder ships as the package data ``rnn_studio/resources``;
from a source checkout it is the top-level ``resources/`` folder beside the package.
"""

from __future__ import annotations

import sys
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


def resource_root() -> Traversable:
    """Return the folder holding the app's data files."""
    packaged = resources.files("rnn_studio") / "resources"
    if packaged.is_dir():
        return packaged
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "rnn_studio" / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Traversable:
    """Return the data file or folder at ``resources/<parts...>``."""
    node = resource_root()
    for part in parts:
        node = node / part
    return node


def read_text(*parts: str) -> str:
    """Read a UTF-8 data file from ``resources/``."""
    return resource_path(*parts).read_text(encoding="utf-8")
