"""Shared test setup: headless Qt, user files away from the user's folders, one-thread BLAS,
a frozen heap.

User files: every test process sends them to a temporary folder of its own
(``RNN_STUDIO_HOME``), so no test touches the user's settings or data and parallel workers
never share one; a test that looks at its files redirects them again to its ``tmp_path``
(``tests/ui/conftest.py`` does it for every UI test).
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import tempfile

from rnn_studio.engine.blas import limit_blas_threads
from rnn_studio.ui.offscreen_screen import use_offscreen_screen

#: This test process's user folder (settings, data), removed when the process ends.
TEST_HOME = tempfile.mkdtemp(prefix="rnn-studio-tests-home-")
os.environ["RNN_STUDIO_HOME"] = TEST_HOME
atexit.register(shutil.rmtree, TEST_HOME, ignore_errors=True)

# Tests must run without a display: Qt's offscreen platform, picked before anything imports
# Qt, on the classroom projector's 1280×720 screen the studio is designed for (Qt's offscreen
# platform otherwise makes an 800×800 one, where the first window is 800 wide).
use_offscreen_screen(TEST_HOME)
# An app a test starts in a subprocess prints every thread's stack if it crashes (the test
# shows the subprocess's stderr), as this process does (pytest's faulthandler).
os.environ.setdefault("PYTHONFAULTHANDLER", "1")

# BLAS on one thread in every test process, as in the app (rnn_studio.ui.app, ui/train,
# cli train): on a busy two-core machine OpenBLAS's default pool made one LSTM training of
# tests/engine/test_recipes.py cost 25 s CPU instead of 4 s, and that file ran into the
# 300 s timeout when collected on its own. NumPy is loaded already (pytest-randomly imports
# it), so threadpoolctl sets the pool now; the variables are for the processes tests start.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
limit_blas_threads(1)


def pytest_collection_finish(session) -> None:
    """Move what imports and collection made into the permanent generation: the collections
    each UI test's teardown asks for (and Python's own) then scan only what tests make."""
    gc.collect()
    gc.freeze()
