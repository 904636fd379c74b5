"""Stepper panel: step, play/pause at a chosen speed, jump to start/end, scrub through time.

Keyboard shortcuts (installed on the window by :func:`install_shortcuts`): Space play/pause,
←/→ step, Home/End jump. Text boxes and spin boxes keep these keys for themselves (Qt's
ShortcutOverride), so Space still types a space in the sequence box.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QStyle,
    QToolButton,
    QWidget,
)

from rnn_studio.ui.icons import tinted_icon
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge, blocked
from rnn_studio.ui.theme import Palette, current_palette
from rnn_studio.ui.widgets.status_text import StatusText

#: Playing speeds in steps per second; 0 means as fast as the views can draw.
SPEEDS = (
    (1, "1 step/s"),
    (2, "2 steps/s"),
    (5, "5 steps/s"),
    (10, "10 steps/s"),
    (30, "30 steps/s"),
    (0, "Max"),
)
DEFAULT_SPEED = 5
#: What the stepper keys do, as Help lists them (shared by keys that do the same).
PLAY = "Play or pause the stepper (when no button or list has the focus)"
STEP_FORWARD = "Step forward"
STEP_BACK = "Step back"


def play_icon(palette: Palette) -> QIcon:
    """The play button's icon: play, and pause when checked (playing), in ``palette``.

    Icons, not text glyphs: DejaVu, the font the Linux package installs, has no ⏸. The
    button is checked while playing, so its "on" icon is the pause sign on the highlight.
    """
    icon = tinted_icon("play", palette.button_text)
    tinted_icon("pause", palette.highlighted_text, into=icon, state=QIcon.State.On)
    return icon


def fit_icon_to_font(button: QAbstractButton, owner: QWidget) -> None:
    """The button's icon as tall as the capitals of ``owner``'s font (the button's own may
    not have followed a new font yet), never under the style's size: the play sign stayed
    16 px beside 36 px text at text size 3.0."""
    least = button.style().pixelMetric(QStyle.PixelMetric.PM_ButtonIconSize)
    side = max(least, round(owner.fontMetrics().ascent() * 0.8))
    if button.iconSize() != QSize(side, side):
        button.setIconSize(QSize(side, side))


class StepperPanel(StudioPanel):
    """Buttons, speed, scrubber and the current-step readout; owns the play timer."""

    panel_id = "stepper"
    title = "Stepper"
    playing_changed = Signal(bool)

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        self.start_button = self._button("stepper_start", "|◀", "Go to the first step (Home)")
        self.back_button = self._button("stepper_back", "◀", "Step back (←)")
        self.play_button = QPushButton("Play", self)
        self.play_button.setObjectName("stepper_play")
        self.play_button.setAccessibleName("Play or pause")
        self.play_button.setToolTip("Play or pause (Space)")
        self.play_button.setCheckable(True)
        self.apply_palette(current_palette())
        self.forward_button = self._button("stepper_forward", "▶", "Step forward (→)")
        self.end_button = self._button("stepper_end", "▶|", "Go to the last step (End)")
        for widget in (self.start_button, self.back_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.play_button, 1)
        for widget in (self.forward_button, self.end_button):
            buttons.addWidget(widget)
        self.body.addLayout(buttons)

        self.scrubber = QSlider(Qt.Orientation.Horizontal, self)
        self.scrubber.setObjectName("stepper_scrubber")
        self.scrubber.setAccessibleName("Time step")
        self.scrubber.setToolTip("Drag to any time step")
        self.body.addWidget(self.scrubber)

        # The speed under the position when the two do not fit side by side (a narrow
        # column at a large text size), so the position wraps to fewer lines.
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.position_row = row
        # Its text changes at every step: a StatusText does not relayout the window for it.
        # Wrapped, not elided, when the column is narrow (text size 1.5 and up): "t = 4 (…".
        self.position_label = StatusText(1, parent=self, wrap=True)
        self.position_label.setObjectName("stepper_position")
        self.position_label.setAccessibleName("Current step")
        self.speed_box = QComboBox(self)
        self.speed_box.setObjectName("stepper_speed")
        self.speed_box.setAccessibleName("Playing speed")
        self.speed_box.setToolTip("Steps per second while playing")
        for speed, label in SPEEDS:
            self.speed_box.addItem(label, speed)
        self.speed_box.setCurrentIndex(self.speed_box.findData(DEFAULT_SPEED))
        row.addWidget(self.position_label, 1)
        row.addWidget(self.speed_box)
        self.body.addLayout(row)
        self.wrapping_rows = [row]

        self.timer = QTimer(self)
        self.timer.setObjectName("stepper_timer")
        self.timer.timeout.connect(self._tick)
        self.start_button.clicked.connect(self.session.go_to_start)
        self.back_button.clicked.connect(self.session.step_back)
        self.forward_button.clicked.connect(self.session.step_forward)
        self.end_button.clicked.connect(self.session.go_to_end)
        self.play_button.toggled.connect(self.set_playing)
        self.speed_box.currentIndexChanged.connect(self._apply_speed)
        self.scrubber.valueChanged.connect(self.session.set_cursor)
        bridge.trace_changed.connect(self._sync_range)
        bridge.cursor_changed.connect(self._show_cursor)
        self._sync_range()
        self._apply_speed()

    def row_width(self, row: QBoxLayout) -> int:
        """The position row needs its text's width (not the label's hint) beside the speed."""
        if row is not self.position_row:
            return super().row_width(row)
        text = self.position_label.fontMetrics().horizontalAdvance(self.position_label.text())
        return super().row_width(row) - self.position_label.sizeHint().width() + text + 2

    def apply_palette(self, palette: Palette) -> None:
        """Draw the play and pause icons in ``palette``'s button colours."""
        self.play_button.setIcon(play_icon(palette))
        fit_icon_to_font(self.play_button, self)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            fit_icon_to_font(self.play_button, self)

    def _button(self, name: str, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        return button

    @property
    def playing(self) -> bool:
        """True while the play timer runs."""
        return self.timer.isActive()

    def toggle_playing(self) -> None:
        """Play if paused, pause if playing (the Space shortcut)."""
        self.set_playing(not self.playing)

    def set_playing(self, playing: bool) -> None:
        """Start or stop playing; starting at the last step rewinds to the first."""
        if playing and self.session.at_end:
            self.session.go_to_start()
        was_playing = self.timer.isActive()
        if playing:
            self.timer.start()
        else:
            self.timer.stop()
        if playing != was_playing:
            self.playing_changed.emit(playing)
        with blocked(self.play_button):
            self.play_button.setChecked(playing)
            self.play_button.setText("Pause" if playing else "Play")

    def highlighted_step(self) -> int | None:
        return self.scrubber.value()

    def _tick(self) -> None:
        if self.session.at_end:
            self.set_playing(False)
        else:
            self.session.step_forward()

    def _apply_speed(self, *_: object) -> None:
        speed = self.speed_box.currentData()
        self.timer.setInterval(0 if not speed else round(1000 / speed))

    def _sync_range(self, *_: object) -> None:
        with blocked(self.scrubber):
            self.scrubber.setRange(0, max(self.session.length - 1, 0))
        self._show_cursor(self.session.cursor)

    def _show_cursor(self, t: int) -> None:
        with blocked(self.scrubber):
            self.scrubber.setValue(t)
        self.position_label.setText(self.position_text(t))

    def position_text(self, t: int) -> str:
        """The position line for step ``t``: "t = 4 (step 5 of 11) · “o”"."""
        run = self.session.run
        if run is None:
            return "no sequence"
        token = run.sequence.tokens[t]
        # "t = 0 of 1" read as one step for a two-step sequence: count the steps instead.
        return f"t = {t} (step {t + 1} of {len(run)}) · “{token}”"


class StepperStrip(QFrame):
    """The Stepper's buttons and position line in one row, for the top of a studio that
    scrolls down (text size 2.0 and up): shown while the Stepper itself is scrolled out of
    view, so stepping and playing stay one click away. It drives the same session and the
    Stepper's own play timer.

    Parameters
    ----------
    stepper : StepperPanel
        The panel whose controls this repeats.
    """

    def __init__(self, stepper: StepperPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stepper = stepper
        session = stepper.session
        self.setObjectName("stepper_strip")
        self.setAccessibleName("Stepper (pinned)")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)  # set apart from the studio under it
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.setSpacing(2)
        self.buttons: list[QAbstractButton] = []
        for name, text, tip, action in (
            ("start", "|◀", "Go to the first step (Home)", session.go_to_start),
            ("back", "◀", "Step back (←)", session.step_back),
            ("play", "Play", "Play or pause (Space)", stepper.toggle_playing),
            ("forward", "▶", "Step forward (→)", session.step_forward),
            ("end", "▶|", "Go to the last step (End)", session.go_to_end),
        ):
            button = QPushButton(text, self) if name == "play" else QToolButton(self)
            button.setText(text)
            button.setObjectName(f"stepper_strip_{name}")
            button.setToolTip(tip)
            button.setAccessibleName(f"{tip.split(' (')[0]} (pinned Stepper)")
            # Clicks only: the keys in the tooltips work anywhere, and Tab keeps to the
            # Stepper's own controls.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(action)
            row.addWidget(button)
            self.buttons.append(button)
        self.play_button = self.buttons[2]
        self.play_button.setCheckable(True)
        self.position_label = StatusText(1, parent=self, wrap=True)
        self.position_label.setObjectName("stepper_strip_position")
        self.position_label.setAccessibleName("Current step")
        row.addWidget(self.position_label, 1)
        stepper.playing_changed.connect(self._show_playing)
        stepper.bridge.cursor_changed.connect(self._show_cursor)
        stepper.bridge.trace_changed.connect(self._show_cursor)
        self.apply_palette(current_palette())
        self._show_playing(stepper.playing)
        self._show_cursor()

    def apply_palette(self, palette: Palette) -> None:
        """The play and pause icons in ``palette``'s colours (as the Stepper's)."""
        self.play_button.setIcon(play_icon(palette))
        fit_icon_to_font(self.play_button, self)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            fit_icon_to_font(self.play_button, self)

    def _show_playing(self, playing: bool) -> None:
        with blocked(self.play_button):
            self.play_button.setChecked(playing)
            self.play_button.setText("Pause" if playing else "Play")

    def _show_cursor(self, *_: object) -> None:
        if self.isVisible():  # (read again when shown)
            self.position_label.setText(self.stepper.position_text(self.stepper.session.cursor))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.position_label.setText(self.stepper.position_text(self.stepper.session.cursor))


def install_shortcuts(window: QWidget, stepper: StepperPanel) -> list[QShortcut]:
    """Space, ←/→, Home/End on ``window`` for the stepper; returns the shortcuts."""
    session = stepper.session
    bindings = (
        (Qt.Key.Key_Space, stepper.toggle_playing, "stepper_shortcut_play", PLAY),
        (Qt.Key.Key_Right, session.step_forward, "stepper_shortcut_forward", STEP_FORWARD),
        (Qt.Key.Key_Left, session.step_back, "stepper_shortcut_back", STEP_BACK),
        (Qt.Key.Key_Home, session.go_to_start, "stepper_shortcut_start", "Go to the first step"),
        (Qt.Key.Key_End, session.go_to_end, "stepper_shortcut_end", "Go to the last step"),
    )
    shortcuts = []
    for key, action, name, what in bindings:
        shortcut = QShortcut(QKeySequence(key), window)
        shortcut.setObjectName(name)
        shortcut.setWhatsThis(what)  # Help's list of keys reads it
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(action)
        shortcuts.append(shortcut)
    return shortcuts


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(StepperPanel))
