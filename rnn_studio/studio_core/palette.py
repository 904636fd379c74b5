"""The one table of named colour roles: light, dark and high contrast (no Qt).

A :class:`Palette` names every colour the app draws with. The Qt theme
(:mod:`rnn_studio.ui.theme`) builds Qt's palette, widget style sheets and plot colours from it,
and the Learn style sheet (:func:`rnn_studio.learn.markup.learn_css`) takes its text colours
from it, so every colour has one home, and a theme switch fills the roles in again instead of
rewriting colours after the fact.

Text colours come in pairs with the background they sit on (:meth:`Palette.text_pairs`);
``tests/ui/test_themes.py`` computes the WCAG 2.1 contrast ratio of each pair and requires at
least 4.5:1 (AA for normal text), and 3:1 for the non-text graphics (focus ring, plot lines;
WCAG 1.4.11).

* Categorical colours (cells, gates) are Okabe–Ito colours, distinct for the common forms of
  colour blindness; the dark and high-contrast themes use the brighter members of the set.
* The heatmap uses a diverging map with zero at the plot background: ColorBrewer RdBu on
  light plots, and on dark plots a map after Crameri's *berlin* (light blue − black − light
  red), so that large values are bright on a dark screen.

This module sits below ``learn`` and ``state`` (in ``studio_core``) so that the Qt-free Learn
style sheet can read the same table as the Qt theme.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

THEME_NAMES = ("light", "dark", "high_contrast")


@dataclass(frozen=True)
class Palette:
    """Every colour of one theme (``#RRGGBB`` strings).

    Attributes
    ----------
    name : str
        ``"light"``, ``"dark"`` or ``"high_contrast"``.
    window, window_text : str
        Panels and their text.
    base, text : str
        Text boxes, lists, Learn pages and their text.
    button, button_text : str
        Buttons.
    highlight, highlighted_text : str
        Selected items (and checked buttons).
    muted_text : str
        Hints and captions (on ``window`` and ``base``).
    link : str
        Links (on ``window`` and ``base``).
    showme : str
        "Show me" and "Watch it learn" links of the Learn pages (on ``base``).
    success : str
        A right answer and the students' names in lesson dialogues (on ``base``).
    error : str
        Error messages and a wrong answer (on ``window`` and ``base``).
    warning_background, warning_text : str
        The numerical-warning banner.
    tooltip_background, tooltip_text : str
        Tooltips.
    plot_background, plot_foreground : str
        Plot area and its axes, ticks and labels.
    spotlight_background, spotlight_text : str
        The presenter-mode banner describing the current step.
    focus : str
        The keyboard focus ring.
    current_step : str
        The marker of the current step in every view.
    cells : tuple of str
        RNN, LSTM, GRU line colours.
    diverging : tuple of str
        Heatmap stops from most negative to most positive; the middle one is zero.
    """

    name: str
    window: str
    window_text: str
    base: str
    text: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    muted_text: str
    link: str
    showme: str
    success: str
    error: str
    warning_background: str
    warning_text: str
    tooltip_background: str
    tooltip_text: str
    plot_background: str
    plot_foreground: str
    spotlight_background: str
    spotlight_text: str
    focus: str
    current_step: str
    cells: tuple[str, str, str]
    diverging: tuple[str, ...]

    @property
    def is_dark(self) -> bool:
        """Whether text sits on a dark background (dark and high contrast)."""
        return relative_luminance(self.base) < 0.2

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        """Every (text colour, background colour) pair the app draws, by role."""
        return {
            "window text": (self.window_text, self.window),
            "muted text": (self.muted_text, self.window),
            "muted text on a page": (self.muted_text, self.base),
            "link": (self.link, self.window),
            "link on a page": (self.link, self.base),
            "show-me link": (self.showme, self.base),
            "success": (self.success, self.base),
            "error": (self.error, self.window),
            "error on a page": (self.error, self.base),
            "input text": (self.text, self.base),
            "button text": (self.button_text, self.button),
            "selected text": (self.highlighted_text, self.highlight),
            "warning": (self.warning_text, self.warning_background),
            "tooltip": (self.tooltip_text, self.tooltip_background),
            "plot axes": (self.plot_foreground, self.plot_background),
            "spotlight": (self.spotlight_text, self.spotlight_background),
        }

    def accent_text_pairs(self) -> dict[str, tuple[str, str]]:
        """Okabe–Ito colours the panels write text in (after :data:`ACCENT_TEXT`), on window."""
        swaps = ACCENT_TEXT.get(self.name, {})
        names = ("blue", "vermillion", "bluish_green", "reddish_purple")
        return {f"{name} text": (swaps.get(_OI[name], _OI[name]), self.window) for name in names}

    def graphic_pairs(self) -> dict[str, tuple[str, str]]:
        """Non-text graphics and their backgrounds (WCAG 1.4.11 asks for 3:1)."""
        pairs = {
            "focus ring on window": (self.focus, self.window),
            "focus ring on button": (self.focus, self.button),
            "current step on plot": (self.current_step, self.plot_background),
            "checked button on window": (self.highlight, self.window),
        }
        for kind, colour in zip(("rnn", "lstm", "gru"), self.cells, strict=True):
            pairs[f"{kind} line on plot"] = (colour, self.plot_background)
        return pairs

    def cell_colours(self) -> dict[str, str]:
        """Line colour by cell kind."""
        return dict(zip(("rnn", "lstm", "gru"), self.cells, strict=True))

    @property
    def map_name(self) -> str:
        """Name of the diverging map (``"RdBu"`` on light plots, ``"berlin"`` on dark)."""
        return "RdBu" if self.name == "light" else "berlin"


#: Okabe & Ito (2008), "Color Universal Design": the categorical colours of every theme.
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
_OI = OKABE_ITO
_RDBU = ("#053061", "#2166AC", "#4393C3", "#92C5DE", "#D1E5F0", "#F7F7F7",
         "#FDDBC7", "#F4A582", "#D6604D", "#B2182B", "#67001F")  # fmt: skip
#: After Crameri's "berlin" (Scientific colour maps 8): bright ends, near-black zero.
_BERLIN = ("#9EB0FF", "#5AA5DA", "#2D7597", "#1A4256", "#111111",
           "#3E0F02", "#7A2D14", "#B3604B", "#FFADAD")  # fmt: skip

LIGHT = Palette(
    name="light",
    window="#F4F4F4",
    window_text="#1A1A1A",
    base="#FFFFFF",
    text="#1A1A1A",
    button="#E6E6E6",
    button_text="#1A1A1A",
    highlight="#0B5CAD",
    highlighted_text="#FFFFFF",
    muted_text="#595959",
    link="#0B5CAD",
    showme="#B35900",
    success="#2E7D32",
    error="#B00020",
    warning_background="#FFF4D6",
    warning_text="#4A3500",
    tooltip_background="#FFFFE8",
    tooltip_text="#1A1A1A",
    plot_background="#FFFFFF",
    plot_foreground="#202020",
    spotlight_background="#FCE8C0",
    spotlight_text="#1A1A1A",
    focus="#0B5CAD",
    current_step="#A8467E",  # darkened reddish purple: no cell curve uses it
    cells=(_OI["blue"], _OI["vermillion"], _OI["bluish_green"]),
    diverging=_RDBU,
)
DARK = Palette(
    name="dark",
    window="#1E1E1E",
    window_text="#EAEAEA",
    base="#141414",
    text="#EAEAEA",
    button="#2E2E2E",
    button_text="#EAEAEA",
    highlight="#56B4E9",
    highlighted_text="#000000",
    muted_text="#B4B4B4",
    link="#8CC8F0",
    showme="#F0B54A",
    success="#7CCB85",
    error="#FF8A80",
    warning_background="#3A2E00",
    warning_text="#FFE9A8",
    tooltip_background="#2E2E2E",
    tooltip_text="#F2F2F2",
    plot_background="#141414",
    plot_foreground="#E0E0E0",
    spotlight_background="#3A2E00",
    spotlight_text="#FFE9A8",
    focus=_OI["orange"],
    current_step=_OI["yellow"],  # distinct from the orange LSTM curve
    cells=(_OI["sky_blue"], _OI["orange"], _OI["bluish_green"]),
    diverging=_BERLIN,
)
HIGH_CONTRAST = Palette(
    name="high_contrast",
    window="#000000",
    window_text="#FFFFFF",
    base="#000000",
    text="#FFFFFF",
    button="#000000",
    button_text="#FFFFFF",
    highlight="#FFFF00",
    highlighted_text="#000000",
    muted_text="#E6E6E6",
    link="#00FFFF",
    showme="#F0B54A",
    success="#7CCB85",
    error="#FF7070",
    warning_background="#000000",
    warning_text="#FFFF00",
    tooltip_background="#000000",
    tooltip_text="#FFFFFF",
    plot_background="#000000",
    plot_foreground="#FFFFFF",
    spotlight_background="#FFFF00",
    spotlight_text="#000000",
    focus="#FFFF00",
    current_step="#FFFF00",
    cells=(_OI["sky_blue"], _OI["orange"], _OI["bluish_green"]),
    diverging=_BERLIN,
)
PALETTES = {palette.name: palette for palette in (LIGHT, DARK, HIGH_CONTRAST)}

#: Okabe–Ito colours the panels use as text, and what each becomes in a theme so that the
#: text keeps 4.5:1 on the window colour (Okabe–Ito blue is too dark on a dark window, and
#: bluish green too light on a light one; the hue stays).
ACCENT_TEXT = {
    "light": {
        _OI["bluish_green"]: "#00785A",
        _OI["vermillion"]: "#B34700",
        _OI["reddish_purple"]: "#A8457E",
    },
    "dark": {_OI["blue"]: _OI["sky_blue"], _OI["vermillion"]: "#FF8F66"},
    "high_contrast": {
        _OI["blue"]: _OI["sky_blue"],
        _OI["vermillion"]: "#FF8F66",
        _OI["reddish_purple"]: "#F0A6D0",
    },
}


def role_colours(palette: Palette) -> dict[str, str]:
    """Every single colour of ``palette`` by role name (``window``, ``muted_text`` ...)."""
    return {
        field.name: getattr(palette, field.name)
        for field in fields(Palette)
        if field.name != "name" and isinstance(getattr(palette, field.name), str)
    }


def palette_fields() -> tuple[str, ...]:
    """Names of the colour fields of :class:`Palette` (for the preferences preview)."""
    return tuple(f.name for f in fields(Palette) if f.name != "name")


def _channels(colour: str) -> tuple[float, float, float]:
    text = colour.strip()
    digits = text[1:] if text.startswith("#") else ""
    if len(digits) == 3:
        digits = "".join(2 * c for c in digits)
    try:
        if len(digits) != 6:
            raise ValueError
        red, green, blue = (int(digits[i : i + 2], 16) / 255.0 for i in (0, 2, 4))
    except ValueError:
        raise ValueError(f"not a colour: {colour!r}") from None
    return red, green, blue


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#RRGGBB`` colour (0 black to 1 white).

    Notes
    -----
    Each channel :math:`c` in [0, 1] is linearised, :math:`c/12.92` if :math:`c \\le 0.04045`
    else :math:`((c + 0.055)/1.055)^{2.4}`, and :math:`L = 0.2126 R + 0.7152 G + 0.0722 B`.
    """
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(colour)
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio ``(L1 + 0.05) / (L2 + 0.05)``, from 1 (none) to 21 (black on white)."""
    first, second = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)
