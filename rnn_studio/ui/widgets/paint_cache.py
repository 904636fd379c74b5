"""Static plot items painted once and blitted afterwards, so moving a cursor line is cheap.

When an item moves (a cursor line at every step of playback), Qt repaints every item under
the strip it left and the strip it entered. A 1,000-point curve under that strip is stroked
again in full (Qt clips the pixels, not the segments): 0.5–2 ms per curve, per frame, for a
wide or dashed pen. :func:`cache_static` gives such items Qt's device-coordinate cache: the
item is painted into a pixmap when its data, pen or the view's range changes, and the
exposed strip is copied from that pixmap otherwise. The pixels are the same ones Qt would
paint (the item is drawn with the same transform, antialiased, into a transparent pixmap).

A cached item would reach a vector file (SVG, PDF) as a bitmap; :func:`uncached` turns the
cache off for the duration of such a render.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache
_NO_CACHE = QGraphicsItem.CacheMode.NoCache


def cache_static(*items: QGraphicsItem) -> None:
    """Paint ``items`` through a device-coordinate pixmap cache.

    A :class:`pyqtgraph.PlotDataItem` is a container: its curve and its symbols are the
    items that paint, so those get the cache.
    """
    for item in items:
        if isinstance(item, pg.PlotDataItem):
            item.curve.setCacheMode(_CACHE)
            item.scatter.setCacheMode(_CACHE)
        else:
            item.setCacheMode(_CACHE)


@contextmanager
def uncached(view: QGraphicsView) -> Iterator[None]:
    """Paint every item of ``view``'s scene directly for the duration (vector output)."""
    scene = view.scene()
    cached = [] if scene is None else [i for i in scene.items() if i.cacheMode() != _NO_CACHE]
    modes = [item.cacheMode() for item in cached]
    for item in cached:
        item.setCacheMode(_NO_CACHE)
    try:
        yield
    finally:
        for item, mode in zip(cached, modes, strict=True):
            item.setCacheMode(mode)
