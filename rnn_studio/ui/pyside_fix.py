"""Work around a reference-count bug of PySide6 6.12.0 on Python 3.11 and older.

On those Pythons, every call of a Qt method that returns nothing (``setVisible``,
``setText``, ``setRect``, …) through PySide6 6.12.0 releases one reference to ``None`` that
it never took (bool-returning paths do the same to ``True``/``False``). From Python 3.12
these objects are immortal and nothing happens; on 3.11 a window that runs for a while
drives ``None``'s count to zero and the interpreter aborts ("Fatal Python error:
none_dealloc"), usually while the app quits.

:func:`apply` detects the leak with a real call and, only if it is there, gives ``None``,
``True`` and ``False`` a reference count so large (2**48) that no session can use it up,
which is what Python 3.12 does for them. The objects are never freed anyway; the count is
the only thing touched. Pin a fixed PySide6 to make this unnecessary.
"""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL_BOOST = 1 << 48
_applied = False


def leaks_references() -> bool:
    """True if a void Qt method call drops a reference to ``None`` (the bug is present)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    calls = 64
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= calls // 2


def apply() -> bool:
    """Protect ``None``, ``True`` and ``False`` if needed; return True if it was applied."""
    global _applied
    if _applied:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not leaks_references():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython 3.11 object (release builds).
        count = ctypes.c_ssize_t.from_address(id(singleton))
        count.value += _IMMORTAL_BOOST
    _applied = True
    return True
