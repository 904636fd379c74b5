"""Marks that move at every step of playback: a current-step line and a one-point marker.

pyqtgraph's ``InfiniteLine`` and ``ScatterPlotItem`` draw these, but both are Python items
made for many uses (dragging, hovering, thousands of points): moving one costs a pass
through their Python position handling, their bounds worked out again from the view, and a
Python paint that maps every point through NumPy. At hidden 256 the Outputs and Gradient
decay panels moved three of them at every frame of playback, about a millisecond in all.

:class:`CursorLine` is Qt's own line item (no Python runs when it moves or paints) placed
as pyqtgraph places a vertical ``InfiniteLine``: at x = value, turned by 90 degrees, across
the view's whole height. :class:`StepMarker` draws the point as ``ScatterPlotItem`` does in
pixel mode: the same pre-rendered symbol, at the same device position, worked out the same
way, with its bounds kept from one paint to the next. ``tests/ui/test_plot_marks.py``
compares their pixels with pyqtgraph's items.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from pyqtgraph.graphicsItems.ScatterPlotItem import renderSymbol
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QStyleOptionGraphicsItem, QWidget


class CursorLine(QGraphicsLineItem):
    """A vertical line at x = :meth:`value` across the whole height of a plot's view.

    The line reaches one view height past the view at both ends (the view clips it), and
    follows the view's y range (:meth:`attach` connects it).

    Parameters
    ----------
    pen : QPen, optional
        The line's pen (as ``pg.mkPen`` makes it: cosmetic).
    """

    def __init__(self, pen: QPen | None = None) -> None:
        super().__init__()
        self.setPen(pen if pen is not None else pg.mkPen(pg.getConfigOption("foreground")))
        # As pyqtgraph places a vertical InfiniteLine: turned by 90 degrees, so that the line
        # is drawn through the same transform, and its pixels are the same.
        self.setRotation(90.0)
        self._value = 0.0
        self._box: pg.ViewBox | None = None

    def attach(self, plot: pg.PlotItem) -> None:
        """Add the line to ``plot``, out of its auto range, following its y range."""
        plot.addItem(self, ignoreBounds=True)
        self._box = plot.getViewBox()
        self._box.sigYRangeChanged.connect(self._span_view)
        self._span_view()

    def value(self) -> float:
        """The line's x."""
        return self._value

    def setValue(self, value: float) -> None:
        """Move the line to x = ``value``."""
        self._value = float(value)
        self.setPos(self._value, 0.0)

    def _span_view(self, *_: object) -> None:
        if self._box is None:
            return
        low, high = self._box.viewRange()[1]
        height = high - low
        # Turned by 90 degrees, the line's own x runs along the view's y.
        self.setLine(low - height, 0.0, high + height, 0.0)


class StepMarker(QGraphicsItem):
    """One point drawn with a symbol of a fixed size in pixels (a ``ScatterPlotItem`` of
    one point in pixel mode); no point, nothing drawn.

    Parameters
    ----------
    size : float
        The symbol's size in pixels.
    pen, brush
        The symbol's outline and fill (anything ``pg.mkPen`` / ``pg.mkBrush`` take).
    symbol : str
        A pyqtgraph symbol name ("o": a circle).
    """

    def __init__(self, size: float, pen: object, brush: object, symbol: str = "o") -> None:
        super().__init__()
        self.size = float(size)
        self.symbol = symbol
        self._pen = pg.mkPen(pen)
        self._brush = pg.mkBrush(brush)
        self._point: tuple[float, float] | None = None
        self._pixmap: QPixmap | None = None
        self._pixmap_ratio = 0.0
        self._bounds = QRectF()
        self._bounds_for: QTransform | None = None  # the parent's transform they were made in

    def attach(self, plot: pg.PlotItem) -> None:
        """Add the marker to ``plot``, out of its auto range."""
        plot.addItem(self, ignoreBounds=True)

    def set_point(self, x: float | None, y: float | None = None) -> None:
        """Show the point (``x``, ``y``); None shows none."""
        point = None if x is None or y is None else (float(x), float(y))
        if point == self._point:
            return
        self.prepareGeometryChange()
        self._point = point
        self._bounds_for = None
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        """The x and y of the point shown, as ``ScatterPlotItem`` gives them (empty arrays
        when none is shown)."""
        if self._point is None:
            return np.zeros(0), np.zeros(0)
        return np.array([self._point[0]]), np.array([self._point[1]])

    def setPen(self, *args: object, **kwargs: object) -> None:
        """The symbol's outline (as ``pg.mkPen`` takes it)."""
        self._pen = pg.mkPen(*args, **kwargs)
        self._pixmap = None
        self.update()

    def setBrush(self, *args: object, **kwargs: object) -> None:
        """The symbol's fill (as ``pg.mkBrush`` takes it)."""
        self._brush = pg.mkBrush(*args, **kwargs)
        self._pixmap = None
        self.update()

    def pen(self) -> QPen:
        """The symbol's outline."""
        return QPen(self._pen)

    def brush(self) -> QBrush:
        """The symbol's fill."""
        return QBrush(self._brush)

    def _symbol_pixmap(self, ratio: float) -> QPixmap:
        """The symbol, rendered as ``ScatterPlotItem``'s atlas renders it."""
        if self._pixmap is None or ratio != self._pixmap_ratio:
            image = renderSymbol(self.symbol, self.size, self._pen, self._brush, dpr=ratio)
            # The atlas keeps the pixels without their ratio; the fragments scale by 1/ratio.
            image.setDevicePixelRatio(1.0)
            self._pixmap = QPixmap.fromImage(image)
            self._pixmap_ratio = ratio
        return self._pixmap

    def _half_extent_px(self) -> float:
        """Half the symbol's rendered side in pixels, and a pixel to spare."""
        side = int(np.ceil(self.size + max(np.ceil(self._pen.widthF()), 1)))
        return side / 2 + 1

    def boundingRect(self) -> QRectF:
        """The symbol's square round the point, in data units (kept until the point or the
        view's scale changes)."""
        if self._point is None:
            return QRectF()
        parent = self.parentItem()
        transform = parent.sceneTransform() if parent is not None else QTransform()
        if self._bounds_for is None or transform != self._bounds_for:
            x, y = self._point
            half = self._half_extent_px()
            # The parent maps data to scene (= device: pyqtgraph's views are not scaled).
            width = half / max(abs(transform.m11()), 1e-300)
            height = half / max(abs(transform.m22()), 1e-300)
            self._bounds = QRectF(x - width, y - height, 2 * width, 2 * height)
            self._bounds_for = QTransform(transform)
        return QRectF(self._bounds)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if self._point is None:
            return
        # As ScatterPlotItem.paint (pixel mode, cached symbols): the point mapped through the
        # painter's transform, then the symbol drawn there as a pixmap fragment.
        point = np.array([[self._point[0]], [self._point[1]]])
        points = fn.clip_array(fn.transformCoordinates(painter.transform(), point), -(2**30), 2**30)
        painter.resetTransform()
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        pixmap = self._symbol_pixmap(ratio)
        fragment = QPainter.PixmapFragment.create(
            QPointF(float(points[0, 0]), float(points[1, 0])),
            QRectF(0.0, 0.0, pixmap.width(), pixmap.height()),
            1.0 / ratio,
            1.0 / ratio,
            0.0,
            1.0,
        )
        painter.drawPixmapFragments(fragment, 1, pixmap)
