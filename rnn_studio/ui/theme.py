"""Colours and fonts of the studio: colour-blind-safe, readable on a projector.

* Cells (RNN, LSTM, GRU) and gates use the Okabe–Ito palette, distinct for all common forms
  of colour blindness.
* The hidden-state heatmap uses ColorBrewer's RdBu diverging map (blue negative, near-white
  zero, red positive), always with levels symmetric about zero so white means 0.
* Gate activations in [0, 1] use a light-to-dark sequential blue.
* The current step is marked in Okabe–Ito orange in every view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

#: Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

CELL_COLOURS = {
    "rnn": OKABE_ITO["blue"],
    "lstm": OKABE_ITO["vermillion"],
    "gru": OKABE_ITO["bluish_green"],
}

GATE_COLOURS = {
    "i": OKABE_ITO["bluish_green"],
    "f": OKABE_ITO["blue"],
    "g": OKABE_ITO["reddish_purple"],
    "o": OKABE_ITO["vermillion"],
    "r": OKABE_ITO["vermillion"],
    "z": OKABE_ITO["blue"],
    "n": OKABE_ITO["reddish_purple"],
}

HIGHLIGHT = OKABE_ITO["orange"]
HIGHLIGHT_FILL = "#FCE8C0"
BACKGROUND = "#FFFFFF"
FOREGROUND = "#202020"
MUTED = "#6B6B6B"
ERROR = "#B00020"
WARNING_BACKGROUND = "#FFF4D6"

#: ColorBrewer RdBu (11 classes), from most negative (dark blue) to most positive (dark red).
_RDBU = (
    "#053061",
    "#2166AC",
    "#4393C3",
    "#92C5DE",
    "#D1E5F0",
    "#F7F7F7",
    "#FDDBC7",
    "#F4A582",
    "#D6604D",
    "#B2182B",
    "#67001F",
)
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


def _colour_map(name: str, stops: tuple[str, ...]) -> pg.ColorMap:
    positions = np.linspace(0.0, 1.0, len(stops))
    colours = [QColor(stop) for stop in stops]
    return pg.ColorMap(positions, colours, name=name)


def diverging_colour_map() -> pg.ColorMap:
    """Blue–white–red map for values centred on zero (hidden and cell states)."""
    return _colour_map("RdBu", _RDBU)


def sequential_colour_map() -> pg.ColorMap:
    """White-to-dark-blue map for gate activations between 0 and 1."""
    return _colour_map("Blues", _BLUES)


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
    """Light plots with anti-aliasing; called once before any plot is built."""
    # No global anti-aliasing: curves of 1,000 points are redrawn at every step while playing.
    pg.setConfigOptions(background=BACKGROUND, foreground=FOREGROUND, antialias=False)


def apply_font_scale(app: QApplication, scale: float) -> None:
    """Scale the application font (1.0 = the platform default; 1.6 for a projector)."""
    base = app.property("rnn_studio_base_point_size")
    if base is None:
        base = app.font().pointSizeF() or 10.0
        app.setProperty("rnn_studio_base_point_size", base)
    font = QFont(app.font())
    font.setPointSizeF(float(base) * scale)
    app.setFont(font)
