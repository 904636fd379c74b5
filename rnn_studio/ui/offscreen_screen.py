"""The offscreen 1280×720 screen that tests, benchmarks and screenshots run on (Qt-free).

Qt's offscreen platform makes an 800×800 screen unless a ``configfile`` describes another:
the studio's first window is sized to its screen, so at 800 wide panels go into tabs. This
module holds the one description of the classroom projector's screen and writes it for
``QT_QPA_PLATFORM``; it imports no Qt, so it can run before Qt is loaded.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

#: The classroom projector: 1280×720 at 96 dpi, windows without frames.
PROJECTOR_SCREEN: dict[str, object] = {
    "windowFrameMargins": False,
    "screens": [
        {
            "name": "projector",
            "x": 0,
            "y": 0,
            "width": 1280,
            "height": 720,
            "physicalWidth": 677,
            "physicalHeight": 381,
            "logicalDpi": 96,
        }
    ],
}


def screen_platform(folder: str | os.PathLike[str] | None = None, synchronous: bool = True) -> str:
    """Write :data:`PROJECTOR_SCREEN` into ``folder`` and return the ``QT_QPA_PLATFORM`` value.

    Parameters
    ----------
    folder : path, optional
        Where ``screen.json`` goes (a new temporary folder by default).
    synchronous : bool
        Deliver window-system events (expose, resize) at once, as tests and screenshots
        want; ``False`` keeps Qt's usual queued delivery (the benchmarks, like a real screen).
    """
    screen = dict(PROJECTOR_SCREEN, synchronousWindowSystemEvents=synchronous)
    place = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="rnn-studio-"))
    path = place / "screen.json"
    path.write_text(json.dumps(screen), encoding="utf-8")
    return f"offscreen:configfile={path}"


def use_offscreen_screen(
    folder: str | os.PathLike[str] | None = None, synchronous: bool = True
) -> None:
    """Run Qt offscreen (unless another platform was chosen) on the projector's screen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.environ["QT_QPA_PLATFORM"] == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = screen_platform(folder, synchronous)
