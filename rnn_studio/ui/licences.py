"""The libraries RNN Studio ships with and their licences, read from the installed packages.

The list starts from the app's runtime requirements (``[project] dependencies`` in
``pyproject.toml`` in a source checkout, else the installed ``rnn-studio`` metadata, which a
bundle carries) and follows each library's own requirements (PySide6-Essentials brings
shiboken6, pyqtgraph brings colorama), skipping optional extras. Each licence comes from the
library's metadata (``License-Expression``, else ``License``, else its licence classifiers),
so Help → About cannot fall out of step with what is installed.
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import re
import sys
from dataclasses import dataclass
from pathlib import Path

APP_DISTRIBUTION = "rnn-studio"
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
#: A licence field longer than this is the licence's full text, not its name.
MAX_LICENCE_NAME = 80


@dataclass(frozen=True)
class Library:
    """One bundled library: its name, installed version, licence and home page."""

    name: str
    version: str
    licence: str
    url: str


def canonical(name: str) -> str:
    """The comparable form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(pyproject: Path | None = None) -> list[str]:
    """The app's own runtime requirements (names only), from ``pyproject.toml`` when the
    source checkout has one, else from the installed metadata."""
    pyproject = pyproject or Path(__file__).resolve().parents[2] / "pyproject.toml"
    if pyproject.is_file() and sys.version_info >= (3, 11):
        toml = importlib.import_module("tomllib")  # Python 3.11+; 3.10 reads the metadata
        with pyproject.open("rb") as handle:
            requirements = toml.load(handle)["project"]["dependencies"]
    else:
        requirements = metadata.requires(APP_DISTRIBUTION) or []
    return _names(requirements)


def _names(requirements: list[str]) -> list[str]:
    names = []
    for requirement in requirements:
        _, _, marker = requirement.partition(";")
        if "extra" in marker:
            continue  # an optional extra (docs, tests, video ...), not shipped
        match = _NAME.match(requirement)
        if match:
            names.append(match.group(1))
    return names


def bundled_libraries(pyproject: Path | None = None) -> list[Library]:
    """Every library the app runs on (requirements and theirs), sorted by name.

    Raises
    ------
    importlib.metadata.PackageNotFoundError
        A runtime requirement is not installed (the app could not run).
    """
    found: dict[str, Library] = {}
    queue = runtime_requirements(pyproject)
    while queue:
        name = queue.pop(0)
        key = canonical(name)
        if key in found:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            if key in map(canonical, runtime_requirements(pyproject)):
                raise
            continue  # a platform-only requirement of a library (not on this system)
        fields = distribution.metadata
        found[key] = Library(
            name=_field(fields, "Name") or name,
            version=distribution.version,
            licence=licence_name(distribution),
            url=_home_page(distribution),
        )
        queue.extend(_names(distribution.requires or []))
    return sorted(found.values(), key=lambda library: library.name.lower())


def licence_name(distribution: metadata.Distribution) -> str:
    """The licence a distribution declares, in a few words."""
    fields = distribution.metadata
    expression = _field(fields, "License-Expression")
    if expression:
        return expression
    text = _field(fields, "License").strip()
    if text and len(text) <= MAX_LICENCE_NAME and "\n" not in text:
        return text
    classifiers = [
        line.split("::")[-1].strip()
        for line in fields.get_all("Classifier") or []
        if line.startswith("License ::")
    ]
    if classifiers:
        return ", ".join(classifiers)
    return "see the licence file in its package"


def _home_page(distribution: metadata.Distribution) -> str:
    fields = distribution.metadata
    for entry in fields.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository", "documentation"):
            return url.strip()
    return _field(fields, "Home-page")


def _field(fields: metadata.PackageMetadata, key: str) -> str:
    values = fields.get_all(key) or []
    return str(values[0]) if values else ""


if __name__ == "__main__":
    for library in bundled_libraries():
        sys.stdout.write(f"{library.name} {library.version}: {library.licence}  {library.url}\n")
