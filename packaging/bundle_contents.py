"""Which data files go into the PyInstaller bundle, and where (used by ``rnn-studio.spec``).

``resources/`` goes to ``rnn_studio/resources`` inside the bundle: that is where
:func:`rnn_studio.resources.resource_root` looks in a frozen app (the same place as in a wheel).
"""

from __future__ import annotations

from pathlib import Path

BUNDLED_RESOURCES = Path("rnn_studio") / "resources"


def resource_datas(root: Path) -> list[tuple[str, str]]:
    """Return PyInstaller ``datas`` entries ``(source file, destination folder)`` for every
    file in ``root / "resources"``, skipping caches and hidden files."""
    resources = root / "resources"
    return [
        (str(path), str(BUNDLED_RESOURCES / path.parent.relative_to(resources)))
        for path in sorted(resources.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and not any(part.startswith(".") for part in path.relative_to(resources).parts)
    ]
