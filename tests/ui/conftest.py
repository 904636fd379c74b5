"""UI test fixtures: every UI test leaves the app as it found it.

:func:`clean_app` (automatic for every test here) deletes the windows a test opened and puts
back what is application-wide: style, palette, style sheet, font, the theme and font-scale
properties and pyqtgraph's colours. Without it, windows outlive their test (``qtbot`` closes
them with ``deleteLater()``, which Qt runs only inside an event loop, and pyqtgraph's menus
live as long as their Python owners), and a theme applied by one test stays on for the
next: theme switches then restyle tens of thousands of dead widgets, and a test that expects
the app's own look sees another one.

``classroom`` builds a main window with the classroom features (menus, presenter, themes ...).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import pyqtgraph as pg
import pytest
import shiboken6
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from rnn_studio.state.session import StudioSession
from rnn_studio.ui.main_window import MainWindow
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import THEME_PROPERTY, configure_pyqtgraph

#: App properties the app sets for itself (theme name, unscaled font size).
APP_PROPERTIES = (THEME_PROPERTY, "rnn_studio_base_point_size")
#: pyqtgraph options the themes change.
PYQTGRAPH_OPTIONS = ("background", "foreground", "antialias")

W = TypeVar("W", bound=QWidget)


@dataclass
class AppState:
    """What a test may change application-wide, captured so that it can be put back."""

    style: str
    palette: QPalette
    sheet: str
    font: QFont
    properties: dict[str, object]
    pyqtgraph: dict[str, object]

    @classmethod
    def capture(cls, app: QApplication) -> AppState:
        return cls(
            style=app.style().name(),
            palette=QPalette(app.palette()),
            sheet=app.styleSheet(),
            font=QFont(app.font()),
            properties={name: app.property(name) for name in APP_PROPERTIES},
            pyqtgraph={name: pg.getConfigOption(name) for name in PYQTGRAPH_OPTIONS},
        )

    def restore(self, app: QApplication) -> None:
        """Put the state back (cheap once the test's windows are gone: nothing to restyle)."""
        if app.styleSheet() != self.sheet:
            app.setStyleSheet(self.sheet)
        if app.style().name() != self.style:
            # setStyle() deletes the current QStyle: safe only once the widgets using it are
            # gone, which delete_test_windows() sees to first.
            app.setStyle(self.style)
        if app.palette() != self.palette:
            app.setPalette(self.palette)
        if app.font() != self.font:
            app.setFont(self.font)
        for name, value in self.properties.items():
            if app.property(name) != value:
                app.setProperty(name, value)
        changed = {k: v for k, v in self.pyqtgraph.items() if pg.getConfigOption(k) != v}
        if changed:
            pg.setConfigOptions(**changed)


def run_deferred_deletes() -> None:
    """Delete what ``deleteLater()`` marked: outside an event loop Qt does so only on request."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def delete_test_windows(item: pytest.Item) -> None:
    """Delete the test's windows now, in its own teardown: Qt first, then Python.

    qtbot has closed its widgets with ``deleteLater()``; Qt deletes them here. The test's
    fixture values (its windows, panels, sessions) would stay referenced by ``item.funcargs``
    until pytest drops them after this teardown, and be freed by the garbage collector at
    some moment of a later test; dropped now, the collection below frees them, with the
    Python-owned leftovers that hang on them (pyqtgraph's menus), before the next test.
    """
    run_deferred_deletes()  # qtbot's widgets, closed with deleteLater() at teardown
    funcargs = getattr(item, "funcargs", None)
    if isinstance(funcargs, dict):
        funcargs.clear()  # every fixture but this one is finalized already
    gc.collect()
    run_deferred_deletes()


@pytest.fixture(autouse=True)
def clean_app(qapp, monkeypatch, tmp_path, request) -> Iterator[None]:
    """Delete the windows a test opens and restore the app-wide state it changes.

    User files go to ``tmp_path`` unless the test redirects them itself.
    """
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path / "rnn-studio-home"))
    state = AppState.capture(qapp)
    yield
    delete_test_windows(request.node)
    state.restore(qapp)


@contextmanager
def restore_app() -> Iterator[None]:
    """Undo app-wide changes (style, palette, style sheet, font, pyqtgraph colours) made
    inside the block; for a test that must restore before its own end."""
    app = QApplication.instance()
    state = AppState.capture(app)
    try:
        yield
    finally:
        state.restore(app)


def make_window(qtbot, session: StudioSession | None = None, restore: bool = False):
    """A shown 1280×720 main window with the classroom features (no autosave restore).

    As in the app, the Learn and Train areas are built on first use (``window.learn``,
    ``window.train``, ``window.area(name)`` or showing their tab): a quarter of a window's
    CPU was the Learn area, which most tests never open.
    """
    from rnn_studio.ui.menus import install_menus

    configure_pyqtgraph()
    window = MainWindow(session or StudioSession())
    qtbot.addWidget(window)
    features = install_menus(window, restore=restore)
    features.errors = []
    features.report_error = lambda title, message: features.errors.append((title, message))
    window.resize(1280, 720)
    with qtbot.waitExposed(window):  # a wait only as a context manager
        window.show()
    return window, features


def show_widget(qtbot, widget: W, width: int, height: int) -> W:
    """``widget`` shown at ``width``×``height`` and exposed; qtbot closes it at the test's
    end and :func:`clean_app` deletes it."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    with qtbot.waitExposed(widget):  # a wait only as a context manager
        widget.show()
    return widget


def show_panel(qtbot, panel_class: type[W], session: StudioSession, width: int, height: int) -> W:
    """One studio panel on its own (``panel_class(SessionBridge(session))``), in the app's plot
    colours, shown at ``width``×``height``: a test of one panel, without a window's cost.

    The panel's bridge is ``panel.bridge``.
    """
    configure_pyqtgraph()
    return show_widget(qtbot, panel_class(SessionBridge(session)), width, height)


def refitted(window) -> bool:
    """True once the studio has the app's font and no single-shot refit timer is pending
    (the studio's dock refit, the panels' hint fits), twice in a row with the events the
    last refit posted handled in between."""
    from PySide6.QtCore import QTimer

    app = QApplication.instance()

    def settled() -> bool:
        if window.studio.font().pointSizeF() != app.font().pointSizeF():
            return False
        return not any(t.isSingleShot() and t.isActive() for t in window.findChildren(QTimer))

    if not settled():
        return False
    QApplication.processEvents()
    return settled()


def settled(widget: QWidget) -> bool:
    """True once ``widget`` has no single-shot timer pending (refits, hint fits, deferred
    updates), twice in a row with the posted events handled and the widget painted in
    between: pyqtgraph finishes ranges, axes and colour bars when a view is painted.

    A condition for ``qtbot.waitUntil``, instead of a fixed ``qtbot.wait(ms)``.
    """
    from PySide6.QtCore import QTimer

    def idle() -> bool:
        return not any(t.isSingleShot() and t.isActive() for t in widget.findChildren(QTimer))

    if not idle():
        return False
    QApplication.processEvents()
    widget.grab()  # paints every view now, as the next screen refresh would
    QApplication.processEvents()
    return idle()


def drawn(window) -> bool:
    """:func:`refitted` and :func:`settled`: the studio at the app's font, laid out, painted."""
    return refitted(window) and settled(window)


def plot_views(window) -> list[pg.GraphicsView]:
    """Every pyqtgraph view in the window."""
    return window.findChildren(pg.GraphicsView)


@pytest.fixture
def classroom(qtbot, tmp_path, monkeypatch):
    """A factory ``classroom(session=None)`` -> (window, features), user files in tmp_path.

    :func:`clean_app` deletes the windows and restores the app-wide state afterwards.
    """
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    windows = []

    def build(session: StudioSession | None = None, restore: bool = False):
        window, features = make_window(qtbot, session, restore)
        windows.append(window)
        return window, features

    yield build
    for window in windows:
        if shiboken6.isValid(window):
            window.menus.presenter.leave()
