"""Presenter mode: the studio on a projector, driven by a clicker.

:meth:`PresenterMode.enter` (F5) makes the window full screen, scales every font (widgets and
pyqtgraph axes, tick labels and titles) by the teacher's factor, thickens plot lines, trims the
controls to the stepper, and puts a spotlight banner on top that reads the current step aloud
in large type. Keys: PageDown / PageUp (what clickers send) step, B (or ".") blanks the
screen and brings it back, D shows the cell diagram full screen (and hides it), Esc leaves.
:meth:`PresenterMode.leave` restores everything exactly as it was: fonts, pens, docks,
window geometry and state.

:class:`NotesWindow` shows the teacher's notes for the lesson, the current step and the next
one; it opens on a second screen when there is one, else as an ordinary window.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSlider,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.ui.accessibility import (
    PRESENTER_TEXT_FLOOR_PX,
    describe_step,
    set_text_floor_px,
)
from rnn_studio.ui.qt_app import running_app
from rnn_studio.ui.theme import set_app_font, set_role_style
from rnn_studio.ui.widgets.hint import HintLabel

if TYPE_CHECKING:
    from rnn_studio.ui.main_window import MainWindow

DEFAULT_FONT_SCALE = 1.6
#: Qt's largest widget size (QWIDGETSIZE_MAX).
QWIDGETSIZE_MAX = (1 << 24) - 1
MIN_FONT_SCALE, MAX_FONT_SCALE = 1.0, 3.0
#: Plot lines are this many times thicker in presenter mode (at least 3 px).
LINE_SCALE = 2.0
#: The panels presenting shows by default: the chain, the memory and the gradient.
DEFAULT_PANELS = ("unrolled", "memory", "gradients")
#: The panels of the studio's left column.
LEFT_PANELS = ("sequence", "model", "stepper", "outputs")
BASE_TICK_POINT_SIZE = 9.0
#: Qt draws sub- and superscripts at this share of their font's size.
SCRIPT_SHARE = 2 / 3
#: What the clicker keys do, as Help lists them.
STEP_FORWARD = "Presenter mode: step forward (clicker key)"
STEP_BACK = "Presenter mode: step back (clicker key)"
BLANK = "Presenter mode: blank the screen / show it again"
DIAGRAM = "Presenter mode: the cell diagram full screen / back"


@dataclass
class _Saved:
    """Everything presenter mode changes, as it was before."""

    app_font: QFont
    geometry: QByteArray
    normal_geometry: QRect
    window_state: Qt.WindowState
    dock_state: QByteArray
    dock_visible: dict[str, bool]
    tabs_visible: bool
    menu_visible: bool
    status_visible: bool
    area: str
    axes: list[tuple[Any, Any, QFont, dict[str, Any]]] = field(default_factory=list)
    pens: list[tuple[Any, QPen]] = field(default_factory=list)
    labels: list[tuple[Any, Any]] = field(default_factory=list)
    hidden: list[tuple[QWidget, bool]] = field(default_factory=list)
    central_visible: bool = True
    top_right: Qt.DockWidgetArea = Qt.DockWidgetArea.TopDockWidgetArea
    seen: set[int] = field(default_factory=set)
    texts: list[tuple[Any, QFont]] = field(default_factory=list)
    legends: list[tuple[Any, Any]] = field(default_factory=list)
    script_sheet: str | None = None


class PresenterMode(QObject):
    """Presenter mode for a :class:`~rnn_studio.ui.main_window.MainWindow`.

    Parameters
    ----------
    window : MainWindow
        Must have ``studio`` (with ``docks`` and ``stepper``), ``tabs``, ``bridge`` and
        ``session``.
    notes : callable returning str, optional
        The teacher's notes for the lesson (shown by :meth:`show_notes`).
    """

    active_changed = Signal(bool)
    blank_changed = Signal(bool)

    def __init__(self, window: MainWindow, notes: Callable[[], str] | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.notes = notes or (lambda: "")
        self.font_scale = DEFAULT_FONT_SCALE
        #: The panels on show while presenting, chosen by the teacher (Preferences or
        #: View → Presenter panels); the others are hidden for the time being.
        self.panels: tuple[str, ...] = DEFAULT_PANELS
        self.active = False
        self._saved: _Saved | None = None
        self._shortcuts: list[QShortcut] = self._make_keys()
        self.spotlight: QLabel | None = None
        self._toolbar: QToolBar | None = None
        self.blank: QWidget | None = None
        self.notes_window: NotesWindow | None = None

    # ------------------------------------------------------------------------ public
    def set_font_scale(self, scale: float) -> None:
        """The teacher's font scale (1.0 to 3.0); applied now if presenting."""
        if not MIN_FONT_SCALE <= float(scale) <= MAX_FONT_SCALE:
            raise ValueError(f"font scale must be from {MIN_FONT_SCALE} to {MAX_FONT_SCALE}")
        self.font_scale = float(scale)
        if self.active:
            self._apply_fonts()

    def set_panels(self, panels: tuple[str, ...]) -> None:
        """The panels to present (at least one); applied now if presenting."""
        if not panels:
            raise ValueError("presenter mode needs at least one panel")
        self.panels = tuple(panels)
        if self.active:
            self._show_chosen_panels()
            self._give_plots_room()

    def toggle(self) -> None:
        """Enter presenter mode, or leave it."""
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self) -> None:
        """Go full screen with large fonts, thick lines, the stepper and a spotlight."""
        if self.active:
            return
        window = self.window
        studio = window.studio
        app = running_app()
        self._saved = _Saved(
            app_font=QFont(app.font()),
            geometry=window.saveGeometry(),
            normal_geometry=window.geometry(),
            window_state=window.windowState(),
            dock_state=studio.saveState(),
            dock_visible={name: dock.isVisible() for name, dock in studio.docks.items()},
            tabs_visible=window.tabs.tabBar().isVisible(),
            menu_visible=window.menuBar().isVisible(),
            status_visible=window.statusBar().isVisible(),
            area=window.current_area(),
            central_visible=not studio.central_scroll.isHidden(),
            top_right=studio.corner(Qt.Corner.TopRightCorner),
        )
        self.active = True
        studio.suspend_fitting(True)  # presenting arranges the docks itself
        window.show_area("Studio")
        window.tabs.tabBar().setVisible(False)
        window.menuBar().setVisible(False)
        window.statusBar().setVisible(False)  # the spotlight says the same, larger
        self._show_chosen_panels()
        # The teacher explains what the hints say; their room goes to the plots. The controls
        # of the other panels (backprop, clipping, ...) go too: only the stepper's stay.
        for widget in _trimmed_widgets(studio):
            self._saved.hidden.append((widget, not widget.isHidden()))
            widget.setVisible(False)
        self._add_spotlight()
        set_text_floor_px(PRESENTER_TEXT_FLOOR_PX)  # the chain and the cell diagram read it
        self._apply_fonts()
        self._enlarge_scripts(True)
        self._thicken_lines()
        self._install_keys()
        window.showFullScreen()
        self._give_plots_room()
        QTimer.singleShot(0, self._give_plots_room)  # again once the full-screen size is in
        self.active_changed.emit(True)

    def leave(self) -> None:
        """Restore fonts, lines, docks, window geometry and state exactly."""
        if not self.active or self._saved is None:
            return
        saved = self._saved
        window = self.window
        self.set_blank(False)
        cell = getattr(window.studio, "cell", None)
        if cell is not None and cell.full_size is not None:
            cell.full_size.close()
        for shortcut in self._shortcuts:
            shortcut.setEnabled(False)
        if self._toolbar is not None:
            window.removeToolBar(self._toolbar)
            self._toolbar.deleteLater()
            self._toolbar = None
            self.spotlight = None
        try:
            window.bridge.cursor_changed.disconnect(self._refresh_spotlight)
            window.bridge.trace_changed.disconnect(self._refresh_spotlight)
            window.bridge.gradients_changed.disconnect(self._refresh_spotlight)
            window.bridge.trace_changed.disconnect(self._apply_plot_fonts)
            window.bridge.gradients_changed.disconnect(self._apply_plot_fonts)
        except (RuntimeError, TypeError):
            pass
        set_text_floor_px(0.0)
        set_app_font(saved.app_font)
        self._enlarge_scripts(False)
        for item, font in saved.texts:
            item.setFont(font)
        for legend, size in saved.legends:
            legend.opts["labelTextSize"] = size
        for widget, visible in saved.hidden:
            widget.setVisible(visible)
        for axis, label_font, tick_font, label_style in saved.axes:
            axis.setStyle(tickFont=tick_font)
            axis.label.setFont(label_font)
            axis.labelStyle = label_style
            axis._updateLabel()
        for item, pen in saved.pens:
            item.setPen(pen)
        for label, size in saved.labels:
            label.opts["size"] = size
            label.setText(label.text)
        self._tell_panels_plot_fonts()  # the ticks are back to their size
        window.tabs.tabBar().setVisible(saved.tabs_visible)
        window.menuBar().setVisible(saved.menu_visible)
        window.statusBar().setVisible(saved.status_visible)
        window.studio.setCorner(Qt.Corner.TopRightCorner, saved.top_right)
        window.studio.restoreState(saved.dock_state)
        for name, visible in saved.dock_visible.items():
            window.studio.docks[name].setVisible(visible)
        window.studio.central_scroll.setVisible(saved.central_visible)
        if saved.window_state & Qt.WindowState.WindowFullScreen:
            window.showFullScreen()
        elif saved.window_state & Qt.WindowState.WindowMaximized:
            window.showMaximized()
        else:
            window.showNormal()
            window.restoreGeometry(saved.geometry)
            # restoreGeometry fits the window to the screen; put it back exactly where it was.
            window.setGeometry(saved.normal_geometry)
        window.show_area(saved.area)
        self._saved = None
        self.active = False
        # The docks again once the window has its size back (restored into the full
        # screen's size they come back in other proportions).
        window.studio.suspend_fitting(False, saved.dock_state)
        self.active_changed.emit(False)

    def set_blank(self, blank: bool) -> None:
        """Cover the whole window in black (B), or uncover it."""
        if blank and self.blank is None:
            self.blank = QWidget(self.window)
            self.blank.setObjectName("presenter_blank")
            self.blank.setAccessibleName("Screen blanked; press B to show it again")
            self.blank.setStyleSheet("background: #000000;")
            self.blank.setAutoFillBackground(True)
            self.blank.setGeometry(self.window.rect())
            self.blank.show()
            self.blank.raise_()
            self.blank_changed.emit(True)
        elif not blank and self.blank is not None:
            self.blank.hide()
            self.blank.deleteLater()
            self.blank = None
            self.blank_changed.emit(False)

    @property
    def blanked(self) -> bool:
        """True while the screen is blanked."""
        return self.blank is not None

    def toggle_blank(self) -> None:
        """Blank the screen, or bring it back."""
        self.set_blank(not self.blanked)

    def show_notes(self) -> NotesWindow:
        """Open the teacher's notes (on a second screen if there is one) and return the window."""
        if self.notes_window is None:
            self.notes_window = NotesWindow(self.window.bridge, self.notes)
        notes_window = self.notes_window
        notes_window.refresh()
        screens = QGuiApplication.screens()
        here = self.window.screen()
        others = [screen for screen in screens if screen is not here]
        if others:
            notes_window.setScreen(others[0])
            notes_window.setGeometry(others[0].availableGeometry())
            notes_window.on_second_screen = True
        else:
            notes_window.on_second_screen = False
            notes_window.resize(520, 420)
        notes_window.show()
        notes_window.raise_()
        return notes_window

    # --------------------------------------------------------------------- internals
    def _add_spotlight(self) -> None:
        toolbar = QToolBar("Spotlight", self.window)
        toolbar.setObjectName("presenter_toolbar")
        toolbar.setMovable(False)
        self.spotlight = QLabel(toolbar)
        self.spotlight.setObjectName("presenter_spotlight")
        self.spotlight.setAccessibleName("Current step")
        self.spotlight.setWordWrap(True)
        set_role_style(
            self.spotlight,
            "background: $spotlight_background; color: $spotlight_text; "
            "border-left: 8px solid $current_step; padding: 6px 12px; font-weight: 600;",
        )
        toolbar.addWidget(self.spotlight)
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self._toolbar = toolbar
        bridge = self.window.bridge
        bridge.cursor_changed.connect(self._refresh_spotlight)
        bridge.trace_changed.connect(self._refresh_spotlight)
        bridge.gradients_changed.connect(self._refresh_spotlight)
        # New plots and legend entries (another cell, Backprop) get the presenter's fonts.
        bridge.trace_changed.connect(self._apply_plot_fonts)
        bridge.gradients_changed.connect(self._apply_plot_fonts)
        self._refresh_spotlight()

    def _show_chosen_panels(self) -> None:
        """Only the teacher's panels on show; a chosen panel sharing tabs comes to the front."""
        studio = self.window.studio
        for name, dock in studio.docks.items():
            dock.setVisible(name in self.panels)
            if name in self.panels:
                dock.raise_()
        studio.central_scroll.setVisible("memory" in self.panels)
        # The right column (the gradient plot) from top to bottom, beside the chain: the
        # chain is wide anyway, and the plot gets the screen's whole height.
        studio.setCorner(Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

    def _give_plots_room(self) -> None:
        """Share the screen among the chosen panels: the chain as tall as its labels need,
        a side column a third of the width, the memory heatmap the rest."""
        if not self.active:
            return
        self._fit_spotlight()  # the window's width may have changed (full screen)
        studio = self.window.studio
        docks = {name: dock for name, dock in studio.docks.items() if name in self.panels}
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        width = max(self.window.width(), 800)
        height = max(self.window.height(), 600)
        if "unrolled" in docks:
            # The chain at its font's zoom: the dock's own minimum may be capped (presenting
            # from a big text size), which squeezed the chain to a sliver that scrolled.
            # At most a third of the screen, and never less than the chain whole at its
            # least zoom (it scrolled in its dock).
            wanted = max(
                min(studio.chain_height(), height // 3), studio.content_minimum("unrolled")
            )
            studio.resizeDocks([docks["unrolled"]], [wanted], vertical)
        middle = "memory" in self.panels
        side = [docks[name] for name in ("gradients", "equations") if name in docks]
        left = [
            docks[name] for name in ("sequence", "model", "stepper", "outputs") if name in docks
        ]
        share = 0.38 if middle or left else 1.0
        if side:
            studio.resizeDocks(side[:1], [round(width * share)], horizontal)
        if left:
            studio.resizeDocks(
                left[:1], [round(width * (0.25 if middle or side else 1.0))], horizontal
            )
        if len(side) == 2:
            total = sum(dock.height() for dock in side)
            studio.resizeDocks(side, [round(total * 0.65), round(total * 0.35)], vertical)
        bottom = [docks[name] for name in ("gates", "cell", "code") if name in docks]
        if bottom and middle:
            studio.resizeDocks(bottom[:1], [round(height * 0.38)], vertical)

    def _refresh_spotlight(self, *_: object) -> None:
        if self.spotlight is not None:
            text = describe_step(self.window.session)
            self.spotlight.setText(text)
            self.spotlight.setAccessibleDescription(text)
            self._fit_spotlight()

    def _fit_spotlight(self) -> None:
        """The spotlight as wide as the window and no wider, as tall as its text wrapped to
        that width: a long step wraps to a second line instead of running off the screen."""
        if self.spotlight is None:
            return
        width = max(self.window.width() - 40, 200)
        self.spotlight.setFixedWidth(width)
        # Measured here: the label's own height for width kept the lines of the font it had
        # before presenting (two lines at text size 2.0 for one line of text).
        margins = self.spotlight.contentsMargins()
        inner = width - margins.left() - margins.right() - 2 * self.spotlight.margin()
        wrapped = self.spotlight.fontMetrics().boundingRect(
            QRect(0, 0, max(inner, 1), QWIDGETSIZE_MAX),
            Qt.TextFlag.TextWordWrap,
            self.spotlight.text(),
        )
        extra = margins.top() + margins.bottom() + 2 * self.spotlight.margin()
        self.spotlight.setFixedHeight(wrapped.height() + extra)

    def _plot_items(self) -> list[Any]:
        items = []
        for view in self.window.findChildren(pg.GraphicsView):
            scene = view.scene()
            if scene is not None:
                items.extend(scene.items())
        return items

    def floor_points(self) -> float:
        """:data:`PRESENTER_TEXT_FLOOR_PX` in points on the window's screen."""
        return PRESENTER_TEXT_FLOOR_PX * 72.0 / max(self.window.logicalDpiY(), 1)

    def _apply_fonts(self) -> None:
        saved = self._saved
        assert saved is not None
        app = running_app()
        font = QFont(saved.app_font)
        # Relative to the platform's size, not to the everyday scale (see theme.apply_font_scale).
        base_size = app.property("rnn_studio_base_point_size") or saved.app_font.pointSizeF()
        base_size = float(base_size) if base_size and float(base_size) > 0 else 10.0
        # Never below the floor, whatever the scale: read from the back of the room.
        font.setPointSizeF(max(base_size * self.font_scale, self.floor_points()))
        # Remember the plots' everyday fonts before the app font changes them (set_app_font
        # makes axis labels and legends follow it), then put the presenter's on top.
        self._apply_plot_fonts()
        set_app_font(font, app)
        self._apply_plot_fonts()
        self._fit_spotlight()  # its lines in the new font

    def _enlarge_scripts(self, enlarge: bool) -> None:
        """Equations' sub- and superscripts at the floor too: Qt draws them at two thirds of
        their font (13 px in a 19 px text), so while presenting their font is the floor
        over two thirds. Only this view's default style sheet changes (the panel's HTML is
        its own); on leaving the old sheet comes back."""
        saved = self._saved
        equations = getattr(self.window.studio, "equations", None)
        browser = getattr(equations, "browser", None)
        if saved is None or equations is None or not isinstance(browser, QTextBrowser):
            return
        document = browser.document()
        if enlarge:
            saved.script_sheet = document.defaultStyleSheet()
            size = math.ceil(PRESENTER_TEXT_FLOOR_PX / SCRIPT_SHARE)
            sheet = f"sub, sup {{ font-size: {size}px; }}"
            document.setDefaultStyleSheet(f"{saved.script_sheet}\n{sheet}".strip())
        elif saved.script_sheet is not None:
            document.setDefaultStyleSheet(saved.script_sheet)
        equations.refresh()  # the sheet applies when the HTML is set again

    def tick_font(self) -> QFont:
        """The font of plot ticks, axis labels and plot texts while presenting."""
        assert self._saved is not None
        font = QFont(self._saved.app_font)
        font.setPointSizeF(max(BASE_TICK_POINT_SIZE * self.font_scale, self.floor_points()))
        return font

    def _apply_plot_fonts(self, *_: object) -> None:
        """Presenter fonts on every plot's ticks, labels, legends and texts, also on those a
        new set-up adds while presenting (they are remembered and restored on leaving)."""
        saved = self._saved
        if not self.active or saved is None:
            return
        tick_font = self.tick_font()
        label_size = f"{tick_font.pointSizeF() * 1.2:.0f}pt"
        for item in self._plot_items():
            new = id(item) not in saved.seen
            saved.seen.add(id(item))
            if isinstance(item, pg.AxisItem) and item.label is not None:
                if new:
                    old_tick = item.style.get("tickFont")
                    saved.axes.append(
                        (item, QFont(item.label.font()), old_tick, dict(item.labelStyle))
                    )
                item.setStyle(tickFont=tick_font)
                item.label.setFont(tick_font)
                if "font-size" in item.labelStyle:
                    item.labelStyle = {
                        **item.labelStyle,
                        "font-size": f"{tick_font.pointSizeF():.0f}pt",
                    }
                item._updateLabel()
            elif isinstance(item, pg.LabelItem):
                if new:
                    saved.labels.append((item, item.opts.get("size")))
                item.opts["size"] = label_size
                item.setText(item.text)
            elif isinstance(item, pg.TextItem):
                if new:
                    saved.texts.append((item, QFont(item.textItem.font())))
                item.setFont(tick_font)
            elif isinstance(item, pg.LegendItem):
                if new:
                    saved.legends.append((item, item.opts.get("labelTextSize")))
                item.opts["labelTextSize"] = label_size  # for entries added later
        self._tell_panels_plot_fonts()

    def _tell_panels_plot_fonts(self) -> None:
        """Panels that make room for their plots' labels (the colour bars' ends) refit."""
        for panel in getattr(self.window.studio, "panels", {}).values():
            hook = getattr(panel, "plot_fonts_changed", None)
            if callable(hook):
                hook()

    def _thicken_lines(self) -> None:
        saved = self._saved
        assert saved is not None
        done: set[int] = set()
        for found in self._plot_items():
            item = found
            if isinstance(item, pg.PlotCurveItem) and isinstance(
                item.parentItem(), pg.PlotDataItem
            ):
                # The data item hands its own pen to its curve at every range change.
                item = item.parentItem()
            if id(item) in done:
                continue
            done.add(id(item))
            if isinstance(
                item,
                (
                    pg.PlotDataItem,
                    pg.PlotCurveItem,
                    pg.InfiniteLine,
                    QGraphicsRectItem,
                    QGraphicsLineItem,
                ),
            ):
                pen = QPen(_current_pen(item))
                if pen.style() == Qt.PenStyle.NoPen or pen.color().alpha() == 0:
                    continue
                saved.pens.append((item, QPen(pen)))
                pen.setWidthF(max(pen.widthF() * LINE_SCALE, 3.0))
                pen.setCosmetic(True)
                item.setPen(pen)

    def toggle_cell_diagram(self) -> None:
        """Show the studio's cell diagram full screen, or close it (the D key)."""
        cell = getattr(self.window.studio, "cell", None)
        if cell is None:
            return
        if cell.full_size is not None and cell.full_size.isVisible():
            cell.full_size.close()
        else:
            cell.show_full_size()

    def _make_keys(self) -> list[QShortcut]:
        """The clicker keys, made once and enabled only while presenting (Help lists them)."""
        session = self.window.session
        bindings = (
            (Qt.Key.Key_PageDown, session.step_forward, "presenter_next", STEP_FORWARD),
            (Qt.Key.Key_PageUp, session.step_back, "presenter_previous", STEP_BACK),
            (Qt.Key.Key_B, self.toggle_blank, "presenter_blank", BLANK),
            (Qt.Key.Key_Period, self.toggle_blank, "presenter_blank_period", BLANK),
            (Qt.Key.Key_Escape, self.leave, "presenter_leave", "Presenter mode: leave it"),
            (Qt.Key.Key_D, self.toggle_cell_diagram, "presenter_cell_diagram", DIAGRAM),
        )
        shortcuts = []
        for key, action, name, what in bindings:
            shortcut = QShortcut(QKeySequence(key), self.window)
            shortcut.setObjectName(name)
            shortcut.setWhatsThis(what)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.setEnabled(False)
            shortcut.activated.connect(action)
            shortcuts.append(shortcut)
        return shortcuts

    def _install_keys(self) -> None:
        for shortcut in self._shortcuts:
            shortcut.setEnabled(True)


def _current_pen(item: Any) -> QPen:
    """The pen an item draws with (pyqtgraph keeps it in different places per item type)."""
    if isinstance(item, pg.InfiniteLine):
        return item.pen
    if isinstance(item, (pg.PlotCurveItem, pg.PlotDataItem)):
        return pg.mkPen(item.opts["pen"])
    return item.pen()


#: Input widgets hidden in presenter mode outside the stepper.
CONTROL_TYPES = (QAbstractButton, QComboBox, QAbstractSpinBox, QSlider, QLineEdit, QPlainTextEdit)


def _trimmed_widgets(studio: QWidget) -> list[QWidget]:
    """Hints everywhere and the controls of every panel but the stepper."""
    hidden: list[QWidget] = list(studio.findChildren(HintLabel))
    panels = getattr(studio, "panels", {})
    for panel_id, panel in panels.items():
        if panel_id == "stepper":
            continue
        for widget in panel.findChildren(QWidget):
            # Skip the parts of composite widgets (a spin box's line edit).
            if isinstance(widget, CONTROL_TYPES) and not isinstance(
                widget.parentWidget(), CONTROL_TYPES
            ):
                hidden.append(widget)
            elif isinstance(widget, QLabel) and isinstance(widget.buddy(), CONTROL_TYPES):
                hidden.append(widget)  # a control's name ("Layers") goes with the control
    return hidden


class NotesWindow(QWidget):
    """The teacher's screen: lesson notes, the current step and what comes next.

    Parameters
    ----------
    bridge : SessionBridge
    notes : callable returning str
        The notes (plain text or simple HTML).
    """

    def __init__(self, bridge: Any, notes: Callable[[], str]) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("presenter_notes")
        self.setWindowTitle("RNN Studio — teacher's notes")
        self.bridge = bridge
        self.notes = notes
        self.on_second_screen = False
        layout = QVBoxLayout(self)
        self.step_label = QLabel(self)
        self.step_label.setObjectName("notes_step")
        self.step_label.setWordWrap(True)
        self.step_label.setAccessibleName("Current step")
        self.next_label = QLabel(self)
        self.next_label.setObjectName("notes_next")
        self.next_label.setWordWrap(True)
        self.next_label.setAccessibleName("Next step")
        self.text = QTextBrowser(self)
        self.text.setObjectName("notes_text")
        self.text.setAccessibleName("Teacher's notes")
        self.text.setToolTip("Your notes for this lesson (saved with the scene)")
        layout.addWidget(self.step_label)
        layout.addWidget(self.next_label)
        layout.addWidget(self.text, 1)
        bridge.cursor_changed.connect(self.refresh)
        bridge.trace_changed.connect(self.refresh)

    def refresh(self, *_: object) -> None:
        """Re-read the notes and the steps."""
        session = self.bridge.session
        self.step_label.setText(f"Now: {describe_step(session)}")
        run = session.run
        if run is not None and session.cursor + 1 < len(run):
            token = run.sequence.tokens[session.cursor + 1]
            self.next_label.setText(f"Next: t = {session.cursor + 1}, input '{token}'")
        else:
            self.next_label.setText("Next: end of the sequence")
        notes = self.notes().strip()
        self.text.setPlainText(
            notes
            or "No notes for this lesson. Add them when you save a scene (File → Save scene…)."
        )
