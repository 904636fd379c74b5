"""Colours and fonts of the studio: colour-blind-safe, readable on a projector.

The colours come from :mod:`rnn_studio.ui.themes` (light, dark, high contrast), the one table
of named roles: everything the studio draws reads the current
:class:`~rnn_studio.ui.themes.Palette` through the helpers below and recolours itself in
``apply_palette(palette)`` when the theme changes; a widget style sheet names its colours by
role (:func:`rnn_studio.ui.themes.set_role_style`).

* Cells (RNN, LSTM, GRU) and gates use the Okabe–Ito palette, distinct for all common forms
  of colour blindness (brighter members on dark plots).
* The hidden-state heatmap uses a diverging map centred on zero at the plot background
  (ColorBrewer RdBu on light plots, after Crameri's *berlin* on dark ones).
* Gate activations in [0, 1] use a sequential blue, from the plot background to full blue.
* The current step is marked in the palette's ``current_step`` colour in every view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from rnn_studio.ui.themes import (
    ACCENT_TEXT,
    LIGHT,
    OKABE_ITO,
    Palette,
    current_palette,
    set_app_font,
)

CELL_COLOURS = LIGHT.cell_colours()

GATE_COLOURS = {
    "i": OKABE_ITO["bluish_green"],
    "f": OKABE_ITO["blue"],
    "g": OKABE_ITO["reddish_purple"],
    "o": OKABE_ITO["vermillion"],
    "r": OKABE_ITO["vermillion"],
    "z": OKABE_ITO["blue"],
    "n": OKABE_ITO["reddish_purple"],
}

#: Okabe–Ito colours too dark for lines and bars on a dark plot, and their bright stand-ins.
_DARK_PLOT_SWAPS = {OKABE_ITO["blue"]: OKABE_ITO["sky_blue"]}


def graphic_colour(colour: str, palette: Palette | None = None) -> str:
    """``colour`` (an Okabe–Ito line or bar colour) as drawn on ``palette``'s plots.

    On dark plots Okabe–Ito blue becomes sky blue (the hue stays, the contrast reaches 3:1).
    """
    palette = palette or current_palette()
    if palette.name == "light":
        return colour
    return _DARK_PLOT_SWAPS.get(colour.upper(), colour)


def accent_text(colour: str, palette: Palette | None = None) -> str:
    """``colour`` (an Okabe–Ito colour) as text on ``palette``'s window, at 4.5:1 or more."""
    palette = palette or current_palette()
    swaps = {key.upper(): value for key, value in ACCENT_TEXT.get(palette.name, {}).items()}
    return swaps.get(colour.upper(), colour)


def step_text_colour(palette: Palette | None = None) -> str:
    """The current step's colour for text (the equations' "t = 4", the token under a cell)."""
    palette = palette or current_palette()
    return accent_text(palette.current_step, palette)


def gate_colours(palette: Palette | None = None) -> dict[str, str]:
    """Line and bar colour of each gate on ``palette``'s plots."""
    return {name: graphic_colour(colour, palette) for name, colour in GATE_COLOURS.items()}


def cell_colours(palette: Palette | None = None) -> dict[str, str]:
    """Line colour of each cell kind on ``palette``'s plots."""
    return (palette or current_palette()).cell_colours()


#: ColorBrewer Blues (9 classes), for gate activations in [0, 1].
_BLUES = (
    "#F7FBFF",
    "#DEEBF7",
    "#C6DBEF",
    "#9ECAE1",
    "#6BAED6",
    "#4292C6",
    "#2171B5",
    "#08519C",
    "#08306B",
)


def restyle_axes(items: tuple[pg.GraphicsItem, ...], palette: Palette) -> None:
    """Colour the axes (lines, ticks, labels) of plots and colour bars for ``palette``.

    For items not on a scene when the theme changes (a plot row shown only for the LSTM).
    """
    for item in items:
        axes = (
            [item.getAxis(name) for name in ("left", "bottom", "right", "top")]
            if isinstance(item, pg.PlotItem)
            else [getattr(item, "axis", None)]
        )
        for axis in axes:
            if isinstance(axis, pg.AxisItem):
                axis.setPen(palette.plot_foreground)
                axis.setTextPen(palette.plot_foreground)


def _colour_map(name: str, stops: tuple[str, ...]) -> pg.ColorMap:
    positions = np.linspace(0.0, 1.0, len(stops))
    colours = [QColor(stop) for stop in stops]
    return pg.ColorMap(positions, colours, name=name)


def diverging_colour_map(palette: Palette | None = None) -> pg.ColorMap:
    """The palette's map for values centred on zero (hidden and cell states)."""
    return (palette or current_palette()).diverging_colour_map()


def sequential_colour_map(palette: Palette | None = None) -> pg.ColorMap:
    """Map for gate activations between 0 (closed) and 1 (open).

    White to dark blue on light plots; on dark plots the same blues reversed, so that a
    closed gate is dark like the background and an open one bright.
    """
    palette = palette or current_palette()
    if palette.name == "light":
        return _colour_map("Blues", _BLUES)
    return _colour_map("Blues_r", (palette.plot_background, *reversed(_BLUES[2:])))


#: Largest level a plot is given: exploding states reach 1e308, where the plots' own range
#: arithmetic (high − low) overflows to infinity and NaN.
LEVEL_CEILING = 1e100


def symmetric_levels(values: np.ndarray, floor: float = 1e-6) -> tuple[float, float]:
    """Levels ``(-m, m)`` so that zero maps to white.

    ``m`` is the 99th percentile of the finite ``|values|`` (a few exploded units do not wash
    out the rest), at least ``floor`` and at most :data:`LEVEL_CEILING`.
    """
    finite = np.abs(values[np.isfinite(values)])
    with np.errstate(all="ignore"):
        peak = float(np.percentile(finite, 99)) if finite.size else 1.0
    if not np.isfinite(peak):
        peak = LEVEL_CEILING
    peak = min(max(peak, floor), LEVEL_CEILING)
    return -peak, peak


def configure_pyqtgraph() -> None:
    """Plots in the current palette's colours; called once before any plot is built."""
    # No global anti-aliasing: curves of 1,000 points are redrawn at every step while playing.
    palette = current_palette()
    pg.setConfigOptions(
        background=palette.plot_background, foreground=palette.plot_foreground, antialias=False
    )


def apply_font_scale(app: QApplication, scale: float) -> None:
    """Scale the application font (1.0 = the platform default; 1.6 for a projector).

    Every widget follows, the existing ones too: with a theme applied the app has a style
    sheet, and Qt then keeps the fonts it resolved for existing widgets unless the sheet is
    resolved again (:func:`~rnn_studio.ui.themes.set_app_font` does that).
    """
    base = app.property("rnn_studio_base_point_size")
    if base is None:
        base = app.font().pointSizeF() or 10.0
        app.setProperty("rnn_studio_base_point_size", base)
    font = QFont(app.font())
    font.setPointSizeF(float(base) * scale)
    set_app_font(font, app)
