"""The cell view copies the parts that look the same at every step from cached layers: the
picture equals the one drawn part by part, at every step, animation stage and palette, and
the layers are made once, not per step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage, QPainter, QPicture

from rnn_studio.state.cell_diagram import diagram_of_run
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.theme import DARK, LIGHT
from rnn_studio.ui.widgets.cell_diagram_view import CellDiagramView

TEXT = "not bad at all, said the cat"


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return data[:, : image.width() * 4].reshape(image.height(), image.width(), 4).astype(int)


def layered_and_direct(view: CellDiagramView) -> tuple[np.ndarray, np.ndarray]:
    """The view rendered to an image (raster: cached layers), and drawn part by part (a
    recording has no raster engine, so every part is drawn; then replayed to an image)."""
    layered = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    view.render(layered, QPoint(0, 0))
    picture = QPicture()
    view.render(picture, QPoint(0, 0))
    direct = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(direct)
    painter.drawPicture(0, 0, picture)
    painter.end()
    return pixels(layered), pixels(direct)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_layers_show_the_picture_drawn_part_by_part(qtbot, cell) -> None:
    session = StudioSession(DemoSetup(text=TEXT, mode="words", cell=cell, hidden_size=256))
    view = CellDiagramView()
    qtbot.addWidget(view)
    view.resize(640, 260)
    worst = 0
    for palette in (LIGHT, DARK):
        view.apply_palette(palette)
        for t in (1, 4):
            view.set_diagram(diagram_of_run(session.shown, session.run.sequence, t, "tanh"))
            for progress in (None, 0.0, 1.5, 2.75):
                view.set_progress(progress)
                layered, direct = layered_and_direct(view)
                difference = np.abs(layered - direct).max(axis=2)
                # Same stacking; copying a transparent layer rounds an antialiased edge
                # pixel by at most a couple of levels out of 255.
                worst = max(worst, int(difference.max()))
                assert int(difference.max()) <= 3, (palette.name, t, progress)
                assert int((difference > 0).sum()) < 0.01 * difference.size
                # The background really is the palette's (not a stale layer's).
                assert tuple(layered[2, 2, :3]) == tuple(
                    int(palette.plot_background[i : i + 2], 16) for i in (1, 3, 5)
                )
    assert worst <= 3


def test_a_stale_layer_would_be_seen(qtbot) -> None:
    """The comparison above can fail: a layer of the other palette differs a lot."""
    session = StudioSession(DemoSetup(text=TEXT, mode="words", cell="lstm", hidden_size=8))
    view = CellDiagramView()
    qtbot.addWidget(view)
    view.resize(640, 260)
    view.set_diagram(diagram_of_run(session.shown, session.run.sequence, 2, "tanh"))
    view.apply_palette(DARK)
    view.render(QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied), QPoint(0, 0))
    dark_layers = dict(view._layers)
    view.apply_palette(LIGHT)
    layered, direct = layered_and_direct(view)
    assert np.abs(layered - direct).max() <= 3
    light_key = next(iter(view._layers))
    view._layers[light_key] = next(iter(dark_layers.values()))  # wrong colours on purpose
    layered, direct = layered_and_direct(view)
    assert np.abs(layered - direct).max() > 50


def test_the_layers_are_made_once_while_playing(qtbot) -> None:
    session = StudioSession(DemoSetup(text=TEXT, mode="words", cell="gru", hidden_size=256))
    view = CellDiagramView()
    qtbot.addWidget(view)
    view.resize(500, 220)
    image = QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied)
    made = []
    for t in range(session.length):
        view.set_diagram(diagram_of_run(session.shown, session.run.sequence, t, "tanh"))
        view.render(image, QPoint(0, 0))
        made.append(id(next(iter(view._layers.values()))[0]))
    assert len(view._layers) == 1 and len(set(made)) == 1
    view.resize(520, 220)  # a new size: new layers
    view.render(QImage(view.size(), QImage.Format.Format_ARGB32_Premultiplied), QPoint(0, 0))
    assert len(view._layers) == 2
