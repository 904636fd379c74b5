"""How tall the text on screen is: widgets (rich text fragment by fragment), plot ticks,
labels, legends and texts, the unrolled chain and the cell diagram.

:func:`text_heights` returns (pixel size, where) for everything a window shows, smallest
first; the pixel size is the font's em height on screen (``QFontInfo.pixelSize``), times the
view's zoom for the views that scale what they draw. Sub- and superscripts count at two
thirds of their font, as Qt draws them.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontInfo, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

from rnn_studio.ui.widgets import cell_diagram_view
from rnn_studio.ui.widgets.chain import SMALLEST_POINT_SIZE, ChainView

#: Qt draws sub- and superscripts at this share of their font.
SCRIPT_SHARE = 2 / 3


def pixels(font: QFont) -> float:
    """The em height of ``font`` on screen, in pixels."""
    return float(QFontInfo(font).pixelSize())


def on_screen(widget: QWidget) -> bool:
    """Shown and not hidden behind another tab or window part."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def rich_text_heights(html: str, font: QFont) -> list[float]:
    """The size of every piece of text in ``html`` drawn with ``font`` as the default."""
    document = QTextDocument()
    document.setDefaultFont(font)
    document.setHtml(html)
    sizes = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.isValid() and fragment.text().strip():
                char = fragment.charFormat()
                size = pixels(char.font())
                alignment = char.verticalAlignment()
                scripts = (
                    QTextCharFormat.VerticalAlignment.AlignSubScript,
                    QTextCharFormat.VerticalAlignment.AlignSuperScript,
                )
                sizes.append(size * SCRIPT_SHARE if alignment in scripts else size)
            iterator += 1
        block = block.next()
    return sizes


def widget_heights(widget: QWidget) -> list[float]:
    """Sizes of the text ``widget`` shows (none if it shows none)."""
    if isinstance(widget, QLabel):
        text = widget.text()
        if not text.strip():
            return []
        rich = widget.textFormat() == widget.textFormat().RichText or (
            widget.textFormat() == widget.textFormat().AutoText and "<" in text
        )
        return rich_text_heights(text, widget.font()) if rich else [pixels(widget.font())]
    if isinstance(widget, QTextEdit):
        if not widget.toPlainText().strip():
            return []
        return rich_text_heights(widget.toHtml(), widget.font())
    if isinstance(widget, QAbstractButton):
        return [pixels(widget.font())] if widget.text().strip() else []
    if isinstance(widget, (QLineEdit, QComboBox, QPlainTextEdit)):
        return [pixels(widget.font())]
    if isinstance(widget, QTabBar) and widget.count():
        return [pixels(widget.font())]
    if type(widget).__name__ == "StatusText":
        return [pixels(widget.font())]
    return []


def plot_heights(view: pg.GraphicsView) -> list[tuple[float, str]]:
    """Sizes of the ticks, axis labels, labels, legends and texts of one plot view."""
    found = []
    name = view.objectName()
    for item in view.scene().items():
        if not item.isVisible():
            continue
        if isinstance(item, pg.AxisItem) and item.style.get("showValues", True):
            font = item.style.get("tickFont") or view.font()
            found.append((pixels(font), f"ticks {name} {item.orientation}"))
            if item.label.isVisible() and item.labelText:
                found.append((pixels(item.label.font()), f"axis label {name}"))
        elif isinstance(item, pg.LabelItem) and item.text:
            font = QFont(view.font())
            size = item.opts.get("size")
            if size:
                font.setPointSizeF(float(str(size).removesuffix("pt")))
            found.append((pixels(font), f"label {name} {item.text[:24]}"))
        elif isinstance(item, pg.TextItem) and item.textItem.toPlainText().strip():
            found.append((pixels(item.textItem.font()), f"text {name}"))
    return found


def text_heights(window: QWidget) -> list[tuple[float, str]]:
    """(pixel size, where) of every text ``window`` shows, smallest first."""
    found: list[tuple[float, str]] = []
    for widget in window.findChildren(QWidget):
        if on_screen(widget):
            where = f"{type(widget).__name__} {widget.objectName()}"
            found.extend((size, where) for size in widget_heights(widget))
    for view in window.findChildren(pg.GraphicsView):
        if on_screen(view):
            found.extend(plot_heights(view))
    for chain in window.findChildren(ChainView):
        if on_screen(chain):
            smallest = SMALLEST_POINT_SIZE * chain.logicalDpiY() / 72.0 * chain.zoom
            found.append((smallest, "unrolled chain (smallest label)"))
    for diagram in window.findChildren(cell_diagram_view.CellDiagramView):
        if on_screen(diagram) and diagram.diagram is not None:
            found.extend((size, "cell diagram") for size in diagram_text_pixels(diagram))
    return sorted(found)


def diagram_text_pixels(diagram: cell_diagram_view.CellDiagramView) -> list[float]:
    """The on-screen size of every font the cell diagram paints with, recorded while it
    paints (its fonts are in canvas units, scaled by the diagram's scale)."""
    used: list[float] = []
    make_font = diagram._font_and_metrics  # every font the diagram draws with comes from it

    def recording(size: float, bold: bool = False):
        found = make_font(size, bold)
        used.append(found[0].pixelSize() * diagram._scale)
        return found

    diagram._font_and_metrics = recording  # type: ignore[method-assign]
    try:
        diagram.grab()
    finally:
        del diagram._font_and_metrics
    return used


def colour_bar_labels_outside(panel) -> list[tuple[str, str]]:
    """Tick labels of the memory panel's colour bars that stick out of the plot view."""
    import pyqtgraph as pg
    from PySide6.QtGui import QImage, QPainter

    view = panel.graphics
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    outside = []
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    for bar in (panel.hidden_bar, panel.cell_bar):
        if bar.scene() is None or not bar.isVisible():
            continue
        axis = bar.axis
        assert isinstance(axis, pg.AxisItem)
        painter = QPainter(image)
        try:
            specs = axis.generateDrawSpecs(painter)
        finally:
            painter.end()
        if specs is None:
            continue
        for rect, _flags, text in specs[2]:
            box = axis.mapRectToScene(rect)
            if box.top() < visible.top() - 0.5 or box.bottom() > visible.bottom() + 0.5:
                outside.append((bar.objectName() or "bar", text))
    return outside
