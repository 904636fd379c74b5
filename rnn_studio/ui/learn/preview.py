"""Open one Learn page on its own: ``python -m rnn_studio.ui.learn.<page>_view``.

The preview keeps its progress in a temporary folder, so trying a page never changes the
learner's real progress. Set ``RNN_STUDIO_QUIT_AFTER_MS`` to close it by itself (tests do).
"""

from __future__ import annotations

import os
import sys
import tempfile

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.session import StudioSession


def preview_page(page: str) -> int:
    """Show the Learn area on ``page`` (lesson, glossary, flashcards, quiz, predict, progress)."""
    from rnn_studio.ui.learn.learn_area import LearnArea

    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory(prefix="rnn-studio-preview-") as folder:
        store = ProgressStore(os.path.join(folder, "progress.json"))
        area = LearnArea(StudioSession(), store)
        area.setWindowTitle(f"RNN Studio: Learn · {page} (preview)")
        area.show_page(page)
        area.resize(1100, 680)
        area.show()
        quit_after = os.environ.get("RNN_STUDIO_QUIT_AFTER_MS")
        if quit_after:
            QTimer.singleShot(int(quit_after), app.quit)
        code = app.exec()
        area.close()
        return code
