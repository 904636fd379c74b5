"""Gradient-decay panel: backpropagate from the loss step and watch the gradient shrink or grow.

Solid curves are ‖∂L/∂h_t‖ for the loss L = u·h_L (‖∂L/∂h_L‖ = 1); dashed curves are
‖∂h_L/∂h_t‖_F/√H, the loss-free version. Both are on a log axis against t. Pressing
Backprop animates the gradient travelling back from L to 0. With clipping on, each step's
gradient is capped at the threshold (dotted curve, the faded one shows it before clipping).
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge, blocked
from rnn_studio.ui.theme import OKABE_ITO, accent_text, cell_colours
from rnn_studio.ui.themes import Palette, current_palette
from rnn_studio.ui.widgets.axes import DecadeLogAxis, IntegerAxis, outward_ticks
from rnn_studio.ui.widgets.compact_spin import CompactDoubleSpinBox

#: How long the backwards animation takes, whatever the sequence length.
ANIMATION_MS = 1200
ANIMATION_TICK_MS = 30


def verdict_colours(palette: Palette) -> dict[str, str]:
    """Text colour of each verdict on ``palette``'s window (4.5:1 or more)."""
    return {
        "vanishing": accent_text(OKABE_ITO["blue"], palette),
        "stable": accent_text(OKABE_ITO["bluish_green"], palette),
        "exploding": palette.error,
    }


class GradientsPanel(StudioPanel):
    """Loss step, Backprop, clipping, the log-scale decay plot and the verdict."""

    panel_id = "gradients"
    title = "Gradient decay"
    hint_reserve_lines = 8

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        controls = QHBoxLayout()
        controls.setSpacing(4)
        self.loss_box = QSpinBox(self)
        self.loss_box.setObjectName("gradients_loss_step")
        self.loss_box.setAccessibleName("Loss step")
        self.loss_box.setToolTip("The step whose output the loss reads (last step by default)")
        self.loss_box.setMinimum(-1)
        self.loss_box.setSpecialValueText("last step")
        self.loss_box.setPrefix("loss at t = ")
        self.loss_box.setKeyboardTracking(False)
        self.backprop_button = QPushButton("Backprop ◀", self)
        self.backprop_button.setObjectName("gradients_backprop")
        self.backprop_button.setAccessibleName("Backpropagate through time")
        self.backprop_button.setToolTip("Send the gradient back from the loss step, step by step")
        self.clip_box = QCheckBox("clip at", self)
        self.clip_box.setObjectName("gradients_clip")
        self.clip_box.setAccessibleName("Gradient clipping")
        self.clip_box.setToolTip("Cap each step's gradient norm at the threshold")
        self.clip_threshold = CompactDoubleSpinBox(8, self)
        self.clip_threshold.setObjectName("gradients_clip_threshold")
        self.clip_threshold.setAccessibleName("Clipping threshold")
        self.clip_threshold.setToolTip("Largest gradient norm allowed when clipping is on")
        self.clip_threshold.setDecimals(3)
        self.clip_threshold.setRange(0.001, 1e6)
        self.clip_threshold.setValue(1.0)
        self.clip_threshold.setKeyboardTracking(False)
        controls.addWidget(self.loss_box)
        controls.addWidget(self.backprop_button)
        controls.addStretch(1)
        self.body.addLayout(controls)
        # Clipping on a row of its own: one row of four controls made the panel too wide
        # for 1280×720 at a projector font.
        clipping = QHBoxLayout()
        clipping.setSpacing(4)
        clipping.addWidget(self.clip_box)
        clipping.addWidget(self.clip_threshold)
        clipping.addStretch(1)
        self.body.addLayout(clipping)

        self.plot_widget = pg.PlotWidget(
            self, axisItems={"bottom": IntegerAxis("bottom"), "left": DecadeLogAxis("left")}
        )
        self.plot_widget.setObjectName("gradients_plot")
        self.plot_widget.setAccessibleName("Gradient norm per time step, log scale")
        self.plot_widget.setToolTip(
            "Solid: ‖∂L/∂h_t‖. Dashed: ‖∂h_L/∂h_t‖ (Frobenius, ÷√H). Log scale."
        )
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLogMode(x=False, y=True)
        self.plot.setLabel("bottom", "time step t")
        self.plot.setLabel("left", "gradient norm")
        outward_ticks(self.plot)
        self.plot.setMenuEnabled(False)
        self.legend = self.plot.addLegend(offset=(-4, 4), labelTextSize="8pt")
        self.cursor_line = pg.InfiniteLine(angle=90)
        self.loss_line = pg.InfiniteLine(angle=90)
        self.front_line = pg.InfiniteLine(angle=90)
        self.clip_line = pg.InfiniteLine(angle=0)
        self.placeholder = pg.TextItem(
            "Press Backprop ◀ to send the gradient back in time", anchor=(0.5, 0.5)
        )
        self.plot.addItem(self.placeholder, ignoreBounds=True)
        for line in (self.cursor_line, self.loss_line, self.front_line, self.clip_line):
            self.plot.addItem(line, ignoreBounds=True)
        self.body.addWidget(self.plot_widget, 1)

        self.verdict_label = QLabel(self)
        self.verdict_label.setObjectName("gradients_verdict")
        self.verdict_label.setAccessibleName("Gradient verdict")
        self.verdict_label.setWordWrap(True)
        self.rho_label = QLabel(self)
        self.rho_label.setObjectName("gradients_rho")
        self.rho_label.setAccessibleName("Spectral radius")
        self.rho_label.setToolTip("Largest |eigenvalue| of W_hh: below 1 shrinks, above 1 grows")
        self.rho_label.setWordWrap(True)
        self.body.addWidget(self.rho_label)
        self.body.addWidget(self.verdict_label)
        self.clip_label = QLabel(self)
        self.clip_label.setObjectName("gradients_clip_info")
        self.clip_label.setAccessibleName("Gradient norm before and after clipping")
        self.clip_label.setWordWrap(True)
        self.body.addWidget(self.clip_label)

        self.curves: dict[str, dict[str, pg.PlotDataItem]] = {}
        self.reveal_from = 0
        self._animation = QTimer(self)
        self._animation.setInterval(ANIMATION_TICK_MS)
        self._animation.timeout.connect(self._animate)
        self._animate_next = False

        self.backprop_button.clicked.connect(self._backprop_clicked)
        self.loss_box.valueChanged.connect(self.session.set_loss_step)
        self.clip_box.toggled.connect(self._clip_changed)
        self.clip_threshold.valueChanged.connect(self._clip_changed)
        bridge.controls_changed.connect(self.sync_from_session)
        bridge.trace_changed.connect(self.sync_from_session)
        bridge.trace_changed.connect(lambda _run: self.rho_label.setText(self._rho_text()))
        bridge.gradients_changed.connect(self.show_gradients)
        bridge.cursor_changed.connect(self.show_cursor)
        self.palette = current_palette()
        self._colour_lines(self.palette)
        self.sync_from_session()
        self.show_gradients(self.session.gradients)
        self.show_cursor(self.session.cursor)

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the lines, curves, legend and verdict for ``palette``."""
        self.palette = palette
        self._colour_lines(palette)
        for kind, items in self.curves.items():
            self._colour_curves(kind, items)
        for _sample, label in self.legend.items:
            label.setAttr("color", palette.plot_foreground)
            label.setText(label.text)
        if self.session.gradients:
            self._show_status()

    def _colour_lines(self, palette: Palette) -> None:
        self.cursor_line.setPen(pg.mkPen(palette.current_step, width=2))
        self.loss_line.setPen(pg.mkPen(palette.muted_text, width=1, style=Qt.PenStyle.DashLine))
        self.front_line.setPen(pg.mkPen(OKABE_ITO["reddish_purple"]))
        self.clip_line.setPen(pg.mkPen(palette.error, width=1, style=Qt.PenStyle.DotLine))
        self.placeholder.setColor(palette.muted_text)
        self.legend.setLabelTextColor(palette.plot_foreground)

    def _colour_curves(self, kind: str, items: dict[str, pg.PlotDataItem]) -> None:
        colour = cell_colours(self.palette)[kind]
        items["grad"].setPen(pg.mkPen(colour, width=2.5))
        items["jacobian"].setPen(pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
        items["clipped"].setPen(pg.mkPen(colour, width=3, style=Qt.PenStyle.DotLine))

    # ------------------------------------------------------------------ public for tests
    def highlighted_step(self) -> int | None:
        return round(self.cursor_line.value())

    def visible_curve_kinds(self) -> list[str]:
        """Cells whose ‖∂L/∂h_t‖ curve is on the plot."""
        return [kind for kind, items in self.curves.items() if items["grad"].isVisible()]

    def plotted_norms(self, kind: str) -> np.ndarray:
        """The ‖∂L/∂h_t‖ values the plot shows for ``kind`` (after clipping, if on)."""
        report = (self.session.gradients or {}).get(kind)
        if report is None:
            return np.zeros(0)
        curve = self.curves[kind]["clipped" if report.clip is not None else "grad"]
        _, y = curve.getOriginalDataset()
        return np.zeros(0) if y is None else np.asarray(y)

    # ----------------------------------------------------------------------- updating
    def sync_from_session(self, *_: object) -> None:
        """Show the loss step and clipping settings without echoing them back."""
        session = self.session
        with blocked(self.loss_box, self.clip_box, self.clip_threshold):
            self.loss_box.setMaximum(max(session.length - 1, 0))
            self.loss_box.setValue(session.loss_step)
            self.clip_box.setChecked(session.clip is not None)
            if session.clip is not None:
                self.clip_threshold.setValue(session.clip)
        self.backprop_button.setText(
            "Backprop again ◀" if session.backprop_enabled else "Backprop ◀"
        )

    def show_gradients(self, reports: object) -> None:
        """Draw the curves for new reports (animated after a Backprop click)."""
        reports = self.session.gradients
        self._animation.stop()
        if not reports:
            for items in self.curves.values():
                for item in items.values():
                    item.setVisible(False)
            self.verdict_label.setText("No gradient yet.")
            self.verdict_label.setStyleSheet("")
            self.rho_label.setText(self._rho_text())
            self.clip_label.clear()
            self.front_line.setVisible(False)
            self.loss_line.setVisible(False)
            self.clip_line.setVisible(False)
            self._place_placeholder(True)
            return
        self._place_placeholder(False)
        self.plot.enableAutoRange()
        for kind in list(self.curves):
            if kind not in reports:
                for item in self.curves[kind].values():
                    item.setVisible(False)
        self._sync_legend(reports)
        loss_step = next(iter(reports.values())).loss_step
        self.loss_line.setValue(loss_step)
        self.loss_line.setVisible(True)
        if self._animate_next:
            self._animate_next = False
            self.reveal_from = loss_step
            self._animation.start()
        else:
            self.reveal_from = 0
        self._draw()
        self._show_status()

    def _sync_legend(self, reports: dict) -> None:
        """List only the cells on the plot (a hidden curve would show as a crossed-out eye)."""
        listed = {label.text for _sample, label in self.legend.items}
        for kind, items in self.curves.items():
            name = kind.upper()
            if kind in reports and name not in listed:
                self.legend.addItem(items["grad"], name)
            elif kind not in reports and name in listed:
                self.legend.removeItem(items["grad"])
        for _sample, label in self.legend.items:
            label.setAttr("color", self.palette.plot_foreground)
            label.setText(label.text)

    def _place_placeholder(self, show: bool) -> None:
        self.placeholder.setVisible(show)
        self.plot.getAxis("left").setStyle(showValues=not show)
        if show:
            last = max(self.session.length - 1, 1)
            self.plot.setXRange(0, last, padding=0.02)
            self.plot.setYRange(-2, 0, padding=0)
            self.placeholder.setPos(last / 2, -1)

    def show_cursor(self, t: int) -> None:
        """Move the current-step line."""
        self.cursor_line.setValue(t)

    def _draw(self) -> None:
        reports = self.session.gradients or {}
        clip = self.session.clip
        for kind, report in reports.items():
            items = self._curves_for(kind)
            t = np.arange(len(report.grad_norms), dtype=float)
            keep = t >= self.reveal_from
            grad = _positive(np.where(keep, report.grad_norms, np.nan))
            items["grad"].setData(t, grad)
            items["grad"].setVisible(True)
            faded = clip is not None
            items["grad"].setOpacity(0.35 if faded else 1.0)
            if report.jacobian_norms is not None:
                items["jacobian"].setData(
                    t, _positive(np.where(keep, report.jacobian_norms, np.nan))
                )
                items["jacobian"].setVisible(True)
            else:
                items["jacobian"].setVisible(False)
            items["clipped"].setData(t, _positive(np.where(keep, report.clipped_norms, np.nan)))
            items["clipped"].setVisible(clip is not None)
        self.clip_line.setVisible(clip is not None)
        if clip is not None:
            self.clip_line.setValue(math.log10(clip))
        self.front_line.setVisible(self._animation.isActive())
        self.front_line.setValue(self.reveal_from)

    def _curves_for(self, kind: str) -> dict[str, pg.PlotDataItem]:
        if kind not in self.curves:
            grad = self.plot.plot(name=kind.upper(), connect="finite")
            jacobian = self.plot.plot(connect="finite")
            clipped = self.plot.plot(connect="finite")
            self.curves[kind] = {"grad": grad, "jacobian": jacobian, "clipped": clipped}
            self._colour_curves(kind, self.curves[kind])
            self._sync_legend(self.session.gradients or {})
        return self.curves[kind]

    def _animate(self) -> None:
        reports = self.session.gradients
        if not reports:
            self._animation.stop()
            return
        loss_step = next(iter(reports.values())).loss_step
        per_tick = max(1, math.ceil((loss_step + 1) * ANIMATION_TICK_MS / ANIMATION_MS))
        self.reveal_from = max(self.reveal_from - per_tick, 0)
        if self.reveal_from == 0:
            self._animation.stop()
        self._draw()

    def _show_status(self) -> None:
        reports = self.session.gradients or {}
        if len(reports) == 1:
            report = next(iter(reports.values()))
            verdict = report.verdict
            self.verdict_label.setText(verdict.describe())
            self.verdict_label.setStyleSheet(
                f"color: {verdict_colours(self.palette)[verdict.label]}; font-weight: 600;"
            )
        else:
            lines = []
            for kind, report in reports.items():
                verdict = report.verdict
                factor = verdict.factor_per_step
                per_step = f"×{factor:.3g}/step" if math.isfinite(factor) else "overflow"
                colour = verdict_colours(self.palette)[verdict.label]
                kind_colour = accent_text(cell_colours(self.palette)[kind], self.palette)
                lines.append(
                    f'<span style="color:{kind_colour}; font-weight:600;">'
                    f"{kind.upper()}</span>: "
                    f'<span style="color:{colour};">{verdict.label} {per_step}</span>'
                )
            self.verdict_label.setText(" · ".join(lines))
            self.verdict_label.setStyleSheet("")
        self.rho_label.setText(self._rho_text())
        self.clip_label.setText(self._clip_text(reports))

    def _rho_text(self) -> str:
        run = self.session.run
        if run is None:
            return ""
        return "  ".join(
            f"ρ<sub>{kind}</sub> = {cell.spectral_radius:.2f}"
            if len(run.cells) > 1
            else f"ρ(W_hh) = {cell.spectral_radius:.3f}"
            for kind, cell in run.cells.items()
        )

    def _clip_text(self, reports: dict) -> str:
        pending = [kind.upper() for kind, r in reports.items() if r.jacobian_norms is None]
        parts = []
        clip = self.session.clip
        if clip is not None:
            for kind, report in reports.items():
                before = float(np.nanmax(report.grad_norms))
                after = float(np.nanmax(report.clipped_norms))
                parts.append(
                    f"{kind.upper()}: largest ‖∂L/∂h_t‖ {before:.3g} → {after:.3g}; "
                    f"‖∂L/∂W‖ {report.param_norm_before:.3g} → {report.param_norm_after:.3g}"
                )
        else:
            parts.append("Clipping off: the gradient is shown as it is.")
        if pending:
            parts.append(f"computing ‖∂h_L/∂h_t‖ for {', '.join(pending)}…")
        return " · ".join(parts)

    def _backprop_clicked(self) -> None:
        self._animate_next = True
        self.session.backprop()

    def _clip_changed(self, *_: object) -> None:
        self.session.set_clip(self.clip_threshold.value() if self.clip_box.isChecked() else None)


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros, negatives and infinities become gaps."""
    data = np.asarray(values, dtype=float)
    return np.where(np.isfinite(data) & (data > 0), data, np.nan)


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(GradientsPanel))
