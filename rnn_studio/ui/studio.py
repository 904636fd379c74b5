"""The Studio area: eleven panels in docks around the memory heatmap, fitting 1280×720.

Layout (docks can be moved, floated and resized; the arrangement is remembered)::

    ┌──────────┬──────────────────── Unrolled ─────────────────────┐
    │ Sequence ├──────────────────────────┬─────────────────────────┤
    │ Model    │ Memory (central)         │ Gradient decay          │
    │ Stepper  ├──────────────────────────┤                         │
    │ Outputs  │ Gates | Inside the cell  │ Equations               │
    └──────────┴──────────────────────────┴─────────────────────────┘

(Gates and the cell diagram share a dock area as tabs; so do Equations and Code.)
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QStatusBar,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.ui.accessibility import complete_accessible_text
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.panels.cell import CellViewPanel
from rnn_studio.ui.panels.code import CodePanel
from rnn_studio.ui.panels.equations import EquationsPanel
from rnn_studio.ui.panels.gates import GatesPanel
from rnn_studio.ui.panels.gradients import GradientsPanel
from rnn_studio.ui.panels.memory import MemoryPanel
from rnn_studio.ui.panels.model import ModelPanel
from rnn_studio.ui.panels.outputs import OutputsPanel
from rnn_studio.ui.panels.sequence import SequencePanel
from rnn_studio.ui.panels.stepper import StepperPanel, StepperStrip, install_shortcuts
from rnn_studio.ui.panels.unrolled import UnrolledPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.settings import LAYOUT_VERSION
from rnn_studio.ui.theme import set_role_style
from rnn_studio.ui.widgets.compare_story import CompareStoryBar
from rnn_studio.ui.widgets.showme_banner import ShowMe, ShowMeBanner

#: Qt's largest widget size (QWIDGETSIZE_MAX): no limit.
QWIDGETSIZE_MAX = (1 << 24) - 1
#: The window height the studio must fit (a 1280×720 projector), whatever the screen.
DESIGN_HEIGHT = 720
#: Docks of the left column, top to bottom.
LEFT_COLUMN = ("sequence", "model", "stepper", "outputs")
#: Room the dock separators and title bars of the left column take besides the docks' minima.
SEPARATOR_ALLOWANCE = 24
#: Share of the right column the gradient panel gets when the layout is refitted to a font.
GRADIENTS_SHARE = 0.72
#: The dock layout takes a few event-loop turns to settle after a refit.
AFTER_FIT_DELAY_MS = 60

#: Pixels of frames and margins around the studio besides the bars above and below it.
CHROME_SLACK = 4
#: Height of the equations dock in the default layout (it scrolls; the plot above needs room).
EQUATIONS_HEIGHT = 125
#: Least share of the height budget the memory heatmap keeps, whatever the font.
MEMORY_SHARE = 0.3
#: The heatmap's least share of the height when fewer panels are shown (large fonts).
FEW_MEMORY_SHARE = 0.42
#: The window width the studio must fit.
DESIGN_WIDTH = 1280
#: Largest share of the budget (width, height) a dock claims in the "few panels"
#: arrangement; a panel that needs more scrolls.
FEW_PANEL_SHARES = {
    "unrolled": (0.95, 0.2),
    "memory": (0.36, 0.36),
    "gates": (0.36, 0.3),
    "cell": (0.36, 0.3),
    "code": (0.25, 0.3),  # beside the cell diagram, or under Equations (the right column)
    "gradients": (0.3, 0.7),
    "equations": (0.3, 0.7),
    "other": (0.26, 0.46),  # the left column: two groups of tabs
}
#: Version stamp of the dock states (the settings file's).
LAYOUT_STATE_VERSION = LAYOUT_VERSION
#: The tabs of the "few panels" arrangement (the first of each pair in front).
FEW_PANEL_TABS = (("sequence", "model"), ("stepper", "outputs"), ("gradients", "equations"))
#: The tabs of the "few panels" arrangement in a studio that scrolls down (the main
#: window's): fewer tabs to a group, so that every tab title reads whole at text size 3.0
#: (Gates | Inside the cell | Code needed 520 px of a 460 px column, Gradient decay |
#: Equations 500 px of 350). Gradient decay has the right column to itself; Equations |
#: Code go to the foot of the left column.
SCROLLING_FEW_PANEL_TABS = (("stepper", "outputs"), ("sequence", "model"), ("equations", "code"))

DOCK_FEATURES = (
    QDockWidget.DockWidgetFeature.DockWidgetMovable
    | QDockWidget.DockWidgetFeature.DockWidgetFloatable
)


def normal_state(window: QWidget) -> bool:
    """Whether ``window`` is neither maximised, full screen nor minimised."""
    special = (
        Qt.WindowState.WindowMaximized
        | Qt.WindowState.WindowFullScreen
        | Qt.WindowState.WindowMinimized
    )
    return not window.windowState() & special


class PanelScroll(QScrollArea):
    """A panel in a frameless scroll area that resizes it.

    Its minimum size is the panel's, as if there were no scroll area, up to :attr:`cap`:
    with a cap (set for a large font, see :meth:`StudioArea.fit_docks_to_font`) a dock
    shorter or narrower than its panel scrolls instead of growing the window past the
    screen or cutting text.
    """

    def __init__(self, content: QWidget, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        # Sized by hand (_fit_content): the panel gets the whole viewport, and more only up
        # to its minimum. (A resizable scroll area would give a panel with word-wrapped
        # labels its height for the width, taller than the dock, instead of letting the
        # panel fold its hint.)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Tab goes to the panel's controls (the area scrolls to show them), not to the area.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(content.accessibleName() or name.replace("_", " "))
        self.setWidget(content)
        content.installEventFilter(self)
        self.cap: QSize | None = None
        #: A height to claim even when the panel needs less (the heatmap's share).
        self.least_height = 0
        #: A width to claim even when the panel needs less (its dock's tab titles, whole).
        self.least_width = 0

    def set_least_height(self, height: int) -> None:
        """Claim at least ``height`` pixels, or the panel's minimum if that is more (an
        explicit minimum height would hide the panel's own: its plots' floors)."""
        if height != self.least_height:
            self.least_height = height
            self.updateGeometry()

    def set_least_width(self, width: int) -> None:
        """Claim at least ``width`` pixels across, or the panel's minimum if that is more."""
        if width != self.least_width:
            self.least_width = width
            self.updateGeometry()

    def set_cap(self, cap: QSize | None) -> None:
        """The largest minimum size to claim (None: the panel's whole minimum)."""
        if cap != self.cap:
            self.cap = cap
            self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        content = self.widget()
        needed = content.minimumSizeHint() if content is not None else QSize(0, 0)
        needed.setHeight(max(needed.height(), self.least_height))
        needed.setWidth(max(needed.width(), self.least_width))
        if self.cap is None:
            return needed
        # Fewer panels at a large font: word-wrapped labels (a legend, a description) take
        # the lines they wrap to at this width, not the one line of the minimum.
        needed.setHeight(max(needed.height(), self._wrapped_height(needed.width())))
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        width = min(needed.width(), self.cap.width())
        height = min(needed.height(), self.cap.height())
        # Room for the scroll bar the other way, so that one bar does not bring the other.
        if height < needed.height():
            width = min(width + bar, max(needed.width() + bar, width))
        if width < needed.width():
            height = min(height + bar, max(needed.height() + bar, height))
        return QSize(max(width, self.least_width), height)

    def sizeHint(self) -> QSize:
        content = self.widget()
        return content.sizeHint() if content is not None else super().sizeHint()

    def _wrapped_height(self, least_width: int) -> int:
        """The panel's least height for the width it gets, with its labels wrapped (0: none).

        The least height, not the preferred one (``heightForWidth``): a plot view's
        preferred height is the size it was last given, so a dock came back taller after
        presenter mode (the Gates panel by 56 px at text size 2.0).
        """
        content = self.widget()
        if content is None or not content.hasHeightForWidth():
            return 0
        width = max(self.viewport().width(), least_width)
        layout = content.layout()
        if layout is None:
            return content.heightForWidth(width)
        margins = content.contentsMargins()
        inner = width - margins.left() - margins.right()
        return layout.minimumHeightForWidth(inner) + margins.top() + margins.bottom()

    def _fit_content(self) -> None:
        content = self.widget()
        if content is None:
            return
        needed = content.minimumSizeHint().expandedTo(content.minimumSize())
        if self.cap is not None:  # as minimumSizeHint: fewer panels, wrapped labels whole
            needed.setHeight(max(needed.height(), self._wrapped_height(needed.width())))
        room = self.viewport().size()
        size = QSize(max(room.width(), needed.width()), max(room.height(), needed.height()))
        if content.size() != size:
            content.resize(size)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_content()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self._fit_content()  # its minimum may have changed (a font, a folded hint)
            self.updateGeometry()
        return super().eventFilter(watched, event)


class DockTitleBar(QWidget):
    """A dock's title in the app's font (Qt draws its own title in a platform font that no
    text size reaches), with the float button; dragging it moves the dock as before."""

    def __init__(self, dock: QDockWidget) -> None:
        super().__init__(dock)
        self.setObjectName(f"{dock.objectName()}_title")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 2, 0)
        row.setSpacing(2)
        self.label = QLabel(dock.windowTitle(), self)
        self.label.setObjectName(f"{dock.objectName()}_title_text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.float_button = QToolButton(self)
        self.float_button.setObjectName(f"{dock.objectName()}_float")
        self.float_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarNormalButton)
        )
        self.float_button.setAutoRaise(True)
        self.float_button.setIconSize(QSize(10, 10))
        self.float_button.setStyleSheet("QToolButton { padding: 0px; margin: 0px; }")
        self.float_button.setToolTip("Float this panel in a window of its own (and back)")
        self.float_button.setAccessibleName(f"Float the {dock.windowTitle()} panel")
        self.float_button.clicked.connect(lambda: dock.setFloating(not dock.isFloating()))
        row.addWidget(self.label, 1)
        row.addWidget(self.float_button)
        dock.windowTitleChanged.connect(self.label.setText)


class StudioScroll(QScrollArea):
    """The studio in a scroll area that scrolls downwards only.

    At the everyday sizes the studio fits and this changes nothing. At a text size whose
    panels, with their plots at a useful height, need more than the screen's height (the
    "few panels" arrangement), the studio grows taller than the window and scrolls down,
    one direction only (as WCAG 1.4.10 asks of reflowed content), instead of squeezing the
    heatmaps, the chain and the gradient plot into slivers.
    """

    def __init__(self, studio: QWidget | None = None) -> None:
        super().__init__()
        self.setObjectName("studio_scroll")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the panels' controls
        self.setAccessibleName("Studio")
        if studio is not None:
            self.hold(studio)

    def hold(self, studio: QWidget) -> None:
        """Scroll ``studio`` (best made with :meth:`viewport` as its parent: a built widget
        tree moved into a styled window is restyled widget by widget)."""
        self.setWidget(studio)
        studio.installEventFilter(self)
        if isinstance(studio, StudioArea):
            #: The Stepper's buttons pinned above the studio while it is scrolled past them.
            self.strip = StepperStrip(studio.stepper, self)
            self.strip.hide()
            bar = self.verticalScrollBar()
            bar.valueChanged.connect(self.place_strip)
            bar.rangeChanged.connect(self.place_strip)
            studio.docks["stepper"].visibilityChanged.connect(self.place_strip)
            studio.docks["stepper"].topLevelChanged.connect(self.place_strip)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the studio's minimum width may have changed (a font)
        return super().eventFilter(watched, event)

    def stepper_scrolled_away(self) -> bool:
        """Whether the studio is scrolled down past the Stepper's buttons (or the Stepper,
        docked in it, is behind another tab while the studio is scrolled)."""
        studio = self.widget()
        if not isinstance(studio, StudioArea) or self.verticalScrollBar().value() <= 0:
            return False
        dock = studio.docks["stepper"]
        if dock.isFloating() or dock.isHidden():
            return False  # a window of its own, or closed: nothing to repeat here
        stepper = studio.stepper
        if not stepper.isVisible():
            return True  # behind the Outputs tab
        button = stepper.play_button
        foot = button.mapTo(studio, QPoint(0, button.height())).y()
        return foot <= self.verticalScrollBar().value()

    def place_strip(self, *_: object) -> None:
        """Show the pinned Stepper above the viewport while the Stepper is scrolled away (the
        viewport moves down under it: nothing is covered), and hide it again."""
        strip = getattr(self, "strip", None)
        if strip is None:
            return
        pinned = self.stepper_scrolled_away()
        height = strip.sizeHint().height() if pinned else 0
        if self.viewportMargins().top() != height:
            self.setViewportMargins(0, height, 0, 0)
        if pinned:
            strip.setGeometry(0, 0, self.viewport().width(), height)
        if strip.isVisible() != pinned:
            strip.setVisible(pinned)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.place_strip()

    def minimumSizeHint(self) -> QSize:
        # As wide as the studio needs (it never scrolls sideways); any height.
        studio = self.widget()
        width = studio.minimumSizeHint().width() if studio is not None else 0
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return QSize(width + bar, super().minimumSizeHint().height())


def scrolling(content: QWidget, name: str) -> PanelScroll:
    """``content`` in a :class:`PanelScroll` called ``name``."""
    return PanelScroll(content, name)


class StudioArea(QMainWindow):
    """The studio: a QMainWindow used as a widget so its panels can live in docks.

    Attributes
    ----------
    panels : dict of str to StudioPanel
        By panel id: sequence, model, stepper, unrolled, memory, gates, equations,
        gradients, outputs, cell (the cell diagram) and code (the reference code), both
        tabbed with gates.
    """

    glossary_requested = Signal(str)

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("studio_area")
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setDockNestingEnabled(True)
        self.bridge = bridge
        self.session = bridge.session
        self.sequence = SequencePanel(bridge)
        self.model = ModelPanel(bridge)
        self.stepper = StepperPanel(bridge)
        self.unrolled = UnrolledPanel(bridge)
        self.memory = MemoryPanel(bridge)
        self.gates = GatesPanel(bridge)
        self.equations = EquationsPanel(bridge)
        self.gradients = GradientsPanel(bridge)
        self.outputs = OutputsPanel(bridge)
        # Made behind the Gates tab: the code is listed when its tab is first raised.
        self.code = CodePanel(bridge, on_screen=False)
        self.cell = CellViewPanel(bridge)
        self.panels: dict[str, StudioPanel] = {
            panel.panel_id: panel
            for panel in (
                self.sequence,
                self.model,
                self.stepper,
                self.unrolled,
                self.memory,
                self.gates,
                self.equations,
                self.gradients,
                self.outputs,
                self.code,
                self.cell,
            )
        }
        for panel in self.panels.values():
            panel.glossary_requested.connect(self.glossary_requested)

        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.warning_label = QLabel(central)
        self.warning_label.setObjectName("studio_warning")
        self.warning_label.setTextFormat(Qt.TextFormat.PlainText)  # text from data
        self.warning_label.setAccessibleName("Numerical warning")
        self.warning_label.setWordWrap(True)
        set_role_style(
            self.warning_label,
            "background: $warning_background; color: $warning_text; padding: 4px; "
            "border-radius: 3px;",
        )
        #: "Show me": the demo's title and description, where to look, and the way back.
        self.showme_banner = ShowMeBanner(central)
        self.showme_banner.closed.connect(self._clear_highlight)
        self.highlighted_panel: str | None = None
        column.addWidget(self.showme_banner)
        #: RNN vs LSTM vs GRU in three set-ups (random, forget gate opened, trained).
        self.compare_story = CompareStoryBar(bridge, central)
        self.compare_story.glossary_requested.connect(self.glossary_requested)
        self.model.story_requested.connect(self.compare_story.start)
        column.addWidget(self.compare_story)
        column.addWidget(self.warning_label)
        column.addWidget(self.memory, 1)
        #: The memory heatmap's area (the central widget; presenter mode may hide it).
        self.central_scroll = scrolling(central, "memory_scroll")
        self.setCentralWidget(self.central_scroll)

        self.setCorner(Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.TopDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.docks: dict[str, QDockWidget] = {}
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        for panel in (self.sequence, self.model, self.stepper, self.outputs):
            self._dock(panel, left)
        self._dock(self.unrolled, Qt.DockWidgetArea.TopDockWidgetArea)
        self._dock(self.gradients, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock(self.equations, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock(self.gates, Qt.DockWidgetArea.BottomDockWidgetArea)
        # The cell diagram shares the centre column's bottom with Gates, one tab away.
        cell_dock = self._dock(self.cell, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.docks["gates"], cell_dock)
        # The code next to the diagram: the picture, then the program (a tab bar that is
        # already there, so the projector layout keeps its height).
        code_dock = self._dock(self.code, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(cell_dock, code_dock)
        self.docks["gates"].raise_()
        self.default_sizes_pending = True
        #: The arrangement for the font: "all", "outputs_tabbed" or "few" (see
        #: :meth:`fit_docks_to_font`).
        self.layout_tier = "all"
        #: The layout, window size and arrangement of each font seen, by :meth:`font_key`.
        self._layouts: dict[float, tuple[QByteArray, QSize | None, str]] = {}
        self._fitted_key: float | None = None
        self._base: QByteArray | None = None
        self._base_size: QSize | None = None
        self._fitting_suspended = False
        #: The size the main window was given before any font grew it (set by the window).
        self.first_window_size: QSize | None = None
        self._shown_once = False
        self._tabbed_for_kind = ""
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit_docks_to_font)
        # Timers owned by the studio (not QTimer.singleShot): they die with it.
        self._after_fit_timer = QTimer(self)
        self._after_fit_timer.setSingleShot(True)
        self._after_fit_timer.setInterval(AFTER_FIT_DELAY_MS)
        self._after_fit_timer.timeout.connect(self._after_fit)
        self._favour_gradients_pending = False
        self._size_to_restore: QSize | None = None
        #: The docks to give back after presenter mode (see suspend_fitting).
        self._state_to_restore: QByteArray | None = None
        self._scrolled_before = 0
        self._stepper_least_before = 0
        self._restore_timer = QTimer(self)
        self._restore_timer.setSingleShot(True)
        self._restore_timer.setInterval(AFTER_FIT_DELAY_MS)
        self._restore_timer.timeout.connect(self._restore_state)
        self.shortcuts = install_shortcuts(self, self.stepper)
        self.stepper.playing_changed.connect(self.equations.set_throttled)
        self.gradients.backprop_button.clicked.connect(self.code.follow_backprop)
        self.cell.stage_changed.connect(self.equations.set_highlighted_line)
        self.gradients.backprop_button.clicked.connect(self.unrolled.play_backward)
        self.docks["code"].visibilityChanged.connect(self.code.set_on_screen)
        bridge.warning_changed.connect(self._show_warning)
        # Any set-up applied afterwards (a preset, a scene, another demo) ends the note.
        bridge.demo_applied.connect(self.showme_banner.dismiss)
        bridge.controls_changed.connect(self._raise_gates_or_outputs)
        self._show_warning(self.session.warning)

    def apply_default_sizes(self) -> None:
        """Size the docks for 1280×720 (used until the user's own layout is saved)."""
        self.resizeDocks(
            [self.docks["sequence"], self.docks["gradients"]], [290, 430], Qt.Orientation.Horizontal
        )
        # The unrolled chain at the font's full zoom (it shrinks when its dock is shorter).
        self.resizeDocks([self.docks["unrolled"]], [self.chain_height()], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["gates"]], [230], Qt.Orientation.Vertical)
        # The gradient plot first (its y label needs the height); the equations scroll.
        equations = max(self.docks["equations"].minimumSizeHint().height(), EQUATIONS_HEIGHT)
        self.resizeDocks(
            [self.docks[name] for name in ("gradients", "equations")],
            [self.height(), equations],
            Qt.Orientation.Vertical,
        )
        # Sequence, Model and Stepper with their whole hints; Outputs takes the rest.
        left = [self.docks[name] for name in LEFT_COLUMN]
        heights = [self._comfortable_height(name) for name in LEFT_COLUMN[:-1]]
        separator = self.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
        rest = self.height() - sum(heights) - separator * (len(left) - 1)
        heights.append(max(rest, self.content_minimum(LEFT_COLUMN[-1])))
        self.resizeDocks(left, heights, Qt.Orientation.Vertical)

    def chain_height(self) -> int:
        """Height of the unrolled dock with the chain at the font's full zoom."""
        chain = self.unrolled.view
        extra = chain.sizeHint().height() - chain.minimumSizeHint().height()
        return self.content_minimum("unrolled") + extra

    def _comfortable_height(self, panel_id: str) -> int:
        """A dock's minimum height plus what its panel needs to show its whole hint."""
        panel = self.panels[panel_id]
        hint = panel.hint
        width = hint.width() if hint.width() > 40 else 260
        extra = hint.full_height(width) - hint.line_height()
        reserve = panel.hint_reserve_lines * panel.fontMetrics().lineSpacing()
        return self.content_minimum(panel_id) + extra + reserve

    def left_column_minimum(self, without: tuple[str, ...] = ()) -> int:
        """Height the left column needs to show its visible docks without scrolling."""
        shown = [
            name for name in LEFT_COLUMN if name not in without and not self.docks[name].isHidden()
        ]
        return sum(self.content_minimum(name) for name in shown) + SEPARATOR_ALLOWANCE

    def height_budget(self) -> int:
        """The studio's height in a window :data:`DESIGN_HEIGHT` pixels high, or in the
        window's first size when the screen is smaller (a task bar, a window frame).

        At most the projector's 720 pixels, whatever the screen: a layout that fits there
        fits everywhere, and a lesson prepared on a laptop looks the same in class.
        """
        window = self.window()
        if window is self:
            return DESIGN_HEIGHT
        frame = max(window.frameGeometry().height() - window.height(), 0)
        height = DESIGN_HEIGHT - frame  # the window's own height on a 720-pixel screen
        if self.first_window_size is not None:
            height = min(height, self.first_window_size.height())
        # Menu bar and area tabs above the studio, the status bar below (measured from
        # their hints: the window may be mid-resize while a new font is fitted).
        # (From the scroll area's viewport when there is one: the studio may be scrolled.)
        # (The scroll area, not its viewport: the pinned Stepper moves the viewport down.)
        viewport = self.parentWidget()
        anchor = viewport.parentWidget() if self._scrolls_down() and viewport else self
        assert anchor is not None
        above = anchor.mapTo(window, QPoint(0, 0)).y()
        status = window.findChild(QStatusBar)
        below = status.sizeHint().height() if status is not None and status.isVisible() else 0
        return height - max(above, 0) - below - CHROME_SLACK

    def font_key(self) -> float:
        """The font the layout is fitted to (point size, to a tenth)."""
        return round(self.font().pointSizeF(), 1)

    def fit_docks_to_font(self) -> None:
        """Arrange the docks for the font: every size fits the 1280×720 budget, and a font
        seen before gets back exactly the layout it had.

        Three arrangements, from the one the user made (the untiered layout, :meth:`base_state`):

        * ``"all"``: every panel side by side (the everyday font);
        * ``"outputs_tabbed"``: a projector font (×1.5) makes the four left docks taller
          than the screen; Outputs shares the centre column's bottom with Gates, in tabs (in
          front for the vanilla RNN, which has no gates);
        * ``"few"``: larger still (×2 and up), fewer panels at once: Sequence | Model and
          Stepper | Outputs share the left column in tabs, Gradient decay | Equations the
          right one, so each panel on show is big enough.

        Every panel scrolls in its dock, so nothing is ever cut whatever the arrangement.
        """
        if self.default_sizes_pending:
            # The hints' widths are known now: size the docks to show them whole.
            self.default_sizes_pending = False
            self.apply_default_sizes()
        key = self.font_key()
        if key == self._fitted_key:
            return
        size: QSize | None
        self._set_tier("all")  # no caps while a layout is restored or measured
        self.memory.keep_heatmaps_useful()  # its least height for the new font, now
        # The memory heatmap is the studio's centre: never a sliver (a larger font takes
        # panels out of view before it squeezes the heatmap).
        self._keep_memory_share(MEMORY_SHARE)
        if key in self._layouts:
            state, size, tier = self._layouts[key]
            self._set_tier(tier)
            if tier == "few":
                self._cap_scrolls()  # the minimum sizes the layout was made with
                self._keep_memory_share(FEW_MEMORY_SHARE)
            self._take_scrolled_size()
            self.restoreState(state, LAYOUT_STATE_VERSION)
        else:
            if self._base is None:
                self._base = self.saveState(LAYOUT_STATE_VERSION)
                # The size the window was given (the font may have grown it since).
                self._base_size = self.first_window_size or self._window_size()
            else:
                self._take_scrolled_size()
                self.restoreState(self._base, LAYOUT_STATE_VERSION)
            self._refit_docks()
            size = self._base_size
        self._fitted_key = key
        self._size_to_restore = size
        self._after_fit_timer.start()

    def refit(self) -> None:
        """Fit the docks again for the current font (the window's first size changed)."""
        if self._fitted_key is None:
            return  # not fitted yet: the first fit will use the new size
        self._base_size = self.first_window_size
        self._layouts.pop(self._fitted_key, None)
        self._fitted_key = None
        self._fit_timer.start()

    def base_state(self) -> QByteArray:
        """The dock layout without the arrangement for a large font (what settings keep)."""
        if self.layout_tier == "all" or self._base is None:
            return self.saveState(LAYOUT_STATE_VERSION)
        return QByteArray(self._base)

    def _window_size(self) -> QSize | None:
        window = self.window()
        if window is self or not normal_state(window):
            return None
        return QSize(window.size())

    def _remember_layout(self) -> None:
        """Keep the layout of the font being left, to give it back when the font returns."""
        key, self._fitted_key = self._fitted_key, None
        if key is None:
            return
        state = self.saveState(LAYOUT_STATE_VERSION)
        self._layouts[key] = (state, self._window_size(), self.layout_tier)
        if self.layout_tier == "all":
            self._base, self._base_size = state, self._window_size()

    def _after_fit(self) -> None:
        """Once the dock layout has taken the refit: favour the gradient plot, and give the
        window back the size it had at this font (or before the font grew it)."""
        if self._favour_gradients_pending:
            self._favour_gradients_pending = False
            self._favour_gradient_plot()
        complete_accessible_text(self)  # the tab bars Qt made for docks put into tabs
        size, self._size_to_restore = self._size_to_restore, None
        window = self.window()
        if size is None or window is self:
            return
        if normal_state(window) and window.size() != size:
            if self._scrolls_down():
                self.parentWidget().parentWidget().updateGeometry()  # type: ignore[union-attr]
            for layout in (self.layout(), window.layout()):
                if layout is not None:
                    layout.activate()  # the refitted minimum, before the window is resized
            window.resize(size)  # no smaller than the (refitted) minimum

    @property
    def outputs_tabbed_for_font(self) -> bool:
        """True while Outputs is out of the left column because of the font's size."""
        return self.layout_tier != "all"

    def _set_tier(self, tier: str) -> None:
        self.layout_tier = tier
        self._tabbed_for_kind = self.session.cell_kind
        if tier != "few":
            for scroll in self.findChildren(PanelScroll):
                scroll.set_cap(None)
                scroll.set_least_width(0)
            self.gradients.set_texts_whole(False)
            self._keep_stepper_hint_whole()

    def _cap_scrolls(self) -> None:
        """Cap each dock's minimum at its share of the budget (its panel scrolls beyond).

        A share is of the whole height, for the dock with its title bar and tab bar; what
        they take comes off the panel's cap.
        """
        budget = QSize(self.first_window_size or QSize(DESIGN_WIDTH, DESIGN_HEIGHT))
        budget.setHeight(self.height_budget())
        tab_bar = round(self.fontMetrics().height() * 1.6) + 8
        for scroll in self.findChildren(PanelScroll):
            panel_id = scroll.objectName().removesuffix("_scroll")
            width, height = FEW_PANEL_SHARES.get(panel_id, FEW_PANEL_SHARES["other"])
            dock = self.docks.get(panel_id)
            chrome = SEPARATOR_ALLOWANCE // 2
            if dock is not None:
                margin = dock.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetTitleMargin)
                chrome += dock.fontMetrics().height() + 2 * margin + 4  # the title bar
                if panel_id != "unrolled":
                    chrome += tab_bar  # every other dock shares its place in tabs
            cap_height = max(round(budget.height() * height) - chrome, 40)
            if self._grows_down():
                # The studio scrolls down instead: every panel gets its whole minimum (its
                # plots at a useful height), only the width is shared out.
                cap_height = QWIDGETSIZE_MAX
            cap_width = round(budget.width() * width)
            if panel_id in LEFT_COLUMN:
                # The Stepper's buttons never scroll sideways (they did at text size 3.0).
                cap_width = max(cap_width, self.stepper.minimumSizeHint().width())
            scroll.set_cap(QSize(cap_width, cap_height))
        # Growing down, the gradient panel's verdict and ρ texts are whole under the plot
        # (they scrolled in 36 % of the panel, 127 px of them hidden at text size 3.0).
        self.gradients.set_texts_whole(self._grows_down())
        self._keep_stepper_hint_whole()
        self._keep_tab_titles_whole()

    def _keep_stepper_hint_whole(self) -> None:
        """In the "few panels" arrangement of a studio that scrolls down: the Stepper (on top
        of the left column) claims the height of its whole hint, so the studio grows rather
        than fold it (at text size 3.0 its position line and speed take two rows more)."""
        scroll = self.docks["stepper"].widget()
        if not isinstance(scroll, PanelScroll):
            return
        least = 0
        if self.layout_tier == "few" and self._grows_down():
            panel, hint = self.stepper, self.stepper.hint
            width = hint.width() if hint.width() > 40 else panel.width() - 12
            whole = hint.full_height(width) - hint.line_height()
            least = panel.minimumSizeHint().height() + whole
        scroll.set_least_height(least)

    def few_panel_tabs(self) -> tuple[tuple[str, ...], ...]:
        """The groups of docks in tabs in the "few panels" arrangement (Gates shares its
        place with the cell diagram, and with the code unless the studio scrolls)."""
        if self._scrolls_down():
            return (*SCROLLING_FEW_PANEL_TABS, ("gates", "cell"))
        return (*FEW_PANEL_TABS, ("gates", "cell", "code"))

    def _keep_tab_titles_whole(self, *_: object) -> None:
        """In the "few panels" arrangement: each group of docks in tabs at least as wide as
        its tab titles written whole (Qt elides them to "G…", "Inside the…" otherwise)."""
        if getattr(self, "layout_tier", "") != "few":
            return
        metrics = self.fontMetrics()
        space = self.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace)
        for group in self.few_panel_tabs():
            titles = [self.docks[name].windowTitle() for name in group]
            # A pixel a tab for rounding (Qt measures in fractional advances).
            width = sum(metrics.horizontalAdvance(title) + space + 1 for title in titles)
            for name in group:
                scroll = self.docks[name].widget()
                if isinstance(scroll, PanelScroll):
                    scroll.set_least_width(width)

    def _scrolls_down(self) -> bool:
        """Whether the studio sits in a :class:`StudioScroll` (in a main window)."""
        viewport = self.parentWidget()
        return viewport is not None and isinstance(viewport.parentWidget(), StudioScroll)

    def _keep_memory_share(self, share: float) -> None:
        """The heatmap's area at least ``share`` of the height budget.

        Fewer panels in a scrolling studio: that share or the memory panel's own minimum
        (its heatmaps' floors), whichever is more. Otherwise exactly that share, as the
        layouts of the everyday sizes were made with (the panel scrolls in it if need be).
        """
        least = round(self.height_budget() * share)
        if self.layout_tier == "few" and self._grows_down():
            self.central_scroll.setMinimumHeight(0)
            self.central_scroll.set_least_height(least)
        else:
            self.central_scroll.set_least_height(0)
            self.central_scroll.setMinimumHeight(least)

    def _take_scrolled_size(self) -> None:
        """In a :class:`StudioScroll`: take now the size the scroll area will give the
        studio for the minimum just set (a dock layout restored into the size of another
        font's layout would come out in other proportions)."""
        if not self._scrolls_down():
            return
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
            layout.activate()
        viewport = self.parentWidget()
        assert viewport is not None
        size = viewport.size().expandedTo(self.minimumSizeHint())
        if size != self.size():
            self.resize(size)

    def _grows_down(self) -> bool:
        """Whether the studio may grow taller than the window (it scrolls down), which it
        does not while presenter mode arranges it for the screen."""
        return self._scrolls_down() and not self._fitting_suspended

    def _refit_docks(self) -> None:
        """From the untiered layout: the arrangement the font needs (see fit_docks_to_font)."""
        outputs, gates = self.docks["outputs"], self.docks["gates"]
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        in_left_column = self.dockWidgetArea(outputs) == left and not outputs.isFloating()
        if self._fits() or not in_left_column:
            self._set_tier("all")
            return
        self.tabifyDockWidget(gates, outputs)
        (outputs if self.session.cell_kind == "rnn" else gates).raise_()
        self._set_tier("outputs_tabbed")
        self._favour_gradients_pending = True
        if self._fits():
            return
        # Still too tall: Outputs back in the left column, under the Stepper, in tabs.
        self.splitDockWidget(self.docks["stepper"], outputs, Qt.Orientation.Vertical)
        tabs = FEW_PANEL_TABS
        if self._scrolls_down():
            # The Stepper's buttons on top of the left column, in view before any scrolling.
            vertical = Qt.Orientation.Vertical
            self.splitDockWidget(self.docks["outputs"], self.docks["sequence"], vertical)
            self.splitDockWidget(self.docks["sequence"], self.docks["model"], vertical)
            # Equations | Code at the left column's foot (room it had to spare), Gradient
            # decay the right column's whole height (its texts were cut short under it).
            self.splitDockWidget(self.docks["model"], self.docks["equations"], vertical)
            tabs = SCROLLING_FEW_PANEL_TABS
        for first, second in tabs:
            self.tabifyDockWidget(self.docks[first], self.docks[second])
            self.docks[first].raise_()
        # (_cap_scrolls below keeps every group as wide as its tab titles.)
        self.docks["gates"].raise_()
        self._set_tier("few")
        self._cap_scrolls()
        # Fewer panels so that those on show are big enough: the heatmap first.
        self._keep_memory_share(FEW_MEMORY_SHARE)

    def _fits(self) -> bool:
        """Whether the docks' minimum fits the height budget and the window's width."""
        layout = self.layout()
        if layout is not None:
            layout.invalidate()
            layout.activate()
        needed = self.minimumSizeHint()
        width = self.first_window_size.width() if self.first_window_size else DESIGN_WIDTH
        return needed.height() <= self.height_budget() and needed.width() <= width

    def _raise_gates_or_outputs(self, *_: object) -> None:
        """While Outputs shares a tab with Gates: Outputs in front for the gateless RNN."""
        if self.layout_tier != "outputs_tabbed":
            return
        outputs = self.docks["outputs"]
        if outputs not in self.tabifiedDockWidgets(self.docks["gates"]):
            return  # the user moved it
        kind = self.session.cell_kind
        if kind != self._tabbed_for_kind:
            self._tabbed_for_kind = kind
            self.docks["outputs" if kind == "rnn" else "gates"].raise_()

    def _favour_gradient_plot(self) -> None:
        """Give the gradient plot most of the right column (the equations scroll)."""
        right = [self.docks["gradients"], self.docks["equations"]]
        # The chain at the font's zoom and no taller, the gates at their minimum, the rest of
        # the centre column to the memory heatmap.
        around = [self.docks["unrolled"], self.docks["gates"]]
        heights = [self.chain_height(), self.docks["gates"].minimumSizeHint().height()]
        self.resizeDocks(around, heights, Qt.Orientation.Vertical)
        stepper = self.docks["stepper"]
        if self.layout_tier == "few" and stepper.geometry().top() == 0:
            # The left column as narrow as its panels allow, the right one its share at
            # least: the rest to the memory heatmap in the centre.
            left = max(self.docks[name].minimumSizeHint().width() for name in LEFT_COLUMN)
            least = max(dock.minimumSizeHint().width() for dock in right)
            share = round(FEW_PANEL_SHARES["gradients"][0] * self.width())
            widths = [left, max(least, share)]
            self.resizeDocks([stepper, right[0]], widths, Qt.Orientation.Horizontal)
            # The Stepper's rows arranged for its width, and its position line wrapped for
            # it, before it is measured.
            for layout in (self.layout(), self.stepper.layout()):
                if layout is not None:
                    layout.activate()
            self._keep_stepper_hint_whole()
            # The Stepper on top of the left column: no taller than it needs, the Sequence
            # under it within the first screen.
            tab_bar = round(self.fontMetrics().height() * 1.6) + 8
            height = self._comfortable_height("stepper") + tab_bar
            self.resizeDocks([stepper], [height], Qt.Orientation.Vertical)
        if right[1] in self.tabifiedDockWidgets(right[0]):
            return  # the right column is in tabs
        if self.dockWidgetArea(right[1]) != self.dockWidgetArea(right[0]):
            return  # the equations are in another column
        total = sum(dock.height() for dock in right)
        share = round(total * GRADIENTS_SHARE)
        self.resizeDocks(right, [share, total - share], Qt.Orientation.Vertical)

    def suspend_fitting(self, suspended: bool, state: QByteArray | None = None) -> None:
        """Leave the docks alone while another arrangement (presenter mode) owns them.

        On resuming, a font changed meanwhile is fitted; otherwise ``state`` (the docks as
        :meth:`saveState` gave them before suspending) comes back exactly, with the place
        the studio was scrolled to, once the window is back to its size: restored into
        another size (the full screen, or a studio not yet grown down) the docks came back
        in other proportions (leaving presenter mode from text size 2.0 gave the Stepper
        97 px more and the studio 56 px).
        """
        stepper = self.docks["stepper"].widget()
        assert isinstance(stepper, PanelScroll)
        if suspended:
            self._scrolled_before = self._scroll_bar_value()
            self._stepper_least_before = stepper.least_height
        self._fitting_suspended = suspended
        if self.layout_tier == "few":
            # Fewer panels claim their whole minimum in a studio that scrolls; presenting
            # shows its own few panels in the screen's height: the capped claims meanwhile.
            self._cap_scrolls()
            self._keep_memory_share(FEW_MEMORY_SHARE)
        if suspended:
            return
        if self.font_key() != self._fitted_key:
            self._remember_layout()
            self._fit_timer.start()
        elif state is not None:
            # The Stepper's claim as it was: measured now, its hint still has the width it
            # had while presenting (one line less at text size 2.0, the studio 3 px shorter).
            stepper.set_least_height(self._stepper_least_before)
            self._state_to_restore = QByteArray(state)
            self._restore_timer.start()

    def _scroll_bar_value(self) -> int:
        """How far the studio is scrolled down (0 when it does not scroll)."""
        if not self._scrolls_down():
            return 0
        outer = self.parentWidget().parentWidget()  # type: ignore[union-attr]
        assert isinstance(outer, StudioScroll)
        return outer.verticalScrollBar().value()

    def _restore_state(self) -> None:
        """The dock layout kept by :meth:`suspend_fitting`, in the size it was made in."""
        state, self._state_to_restore = self._state_to_restore, None
        if state is None:
            return
        window = self.window()
        for layout in (window.layout(), self.layout()):
            if layout is not None:
                layout.activate()  # the window's bars back, the studio's minimum refitted
        self._take_scrolled_size()
        self.restoreState(state)
        layout = self.layout()
        if layout is not None:
            layout.activate()
        if self._scrolls_down():
            outer = self.parentWidget().parentWidget()  # type: ignore[union-attr]
            assert isinstance(outer, StudioScroll)
            outer.verticalScrollBar().setValue(self._scrolled_before)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if getattr(self, "_state_to_restore", None) is not None:
            self._restore_timer.start()  # once the window has stopped changing size

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # Qt has laid the docks out again
            self._keep_docks_inside()
        return handled

    def _keep_docks_inside(self) -> None:
        """Lay the docks out again if the last layout left one past the studio's edge.

        Qt shares out a shrink of a few pixels among the docks in fixed-point steps, and can
        leave the bottom dock a pixel past the foot (the Gates dock at 489 + 322 in a studio
        810 px tall, after the studio shrank from 844 to 810 inside its scroll area). A fresh
        layout of the same size fits.
        """
        inside = self.rect()
        for dock in self.docks.values() if hasattr(self, "docks") else ():
            shown = dock.geometry()
            if dock.isFloating() or shown.bottom() < 0 or shown.right() < 0:
                continue  # floating, or behind another tab (Qt moves those off the studio)
            if not inside.contains(shown):
                layout = self.layout()
                if layout is not None:
                    layout.invalidate()
                    layout.activate()
                return

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if getattr(self, "_fitting_suspended", True):
            return  # presenter mode arranges the docks (or __init__ has not finished)
        if event.type() == QEvent.Type.FontChange and self.font_key() != self._fitted_key:
            self._remember_layout()  # before the new font relays the docks out
            self._fit_timer.start()  # after the panels have taken the new font

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.default_sizes_pending:
            self.apply_default_sizes()  # again once laid out (fit_docks_to_font)
        if not self._shown_once:  # a font set before the window was built
            self._shown_once = True
            self._fit_timer.start()

    def _dock(self, panel: StudioPanel, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(panel.title, self)
        dock.setObjectName(f"{panel.panel_id}_dock")
        dock.setFeatures(DOCK_FEATURES)
        dock.setWidget(scrolling(panel, f"{panel.panel_id}_scroll"))
        dock.setTitleBarWidget(DockTitleBar(dock))
        dock.windowTitleChanged.connect(self._keep_tab_titles_whole)  # "▶ … (look here)"
        self.addDockWidget(area, dock)
        self.docks[panel.panel_id] = dock
        return dock

    def content_minimum(self, panel_id: str) -> int:
        """Height the dock of ``panel_id`` needs to show its panel without scrolling."""
        dock = self.docks[panel_id]
        scroll = dock.widget()
        assert scroll is not None
        panel = self.panels[panel_id]
        return (
            dock.minimumSizeHint().height()
            - scroll.minimumSizeHint().height()
            + panel.minimumSizeHint().height()
        )

    def highlighted_steps(self) -> dict[str, int | None]:
        """The step each panel highlights, by panel id (all equal to the cursor)."""
        return {
            panel_id: panel.highlighted_step()
            for panel_id, panel in self.panels.items()
            if panel_id not in ("sequence", "model")
        }

    def show_me(self, show: ShowMe) -> None:
        """Show the "Show me" banner for ``show`` and highlight the panel it is about."""
        self._clear_highlight()
        panel = self.panels[show.panel_id]
        from rnn_studio.state.zoo_studio import describe_model

        # Every demo names the model it uses (issue 10): untrained and how, or trained.
        model = describe_model(self.session)
        if model:
            show = replace(show, description=f"{show.description} {model}")
        self.showme_banner.show_demo(show, panel.title)
        # The banner explains the demo; the compare-story bar (opened by a compare demo)
        # would say it again and, with the banner, leave the memory panel no room.
        self.compare_story.hide()
        self.highlighted_panel = show.panel_id
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        set_role_style(
            panel,
            f"#{panel.objectName()} {{ border: 3px solid $current_step; border-radius: 3px; }}",
        )
        dock = self.docks.get(show.panel_id)
        if dock is not None:
            dock.setWindowTitle(f"▶ {panel.title} (look here)")
            dock.show()
            dock.raise_()  # in front if it shares a tab

    def _clear_highlight(self) -> None:
        if self.highlighted_panel is None:
            return
        panel = self.panels[self.highlighted_panel]
        set_role_style(panel, "")
        dock = self.docks.get(self.highlighted_panel)
        if dock is not None:
            dock.setWindowTitle(panel.title)
        self.highlighted_panel = None

    def _show_warning(self, message: str) -> None:
        self.warning_label.setText(f"⚠ {message}" if message else "")
        self.warning_label.setVisible(bool(message))
