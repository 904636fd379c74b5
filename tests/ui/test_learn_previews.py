"""Every Learn page opens on its own (``python -m rnn_studio.ui.learn.<page>_view``) and
closes cleanly, as each studio panel does."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PAGES = ("lesson", "glossary", "flashcards", "quiz", "predict", "practice", "progress")


@pytest.mark.parametrize("page", PAGES)
def test_page_preview_runs_and_quits(page, tmp_path):
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen", RNN_STUDIO_QUIT_AFTER_MS="300", RNN_STUDIO_HOME=str(tmp_path)
    )
    done = subprocess.run(
        [sys.executable, "-m", f"rnn_studio.ui.learn.{page}_view"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "RuntimeWarning" not in done.stderr  # each page module runs once
    assert not (tmp_path / "data" / "progress.json").exists()  # previews keep progress aside
