"""Gradient-decay panel: backpropagate from the loss step and watch the gradient shrink or grow.

Solid curves are ‖∂L/∂h_t‖ for the loss L = u·h_L (‖∂L/∂h_L‖ = 1); dashed curves are
‖∂h_L/∂h_t‖_F/√H, the loss-free version (for the LSTM with c_t held fixed). Both are on a
log axis against t, with the loss at the right: a vanishing gradient rises towards the loss,
an exploding one falls towards it. Pressing Backprop animates the gradient travelling back
from L to 0. Norm clipping multiplies the whole gradient by one factor c/‖∂L/∂W‖ when
‖∂L/∂W‖ > c: the dotted curve is the faded one moved down by that factor, same shape.
"""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Mapping

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QTextDocument, QTextOption
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.engine import Cell, largest_singular_value
from rnn_studio.state.gradients import GradientReport
from rnn_studio.studio_core.numbers import format_factor, format_number
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.plot_fonts import legend_text_size
from rnn_studio.ui.qt_bridge import SessionBridge, blocked
from rnn_studio.ui.theme import OKABE_ITO, Palette, accent_text, cell_colours, current_palette
from rnn_studio.ui.widgets.axes import DecadeLogAxis, IntegerAxis, outward_ticks, plot_axes
from rnn_studio.ui.widgets.compact_spin import CompactDoubleSpinBox
from rnn_studio.ui.widgets.lite_plot import LitePlotItem
from rnn_studio.ui.widgets.paint_cache import cache_static
from rnn_studio.ui.widgets.plot_marks import CursorLine

#: The y-axis label, longest first: the longest that fits the plot's height is shown whole
#: (pyqtgraph cuts a rotated label that is taller than its axis: "gradient norr").
Y_LABELS = ("gradient norm", "‖∂L/∂h_t‖", "")

#: Largest share of the panel's height the texts under the plot ask for (they scroll).
TEXTS_SHARE = 0.36

#: The plot's least height, in lines of the panel's font (three decades stay readable).
PLOT_MIN_LINES = 4

#: How long the backwards animation takes, whatever the sequence length.
ANIMATION_MS = 1200
ANIMATION_TICK_MS = 30


class TextColumn(QScrollArea):
    """Labels one under the other that scroll when there is no room for all of them.

    Its size hint is the labels' full height, so it takes that when the panel has it; its
    minimum is two lines, so a short panel keeps its plot and scrolls the texts. When
    :attr:`whole` (a studio that scrolls down, see :meth:`set_whole`) it asks for the labels'
    whole height for its width, as a height for width, and never scrolls.
    """

    def __init__(self, labels: tuple[QLabel, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: Whether the texts ask for their whole height (the panel grows instead of them
        #: scrolling): set in a studio that scrolls down, where the panel may be tall.
        self.whole = False
        column = QWidget(self)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for label in labels:
            label.setParent(column)
            layout.addWidget(label)
        self.setWidget(column)
        column.installEventFilter(self)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_whole(self, whole: bool) -> None:
        """Ask for the labels' whole wrapped height (True) or scroll them in at most
        :data:`TEXTS_SHARE` of the panel (False: a screen's height with a plot above)."""
        if whole != self.whole:
            self.whole = whole
            # No scroll bar when whole: one shown for a moment (a text growing before the
            # panel does) narrowed the texts, so they needed more than their height for the
            # box's width and kept it (82 px hidden in compare mode at 2.0).
            self.setVerticalScrollBarPolicy(
                Qt.ScrollBarPolicy.ScrollBarAlwaysOff
                if whole
                else Qt.ScrollBarPolicy.ScrollBarAsNeeded
            )
            self.updateGeometry()

    def texts_height(self, width: int) -> int:
        """Height of the labels wrapped at ``width`` pixels, one under the other."""
        column = self.widget()
        if column is None:
            return 0
        layout = column.layout()
        height = -1
        if layout is not None and layout.hasHeightForWidth():
            height = layout.totalHeightForWidth(width)
        return height if height >= 0 else column.sizeHint().height()

    def hasHeightForWidth(self) -> bool:
        return self.whole

    def heightForWidth(self, width: int) -> int:
        return self.texts_height(width) + 2 if self.whole else -1

    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 80 else 400
        height = self.texts_height(width)
        # At most a share of the panel: the plot keeps the height its y label needs, and
        # the texts scroll (their minimum still applies).
        panel = self.parentWidget()
        if not self.whole and panel is not None and panel.height() > 0:
            height = min(height, max(round(panel.height() * TEXTS_SHARE), 0))
        return QSize(width, height + 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the wrapped texts' height follows the width

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.whole and watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # a text changed: the height asked for follows it
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:
        return QSize(80, 2 * self.fontMetrics().lineSpacing() + 4)


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
    hint_reserve_lines = 12  # the plot keeps room for its y label (the hint folds)

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        # Side by side when the panel's room allows, stacked when not (a large text size):
        # a row wider than the dock scrolled the whole panel sideways and cut "Backprop".
        controls = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        controls.setSpacing(4)
        self.controls = controls
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
        self.clip_box = QCheckBox("norm clip at", self)
        self.clip_box.setObjectName("gradients_clip")
        self.clip_box.setAccessibleName("Gradient clipping by norm")
        self.clip_box.setToolTip(
            "Norm clipping: when ‖∂L/∂W‖ > c, multiply the whole gradient by c/‖∂L/∂W‖. "
            "One factor for every step, so the direction and the curve's shape are kept."
        )
        self.clip_threshold = CompactDoubleSpinBox(8, self)
        self.clip_threshold.setObjectName("gradients_clip_threshold")
        self.clip_threshold.setAccessibleName("Clipping threshold")
        self.clip_threshold.setToolTip("c: the largest ‖∂L/∂W‖ allowed when clipping is on")
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
        clipping = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        clipping.setSpacing(4)
        self.clipping = clipping
        clipping.addWidget(self.clip_box)
        clipping.addWidget(self.clip_threshold)
        clipping.addStretch(1)
        self.body.addLayout(clipping)
        self.wrapping_rows = [controls, clipping]

        self.plot_widget = pg.PlotWidget(
            self,
            plotItem=LitePlotItem(  # no options form or menu built at start (start-up time)
                axisItems=plot_axes(
                    {"bottom": IntegerAxis("bottom"), "left": DecadeLogAxis("left")}
                ),
                enableMenu=False,
            ),
        )
        self.plot_widget.setObjectName("gradients_plot")
        self.plot_widget.setAccessibleName("Gradient norm per time step, log scale")
        self.plot_widget.setToolTip(
            "Solid: ‖∂L/∂h_t‖. Dashed: ‖∂h_L/∂h_t‖ (Frobenius, ÷√H; LSTM: c_t held fixed). "
            "Dotted: after norm clipping. Log scale; the loss is at the right."
        )
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLogMode(x=False, y=True)
        self.plot.setLabel("bottom", "time step t")
        self.plot.setLabel("left", Y_LABELS[0])
        self.y_label = Y_LABELS[0]
        # Fit after the layout pass: when the view box reports its new size the axis beside
        # it may not have its new height yet.
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(0)
        self._label_timer.timeout.connect(self._fit_y_label)
        self.plot.getViewBox().sigResized.connect(self._label_timer.start)
        self.plot.getAxis("left").geometryChanged.connect(self._label_timer.start)
        # ... or just before a frame is painted, if that comes first: a frame painted in
        # between showed "gradient nor" cut (the first frame of a start at text size 1.5).
        self.plot_widget.viewport().installEventFilter(self)
        outward_ticks(self.plot)
        self.plot.setMenuEnabled(False)
        self.legend = self.plot.addLegend(offset=(-4, 4), labelTextSize=legend_text_size())
        self.cursor_line = CursorLine()  # moves at every step: Qt's own item (plot_marks)
        self.loss_line = pg.InfiniteLine(angle=90)
        self.front_line = pg.InfiniteLine(angle=90)
        self.placeholder = pg.TextItem(
            "Press Backprop ◀ to send the gradient back in time", anchor=(0.5, 0.5)
        )
        # Wrapped to the plot's width and centred (one line ran past both edges at 1.5).
        self.placeholder.textItem.document().setDefaultTextOption(
            QTextOption(Qt.AlignmentFlag.AlignHCenter)
        )
        self.plot.addItem(self.placeholder, ignoreBounds=True)
        self.cursor_line.attach(self.plot)
        for line in (self.loss_line, self.front_line):
            self.plot.addItem(line, ignoreBounds=True)
        self.body.addWidget(self.plot_widget, 1)
        self._keep_plot_visible()

        self.verdict_label = QLabel(self)
        self.verdict_label.setObjectName("gradients_verdict")
        self.verdict_label.setAccessibleName("Gradient verdict")
        self.verdict_label.setWordWrap(True)
        self.rho_label = QLabel(self)
        self.rho_label.setObjectName("gradients_rho")
        self.rho_label.setAccessibleName("Spectral radius")
        self.rho_label.setToolTip(
            "ρ: largest |eigenvalue| of W_hh, which decides the long run of the linearised "
            "map. ‖W_hh‖₂: largest singular value, which (times the activation's largest "
            "slope) bounds how much one step can grow the gradient. A non-normal W_hh can "
            "have ρ < 1 and still grow it for many steps."
        )
        self.rho_label.setWordWrap(True)
        # ρ, ‖W_hh‖₂ and the line styles in words (a tooltip is not a legend) share one
        # label: every line under the plot is a line the plot loses at 1280×720.
        self.key_label = self.rho_label
        self.clip_label = QLabel(self)
        self.clip_label.setObjectName("gradients_clip_info")
        self.clip_label.setAccessibleName("Gradient norm before and after clipping")
        self.clip_label.setWordWrap(True)
        # The texts scroll when the panel is short (a projector font at 1280×720) instead
        # of being drawn over one another or squeezing the plot away.
        self.texts = TextColumn((self.verdict_label, self.clip_label, self.rho_label), self)
        self.texts.setObjectName("gradients_texts")
        self.texts.setAccessibleName("Gradient verdict, clipping and spectral radius")
        self.texts.setToolTip("The verdict, what clipping did, ρ and ‖W_hh‖₂ (scrolls if short)")
        self.body.addWidget(self.texts)

        self.curves: dict[str, dict[str, pg.PlotDataItem]] = {}
        self._norm_cache: tuple[Cell, float] | None = None
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
        bridge.trace_changed.connect(self._trace_changed)
        bridge.gradients_changed.connect(self.show_gradients)
        bridge.jacobian_changed.connect(self.show_jacobian_progress)
        bridge.radii_changed.connect(self._show_rho_line)
        bridge.cursor_changed.connect(self.show_cursor)
        self.theme_palette = current_palette()
        self._colour_lines(self.theme_palette)
        self.sync_from_session()
        self.show_gradients(self.session.gradients)
        self.show_cursor(self.session.cursor)

    def apply_palette(self, palette: Palette) -> None:
        """Recolour the lines, curves, legend and verdict for ``palette``."""
        self.theme_palette = palette
        self._colour_lines(palette)
        for kind, items in self.curves.items():
            self._colour_curves(kind, items)
        for _sample, label in self.legend.items:
            label.setAttr("color", palette.plot_foreground)
            label.setText(label.text)
        if self.session.gradients:
            self._show_status()

    def set_texts_whole(self, whole: bool) -> None:
        """Show the texts under the plot at their whole height (in a studio that scrolls
        down) instead of scrolling them in a share of the panel (a screen's height)."""
        self.texts.set_whole(whole)

    def _keep_plot_visible(self) -> None:
        """A floor under the plot's height, so the texts below never squeeze it away."""
        self.plot_widget.setMinimumHeight(PLOT_MIN_LINES * self.fontMetrics().lineSpacing())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._keep_plot_visible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Paint
            and self._label_timer.isActive()
            and watched is self.plot_widget.viewport()
        ):
            self._label_timer.stop()
            self._fit_y_label()  # the title this frame shows fits the axis it is drawn on
        return super().eventFilter(watched, event)

    def _fit_y_label(self, *_: object) -> None:
        """Show the longest y label that fits the axis whole, never a cut one; wrap the
        placeholder to the plot's width."""
        width = max(self.plot.getViewBox().width() - 8, 40.0)
        if self.placeholder.textItem.textWidth() != width:
            self.placeholder.textItem.setTextWidth(width)
            self.placeholder.updateTextPos()
        axis = self.plot.getAxis("left")
        label = next((text for text in Y_LABELS if _label_width(axis, text) <= axis.height()), "")
        if label == self.y_label and axis.label.isVisible() == bool(label):
            return
        self.y_label = label
        if label:
            axis.setLabel(label, **axis.labelStyle)  # shows it
        else:
            axis.showLabel(False)

    def _colour_lines(self, palette: Palette) -> None:
        self.cursor_line.setPen(pg.mkPen(palette.current_step, width=2))
        self.loss_line.setPen(pg.mkPen(palette.muted_text, width=1, style=Qt.PenStyle.DashLine))
        self.front_line.setPen(pg.mkPen(OKABE_ITO["reddish_purple"]))
        self.placeholder.setColor(palette.muted_text)
        self.legend.setLabelTextColor(palette.plot_foreground)

    def _colour_curves(self, kind: str, items: dict[str, pg.PlotDataItem]) -> None:
        colour = cell_colours(self.theme_palette)[kind]
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
        reports = self.session.gradients
        report = reports.get(kind) if reports is not None else None
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
            self._sync_legend({})  # no "RNN" entry left over on an LSTM
            computing = self.session.backprop_enabled and self.session.run is not None
            self.placeholder.setText(
                "Computing the gradients…"
                if computing
                else "Press Backprop ◀ to send the gradient back in time"
            )
            self.verdict_label.setText("Computing…" if computing else "No gradient yet.")
            self.verdict_label.setStyleSheet("")
            self.rho_label.setText(self._rho_text())
            self.clip_label.clear()
            self.front_line.setVisible(False)
            self.loss_line.setVisible(False)
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

    def show_jacobian_progress(self, kinds: tuple[str, ...]) -> None:
        """Redraw the dashed ‖∂h_L/∂h_t‖ curves of ``kinds`` with what has been computed so
        far (they grow from the loss step back), without restarting the animation."""
        reports: Mapping[str, GradientReport] = self.session.gradients or {}
        for kind in kinds:
            report = reports.get(kind)
            if report is not None and kind in self.curves:
                self._draw_jacobian(self.curves[kind], report)
        self.clip_label.setText(self._clip_text(reports))

    def _draw_jacobian(self, items: dict[str, pg.PlotDataItem], report: GradientReport) -> None:
        norms = report.jacobian_norms
        if norms is None:
            items["jacobian"].setVisible(False)
            return
        t = np.arange(len(norms), dtype=float)
        items["jacobian"].setData(t, _positive(np.where(t >= self.reveal_from, norms, np.nan)))
        items["jacobian"].setVisible(True)

    def _trace_changed(self, *_: object) -> None:
        """A new run: ρ and ‖W_hh‖₂ change, and without gradients the empty plot's x range
        and legend must follow the new sequence and cell (not keep the last run's)."""
        if not self.session.gradients:
            self.rho_label.setText(self._rho_text())
            self.show_gradients(None)

    def _sync_legend(self, reports: Mapping[str, GradientReport]) -> None:
        """List only the cells on the plot (a hidden curve would show as a crossed-out eye)."""
        listed = {label.text for _sample, label in self.legend.items}
        for kind, items in self.curves.items():
            name = kind.upper()
            if kind in reports and name not in listed:
                self.legend.addItem(items["grad"], name)
            elif kind not in reports and name in listed:
                self.legend.removeItem(items["grad"])
        for _sample, label in self.legend.items:
            label.setAttr("color", self.theme_palette.plot_foreground)
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
        reports: Mapping[str, GradientReport] = self.session.gradients or {}
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
            self._draw_jacobian(items, report)
            items["clipped"].setData(t, _positive(np.where(keep, report.clipped_norms, np.nan)))
            items["clipped"].setVisible(clip is not None)
        self.front_line.setVisible(self._animation.isActive())
        self.front_line.setValue(self.reveal_from)

    def _curves_for(self, kind: str) -> dict[str, pg.PlotDataItem]:
        if kind not in self.curves:
            grad = self.plot.plot(name=kind.upper(), connect="finite")
            jacobian = self.plot.plot(connect="finite")
            clipped = self.plot.plot(connect="finite")
            self.curves[kind] = {"grad": grad, "jacobian": jacobian, "clipped": clipped}
            cache_static(grad, jacobian, clipped)  # the cursor line moves over them
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
        reports: Mapping[str, GradientReport] = self.session.gradients or {}
        if len(reports) == 1:
            report = next(iter(reports.values()))
            verdict = report.verdict
            self.verdict_label.setText(verdict.describe())
            self.verdict_label.setStyleSheet(
                f"color: {verdict_colours(self.theme_palette)[verdict.label]}; font-weight: 600;"
            )
        else:
            lines = []
            for kind, report in reports.items():
                verdict = report.verdict
                factor = verdict.factor_per_step
                if verdict.nonfinite:
                    per_step = "overflowed"
                elif math.isfinite(factor):
                    per_step = f"{verdict.label} {format_factor(factor)}/step"
                else:
                    per_step = verdict.label
                colour = verdict_colours(self.theme_palette)[verdict.label]
                palette = self.theme_palette
                kind_colour = accent_text(cell_colours(palette)[kind], palette)
                lines.append(
                    f'<span style="color:{kind_colour}; font-weight:600;">'
                    f"{kind.upper()}</span>: "
                    f'<span style="color:{colour};">{per_step}</span>'
                )
            self.verdict_label.setText(" · ".join(lines))
            self.verdict_label.setStyleSheet("")
        self._show_rho_line()
        self.clip_label.setText(self._clip_text(reports))

    def _show_rho_line(self, *_: object) -> None:
        """The ρ line (and the curves' key under gradients): again when a pending ρ comes."""
        reports: Mapping[str, GradientReport] = self.session.gradients or {}
        text = self._rho_text()
        self.rho_label.setText(f"{text} · {self._key_text(reports)}" if reports else text)

    def _rho_text(self) -> str:
        run = self.session.run
        if run is None:
            return ""
        if len(run.cells) > 1 or self.session.cell_kind == "compare":
            # (Compare mode shows the cell on view's run first, alone: no ‖W_hh‖₂ for it.)
            return "  ".join(
                f"ρ<sub>{kind}</sub> = {rho_text(cell.spectral_radius, 2)}"
                for kind, cell in run.cells.items()
            )
        cell_run = run.primary
        norm = self._largest_singular_value(cell_run.cell)
        rho = rho_text(cell_run.spectral_radius, 3)
        return f"ρ(W_hh) = {rho} · ‖W_hh‖₂ = {format_number(norm)}"

    def _largest_singular_value(self, cell: Cell) -> float:
        """‖W_hh‖₂ of ``cell`` (max over gate blocks), kept for the cell last asked about."""
        cached = self._norm_cache
        if cached is None or cached[0] is not cell:
            with np.errstate(all="ignore"):
                cached = (cell, largest_singular_value(cell))
            self._norm_cache = cached
        return cached[1]

    @staticmethod
    def _key_text(reports: Mapping[str, GradientReport]) -> str:
        """The line styles in words: solid, dashed (with the LSTM's c_t fixed), dotted."""
        dashed = "dashed ‖∂h_L/∂h_t‖/√H"
        if "lstm" in reports:
            dashed += " (LSTM: c_t held fixed)"
        key = f"solid ‖∂L/∂h_t‖ · {dashed}"
        if any(report.clip is not None for report in reports.values()):
            key += " · dotted: clipped"
        return key

    def _clip_text(self, reports: Mapping[str, GradientReport]) -> str:
        pending = [kind.upper() for kind, r in reports.items() if not r.jacobian_complete]
        parts = []
        clip = self.session.clip
        if clip is not None:
            for kind, report in reports.items():
                parts.append(_clip_sentence(kind, report, clip, len(reports) > 1))
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


def rho_text(rho: float | None, decimals: int) -> str:
    """ρ with ``decimals`` decimals, or "…" while it is being computed (None: a new seed's
    eigenvalues come after its run and gradients)."""
    return "…" if rho is None else f"{rho:.{decimals}f}"


def _clip_sentence(kind: str, report: GradientReport, clip: float, named: bool) -> str:
    """What norm clipping did to one cell's gradient, in numbers the plot shows."""
    who = f"{kind.upper()}: " if named else ""
    before, after = report.param_norm_before, report.param_norm_after
    factor = report.clip_factor
    c = format_number(clip)
    if not math.isfinite(before):
        return f"{who}‖∂L/∂W‖ is not finite: norm clipping (c = {c}) cannot rescale it."
    if factor >= 1.0:
        return f"{who}‖∂L/∂W‖ = {format_number(before)} ≤ c = {c}: norm clipping changes nothing."
    return (
        f"{who}norm clipping, c = {c}: ‖∂L/∂W‖ {format_number(before)} → "
        f"{format_number(after)}, so every step {format_factor(factor)} (one factor: the "
        "curve keeps its shape)."
    )


def _label_width(axis: pg.AxisItem, text: str) -> float:
    """Width of ``text`` as ``axis`` draws its label (font, CSS style, document margins)."""
    if not text:
        return 0.0
    document = QTextDocument()
    document.setDefaultFont(axis.label.font())
    document.setDocumentMargin(axis.label.document().documentMargin())
    style = ";".join(f"{key}: {value}" for key, value in axis.labelStyle.items())
    document.setHtml(f"<span style='{style}'>{html.escape(text)} </span>")
    return document.idealWidth() + 2 * document.documentMargin() + 2


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: zeros, negatives and infinities become gaps."""
    data = np.asarray(values, dtype=float)
    return np.where(np.isfinite(data) & (data > 0), data, np.nan)


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(GradientsPanel))
