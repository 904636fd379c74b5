"""Accessibility: a spoken description of the current step, names, tooltips and tab order.

* :func:`describe_step` turns the session's current step into one sentence ("t = 4, input
  'a', hidden norm 0.82, forget gate mean 0.91, gradient ×0.382 the loss step's"), shown by
  :class:`StepStatusLine` in the status bar and exposed as accessible text, so screen readers
  announce it whenever the step changes.
* :func:`complete_accessible_text` gives every focusable control an accessible name, a
  description and a tooltip (from its text, its form label, its tooltip or its object name).
* :func:`focus_chain` and :func:`interactive_widgets` let tests (and :func:`unreachable`)
  prove that Tab reaches every control.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from rnn_studio.engine.cells import GATE_LABELS
from rnn_studio.engine.numerics import stable_norm
from rnn_studio.studio_core.numbers import format_factor, format_number
from rnn_studio.ui.widgets.status_text import fitted_lines, wrap_flags

if TYPE_CHECKING:
    from rnn_studio.state.gradients import GradientReport
    from rnn_studio.state.session import StudioSession
    from rnn_studio.ui.qt_bridge import SessionBridge

#: App property: the smallest text, in pixels, that views drawing their own text (the unrolled
#: chain, the cell diagram) may show; presenter mode sets it (0 or unset: no floor).
TEXT_FLOOR_PROPERTY = "rnn_studio_text_floor_px"
#: The floor presenter mode sets: read from 8 m on a 1280×720 projector.
PRESENTER_TEXT_FLOOR_PX = 18.0


def text_floor_px() -> float:
    """The smallest text views may draw now, in pixels (0: no floor)."""
    app = QCoreApplication.instance()
    value = app.property(TEXT_FLOOR_PROPERTY) if app is not None else None
    try:
        return max(float(value), 0.0) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def set_text_floor_px(pixels: float) -> None:
    """Set the floor :func:`text_floor_px` reads (0 removes it)."""
    app = QCoreApplication.instance()
    if app is not None:
        app.setProperty(TEXT_FLOOR_PROPERTY, float(pixels))


#: The gate whose mean the description reads out, by cell kind.
DESCRIBED_GATE = {"lstm": "f", "gru": "z"}


def describe_step(session: StudioSession) -> str:
    """One sentence about the session's current step, for the status line and screen readers.

    Parameters
    ----------
    session : StudioSession

    Returns
    -------
    str
        For example ``"t = 4, input 'a', hidden norm 0.82, forget gate mean 0.91, gradient
        ×0.382 the loss step's"``; the gradient part appears after Backprop. Numbers are
        written by :func:`~rnn_studio.studio_core.numbers.format_number` (never a percentage
        of a gradient: it can be 10¹¹ times the loss step's, or 10⁻¹⁸⁶).
    """
    run = getattr(session, "run", None)
    shown = getattr(session, "shown", None)
    if run is None or shown is None:
        error = getattr(session, "error", "")
        return f"No sequence to show. {error}".strip()
    t = int(session.cursor)
    token = run.sequence.tokens[t]
    parts = [f"t = {t}", f"input '{token}'"]
    if getattr(session, "cell_kind", "") == "compare":
        parts.insert(0, shown.kind.upper())
    hidden = np.asarray(shown.trace.hidden)[t]
    parts.append(f"hidden norm {_number(stable_norm(hidden))}")
    gate = DESCRIBED_GATE.get(shown.kind)
    if gate is not None and gate in shown.trace.gates:
        mean = float(np.mean(np.asarray(shown.trace.gates[gate])[t]))
        parts.append(f"{GATE_LABELS[gate]} gate mean {_number(mean)}")
    gradients = getattr(session, "gradients", None)
    if gradients is not None and shown.kind in gradients:
        parts.append(_gradient_part(gradients[shown.kind], t))
    return ", ".join(parts)


def _gradient_part(report: GradientReport, t: int) -> str:
    norms = np.asarray(report.grad_norms, dtype=np.float64)
    loss_step = int(report.loss_step)
    if t > loss_step:
        return "no gradient (after the loss step)"
    reference = norms[loss_step]
    value = norms[t]
    if not (math.isfinite(value) and math.isfinite(reference)) or reference == 0:
        return "gradient overflowed (not finite)"
    if t == loss_step:
        return f"gradient {_number(value)} at the loss step"
    with np.errstate(over="ignore"):
        ratio = value / reference
    return f"gradient {format_factor(ratio)} the loss step's"


def _number(value: float) -> str:
    if not math.isfinite(value):
        return "not finite (overflowed)"
    return format_number(value)


class StepStatusLine(QLabel):
    """A status-bar label that always reads :func:`describe_step` for the session.

    When the window is narrower than the description (text size 2.0 and up at 1280×720) it
    wraps to more lines instead of being cut at the window's edge or elided; its height only
    grows while its width and font stay, so playing relayouts the window at most when a text
    first needs another line.

    Parameters
    ----------
    bridge : SessionBridge
        The session's Qt signals.
    """

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setObjectName("step_description")
        self.setAccessibleName("Current step")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        #: Lines the description takes: more than one when the window is narrower than it
        #: (a large text size), so it is read whole, not cut or elided.
        self.shown_lines = 1
        for signal in (
            bridge.cursor_changed,
            bridge.trace_changed,
            bridge.gradients_changed,
            bridge.view_cell_changed,
        ):
            signal.connect(self.refresh)
        self.refresh()

    def text_width(self) -> int:
        """Pixels across the description is drawn in."""
        return self.contentsRect().width() - 2 * self.margin()

    def _fit_lines(self, grow_only: bool) -> None:
        """As many lines as the description needs at the width (no fewer than now if
        ``grow_only``: playing does not relayout the window at every step)."""
        metrics, width = self.fontMetrics(), self.text_width()
        needed = fitted_lines(metrics, self.text(), width, 1, self.shown_lines, grow_only)
        if needed != self.shown_lines:
            self.shown_lines = needed
            self.updateGeometry()  # the status bar takes the new height
            self.update()

    def minimumSizeHint(self) -> QSize:
        # Any width: the text wraps when the status bar is narrower than it.
        hint = super().minimumSizeHint()
        extra = (self.shown_lines - 1) * self.fontMetrics().lineSpacing()
        return QSize(self.fontMetrics().horizontalAdvance("t = 10, …"), hint.height() + extra)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            # Narrower: perhaps another line. Wider: back to the lines the text needs.
            self._fit_lines(grow_only=event.size().width() < event.oldSize().width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.shown_lines = 1
            self._fit_lines(grow_only=False)
            self.updateGeometry()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.shown_lines == 1 and self.fontMetrics().horizontalAdvance(self.text()) <= (
            self.text_width()
        ):
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect().adjusted(self.margin(), 0, -self.margin(), 0)
        painter.drawText(
            rect, wrap_flags(self.fontMetrics(), self.text(), rect.width()), self.text()
        )
        painter.end()

    def refresh(self, *_: object) -> None:
        """Re-read the step, show it and tell assistive technology."""
        text = describe_step(self.bridge.session)
        if text == self.text():
            return
        self.setText(text)
        self._fit_lines(grow_only=True)
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        event = QAccessibleEvent(self, QAccessible.Event.DescriptionChanged)
        QAccessible.updateAccessibility(event)


# --------------------------------------------------------------------- names and tooltips
def interactive_widgets(root: QWidget) -> list[QWidget]:
    """Visible, enabled widgets under ``root`` that Tab can focus."""
    result = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.isEnabled():
            continue
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None:
            result.append(widget)
    return result


def visible_text(widget: QWidget) -> str:
    """The text a sighted user reads on ``widget`` (button text, label, placeholder)."""
    text = ""
    if isinstance(widget, (QAbstractButton, QLabel)):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.text() or widget.placeholderText()
    elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
        text = widget.placeholderText()
    elif isinstance(widget, QComboBox):
        text = widget.currentText()
    return re.sub(r"<[^>]+>", "", text.replace("&", "")).strip()


def form_label(widget: QWidget) -> str:
    """The text of the label beside ``widget`` in a :class:`QFormLayout`, "" if none."""
    parent = widget.parentWidget()
    if parent is None:
        return ""
    for form in parent.findChildren(QFormLayout):
        label = form.labelForField(widget)
        if isinstance(label, QLabel) and label.text():
            return re.sub(r"<[^>]+>", "", label.text().replace("&", "")).strip(" :")
    return ""


def tab_bar_name(bar: QTabBar) -> str:
    """A name for a tab bar: its owner's name, or (the tabs Qt makes for docks put together)
    the tabs it switches between, e.g. "Panel tabs: Sequence, Model"."""
    owner = bar.parentWidget()
    if owner is not None and owner.accessibleName():
        return owner.accessibleName()
    tabs = ", ".join(bar.tabText(index).replace("&", "") for index in range(bar.count()))
    return f"Panel tabs: {tabs}" if tabs else ""


def complete_accessible_text(root: QWidget) -> list[QWidget]:
    """Give every interactive widget under ``root`` a name, a description and a tooltip.

    Existing names, descriptions and tooltips are kept. A missing name comes from the form
    label, the visible text, the tooltip, or (last resort) the object name; a missing
    tooltip and description repeat the best thing known about the control.

    Returns
    -------
    list of QWidget
        The widgets whose name had to come from the object name: they deserve a real one.
    """
    fallbacks = []
    for widget in interactive_widgets(root):
        name = widget.accessibleName()
        if not name:
            name = form_label(widget) or visible_text(widget) or widget.toolTip()
            if not name and isinstance(widget, QTabBar):
                name = tab_bar_name(widget)
            if not name:
                name = widget.objectName().replace("_", " ").strip() or type(widget).__name__
                fallbacks.append(widget)
            widget.setAccessibleName(re.sub(r"<[^>]+>", "", name))
        if not widget.toolTip():
            widget.setToolTip(widget.accessibleDescription() or widget.accessibleName())
        if not widget.accessibleDescription():
            widget.setAccessibleDescription(re.sub(r"<[^>]+>", "", widget.toolTip()))
    return fallbacks


# ------------------------------------------------------------------------------ tab order
def focus_chain(root: QWidget) -> list[QWidget]:
    """The widgets Tab visits starting from ``root``, in order (each once)."""
    chain: list[QWidget] = []
    seen = {id(root)}
    widget = root.nextInFocusChain()
    while widget is not None and id(widget) not in seen:
        seen.add(id(widget))
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def unreachable(root: QWidget) -> list[QWidget]:
    """Interactive widgets under ``root`` that are not in its focus chain (should be none)."""
    chained = {id(widget) for widget in focus_chain(root)}
    return [widget for widget in interactive_widgets(root) if id(widget) not in chained]
