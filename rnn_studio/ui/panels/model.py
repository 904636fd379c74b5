"""Model panel: which cell (or all three), its sizes and seed, ρ(W_hh), the forget bias.

(How many layers, and whether both directions run, is chosen in the Unrolled panel, which
draws them.)"""

from __future__ import annotations

import sys
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QToolButton,
    QWidget,
)

from rnn_studio.studio_core.demo import MAX_HIDDEN_SIZE
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge, blocked
from rnn_studio.ui.theme import Palette, cell_colours, current_palette
from rnn_studio.ui.widgets.compact_spin import CompactSpinBox

CELL_BUTTONS = (
    ("rnn", "RNN", "Vanilla RNN: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b)"),
    ("lstm", "LSTM", "Long short-term memory: gates and a cell state c_t"),
    ("gru", "GRU", "Gated recurrent unit: reset and update gates"),
    ("compare", "Compare", "All three cells on the same input with the same seed"),
)
#: The ρ slider covers 0 to 3 in steps of 0.01 (demos may set up to 10; the label shows it).
RHO_SLIDER_SCALE = 100
RHO_SLIDER_MAX = 3.0
#: Dragging the ρ slider recomputes at most this often.
SLIDER_DELAY_MS = 40


def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    """A form label tied to ``buddy`` (screen readers read them together)."""
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def _pair(*widgets: QWidget) -> QBoxLayout:
    """``widgets`` side by side on one form row (the first takes the spare width)."""
    row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    for index, widget in enumerate(widgets):
        row.addWidget(widget, 1 if index == 0 else 0)
    return row


class ModelPanel(StudioPanel):
    """Cell choice, hidden size, seed, nonlinearity, spectral radius, forget bias, Reset."""

    panel_id = "model"
    title = "Model"
    story_requested = Signal()

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        # The cell kinds and Compare | 3 set-ups: two groups side by side when the panel's
        # room fits them, else one under the other, each stacked too if need be (at 3.0
        # the five buttons needed 756 px and scrolled the panel sideways).
        cells = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        cells.setSpacing(2)
        groups = (QWidget(self), QWidget(self))
        group_rows = tuple(QBoxLayout(QBoxLayout.Direction.LeftToRight, g) for g in groups)
        for row in group_rows:
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(2)
        # One checked at a time by hand, not a QButtonGroup: Tab skips every button of a
        # group but one (arrows would move between them, but arrows step the stepper).
        self.cell_buttons: dict[str, QToolButton] = {}
        for kind, label, tip in CELL_BUTTONS:
            button = QToolButton(self)
            button.setText(label)
            button.setCheckable(True)
            button.setObjectName(f"model_cell_{kind}")
            button.setAccessibleName(f"{label} cell")
            button.setToolTip(tip)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.clicked.connect(partial(self._cell_chosen, button))
            self.cell_buttons[kind] = button
            group_rows[kind == "compare"].addWidget(button)
        self.story_button = QToolButton(self)
        self.story_button.setText("3 set-ups")
        self.story_button.setObjectName("model_compare_story")
        self.story_button.setAccessibleName("Compare in three set-ups")
        self.story_button.setToolTip(
            "Why the LSTM remembers: RNN, LSTM and GRU on the same 102 steps with random "
            "weights, with the LSTM's forget gate opened, and trained"
        )
        self.story_button.clicked.connect(self.story_requested)
        group_rows[1].addWidget(self.story_button)
        for group in groups:
            cells.addWidget(group)
        cells.addStretch(1)
        self.body.addLayout(cells)
        self.apply_palette(current_palette())

        # Weights: trained · random (seed N), shown while a trained model is loaded.
        self.weights_row = QWidget(self)
        self.weights_row.setObjectName("model_weights_row")
        weights = QHBoxLayout(self.weights_row)
        weights.setContentsMargins(0, 0, 0, 0)
        weights.setSpacing(2)
        weights.addWidget(QLabel("Weights:", self.weights_row))
        self.weights_buttons: dict[str, QToolButton] = {}
        for choice, tip in (
            ("trained", "The weights training found, with the model's own readout"),
            (
                "random",
                "An untrained cell of the same shape from a random seed: the same "
                "input before learning",
            ),
        ):
            button = QToolButton(self.weights_row)
            button.setCheckable(True)
            button.setObjectName(f"model_weights_{choice}")
            button.setAccessibleName(f"{choice} weights")
            button.setToolTip(tip)
            button.clicked.connect(partial(self._weights_chosen, button))
            self.weights_buttons[choice] = button
            weights.addWidget(button)
        weights.addStretch(1)
        self.body.addWidget(self.weights_row)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(3)
        self.view_box = QComboBox(self)
        self.view_box.setObjectName("model_view_cell")
        self.view_box.setAccessibleName("Cell shown in memory, gates, equations, outputs")
        self.view_box.setToolTip("In compare mode: which cell the single-cell views show")
        for kind in ("rnn", "lstm", "gru"):
            self.view_box.addItem(kind.upper(), kind)
        self.view_label = QLabel("Show", self)
        form.addRow(self.view_label, self.view_box)

        self.hidden_box = CompactSpinBox(3, self)
        self.hidden_box.setObjectName("model_hidden_size")
        self.hidden_box.setAccessibleName("Hidden size")
        self.hidden_box.setToolTip(f"Hidden units per cell, 1 to {MAX_HIDDEN_SIZE}")
        self.hidden_box.setRange(1, MAX_HIDDEN_SIZE)
        self.hidden_box.setKeyboardTracking(False)
        self.seed_box = CompactSpinBox(5, self)
        self.seed_box.setObjectName("model_seed")
        self.seed_box.setAccessibleName("Seed")
        self.seed_box.setToolTip("Seed of the random weights: the same seed repeats the demo")
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setKeyboardTracking(False)
        # Paired on one row: the panel must fit a 1280×720 projector at a large font.
        sizes = _pair(self.hidden_box, _label("Seed", self.seed_box, self), self.seed_box)
        form.addRow(_label("Hidden size", self.hidden_box, self), sizes)

        self.nonlinearity_box = QComboBox(self)
        self.nonlinearity_box.setObjectName("model_nonlinearity")
        self.nonlinearity_box.setAccessibleName("RNN nonlinearity")
        self.nonlinearity_box.setToolTip("The vanilla RNN's activation function")
        self.nonlinearity_box.addItem("tanh", "tanh")
        self.nonlinearity_box.addItem("ReLU", "relu")
        self.forget_box = QDoubleSpinBox(self)
        self.forget_box.setObjectName("model_forget_bias")
        self.forget_box.setAccessibleName("LSTM forget-gate bias")
        self.forget_box.setToolTip(
            "Added to the LSTM forget-gate bias: positive keeps the forget gate open "
            "(remember), negative closes it. 0 keeps the initialisation."
        )
        self.forget_box.setRange(-10.0, 10.0)
        self.forget_box.setSingleStep(0.5)
        self.forget_box.setDecimals(1)
        self.forget_box.setKeyboardTracking(False)
        form.addRow("Activation", self.nonlinearity_box)

        self.rho_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.rho_slider.setObjectName("model_rho_slider")
        self.rho_slider.setAccessibleName("Spectral radius of W_hh")
        self.rho_slider.setToolTip(
            "Rescale W_hh so its largest |eigenvalue| is ρ: below 1 memories fade, above 1 "
            "they can blow up"
        )
        self.rho_slider.setRange(0, int(RHO_SLIDER_MAX * RHO_SLIDER_SCALE))
        self.rho_slider.setPageStep(10)
        self.rho_value = QLabel(self)
        self.rho_value.setObjectName("model_rho_value")
        self.rho_value.setAccessibleName("Spectral radius value")
        self.rho_value.setMinimumWidth(self.rho_value.fontMetrics().horizontalAdvance("ρ = 0.000*"))
        rho_row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        rho_row.addWidget(self.rho_slider, 1)
        rho_row.addWidget(self.rho_value)
        form.addRow("ρ(W_hh)", rho_row)
        self.body.addLayout(form)

        self.reset_button = QPushButton("Reset", self)
        self.reset_button.setObjectName("model_reset")
        self.reset_button.setAccessibleName("Reset model")
        self.reset_button.setToolTip(
            "Back to hidden size 8, seed 0, initial ρ and forget bias, one layer, one direction"
        )
        bias = _pair(self.forget_box, self.reset_button)
        form.addRow(_label("Forget bias", self.forget_box, self), bias)
        # Each group decides before the row holding it (its width is the group's as laid).
        self.wrapping_rows = [*group_rows, cells, sizes, rho_row, bias]
        self.form = form
        self._form_rows = (sizes, rho_row, bias)
        self.body.addStretch(1)

        self._rho_timer = QTimer(self)
        self._rho_timer.setSingleShot(True)
        self._rho_timer.setInterval(SLIDER_DELAY_MS)
        self._rho_timer.timeout.connect(self._commit_rho)
        self.view_box.currentIndexChanged.connect(
            lambda i: self.session.set_view_cell(self.view_box.itemData(i))
        )
        self.hidden_box.valueChanged.connect(self.session.set_hidden_size)
        self.seed_box.valueChanged.connect(self.session.set_seed)
        self.nonlinearity_box.currentIndexChanged.connect(
            lambda i: self.session.set_nonlinearity(self.nonlinearity_box.itemData(i))
        )
        self.forget_box.valueChanged.connect(
            lambda v: self.session.set_forget_bias(None if v == 0 else float(v))
        )
        self.rho_slider.valueChanged.connect(self._rho_moved)
        self.reset_button.clicked.connect(self.session.reset)
        bridge.controls_changed.connect(self.sync_from_session)
        bridge.trace_changed.connect(self._show_rho)
        bridge.radii_changed.connect(self._show_rho)
        bridge.trace_changed.connect(lambda *_: self._sync_weights())
        bridge.view_cell_changed.connect(self.sync_from_session)
        self.sync_from_session()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.arrange_rows()

    def fit_hint(self) -> None:
        """Arrange the rows again once a font change has reached every control (the
        decision taken in the panel's own font change saw the controls' old sizes)."""
        self.arrange_rows()
        super().fit_hint()

    def _label_column(self) -> int:
        """Pixels the form's labels take beside its fields (0 with the labels above)."""
        form = getattr(self, "form", None)
        if form is None or form.rowWrapPolicy() != QFormLayout.RowWrapPolicy.DontWrapRows:
            return 0
        roles = (form.itemAt(i, QFormLayout.ItemRole.LabelRole) for i in range(form.rowCount()))
        widest = max((item.sizeHint().width() for item in roles if item is not None), default=0)
        return widest + max(form.horizontalSpacing(), 0)

    def row_width(self, row: QBoxLayout) -> int:
        """A form row's width counts the labels' column beside it."""
        width = super().row_width(row)
        return width + self._label_column() if row in getattr(self, "_form_rows", ()) else width

    def arrange_rows(self) -> None:
        """The form's labels go above their fields when beside them even the widest single
        control does not fit the room (3.0); then the rows wrap as in the base class."""
        if not self.isVisible():
            return  # behind its tab its width is stale: decide when it is shown
        form = getattr(self, "form", None)
        if form is not None:
            parent = self.parentWidget()
            room = parent.width() if parent is not None else self.width()
            items = [row.itemAt(i) for row in self._form_rows for i in range(row.count())]
            widgets = [item.widget() for item in items if item is not None]
            controls = [widget.sizeHint().width() for widget in widgets if widget is not None]
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            needed = self._label_column() + max(controls, default=0) + 12
            if room < needed:
                form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        super().arrange_rows()

    def apply_palette(self, palette: Palette) -> None:
        """Underline the checked cell button in its cell's colour for ``palette``."""
        for kind, colour in cell_colours(palette).items():
            self.cell_buttons[kind].setStyleSheet(
                f"QToolButton:checked {{ border-bottom: 3px solid {colour}; }}"
            )

    def sync_from_session(self, *_: object) -> None:
        """Show the session's model settings without echoing them back."""
        session = self.session
        widgets = (
            *self.cell_buttons.values(),
            self.view_box,
            self.hidden_box,
            self.seed_box,
            self.nonlinearity_box,
            self.forget_box,
            self.rho_slider,
        )
        with blocked(*widgets):
            for kind, button in self.cell_buttons.items():
                button.setChecked(kind == session.cell_kind)
            compare = session.cell_kind == "compare"
            self.view_box.setVisible(compare)
            self.view_label.setVisible(compare)
            self.view_box.setCurrentIndex(self.view_box.findData(session.view_cell))
            self.hidden_box.setValue(session.hidden_size)
            self.seed_box.setValue(min(session.seed, self.seed_box.maximum()))
            self.nonlinearity_box.setCurrentIndex(
                self.nonlinearity_box.findData(session.nonlinearity)
            )
            self.nonlinearity_box.setEnabled(session.cell_kind in ("rnn", "compare"))
            self.forget_box.setValue(session.forget_bias or 0.0)
            self.forget_box.setEnabled(session.cell_kind in ("lstm", "compare"))
            if not self._rho_timer.isActive():
                self._set_slider(session.spectral_radius)
        self._show_rho()
        self._sync_weights()

    def _sync_weights(self) -> None:
        from rnn_studio.state.zoo_studio import random_seed, weights

        choice = weights(self.session)
        self.weights_row.setVisible(choice is not None)
        if choice is None:
            return
        self.weights_buttons["trained"].setText("trained")
        self.weights_buttons["random"].setText(f"random (seed {random_seed(self.session)})")
        with blocked(*self.weights_buttons.values()):
            for name, button in self.weights_buttons.items():
                button.setChecked(name == choice)

    def _weights_chosen(self, button: QToolButton, *_: object) -> None:
        from rnn_studio.state.zoo_studio import set_weights

        choice = "trained" if button is self.weights_buttons["trained"] else "random"
        set_weights(self.session, choice)
        self._sync_weights()  # a click on the checked button keeps it checked

    def _set_slider(self, rho: float | None) -> None:
        if rho is None and self.session.run is not None:
            rho = self.session.run.primary.spectral_radius  # None while pending
        if rho is not None:
            self.rho_slider.setValue(round(min(rho, RHO_SLIDER_MAX) * RHO_SLIDER_SCALE))

    def _show_rho(self, *_: object) -> None:
        run = self.session.run
        requested = self.session.spectral_radius
        if self._rho_timer.isActive():
            value = self.rho_slider.value() / RHO_SLIDER_SCALE
            self.rho_value.setText(f"ρ = {value:.2f}…")
            return
        if run is None:
            self.rho_value.setText("ρ = ?")
            return
        shown = self.session.shown or run.primary
        rho = shown.spectral_radius
        if rho is None:  # a new seed's eigenvalues, solved after its run is on screen
            self.rho_value.setText("ρ = …*")
            self.rho_value.setToolTip(
                "Spectral radius of the shown cell's W_hh: being computed "
                "(* = as initialised, not rescaled)"
            )
            return
        text = f"ρ = {rho:.3f}"
        self.rho_value.setText(text if requested is not None else text + "*")
        self.rho_value.setToolTip(
            "Spectral radius of the shown cell's W_hh (max over gate blocks)"
            + ("" if requested is not None else "; * = as initialised, not rescaled")
        )
        if requested is None:
            with blocked(self.rho_slider):
                self._set_slider(None)

    def _rho_moved(self, value: int) -> None:
        self.rho_value.setText(f"ρ = {value / RHO_SLIDER_SCALE:.2f}…")
        self._rho_timer.start()

    def _commit_rho(self) -> None:
        self.session.set_spectral_radius(self.rho_slider.value() / RHO_SLIDER_SCALE)

    def _cell_chosen(self, button: QToolButton, *_: object) -> None:
        for kind, candidate in self.cell_buttons.items():
            if candidate is button:
                self.session.set_cell_kind(kind)
                break
        self.sync_from_session()  # a click on the checked button keeps it checked


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(ModelPanel))
