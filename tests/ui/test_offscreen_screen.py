"""The one offscreen screen description (``rnn_studio/ui/offscreen_screen.py``) that the tests,
the benchmarks and the screenshots run on."""

from __future__ import annotations

import json

from PySide6.QtCore import QRect

from rnn_studio.ui.offscreen_screen import PROJECTOR_SCREEN, screen_platform


def test_the_tests_run_on_the_classroom_projectors_screen(qapp) -> None:
    screen = qapp.primaryScreen()
    assert screen.name() == "projector"
    assert screen.geometry() == QRect(0, 0, 1280, 720)  # Qt's own offscreen screen: 800×800
    assert screen.logicalDotsPerInch() == 96


def test_benchmarks_get_the_same_screen_with_queued_window_events(tmp_path) -> None:
    platform = screen_platform(tmp_path, synchronous=False)
    assert platform == f"offscreen:configfile={tmp_path / 'screen.json'}"
    written = json.loads((tmp_path / "screen.json").read_text(encoding="utf-8"))
    assert written == {**PROJECTOR_SCREEN, "synchronousWindowSystemEvents": False}
    assert written["screens"][0]["width"] == 1280 and written["screens"][0]["height"] == 720
