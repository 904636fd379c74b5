"""Render ``resources/icons/rnn-studio.svg`` to the PNG sizes, ICO and ICNS the installers use.

Run after editing the SVG (the outputs are committed, so builds need neither Qt's SVG module
at build time nor this script)::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    """Return ``svg`` drawn on a transparent ``size`` x ``size`` image."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG file")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    """Write ``rnn-studio-<size>.png`` for every size, then ``.ico`` and ``.icns`` via Pillow."""
    _app = QGuiApplication(sys.argv[:1])
    svg = ICON_DIR / "rnn-studio.svg"
    pngs = []
    for size in SIZES:
        target = ICON_DIR / f"rnn-studio-{size}.png"
        if not render(svg, size).save(str(target)):
            raise SystemExit(f"render_icons: could not write {target}")
        pngs.append(target)
    from PIL import Image

    largest = Image.open(ICON_DIR / "rnn-studio-512.png")
    largest.save(
        ICON_DIR / "rnn-studio.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]
    )
    largest.save(ICON_DIR / "rnn-studio.icns")
    print(f"wrote {len(pngs)} PNGs, rnn-studio.ico and rnn-studio.icns in {ICON_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
