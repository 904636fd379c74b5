"""PySide6's per-import source check, done by reading the file's bytes instead of ``inspect``.

Once PySide6 is loaded, every module imported after it is checked for the text ``PySide6`` in
its source (``shibokensupport.feature._mod_uses_pyside``, PYSIDE-2029: only modules that use
PySide take part in its ``__feature__`` switching). It reads each source through
``inspect.getsource``: the module's file found again, decoded, split into lines, kept in
``linecache`` and joined back. For the ~450 modules the studio loads before its first frame
that cost 30-40 ms of a start (``benchmarks/startup.py``); reading the bytes of the same
file and looking for the same text takes about a fifth of it.

:func:`quicken_pyside_import_check` swaps the check for :func:`mentions_pyside`, which gives
the same answer (``tests/ui/test_pyside_import_check.py`` compares the two on every module of
a start) and asks PySide's own check whenever the module has no plain ``.py`` file to read.
If PySide's internals are not what this expects (another version), nothing is changed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

#: PySide's own check, kept for the modules :func:`mentions_pyside` cannot read.
_original: dict[str, Callable[[ModuleType], bool]] = {}


def mentions_pyside(module: ModuleType) -> bool:
    """Whether ``module``'s source file holds the text ``PySide6`` (as PySide's own check).

    A module with a ``.py`` file is answered from the file's bytes; any other (built in, an
    extension, no source, a file that cannot be read) by PySide's own check.
    """
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass
    original = _original.get("check")
    return bool(original(module)) if original is not None else False


def quicken_pyside_import_check() -> bool:
    """Make PySide6 (already imported) check new modules with :func:`mentions_pyside`.

    Returns
    -------
    bool
        Whether the check is :func:`mentions_pyside` now (False: PySide's internals are not
        the ones this was written for, and were left alone).
    """
    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if check is None or not callable(check):
        return False
    if check is not mentions_pyside:
        _original["check"] = check
        feature._mod_uses_pyside = mentions_pyside  # type: ignore[union-attr]
    return True
