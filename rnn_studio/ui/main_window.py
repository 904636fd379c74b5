"""The main window: Studio, Learn and Train areas behind a tab bar, layout remembered.

Only the Studio is built when the window opens. The Learn and Train areas wait behind a
placeholder tab (:meth:`MainWindow.defer_area`) and are built the first time they are shown,
read (``window.learn``, ``window.train``, ``window.areas["Train"]``) or, for Learn, when a
glossary link asks for a term: each costs a few hundred milliseconds that the first paint
does not pay.

Other parts of the app plug their area in with :meth:`MainWindow.set_area`; the Learn area
connects to :attr:`MainWindow.glossary_requested` (a term link in a studio hint) and calls
``window.session.apply_demo(setup)`` for a "Show me" link, which brings the Studio forward.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QRect, QSettings, QSignalBlocker, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QWidget

from rnn_studio.state.session import StudioSession
from rnn_studio.ui import settings as layout_settings
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.studio import StudioArea, StudioScroll, normal_state
from rnn_studio.ui.workers import QtExecutor

if TYPE_CHECKING:
    from rnn_studio.learn.progress import ProgressStore
    from rnn_studio.ui.learn.learn_area import LearnArea
    from rnn_studio.ui.menus import MenuBar
    from rnn_studio.ui.train.train_area import TrainArea

AREA_NAMES = ("Studio", "Learn", "Train")
#: The first window's size where the screen has room (a 1280×720 projector).
FIRST_SIZE = QSize(1280, 720)
#: The window frame's size before the window manager has framed the window (title bar).
ASSUMED_FRAME = QMargins(1, 32, 1, 1)
#: Qt platforms whose windows have no frame (tests, screenshots).
UNFRAMED_PLATFORMS = ("offscreen", "minimal")


def fitting_size(wanted: QSize, available: QRect, frame: QMargins) -> QSize:
    """``wanted``, made no larger than what fits in ``available`` with ``frame`` around it."""
    return QSize(
        max(min(wanted.width(), available.width() - frame.left() - frame.right()), 320),
        max(min(wanted.height(), available.height() - frame.top() - frame.bottom()), 240),
    )


#: Builds an area for the window and puts it in with ``set_area`` (e.g. ``install_train_area``).
AreaBuilder = Callable[[], QWidget]


class AreaMap(Mapping[str, QWidget]):
    """The window's areas by name; reading a deferred area builds it first."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window

    def __getitem__(self, name: str) -> QWidget:
        return self._window.area(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._window.area_names())

    def __len__(self) -> int:
        return len(self._window.area_names())


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

    #: The menus, presenter mode, sessions, themes and help, attached by
    #: :func:`rnn_studio.ui.menus.install_menus` (absent from a bare window).
    menus: MenuBar

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
        self._progress_store: ProgressStore | None = None
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("main_areas")
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Areas")
        self.setCentralWidget(self.tabs)
        self._areas: dict[str, QWidget] = {}
        self._deferred: dict[str, AreaBuilder] = {}
        self.areas = AreaMap(self)
        # The studio is built in its tab (it scrolls down at big text sizes): moved into the
        # window once built, every one of its widgets would be restyled (Qt's style sheet
        # inheritance), twice, about 3 % of a start (benchmarks/startup.py).
        studio_scroll = StudioScroll()
        self.set_area("Studio", studio_scroll)
        self.studio = StudioArea(self.bridge, studio_scroll.viewport())
        studio_scroll.hold(self.studio)
        self.studio.glossary_requested.connect(self.glossary_requested)
        self.defer_area("Learn", self._install_learn)
        self.defer_area("Train", self._install_train)
        # The first glossary link builds the Learn area, which then opens the term itself.
        self.glossary_requested.connect(self._open_term_in_deferred_learn)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.bridge.demo_applied.connect(lambda _setup: self.show_area("Studio"))
        self.resize(FIRST_SIZE)
        if layout_settings.restore_layout(self.settings, self, self.studio):
            self.studio.default_sizes_pending = False
        #: The size the window would have on a screen with room (restored or 1280×720).
        self.wanted_size = QSize(self.size())
        self.fit_to_screen()
        self._fitted_to_frame = False
        self.show_area(str(layout_settings.read_setting(self.settings, "window/area")))

    # ----------------------------------------------------------------------- screen
    def frame_margins(self) -> QMargins:
        """The window frame around the client area (assumed until the window is framed)."""
        frame, inner = self.frameGeometry(), self.geometry()
        if not self.isVisible():
            framed = QGuiApplication.platformName() not in UNFRAMED_PLATFORMS
            return ASSUMED_FRAME if framed else QMargins()
        return QMargins(
            inner.left() - frame.left(),
            inner.top() - frame.top(),
            frame.right() - inner.right(),
            frame.bottom() - inner.bottom(),
        )

    def fit_to_screen(self, available: QRect | None = None) -> None:
        """Size the window to :attr:`wanted_size`, no larger than fits with its frame in
        ``available`` (the screen without its task bars, by default), and move it in.

        The studio then fits its docks into the height the window really has.
        """
        if available is None:
            screen = self.screen() or QGuiApplication.primaryScreen()
            if screen is None:
                return
            available = screen.availableGeometry()
        if not normal_state(self):
            return
        frame = self.frame_margins()
        size = fitting_size(self.wanted_size, available, frame)
        if size != self.size():
            self.resize(size)
        outer = self.frameGeometry()
        if not available.contains(outer):
            left = min(max(outer.left(), available.left()), available.right() - outer.width() + 1)
            top = min(max(outer.top(), available.top()), available.bottom() - outer.height() + 1)
            self.move(max(left, available.left()), max(top, available.top()))
        if size != self.studio.first_window_size:
            self.studio.first_window_size = size
            self.studio.refit()  # the height the docks must fit in changed

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted_to_frame:
            # Once the window manager has framed the window its real frame is known.
            self._fitted_to_frame = True
            QTimer.singleShot(0, self.fit_to_screen)

    # ------------------------------------------------------------------------ areas
    def set_area(self, name: str, widget: QWidget) -> None:
        """Put ``widget`` in the area called ``name`` (a new tab if there is none yet)."""
        if not widget.objectName():
            widget.setObjectName(f"{name.lower()}_area")
        self._deferred.pop(name, None)
        old = self._areas.get(name)
        self._areas[name] = widget
        if old is None:
            self.tabs.addTab(widget, name)
            return
        if old is widget:
            return
        index = self.tabs.indexOf(old)
        current = self.tabs.currentIndex()
        with QSignalBlocker(self.tabs):  # one area_changed, sent by whoever changed the tab
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, name)
            self.tabs.setCurrentIndex(current)
        old.deleteLater()

    def defer_area(self, name: str, build: AreaBuilder) -> None:
        """Show a placeholder tab for ``name``; ``build()`` makes the real area on first use.

        ``build`` must put the area in with :meth:`set_area` (the ``install_*`` functions do)
        and return it. It runs when the tab is first shown, or when :meth:`area` (also
        ``window.areas[name]``, ``window.learn``, ``window.train``) asks for it.
        """
        placeholder = QLabel(f"Opening the {name} area…", self)
        placeholder.setObjectName(f"{name.lower()}_placeholder")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_area(name, placeholder)
        self._deferred[name] = build

    def is_built(self, name: str) -> bool:
        """Whether the area ``name`` exists and is not waiting for its first use."""
        return name in self._areas and name not in self._deferred

    def area_names(self) -> tuple[str, ...]:
        """The names of the areas, in tab order."""
        return tuple(self._areas)

    def area(self, name: str) -> QWidget:
        """The area ``name``, built now if it was deferred.

        Raises
        ------
        KeyError
            If the window has no area ``name``.
        """
        build = self._deferred.get(name)
        if build is not None:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                widget = build()
            finally:
                QApplication.restoreOverrideCursor()
            if self._areas.get(name) is not widget:
                self.set_area(name, widget)
            layout = self.layout()
            if layout is not None:
                layout.activate()  # the window grows now if the area needs more room
        return self._areas[name]

    def show_area(self, name: str) -> None:
        """Bring the area ``name`` forward (unknown names are ignored)."""
        if name in self._areas:
            self.tabs.setCurrentWidget(self.area(name))

    def current_area(self) -> str:
        """The name of the area on show."""
        return self.tabs.tabText(self.tabs.currentIndex())

    def _on_tab_changed(self, index: int) -> None:
        name = self.tabs.tabText(index)
        if name in self._deferred:
            self.area(name)
        self.area_changed.emit(name)

    # ------------------------------------------------------- the Learn and Train areas
    @property
    def learn(self) -> LearnArea:
        """The Learn area (built on first read)."""
        return self.area("Learn")  # type: ignore[return-value]

    @learn.setter
    def learn(self, area: LearnArea) -> None:
        if self._areas.get("Learn") is not area:
            self.set_area("Learn", area)

    @property
    def train(self) -> TrainArea:
        """The Train area (built on first read)."""
        return self.area("Train")  # type: ignore[return-value]

    @property
    def progress_store(self) -> ProgressStore:
        """The learner's progress store: the Learn area's, or the one it will be given."""
        if self.is_built("Learn"):
            store = getattr(self._areas["Learn"], "store", None)
            if store is not None:
                return store
        if self._progress_store is None:
            from rnn_studio.learn.progress import ProgressStore

            self._progress_store = ProgressStore()
        return self._progress_store

    def _install_learn(self) -> QWidget:
        from rnn_studio.ui.learn import install_learn_area

        return install_learn_area(self, store=self.progress_store)

    def _install_train(self) -> QWidget:
        from rnn_studio.ui.train.train_area import install_train_area

        return install_train_area(self)

    def _open_term_in_deferred_learn(self, term: str) -> None:
        if "Learn" in self._deferred:
            self.area("Learn")  # connects its own handler to glossary_requested ...
            self.glossary_requested.emit(term)  # ... which a new emission reaches

    # ----------------------------------------------------------------------- closing
    def save_layout(self) -> None:
        """Remember the window geometry, the dock layout and the open area."""
        layout_settings.save_layout(self.settings, self, self.studio, self.current_area())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.studio.stepper.set_playing(False)
        self.save_layout()
        self.session.stop_work()  # a long Jacobian curve stops at its next block
        self.executor.shutdown()
        super().closeEvent(event)
