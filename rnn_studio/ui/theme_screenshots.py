"""Screenshots of the themes and presenter mode: ``python -m rnn_studio.ui.theme_screenshots``.

Writes ``theme-light.png``, ``theme-dark.png``, ``theme-high_contrast.png`` (the whole window
at 1280×720 on an LSTM demo after Backprop) and ``presenter.png`` (presenter mode on a
1280×720 screen) to ``--out`` (default ``screenshots/``). It runs offscreen with a 1280×720
virtual screen (Qt's offscreen ``configfile``) and keeps user files in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from rnn_studio.ui.offscreen_screen import screen_platform


def main(argv: list[str] | None = None) -> int:
    """Render the three themes and presenter mode; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    options = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="rnn-studio-shots-"))
    os.environ["RNN_STUDIO_HOME"] = str(home)
    os.environ["QT_QPA_PLATFORM"] = screen_platform(home)

    from PySide6.QtWidgets import QApplication

    from rnn_studio.state.session import StudioSession
    from rnn_studio.studio_core.demo import DemoSetup
    from rnn_studio.ui.learn import install_learn_area
    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.menus import install_menus
    from rnn_studio.ui.theme import configure_pyqtgraph

    app = QApplication.instance() or QApplication(sys.argv)
    configure_pyqtgraph()
    setup = DemoSetup(text="hello world", mode="chars", cell="lstm", hidden_size=8, cursor=6)
    session = StudioSession(setup)
    session.backprop()
    window = MainWindow(session)
    install_learn_area(window)
    features = install_menus(window, restore=False)
    window.resize(1280, 720)
    window.show()
    options.out.mkdir(parents=True, exist_ok=True)
    for name in ("light", "dark", "high_contrast"):
        features.set_theme(name)
        for _ in range(5):  # let the panels refit their hints to the new style
            app.processEvents()
        window.grab().save(str(options.out / f"theme-{name}.png"))
    features.set_theme("light")
    features.scene_notes = "Ask: which units keep 'h' after the space?"
    features.presenter.enter()
    for _ in range(3):
        app.processEvents()
    window.grab().save(str(options.out / "presenter.png"))
    features.presenter.set_blank(True)
    app.processEvents()
    window.grab().save(str(options.out / "presenter-blank.png"))
    features.presenter.set_blank(False)
    notes = features.presenter.show_notes()
    app.processEvents()
    notes.grab().save(str(options.out / "presenter-notes.png"))
    features.presenter.leave()
    window.close()
    print(f"wrote screenshots to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
