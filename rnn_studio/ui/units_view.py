"""Interpretable units (View ▸ Interpretable units…): one hidden unit of a trained model,
the text coloured by its activation, and "find units that track…" a feature of the text.

Everything shown is computed by :mod:`rnn_studio.state.units` from the bundled model.
Run alone: ``python -m rnn_studio.ui.units_view``.
"""

from __future__ import annotations

import html
import sys

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.engine.errors import EngineError
from rnn_studio.state import units
from rnn_studio.ui.qt_bridge import blocked
from rnn_studio.zoo import load_zoo_model

MODELS = (
    ("chars-lstm", "LSTM that read this course (chars-lstm)"),
    ("chars-gru", "GRU that read this course (chars-gru)"),
    ("chars-rnn", "RNN that read this course (chars-rnn)"),
)
RANKED = 8
"""Units listed by "find units that track"."""


def activation_colour(value: float, scale: float) -> str:
    """Background for an activation: red for positive, blue for negative, white near 0."""
    share = 0.0 if scale <= 0 else max(-1.0, min(1.0, value / scale))
    fade = round(255 * (1 - abs(share)))
    return f"rgb(255,{fade},{fade})" if share >= 0 else f"rgb({fade},{fade},255)"


def coloured_html(chars: list[str], values: np.ndarray) -> str:
    """The characters as HTML, each on a background coloured by its value."""
    scale = float(np.max(np.abs(values))) if len(values) else 1.0
    spans = []
    for char, value in zip(chars, values, strict=True):
        shown = "␣" if char == " " else ("↵<br>" if char == "\n" else html.escape(char))
        spans.append(
            f'<span style="background:{activation_colour(float(value), scale)};color:#000;" '
            f'title="{value:+.3f}">{shown}</span>'
        )
    return '<div style="font-family:monospace;font-size:14pt;">' + "".join(spans) + "</div>"


class UnitsView(QDialog):
    """Pick a model, a unit and a text; see the unit's activation on every character."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("units_view")
        self.setWindowTitle("Interpretable units")
        self.resize(1100, 640)
        column = QVBoxLayout(self)
        top = QHBoxLayout()
        self.model_box = QComboBox(self)
        self.model_box.setObjectName("units_model")
        self.model_box.setAccessibleName("Trained model")
        self.model_box.setToolTip("A bundled next-character model")
        for name, label in MODELS:
            self.model_box.addItem(label, name)
        top.addWidget(QLabel("Model", self))
        top.addWidget(self.model_box, 1)
        self.state_box = QComboBox(self)
        self.state_box.setObjectName("units_state")
        self.state_box.setAccessibleName("State shown")
        self.state_box.setToolTip("Hidden state h_t, or an LSTM's cell state c_t")
        top.addWidget(self.state_box)
        self.unit_box = QSpinBox(self)
        self.unit_box.setObjectName("units_unit")
        self.unit_box.setAccessibleName("Hidden unit")
        self.unit_box.setToolTip("The unit whose activation colours the text")
        top.addWidget(QLabel("Unit", self))
        top.addWidget(self.unit_box)
        column.addLayout(top)
        self.hint = QLabel(self)
        self.hint.setObjectName("units_hint")
        self.hint.setWordWrap(True)
        column.addWidget(self.hint)
        middle = QHBoxLayout()
        self.coloured = QTextBrowser(self)
        self.coloured.setObjectName("units_text")
        self.coloured.setAccessibleName("Text coloured by the unit's activation")
        middle.addWidget(self.coloured, 3)
        side = QVBoxLayout()
        side.addWidget(QLabel("Find units that track…", self))
        self.feature_box = QComboBox(self)
        self.feature_box.setObjectName("units_feature")
        self.feature_box.setAccessibleName("Feature to track")
        self.feature_box.setToolTip("Rank the units by their correlation r with this feature")
        for feature_id, (label, _function) in units.FEATURES.items():
            self.feature_box.addItem(label, feature_id)
        side.addWidget(self.feature_box)
        self.ranking = QListWidget(self)
        self.ranking.setObjectName("units_ranking")
        self.ranking.setAccessibleName("Units ranked by correlation")
        self.ranking.setToolTip("Pearson r of each unit's activation with the feature; click one")
        side.addWidget(self.ranking, 1)
        middle.addLayout(side, 1)
        column.addLayout(middle, 1)
        self.text_box = QPlainTextEdit(units.REFERENCE_TEXT, self)
        self.text_box.setObjectName("units_input")
        self.text_box.setAccessibleName("Text the model reads")
        self.text_box.setMaximumHeight(80)
        column.addWidget(self.text_box)
        self.status = QLabel(self)
        self.status.setObjectName("units_status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # text from data
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        self.activations: units.UnitActivations | None = None
        self.shown_html = ""
        self.model_box.currentIndexChanged.connect(self.load_model)
        self.state_box.currentIndexChanged.connect(self.refresh)
        self.unit_box.valueChanged.connect(self.show_unit)
        self.feature_box.currentIndexChanged.connect(self.rank)
        self.ranking.itemClicked.connect(self._pick_ranked)
        self.text_box.textChanged.connect(self.refresh)
        self.load_model()

    @property
    def state(self) -> str:
        """``"h"`` or ``"c"``."""
        return str(self.state_box.currentData() or "h")

    def load_model(self) -> None:
        """Load the chosen model and compute its hint on the sample text."""
        name = self.model_box.currentData()
        self.model = load_zoo_model(name)
        with blocked(self.state_box, self.unit_box):
            self.state_box.clear()
            self.state_box.addItem("hidden state h", "h")
            if self.model.kind == "lstm":
                self.state_box.addItem("cell state c", "c")
            self.unit_box.setRange(0, self.model.hidden_size - 1)
        hint = units.tracking_hint(self.model, name)
        self.hint.setText(
            hint
            or f"No unit of {name} tracks one of these features with |r| ≥ "
            f"{units.HINT_THRESHOLD} on the sample text; try the ranking."
        )
        self.refresh()

    def refresh(self) -> None:
        """Run the model over the text and redraw."""
        try:
            self.activations = units.unit_activations(self.model, self.text_box.toPlainText())
        except EngineError as error:
            self.activations = None
            self.status.setText(str(error))
            self.coloured.clear()
            self.ranking.clear()
            return
        self.status.setText(
            f"{len(self.activations.chars)} characters; red: positive, blue: negative, "
            "white: near 0 (scaled to the unit's largest |value| here). Hover a character "
            "for its value."
        )
        self.rank()
        self.show_unit()

    def show_unit(self) -> None:
        """Colour the text by the chosen unit."""
        if self.activations is None:
            return
        values = self.activations.values(self.state)[:, self.unit_box.value()]
        self.shown_html = coloured_html(self.activations.chars, values)
        self.coloured.setHtml(self.shown_html)

    def rank(self) -> None:
        """List the units most correlated with the chosen feature."""
        self.ranking.clear()
        if self.activations is None:
            return
        ranked = units.rank_units(self.activations, self.feature_box.currentData(), self.state)
        for unit, r in ranked[:RANKED]:
            item = QListWidgetItem(f"unit {unit}: r = {r:+.2f}")
            item.setData(256, unit)  # Qt.UserRole
            self.ranking.addItem(item)

    def _pick_ranked(self, item: QListWidgetItem) -> None:
        self.unit_box.setValue(int(item.data(256)))


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    view = UnitsView()
    view.show()
    sys.exit(app.exec())
