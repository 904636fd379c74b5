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

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QStyle, QVBoxLayout, QWidget

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
from rnn_studio.ui.panels.stepper import StepperPanel, install_shortcuts
from rnn_studio.ui.panels.unrolled import UnrolledPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import set_role_style
from rnn_studio.ui.widgets.compare_story import CompareStoryBar
from rnn_studio.ui.widgets.showme_banner import ShowMe, ShowMeBanner

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

DOCK_FEATURES = (
    QDockWidget.DockWidgetFeature.DockWidgetMovable
    | QDockWidget.DockWidgetFeature.DockWidgetFloatable
)


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
        self.code = CodePanel(bridge)
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
        self.setCentralWidget(central)

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
        #: True while Outputs sits in a tab beside Gates because the font is too large
        #: for four docks in the left column (see :meth:`fit_docks_to_font`).
        self.outputs_tabbed_for_font = False
        self._size_before_font: QSize | None = None
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
        unrolled = self.docks["unrolled"]
        chain = self.unrolled.view
        height = unrolled.minimumSizeHint().height() + (
            chain.sizeHint().height() - chain.minimumSizeHint().height()
        )
        self.resizeDocks([unrolled], [height], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["gates"]], [230], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.docks[name] for name in ("gradients", "equations")],
            [350, 160],
            Qt.Orientation.Vertical,
        )
        # Sequence, Model and Stepper with their whole hints; Outputs takes the rest.
        left = [self.docks[name] for name in LEFT_COLUMN]
        heights = [self._comfortable_height(name) for name in LEFT_COLUMN[:-1]]
        separator = self.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent)
        rest = self.height() - sum(heights) - separator * (len(left) - 1)
        heights.append(max(rest, left[-1].minimumSizeHint().height()))
        self.resizeDocks(left, heights, Qt.Orientation.Vertical)

    def _comfortable_height(self, panel_id: str) -> int:
        """A dock's minimum height plus what its panel needs to show its whole hint."""
        panel = self.panels[panel_id]
        hint = panel.hint
        width = hint.width() if hint.width() > 40 else 260
        extra = hint.full_height(width) - hint.line_height()
        reserve = panel.hint_reserve_lines * panel.fontMetrics().lineSpacing()
        return self.docks[panel_id].minimumSizeHint().height() + extra + reserve

    def left_column_minimum(self) -> int:
        """Height the left column needs with every visible left dock at its minimum."""
        docks = [self.docks[name] for name in LEFT_COLUMN]
        shown = [dock for dock in docks if not dock.isHidden()]
        return sum(dock.minimumSizeHint().height() for dock in shown) + SEPARATOR_ALLOWANCE

    def height_budget(self) -> int:
        """The studio's height in a window :data:`DESIGN_HEIGHT` pixels high.

        Always the projector's 720 pixels, whatever the screen: a layout that fits there
        fits everywhere, and a lesson prepared on a laptop looks the same in class.
        """
        window = self.window()
        chrome = window.frameGeometry().height() - self.height() if window is not self else 0
        return DESIGN_HEIGHT - max(chrome, 0)

    def fit_docks_to_font(self) -> None:
        """Tab Outputs beside Gates when the font is too large for the left column.

        A projector font (×1.5) makes the four left docks taller than a 1280×720 screen;
        Outputs then shares the centre column's bottom with Gates, in tabs (in front for the
        vanilla RNN, which has no gates). When the font shrinks again it goes back under the
        Stepper. A user can drag it anywhere meanwhile.
        """
        if self.default_sizes_pending:
            # The hints' widths are known now: size the docks to show them whole.
            self.default_sizes_pending = False
            self.apply_default_sizes()
        self._refit_docks()
        self._size_to_restore, self._size_before_font = self._size_before_font, None
        self._after_fit_timer.start()

    def _after_fit(self) -> None:
        """Once the dock layout has taken the refit: favour the gradient plot, and give the
        window back the size it had before the font grew it."""
        if self._favour_gradients_pending:
            self._favour_gradients_pending = False
            self._favour_gradient_plot()
        size, self._size_to_restore = self._size_to_restore, None
        window = self.window()
        if size is None or window is self:
            return
        if window.windowState() == Qt.WindowState.WindowNoState and window.size() != size:
            for layout in (self.layout(), window.layout()):
                if layout is not None:
                    layout.activate()  # the refitted minimum, before the window is resized
            window.resize(size)  # no smaller than the (refitted) minimum

    def _refit_docks(self) -> None:
        outputs, gates = self.docks["outputs"], self.docks["gates"]
        if self.outputs_tabbed_for_font:
            if outputs not in self.tabifiedDockWidgets(gates):
                self.outputs_tabbed_for_font = False  # the user moved it: leave it there
                return
            if self.left_column_minimum() <= self.height_budget():
                self.splitDockWidget(self.docks["stepper"], outputs, Qt.Orientation.Vertical)
                self.outputs_tabbed_for_font = False
            return
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        in_left_column = self.dockWidgetArea(outputs) == left and not outputs.isFloating()
        if in_left_column and self.left_column_minimum() > self.height_budget():
            self.tabifyDockWidget(gates, outputs)
            self._tabbed_for_kind = self.session.cell_kind
            (outputs if self.session.cell_kind == "rnn" else gates).raise_()
            self.outputs_tabbed_for_font = True
            self._favour_gradients_pending = True

    def _raise_gates_or_outputs(self, *_: object) -> None:
        """While Outputs shares a tab with Gates: Outputs in front for the gateless RNN."""
        if not self.outputs_tabbed_for_font:
            return
        kind = self.session.cell_kind
        if kind != self._tabbed_for_kind:
            self._tabbed_for_kind = kind
            self.docks["outputs" if kind == "rnn" else "gates"].raise_()

    def _favour_gradient_plot(self) -> None:
        """Give the gradient plot most of the right column (the equations scroll)."""
        right = [self.docks["gradients"], self.docks["equations"]]
        total = sum(dock.height() for dock in right)
        share = round(total * GRADIENTS_SHARE)
        self.resizeDocks(right, [share, total - share], Qt.Orientation.Vertical)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            window = self.window()
            if (
                self._size_before_font is None
                and window.windowState() == Qt.WindowState.WindowNoState
            ):
                # A larger font grows the window's minimum and Qt grows the window; once
                # the docks are refitted it goes back to this size.
                self._size_before_font = window.size()
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
        dock.setWidget(panel)
        self.addDockWidget(area, dock)
        self.docks[panel.panel_id] = dock
        return dock

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
