"""The Studio area: nine panels in docks around the memory heatmap, all visible at 1280×720.

Layout (docks can be moved, floated and resized; the arrangement is remembered)::

    ┌──────────┬──────────────────── Unrolled ─────────────────────┐
    │ Sequence ├──────────────────────────┬─────────────────────────┤
    │ Model    │ Memory (central)         │ Gradient decay          │
    │ Stepper  ├──────────────────────────┤                         │
    │ Outputs  │ Gates                    │ Equations               │
    └──────────┴──────────────────────────┴─────────────────────────┘
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QVBoxLayout, QWidget

from rnn_studio.ui.panels.base import StudioPanel
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
from rnn_studio.ui.theme import WARNING_BACKGROUND

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
        gradients, outputs.
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
        self.warning_label.setAccessibleName("Numerical warning")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(
            f"background: {WARNING_BACKGROUND}; padding: 4px; border-radius: 3px;"
        )
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
        self.default_sizes_pending = True
        self.shortcuts = install_shortcuts(self, self.stepper)
        self.stepper.playing_changed.connect(self.equations.set_throttled)
        bridge.warning_changed.connect(self._show_warning)
        self._show_warning(self.session.warning)

    def apply_default_sizes(self) -> None:
        """Size the docks for 1280×720 (used until the user's own layout is saved)."""
        self.resizeDocks(
            [self.docks["sequence"], self.docks["gradients"]], [290, 430], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.docks["unrolled"]], [150], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["gates"]], [230], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.docks[name] for name in ("gradients", "equations")],
            [300, 210],
            Qt.Orientation.Vertical,
        )
        self.resizeDocks(
            [self.docks[name] for name in ("sequence", "model", "stepper", "outputs")],
            [145, 226, 127, 192],
            Qt.Orientation.Vertical,
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.default_sizes_pending:
            self.default_sizes_pending = False
            self.apply_default_sizes()

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

    def _show_warning(self, message: str) -> None:
        self.warning_label.setText(f"⚠ {message}" if message else "")
        self.warning_label.setVisible(bool(message))
