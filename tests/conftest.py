"""Shared test setup: headless Qt and settings redirected away from the user's folders."""

from __future__ import annotations

import os

# Tests must run without a display: pick Qt's offscreen platform before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
