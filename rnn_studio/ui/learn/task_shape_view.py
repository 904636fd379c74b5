"""Unrolled diagrams of RNN task shapes, painted for the lesson "Shapes of RNN tasks".

One row per shape of :mod:`rnn_studio.learn.task_shapes`: a box per unrolled step, the
hidden state passed right between boxes, inputs below with arrows up, outputs above, and a
dashed arrow where an output is fed back as the next input. Encoder steps are drawn in the
palette's highlight colour, decoder steps in its link colour. Colours come from the widget's
palette, so the diagram follows the theme.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from rnn_studio.learn.task_shapes import CHAPTER_SHAPES, SHAPES, TaskShape

BOX = 44.0  # cell box side, px
GAP = 30.0  # space between boxes
CELL_W = 5 * (BOX + GAP) + 20  # one shape: title and example above, five steps below
CELL_H = 182.0


class TaskShapeView(QWidget):
    """Draws the shapes a lesson chapter names (two to a row); hidden for other chapters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("task_shape_view")
        self.setAccessibleName("Unrolled diagram of the task shape")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.shapes: tuple[TaskShape, ...] = ()
        self.setVisible(False)

    def set_chapter(self, chapter_id: str) -> None:
        """Show the shapes of ``chapter_id`` (hide the widget when it has none)."""
        self.set_shapes(CHAPTER_SHAPES.get(chapter_id, ()))

    def set_shapes(self, shape_ids: tuple[str, ...]) -> None:
        """Draw these shapes, two to a row."""
        self.shapes = tuple(SHAPES[shape_id] for shape_id in shape_ids)
        self.setVisible(bool(self.shapes))
        self.setAccessibleDescription(
            "; ".join(f"{shape.title}: {shape.example}" for shape in self.shapes)
        )
        self.setMinimumHeight(int(0.7 * self._grid()[1] * CELL_H) if self.shapes else 0)
        self.updateGeometry()
        self.update()

    def _grid(self) -> tuple[int, int]:
        columns = 2 if len(self.shapes) > 1 else 1
        return columns, max(1, -(-len(self.shapes) // columns))

    def sizeHint(self) -> QSize:
        columns, rows = self._grid()
        return QSize(int(columns * CELL_W), int(rows * CELL_H))

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self.shapes:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        natural = self.sizeHint()
        scale = min(self.width() / natural.width(), self.height() / natural.height(), 1.6)
        painter.scale(scale, scale)
        columns, _ = self._grid()
        for n, shape in enumerate(self.shapes):
            self._paint_shape(painter, shape, (n % columns) * CELL_W, (n // columns) * CELL_H)
        painter.end()

    # --- drawing --------------------------------------------------------------------------
    def _paint_shape(self, painter: QPainter, shape: TaskShape, origin: float, top: float) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        font = QFont(self.font())
        title_font = QFont(font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text)
        left_aligned = Qt.AlignmentFlag.AlignLeft
        painter.drawText(QRectF(origin + 4, top + 2, CELL_W - 8, 20), left_aligned, shape.title)
        painter.setFont(font)
        painter.drawText(QRectF(origin + 4, top + 22, CELL_W - 8, 20), left_aligned, shape.example)
        middle = top + 110
        for n, step in enumerate(shape.steps):
            left = origin + 14 + n * (BOX + GAP)
            box = QRectF(left, middle - BOX / 2, BOX, BOX)
            colour = (
                palette.color(QPalette.ColorRole.Highlight)
                if step.part == "encoder"
                else palette.color(QPalette.ColorRole.Link)
                if step.part == "decoder"
                else text
            )
            painter.setPen(QPen(colour, 2))
            fill = QColor(colour)
            fill.setAlpha(40)
            painter.setBrush(fill)
            painter.drawRoundedRect(box, 6, 6)
            painter.setPen(text)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "h")
            if n > 0:  # the hidden state passed on
                self._arrow(painter, QPointF(left - GAP, middle), QPointF(left, middle), text)
            centre = left + BOX / 2
            below, above = middle + BOX / 2, middle - BOX / 2
            if step.input is not None:
                self._arrow(painter, QPointF(centre, below + 24), QPointF(centre, below), text)
                painter.drawText(
                    QRectF(centre - 34, below + 26, 68, 20),
                    Qt.AlignmentFlag.AlignCenter,
                    step.input,
                )
                if step.fed_back:  # previous output label → this input label, dashed
                    painter.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
                    painter.drawLine(
                        QPointF(centre - BOX - GAP + 12, above - 30),
                        QPointF(centre - 14, below + 30),
                    )
                    painter.setPen(text)
            if step.output is not None:
                self._arrow(painter, QPointF(centre, above), QPointF(centre, above - 24), text)
                painter.drawText(
                    QRectF(centre - 34, above - 44, 68, 20),
                    Qt.AlignmentFlag.AlignCenter,
                    step.output,
                )

    @staticmethod
    def _arrow(painter: QPainter, start: QPointF, end: QPointF, colour: QColor) -> None:
        painter.setPen(QPen(colour, 1.5))
        painter.drawLine(start, end)
        direction = end - start
        length = max(1e-6, (direction.x() ** 2 + direction.y() ** 2) ** 0.5)
        unit = QPointF(direction.x() / length, direction.y() / length)
        normal = QPointF(-unit.y(), unit.x())
        head = QPolygonF([end, end - unit * 7 + normal * 3.5, end - unit * 7 - normal * 3.5])
        painter.setBrush(colour)
        painter.drawPolygon(head)
