"""Small icons from ``resources/icons``, tinted with a theme colour.

Buttons use icons instead of rare text glyphs: the only fonts the Debian package pulls in are
DejaVu, which lacks ⏸ (U+23F8), so a "⏸ Pause" label drew a missing-glyph box. An icon file is
a black shape; :func:`tinted_icon` paints it in any colour (the palette's button text), so one
file serves every theme.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from rnn_studio.resources import resource_path

#: Sizes (device pixels) an icon is rendered at; Qt picks the nearest for a button.
ICON_SIZES = (16, 24, 32, 48, 64)


def icon_path(name: str) -> str:
    """The file of icon ``name`` (``"pause"``, ``"high-contrast/check"``) as a path string."""
    return str(resource_path("icons", f"{name}.svg"))


def tinted_icon(
    name: str, colour: str, into: QIcon | None = None, state: QIcon.State = QIcon.State.Off
) -> QIcon:
    """Icon ``name`` with every drawn pixel in ``colour`` (its alpha kept).

    Parameters
    ----------
    name : str
        The file's name in ``resources/icons`` without ``.svg``.
    colour : str
        The colour, e.g. a palette role's ``"#RRGGBB"``.
    into : QIcon, optional
        Add the pixmaps to this icon (e.g. a checkable button's "on" look) instead of a new one.
    state : QIcon.State
        The button state the pixmaps are for (``On``: checked).

    Raises
    ------
    FileNotFoundError
        If ``resources/icons/<name>.svg`` is missing or not a readable SVG.
    """
    renderer = QSvgRenderer(icon_path(name))
    if not renderer.isValid():
        raise FileNotFoundError(f"icon {name!r}: {icon_path(name)} is not a readable SVG")
    icon = QIcon() if into is None else into
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter, QRectF(0, 0, size, size))
        # Keep the shape's coverage, replace its colour.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(image.rect(), QColor(colour))
        painter.end()
        icon.addPixmap(QPixmap.fromImage(image), QIcon.Mode.Normal, state)
    return icon
