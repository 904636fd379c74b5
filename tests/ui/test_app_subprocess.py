"""Start the whole app with ``python -m rnn_studio`` offscreen and let it close by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile


def test_app_starts_and_closes_cleanly(tmp_path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        RNN_STUDIO_HOME=str(tmp_path),
        RNN_STUDIO_QUIT_AFTER_MS="1500",
    )
    result = subprocess.run(
        [sys.executable, "-m", "rnn_studio"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Fatal" not in result.stderr
    # Closing saved the layout where RNN_STUDIO_HOME points.
    assert (tmp_path / "config" / "settings.ini").is_file()
    # The studio opened on the bundled trained sentiment LSTM reading "not bad" (issue 10):
    # the autosave written on close records what the window showed.
    with zipfile.ZipFile(tmp_path / "data" / "autosave.rnnsession") as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["setup"]["text"] == "not bad" and manifest["setup"]["cell"] == "lstm"
    assert manifest["trained"]["models"] == ["lstm"]
