"""Plot text follows the app's text size: axis labels, legends and plot texts.

pyqtgraph draws ticks in its view's font, which follows the application font; but an axis
label, a legend entry and a :class:`pyqtgraph.TextItem` keep the font they were made with
(a legend entry even a fixed point size). :func:`follow_app_font` gives the existing ones
the app's size again after a text-size change; legends keep the size for entries added later.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from rnn_studio.ui.accessibility import text_floor_px

#: A legend entry's size at text size 1.0 (a point under the body text: legends sit over the
#: data and stay small); it grows with the text size like everything else.
BASE_LEGEND_POINT_SIZE = 8.0
#: The app font's size at text size 1.0 is kept in this app property (see theme).
BASE_SIZE_PROPERTY = "rnn_studio_base_point_size"


def text_scale(app: QApplication) -> float:
    """The app font's size relative to the platform's (1.0 unless a text size is chosen)."""
    base = app.property(BASE_SIZE_PROPERTY)
    size = app.font().pointSizeF()
    try:
        base = float(base)
    except (TypeError, ValueError):
        return 1.0
    return size / base if base > 0 and size > 0 else 1.0


def legend_text_size(app: QApplication | None = None) -> str:
    """The legends' ``labelTextSize`` for the app's text size (never under the text floor)."""
    if app is None:
        running = QApplication.instance()
        if not isinstance(running, QApplication):
            return f"{BASE_LEGEND_POINT_SIZE:g}pt"
        app = running
    points = BASE_LEGEND_POINT_SIZE * text_scale(app)
    floor = text_floor_px()
    if floor > 0:
        screen = app.primaryScreen()
        dpi = screen.logicalDotsPerInchY() if screen is not None else 96.0
        points = max(points, floor * 72.0 / dpi)
    return f"{points:.1f}pt"


def follow_app_font(app: QApplication) -> None:
    """Axis labels, legends (their entries now and later) and plot texts of every plot in
    the app at the app font's size."""
    font = QFont(app.font())
    legend_size = legend_text_size(app)
    for window in app.topLevelWidgets():
        views = window.findChildren(pg.GraphicsView)
        if isinstance(window, pg.GraphicsView):
            views.append(window)
        for view in views:
            scene = view.scene()
            if scene is None:
                continue
            for item in scene.items():
                if isinstance(item, pg.AxisItem) and item.label is not None:
                    item.label.setFont(font)
                    item._updateLabel()  # its size, and the room the axis keeps for it
                elif isinstance(item, pg.LegendItem):
                    item.opts["labelTextSize"] = legend_size  # for entries added later
                    for _sample, label in item.items:
                        label.opts["size"] = legend_size
                        label.setText(label.text)
                elif isinstance(item, pg.TextItem):
                    item.setFont(font)
