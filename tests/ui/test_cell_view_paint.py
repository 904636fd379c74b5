"""The cell view's paint caches (colours per palette, strips made in one array operation)
draw what each quantity means, and follow a change of palette."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from PySide6.QtGui import QColor

from rnn_studio.state.cell_diagram import CellDiagram, Quantity
from rnn_studio.ui.theme import DARK, LIGHT, diverging_colour_map, sequential_colour_map
from rnn_studio.ui.widgets.cell_diagram_view import LOOKUP_LEVELS, CellDiagramView


def diagram_with(values: dict[str, np.ndarray]) -> CellDiagram:
    roles = {"f": "gate", "i": "gate", "g": "candidate", "c": "state", "h": "state"}
    quantities = {k: Quantity(k, k, roles.get(k, "state"), v) for k, v in values.items()}
    return CellDiagram(
        kind="lstm", t=0, token="a", activation="tanh",
        quantities=MappingProxyType(quantities), stages=(),
    )  # fmt: skip


def expected_strip(values: np.ndarray, gate: bool, palette) -> np.ndarray:
    """Each unit's colour, computed one quantity at a time from the theme's colour map."""
    values = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0)
    if gate:
        positions, colour_map = np.clip(values, 0, 1), sequential_colour_map(palette)
    else:
        peak = max(float(np.max(np.abs(values))), 1.0)
        positions = np.clip(values / peak / 2 + 0.5, 0, 1)
        colour_map = diverging_colour_map(palette)
    table = colour_map.map(np.linspace(0.0, 1.0, LOOKUP_LEVELS), mode="byte")
    return np.asarray(table)[np.rint(positions * (LOOKUP_LEVELS - 1)).astype(int)]


def strip_colours(view: CellDiagramView, quantity: Quantity) -> np.ndarray:
    image = view._strip_image(quantity)
    return np.array(
        [QColor(image.pixel(x, 0)).getRgb() for x in range(image.width())], dtype=np.uint8
    )


def test_every_strip_shows_its_own_quantity_in_the_theme_colours(qtbot) -> None:
    rng = np.random.default_rng(3)
    values = {
        "f": rng.uniform(0, 1, 12),
        "i": rng.uniform(0, 1, 12),
        "g": rng.uniform(-1, 1, 12),
        "c": rng.normal(0, 3, 12),  # peak above 1: scaled by its own peak
        "h": np.array([np.nan, np.inf, -np.inf, *rng.normal(0, 0.3, 9)]),
    }
    view = CellDiagramView()
    qtbot.addWidget(view)
    for palette in (LIGHT, DARK):
        view.set_diagram(diagram_with(values))
        view.apply_palette(palette)
        for key in ("c", "f", "g", "h", "i"):  # the first one asked makes them all
            quantity = view.diagram.quantities[key]
            want = expected_strip(values[key], quantity.role == "gate", palette)
            np.testing.assert_array_equal(strip_colours(view, quantity), want, err_msg=key)


def test_a_new_palette_repaints_in_its_colours(qtbot) -> None:
    view = CellDiagramView()
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.set_diagram(diagram_with({"h": np.zeros(4)}))
    for palette in (LIGHT, DARK, LIGHT):
        view.apply_palette(palette)
        corner = QColor(view.grab().toImage().pixel(1, 1))
        assert corner == QColor(palette.plot_background)
