"""The main window: Studio, Learn and Train areas behind a tab bar, layout remembered.

Other parts of the app plug their area in with :meth:`MainWindow.set_area`; the Learn area
connects to :attr:`MainWindow.glossary_requested` (a term link in a studio hint) and calls
``window.session.apply_demo(setup)`` for a "Show me" link, which brings the Studio forward.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from rnn_studio.state.session import StudioSession
from rnn_studio.ui import settings as layout_settings
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.studio import StudioArea
from rnn_studio.ui.train.train_area import install_train_area
from rnn_studio.ui.workers import QtExecutor

AREA_NAMES = ("Studio", "Learn", "Train")


class MainWindow(QMainWindow):
    """RNN Studio's window.

    Parameters
    ----------
    session : StudioSession, optional
        The studio's session (a new default one if omitted).
    settings : QSettings, optional
        Where the layout is remembered (the user's settings file if omitted).
    """

    glossary_requested = Signal(str)
    area_changed = Signal(str)

    def __init__(
        self,
        session: StudioSession | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.setWindowTitle("RNN Studio")
        self.session = session or StudioSession()
        self.executor = QtExecutor(self)
        self.session.set_executor(self.executor)
        self.bridge = SessionBridge(self.session, self)
        self.settings = settings if settings is not None else layout_settings.open_settings()
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("main_areas")
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Areas")
        self.setCentralWidget(self.tabs)
        self.studio = StudioArea(self.bridge)
        self.studio.glossary_requested.connect(self.glossary_requested)
        self.areas: dict[str, QWidget] = {}
        self.set_area("Studio", self.studio)
        for name in AREA_NAMES[1:]:
            placeholder = QLabel(f"The {name} area is on its way.", self)
            placeholder.setObjectName(f"{name.lower()}_placeholder")
            self.set_area(name, placeholder)
        self.train = install_train_area(self)
        self.tabs.currentChanged.connect(lambda i: self.area_changed.emit(self.tabs.tabText(i)))
        self.bridge.demo_applied.connect(lambda _setup: self.show_area("Studio"))
        self.resize(1280, 720)
        if layout_settings.restore_layout(self.settings, self, self.studio):
            self.studio.default_sizes_pending = False
        self.show_area(str(layout_settings.read_setting(self.settings, "window/area")))

    def set_area(self, name: str, widget: QWidget) -> None:
        """Put ``widget`` in the area called ``name`` (a new tab if there is none yet)."""
        if not widget.objectName():
            widget.setObjectName(f"{name.lower()}_area")
        old = self.areas.get(name)
        self.areas[name] = widget
        if old is None:
            self.tabs.addTab(widget, name)
            return
        index = self.tabs.indexOf(old)
        current = self.tabs.currentIndex()
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, name)
        self.tabs.setCurrentIndex(current)
        old.deleteLater()

    def show_area(self, name: str) -> None:
        """Bring the area ``name`` forward (unknown names are ignored)."""
        widget = self.areas.get(name)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)

    def current_area(self) -> str:
        """The name of the area on show."""
        return self.tabs.tabText(self.tabs.currentIndex())

    def save_layout(self) -> None:
        """Remember the window geometry, the dock layout and the open area."""
        layout_settings.save_layout(self.settings, self, self.studio, self.current_area())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.studio.stepper.set_playing(False)
        self.save_layout()
        self.executor.shutdown()
        super().closeEvent(event)
