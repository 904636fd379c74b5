"""Shared test setup: headless Qt, user files away from the user's folders, a frozen heap.

User files: every test process sends them to a temporary folder of its own
(``RNN_STUDIO_HOME``), so no test touches the user's settings or data and parallel workers
never share one; a test that looks at its files redirects them again to its ``tmp_path``
(``tests/ui/conftest.py`` does it for every UI test).
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import shutil
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

#: This test process's user folder (settings, data), removed when the process ends.
TEST_HOME = tempfile.mkdtemp(prefix="rnn-studio-tests-home-")
os.environ["RNN_STUDIO_HOME"] = TEST_HOME
atexit.register(shutil.rmtree, TEST_HOME, ignore_errors=True)


def pytest_collection_finish(session) -> None:
    """Move what imports and collection made into the permanent generation: the collections
    each UI test's teardown asks for (and Python's own) then scan only what tests make."""
    gc.collect()
    gc.freeze()
