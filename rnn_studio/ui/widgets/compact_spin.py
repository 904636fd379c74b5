"""Spin boxes that ask for room for a few digits, not for the widest value of their range.

Qt sizes a spin box for the longest text its range allows: a seed box (up to 2³¹ − 1) asks
for ten digits, which at a projector font widens the whole left column. These ask for
``digits`` characters; a longer value scrolls inside the box as in a line edit.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QStyle, QStyleOptionSpinBox, QWidget


def _compact_width(box: QSpinBox | QDoubleSpinBox, digits: int) -> int:
    option = QStyleOptionSpinBox()
    box.initStyleOption(option)
    text = box.prefix() + "0" * digits + box.suffix()
    content = QSize(box.fontMetrics().horizontalAdvance(text) + 6, box.fontMetrics().height())
    size = box.style().sizeFromContents(QStyle.ContentsType.CT_SpinBox, option, content, box)
    return size.width()


class CompactSpinBox(QSpinBox):
    """A :class:`QSpinBox` whose minimum width fits ``digits`` digits."""

    def __init__(self, digits: int = 6, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.digits = digits

    def minimumSizeHint(self) -> QSize:
        size = super().minimumSizeHint()
        return QSize(min(size.width(), _compact_width(self, self.digits)), size.height())

    def sizeHint(self) -> QSize:
        size = super().sizeHint()
        return QSize(min(size.width(), _compact_width(self, self.digits + 2)), size.height())


class CompactDoubleSpinBox(QDoubleSpinBox):
    """A :class:`QDoubleSpinBox` whose minimum width fits ``digits`` characters."""

    def __init__(self, digits: int = 6, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.digits = digits

    def minimumSizeHint(self) -> QSize:
        size = super().minimumSizeHint()
        return QSize(min(size.width(), _compact_width(self, self.digits)), size.height())

    def sizeHint(self) -> QSize:
        size = super().sizeHint()
        return QSize(min(size.width(), _compact_width(self, self.digits + 2)), size.height())
