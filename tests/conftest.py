"""Shared test setup: headless Qt.

Settings and user files are redirected by each test file that writes them (a fixture that
sets ``RNN_STUDIO_HOME`` to ``tmp_path``; ``tests/ui/conftest.py`` does it for the UI tests).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rnn_studio.ui.theme_screenshots import SCREEN

# Tests must run without a display: pick Qt's offscreen platform before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: The screen the UI tests run on: the classroom projector the studio is designed for, 1280×720
#: (Qt's offscreen platform otherwise makes an 800×800 one, where the first window is 800 wide).
TEST_SCREEN = SCREEN
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    _screen_file = Path(tempfile.gettempdir()) / f"rnn-studio-test-screen-{os.getpid()}.json"
    _screen_file.write_text(json.dumps(TEST_SCREEN), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen_file}"
