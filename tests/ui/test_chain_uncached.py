"""The unrolled chain's cells are painted directly, clipped to their bounds (no item cache,
whose pixmap copies Qt hands to its thread pool), and look as the cached cells did: the same
pixels up to the rounding of antialiased edges through a cached pixmap (2 levels of 255)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsItem

from rnn_studio.learn.presets import builtin_presets
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.panels.unrolled import UnrolledPanel
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.theme import resolve_theme
from rnn_studio.ui.widgets.chain import CELL_RECT, CellItem

#: What a copy through a premultiplied pixmap changes in an antialiased edge pixel.
ROUNDING = 2


def pixels(panel: UnrolledPanel) -> np.ndarray:
    image = panel.view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return data[:, : image.width() * 4].astype(int)


def cached(panel: UnrolledPanel, on: bool) -> None:
    """The cells as they were (a device-coordinate cache over CELL_RECT), or as they are."""
    for item in panel.view.cells:
        assert isinstance(item, CellItem)
        if on:
            item.setRect(CELL_RECT)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsToShape, False)
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        else:
            item.setRect(CellItem(0, panel.view.state, print).rect())
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsToShape, True)
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_uncached_cells_look_as_the_cached_ones(qtbot, cell, theme) -> None:
    preset = next(p for p in builtin_presets() if p.preset_id == "vanishing-100")
    session = StudioSession(dataclasses.replace(preset.setup, cell=cell))  # gradient arrows on
    panel = UnrolledPanel(SessionBridge(session))
    qtbot.addWidget(panel)
    panel.view.apply_palette(resolve_theme(theme))
    panel.resize(1000, 240)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.view.zoom == panel.view.font_zoom())  # the text size's zoom
    item = panel.view.cells[0]
    assert item.cacheMode() == QGraphicsItem.CacheMode.NoCache
    assert item.flags() & QGraphicsItem.GraphicsItemFlag.ItemClipsToShape
    for t in (0, 3, 17, 40):
        session.set_cursor(t)
        qtbot.wait(1)
        ours = pixels(panel)
        cached(panel, True)
        theirs = pixels(panel)
        cached(panel, False)
        assert np.abs(ours - theirs).max() <= ROUNDING, t
        assert np.array_equal(ours, pixels(panel))  # back as it was
