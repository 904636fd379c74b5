"""What the model does as it learns: sampled text, forecasts, or labelled examples.

One page per task, switched by :meth:`PreviewPanel.set_task`:

* text: text sampled from each cell at a chosen temperature (explained beside the control);
* forecast: prediction against truth on the held-out series, with a multi-step rollout;
* sentiment and memory: held-out accuracy over training, and a few labelled examples.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.state.train_area import Preview, TrainingSnapshot
from rnn_studio.ui.theme import current_palette, set_role_style
from rnn_studio.ui.train.plots import CELL_NAMES, AccuracyPlot, ForecastPlot

TEMPERATURE_HELP = (
    "<b>Temperature τ</b> divides the network's scores before the softmax, "
    "p<sub>k</sub> ∝ exp(o<sub>k</sub>/τ). Near 0 it always picks the likeliest token "
    "(safe, repetitive); 1 samples the model's own probabilities; above 1 flattens them "
    "(surprising, more mistakes)."
)


class PreviewPanel(QStackedWidget):
    """The preview pages; the area feeds snapshots and previews.

    Signals
    -------
    temperature_changed(float)
    """

    temperature_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("train_preview")
        # Text page: samples and the temperature control.
        text_page = QWidget()
        text_column = QVBoxLayout(text_page)
        text_column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.temperature = QDoubleSpinBox()
        self.temperature.setObjectName("train_temperature")
        self.temperature.setRange(0.0, 3.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(0.8)
        self.temperature.setPrefix("τ = ")
        self.temperature.setToolTip(
            "Sampling temperature: 0 = always the likeliest token, 1 = the model's own "
            "probabilities, above 1 = flatter, more surprising."
        )
        self.temperature.valueChanged.connect(self.temperature_changed)
        help_label = QLabel(TEMPERATURE_HELP)
        help_label.setObjectName("train_temperature_help")
        help_label.setWordWrap(True)
        set_role_style(help_label, "color: $muted_text;")
        row.addWidget(QLabel("Sample at"))
        row.addWidget(self.temperature)
        row.addWidget(help_label, 1)
        text_column.addLayout(row)
        self.samples = QTextBrowser()
        self.samples.setObjectName("train_samples")
        self.samples.setAccessibleName("Sampled text")
        text_column.addWidget(self.samples, 1)
        # Forecast page.
        self.forecast = ForecastPlot()
        # Accuracy page: curve and examples.
        accuracy_page = QWidget()
        accuracy_row = QHBoxLayout(accuracy_page)
        accuracy_row.setContentsMargins(0, 0, 0, 0)
        self.accuracy = AccuracyPlot()
        self.examples = QLabel()
        self.examples.setObjectName("train_examples")
        self.examples.setWordWrap(True)
        self.examples.setMinimumWidth(230)
        self.examples.setMaximumWidth(330)
        accuracy_row.addWidget(self.accuracy, 3)
        accuracy_row.addWidget(self.examples, 2)
        self.pages: dict[str, QWidget] = {
            "text": text_page,
            "forecast": self.forecast,
            "accuracy": accuracy_page,
        }
        for page in self.pages.values():
            self.addWidget(page)
        self.task = "sentiment"
        self.set_task("sentiment")

    def set_task(self, task: str) -> None:
        """Show the page for ``task`` and clear old content."""
        self.task = task
        page = task if task in ("text", "forecast") else "accuracy"
        self.setCurrentWidget(self.pages[page])

    def reset(self) -> None:
        """Clear everything (a new run starts)."""
        self.forecast.reset()
        self.accuracy.reset()
        self.samples.clear()
        self.examples.clear()

    def show_snapshot(self, snapshot: TrainingSnapshot) -> None:
        """Accuracy curves for the accuracy tasks."""
        if snapshot.metric_name == "accuracy":
            self.accuracy.show_snapshot(snapshot)

    def show_preview(self, preview: Preview) -> None:
        """Samples, forecasts or examples from ``preview``."""
        if preview.task == "text":
            self.samples.setHtml(_samples_html(preview))
        elif preview.task == "forecast":
            self.forecast.show_preview(preview)
        else:
            self.examples.setText(_examples_html(preview))


def _samples_html(preview: Preview) -> str:
    palette = current_palette()  # HTML is rebuilt on every preview, so it follows the theme
    colours = palette.cell_colours()
    parts = [
        f"<p style='color:{palette.muted_text}'>Each cell reads "
        f"“{html.escape(preview.prompt)}” and then writes, at τ = {preview.temperature:.2g}:</p>"
    ]
    for kind, text in preview.samples.items():
        parts.append(
            f"<p><b style='color:{colours[kind]}'>{CELL_NAMES[kind]}</b> "
            f"<span style='font-family:monospace'><u>{html.escape(preview.prompt)}</u>"
            f"{html.escape(text)}</span></p>"
        )
    return "".join(parts)


def _examples_html(preview: Preview) -> str:
    title = "Phrases" if preview.task == "sentiment" else "Rows (recall the first letter at ?)"
    rows = [f"<b>{title}</b><table cellspacing='3'>"]
    kinds = list(preview.labels)
    colours = current_palette().cell_colours()
    header = "".join(f"<th style='color:{colours[k]}'>{CELL_NAMES[k]}</th>" for k in kinds)
    rows.append(f"<tr><th></th>{header}</tr>")
    if kinds:
        for index, (name, _, _) in enumerate(preview.labels[kinds[0]]):
            shown = name if len(name) <= 28 else name[:12] + "…" + name[-12:]
            cells = "".join(
                f"<td>{html.escape(preview.labels[k][index][1])} "
                f"{preview.labels[k][index][2]:.0%}</td>"
                for k in kinds
            )
            rows.append(f"<tr><td><tt>{html.escape(shown)}</tt></td>{cells}</tr>")
    rows.append("</table>")
    return "".join(rows)
