"""Fonts that stay in proportion to the app font when it changes (the projector setting).

A widget given an explicit font (a larger question, a bold title) no longer inherits the
application font, so a later :func:`rnn_studio.ui.theme.apply_font_scale` would leave it
behind. :func:`scaled_font` attaches a small helper that re-derives the widget's font from
the application font on every ``QGuiApplication.fontChanged``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget


class _FollowAppFont(QObject):
    """Re-applies ``scale`` and ``bold`` to its widget after each application font change."""

    def __init__(self, widget: QWidget, scale: float, bold: bool) -> None:
        super().__init__(widget)
        self.setObjectName("follow_app_font")
        self.widget = widget
        self.scale = scale
        self.bold = bold
        self.apply()
        QApplication.instance().fontChanged.connect(self.apply)  # type: ignore[union-attr]

    def apply(self, _font: QFont | None = None) -> None:
        """Set the widget's font from the current application font."""
        base = QApplication.font()
        font = QFont(base)
        if base.pointSizeF() > 0:
            font.setPointSizeF(base.pointSizeF() * self.scale)
        font.setBold(self.bold)
        self.widget.setFont(font)


def scaled_font(widget: QWidget, scale: float = 1.0, bold: bool = False) -> None:
    """Give ``widget`` the app font times ``scale`` (bold if asked), now and after changes."""
    _FollowAppFont(widget, scale, bold)
