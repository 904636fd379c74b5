"""UI test fixtures. Classroom tests: ``classroom`` builds a main window with the classroom
features (menus, presenter, themes ...) and restores the app-wide state afterwards.

Themes, fonts and the style sheet are application-wide: :func:`restore_app` puts them back
so that the other UI tests in the same process see the app as they expect it.
"""

from __future__ import annotations

from contextlib import contextmanager

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from rnn_studio.state.session import StudioSession
from rnn_studio.ui.main_window import MainWindow
from rnn_studio.ui.theme import configure_pyqtgraph
from rnn_studio.ui.themes import THEME_PROPERTY


@contextmanager
def restore_app():
    """Undo app-wide changes (style, palette, style sheet, font, pyqtgraph colours)."""
    app = QApplication.instance()
    style = app.style().name()
    palette = app.palette()
    sheet = app.styleSheet()
    font = QFont(app.font())
    base = app.property("rnn_studio_base_point_size")
    try:
        yield
    finally:
        app.setStyleSheet(sheet)
        if app.style().name() != style:
            # setStyle() deletes the current QStyle; windows of this test still use it.
            app.setStyle(style)
        app.setPalette(palette)
        app.setFont(font)
        app.setProperty("rnn_studio_base_point_size", base)
        app.setProperty(THEME_PROPERTY, None)
        configure_pyqtgraph()


def make_window(qtbot, session: StudioSession | None = None, restore: bool = False):
    """A shown 1280×720 main window with the classroom features (no autosave restore)."""
    from rnn_studio.ui.learn import install_learn_area
    from rnn_studio.ui.menus import install_menus

    configure_pyqtgraph()
    window = MainWindow(session or StudioSession())
    qtbot.addWidget(window)
    install_learn_area(window)  # as rnn_studio.ui.app does, before the classroom features
    features = install_menus(window, restore=restore)
    features.errors = []
    features.report_error = lambda title, message: features.errors.append((title, message))
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    return window, features


def plot_views(window) -> list[pg.GraphicsView]:
    """Every pyqtgraph view in the window."""
    return window.findChildren(pg.GraphicsView)


@pytest.fixture
def classroom(qtbot, tmp_path, monkeypatch):
    """A factory ``classroom(session=None)`` -> (window, features), user files in tmp_path."""
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    windows = []
    with restore_app():

        def build(session: StudioSession | None = None, restore: bool = False):
            window, features = make_window(qtbot, session, restore)
            windows.append(window)
            return window, features

        yield build
        for window in windows:
            window.menus.presenter.leave()
