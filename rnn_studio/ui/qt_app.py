"""The running :class:`QApplication`, typed as one.

``QApplication.instance()`` is declared to return the core application (or None); the
studio's windows always run under a ``QApplication``, and code that sets fonts, palettes or
style sheets needs it typed so.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication


def running_app() -> QApplication:
    """The running ``QApplication``; RuntimeError if there is none (or only a core one)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("RNN Studio's windows need a running QApplication")
    return app
