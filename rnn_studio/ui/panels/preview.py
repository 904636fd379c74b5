"""Open one panel on its own, on demo data: ``python -m rnn_studio.ui.panels.<name>``.

Set ``RNN_STUDIO_QUIT_AFTER_MS`` to close the preview by itself (tests do).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import configure_pyqtgraph

#: A short sentence on an LSTM with backprop on: every panel has something to show.
PREVIEW_SETUP = DemoSetup(
    text="not bad at all, said the cat",
    mode="words",
    cell="lstm",
    hidden_size=8,
    cursor=3,
    backprop=True,
)


def preview(panel_class: type, setup: DemoSetup = PREVIEW_SETUP) -> int:
    """Show ``panel_class`` on a session set up from ``setup``; return the exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    configure_pyqtgraph()
    session = StudioSession(setup)
    bridge = SessionBridge(session)
    panel = panel_class(bridge)
    panel.setWindowTitle(f"RNN Studio: {panel.title} (preview)")
    panel.resize(640, 420)
    panel.show()
    quit_after = os.environ.get("RNN_STUDIO_QUIT_AFTER_MS")
    if quit_after:
        QTimer.singleShot(int(quit_after), app.quit)
    return app.exec()
