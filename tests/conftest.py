"""Shared test setup: headless Qt.

Settings and user files are redirected by each test file that writes them (a fixture that
sets ``RNN_STUDIO_HOME`` to ``tmp_path``; ``tests/ui/conftest.py`` does it for the UI tests).
"""

from __future__ import annotations

import os

# Tests must run without a display: pick Qt's offscreen platform before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
