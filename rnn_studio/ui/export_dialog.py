"""File ▸ Export ▸ Figure: choose the view, the file type, the size and the colours.

Sizes offered: slides in pixels (1920 x 1080 by default, 1280 x 720, 3840 x 2160, or any
size from 320 to 7680 pixels a side) or a width on paper at a resolution (180 mm at 300 dpi
by default: an A4 page's text width). Colours: white paper ("print") or the studio's
current theme.

Run ``python -m rnn_studio.ui.export_dialog`` to see the dialog on its own.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from rnn_studio.ui.export import FIGURE_FORMATS, FigureOptions
from rnn_studio.ui.export_figures import (
    DEFAULT_SLIDE,
    MAX_DPI,
    MAX_MM,
    MAX_PIXELS,
    MIN_DPI,
    MIN_MM,
    MIN_PIXELS,
    VIEW_LABELS,
    FigureSize,
)

#: Size choices: label -> (width, height) in pixels, or None for paper / custom.
SIZE_CHOICES: dict[str, tuple[int, int] | None] = {
    "1920 × 1080 pixels (slides)": DEFAULT_SLIDE,
    "1280 × 720 pixels": (1280, 720),
    "3840 × 2160 pixels (4K)": (3840, 2160),
    "Other size in pixels": None,
    "Width on paper (dpi)": None,
}
PAPER_CHOICE = "Width on paper (dpi)"
CUSTOM_CHOICE = "Other size in pixels"
STYLE_CHOICES = {"print": "Print: white background", "theme": "The studio's current theme"}


class FigureExportDialog(QDialog):
    """Ask how to export a figure; :meth:`options` and :meth:`suffix` give the answer."""

    def __init__(self, parent: QWidget | None = None, view: str = "gradients") -> None:
        super().__init__(parent)
        self.setObjectName("figure_export_dialog")
        self.setWindowTitle("Export figure")
        form = QFormLayout(self)
        self.view_box = self._combo("figure_view", VIEW_LABELS)
        self.view_box.setCurrentIndex(max(0, self.view_box.findData(view)))
        form.addRow("&Figure:", self.view_box)
        self.format_box = self._combo("figure_format", FIGURE_FORMATS)
        form.addRow("File &type:", self.format_box)
        self.size_box = QComboBox(self)
        self.size_box.setObjectName("figure_size")
        self.size_box.addItems(list(SIZE_CHOICES))
        form.addRow("&Size:", self.size_box)
        self.width_box = self._spin("figure_width", MIN_PIXELS, MAX_PIXELS, DEFAULT_SLIDE[0], " px")
        self.height_box = self._spin(
            "figure_height", MIN_PIXELS, MAX_PIXELS, DEFAULT_SLIDE[1], " px"
        )
        form.addRow("&Width:", self.width_box)
        form.addRow("&Height:", self.height_box)
        self.paper_box = QDoubleSpinBox(self)
        self.paper_box.setObjectName("figure_paper_width")
        self.paper_box.setRange(MIN_MM, MAX_MM)
        self.paper_box.setValue(180.0)
        self.paper_box.setSuffix(" mm")
        self.paper_box.setDecimals(0)
        form.addRow("&Paper width:", self.paper_box)
        self.dpi_box = self._spin("figure_dpi", MIN_DPI, MAX_DPI, 300, " dpi")
        form.addRow("&Resolution:", self.dpi_box)
        self.style_box = self._combo("figure_style", STYLE_CHOICES)
        form.addRow("&Colours:", self.style_box)
        self.summary = QLabel(self)
        self.summary.setObjectName("figure_summary")
        self.summary.setWordWrap(True)
        form.addRow(self.summary)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        for box in (self.size_box, self.format_box):
            box.currentIndexChanged.connect(self._update)
        for spin in (self.width_box, self.height_box, self.dpi_box, self.paper_box):
            spin.valueChanged.connect(self._update)
        self._update()

    def _combo(self, name: str, choices: dict[str, str]) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        for data, label in choices.items():
            box.addItem(label, data)
        return box

    def _spin(self, name: str, low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        return spin

    def _update(self) -> None:
        choice = self.size_box.currentText()
        paper = choice == PAPER_CHOICE
        preset = SIZE_CHOICES.get(choice)
        if preset is not None:
            self.width_box.setValue(preset[0])
            self.height_box.setValue(preset[1])
        self.width_box.setEnabled(choice == CUSTOM_CHOICE)
        self.height_box.setEnabled(choice == CUSTOM_CHOICE)
        self.paper_box.setEnabled(paper)
        self.dpi_box.setEnabled(paper)
        size = self.figure_size()
        text = f"{size.width} × {size.height} pixels"
        if paper:
            width_mm, height_mm = size.page_mm
            text += f", {width_mm:.0f} × {height_mm:.0f} mm at {size.dpi:.0f} dpi"
        self.summary.setText(text)

    def figure_size(self) -> FigureSize:
        """The size chosen."""
        if self.size_box.currentText() == PAPER_CHOICE:
            return FigureSize.paper(self.paper_box.value(), dpi=self.dpi_box.value())
        return FigureSize.pixels(self.width_box.value(), self.height_box.value())

    def options(self) -> FigureOptions:
        """Everything chosen but the file type."""
        return FigureOptions(
            view=str(self.view_box.currentData()),
            size=self.figure_size(),
            style=str(self.style_box.currentData()),
        )

    def suffix(self) -> str:
        """The file type chosen (``".png"``, ``".svg"`` or ``".pdf"``)."""
        return str(self.format_box.currentData())


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    dialog = FigureExportDialog()
    dialog.show()
    app.exec()
