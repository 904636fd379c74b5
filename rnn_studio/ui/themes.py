"""Light, dark and high-contrast themes: colour-blind-safe, every text at WCAG AA or better.

A :class:`Palette` names every colour the app draws with. Text colours come in pairs with
the background they sit on (:meth:`Palette.text_pairs`); ``tests/ui/test_themes.py`` computes
the WCAG 2.1 contrast ratio of each pair and requires at least 4.5:1 (AA for normal text), and
3:1 for the non-text graphics (focus ring, plot lines; WCAG 1.4.11).

* Categorical colours (cells, gates) are Okabe–Ito colours, distinct for the common forms of
  colour blindness; the dark and high-contrast themes use the brighter members of the set.
* The heatmap uses a diverging map with zero at the plot background: ColorBrewer RdBu on
  light plots, and on dark plots a map after Crameri's *berlin* (light blue − black − light
  red), so that large values are bright on a dark screen.

:func:`apply_theme` restyles a running app: the Qt palette, a focus-ring style sheet,
pyqtgraph's defaults, every plot already on screen (backgrounds, axes, the heatmap's colour
map, background-coloured masks), every widget style sheet written with :func:`set_role_style`
(colours named by palette role, ``$muted_text``, filled in again for the new palette; no hex
colour is rewritten after the fact), and every widget with an ``apply_palette(palette)`` hook.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, fields
from string import Template

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QWidget

from rnn_studio.ui.qt_app import running_app

THEME_NAMES = ("light", "dark", "high_contrast")
THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark",
                "high_contrast": "High contrast"}  # fmt: skip
#: The app property holding the name of the applied theme.
THEME_PROPERTY = "rnn_studio_theme"
#: The widget property holding a :func:`set_role_style` template.
_ROLE_STYLE_PROPERTY = "rnn_studio_role_style"


@dataclass(frozen=True)
class Palette:
    """Every colour of one theme (hex strings).

    Attributes
    ----------
    name : str
        ``"light"``, ``"dark"`` or ``"high_contrast"``.
    window, window_text : str
        Panels and their text.
    base, text : str
        Text boxes, lists and their text.
    button, button_text : str
        Buttons.
    highlight, highlighted_text : str
        Selected items.
    muted_text : str
        Hints and captions (on ``window``).
    link : str
        Links (on ``window``).
    error : str
        Error messages (on ``window``).
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

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        """Every (text colour, background colour) pair the app draws, by role."""
        return {
            "window text": (self.window_text, self.window),
            "muted text": (self.muted_text, self.window),
            "link": (self.link, self.window),
            "error": (self.error, self.window),
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
        }
        for kind, colour in zip(("rnn", "lstm", "gru"), self.cells, strict=True):
            pairs[f"{kind} line on plot"] = (colour, self.plot_background)
        return pairs

    def cell_colours(self) -> dict[str, str]:
        """Line colour by cell kind."""
        return dict(zip(("rnn", "lstm", "gru"), self.cells, strict=True))

    def diverging_colour_map(self) -> pg.ColorMap:
        """The heatmap's diverging colour map for this theme."""
        positions = np.linspace(0.0, 1.0, len(self.diverging))
        return pg.ColorMap(positions, [QColor(c) for c in self.diverging], name=self.map_name)

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


# ---------------------------------------------------------------------------- contrast
def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#RRGGBB`` colour (0 black to 1 white)."""
    value = QColor(colour)
    if not value.isValid():
        raise ValueError(f"not a colour: {colour!r}")
    channels = []
    for channel in (value.redF(), value.greenF(), value.blueF()):
        linear = channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
        channels.append(linear)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio ``(L1 + 0.05) / (L2 + 0.05)``, from 1 (none) to 21 (black on white)."""
    first, second = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(first, second), min(first, second)
    return (lighter + 0.05) / (darker + 0.05)


# ------------------------------------------------------------------------------ choose
def system_theme() -> str:
    """``"dark"`` when the system asks for a dark colour scheme, else ``"light"``."""
    app = QGuiApplication.instance()
    if app is None:
        return "light"
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def resolve_theme(name: str) -> Palette:
    """The palette for ``name`` (``"system"`` follows :func:`system_theme`)."""
    if name == "system":
        name = system_theme()
    if name not in PALETTES:
        raise ValueError(f"theme must be system, {', '.join(THEME_NAMES)}; got {name!r}")
    return PALETTES[name]


def current_palette() -> Palette:
    """The palette applied last (light before any)."""
    app = QApplication.instance()
    name = app.property(THEME_PROPERTY) if app is not None else None
    return PALETTES.get(str(name), LIGHT)


# ------------------------------------------------------------------------------- apply
def qt_palette(palette: Palette) -> QPalette:
    """A :class:`QPalette` with every role set from ``palette`` (disabled text muted)."""
    result = QPalette()
    roles = {
        QPalette.ColorRole.Window: palette.window,
        QPalette.ColorRole.WindowText: palette.window_text,
        QPalette.ColorRole.Base: palette.base,
        QPalette.ColorRole.AlternateBase: palette.window,
        QPalette.ColorRole.Text: palette.text,
        QPalette.ColorRole.Button: palette.button,
        QPalette.ColorRole.ButtonText: palette.button_text,
        QPalette.ColorRole.Highlight: palette.highlight,
        QPalette.ColorRole.HighlightedText: palette.highlighted_text,
        QPalette.ColorRole.ToolTipBase: palette.tooltip_background,
        QPalette.ColorRole.ToolTipText: palette.tooltip_text,
        QPalette.ColorRole.Link: palette.link,
        QPalette.ColorRole.LinkVisited: palette.link,
        QPalette.ColorRole.PlaceholderText: palette.muted_text,
        QPalette.ColorRole.BrightText: palette.error,
    }
    for role, colour in roles.items():
        result.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(palette.muted_text))
    return result


def style_sheet(palette: Palette) -> str:
    """The app style sheet: a visible focus ring on every focusable control, and tooltips."""
    focusable = (
        "QAbstractButton:focus, QComboBox:focus, QLineEdit:focus, QAbstractSpinBox:focus, "
        "QPlainTextEdit:focus, QTextEdit:focus, QTextBrowser:focus, QAbstractItemView:focus, "
        "QSlider:focus, QTabBar:focus, QGraphicsView:focus, QLabel:focus"
    )
    borders = ""
    if palette.name == "high_contrast":
        # Black controls on black need a visible edge (WCAG 1.4.11, 3:1 for boundaries).
        borders = (
            "QPushButton, QToolButton, QComboBox, QAbstractSpinBox, QLineEdit, "
            f"QPlainTextEdit, QTextEdit {{ border: 1px solid {palette.window_text}; "
            "border-radius: 3px; padding: 2px 4px; }\n"
            f"QPushButton:checked, QToolButton:checked {{ background: {palette.highlight}; "
            f"color: {palette.highlighted_text}; }}\n"
        )
    return borders + (
        f"{focusable} {{ outline: 2px solid {palette.focus}; "
        f"border: 2px solid {palette.focus}; border-radius: 3px; }}\n"
        f"QToolTip {{ color: {palette.tooltip_text}; background: {palette.tooltip_background}; "
        f"border: 1px solid {palette.plot_foreground}; }}\n"
    )


def set_app_font(font: QFont, app: QApplication | None = None) -> None:
    """Set the application font so that every widget follows it.

    With an application style sheet set, Qt keeps the fonts it resolved for existing widgets
    (``app.setFont`` alone changes only new ones); setting the sheet again re-resolves them.
    """
    app = app or running_app()
    app.setFont(font)
    sheet = app.styleSheet()
    if sheet:
        app.setStyleSheet("")
        app.setStyleSheet(sheet)


def apply_theme(name: str, app: QApplication | None = None) -> Palette:
    """Apply the theme ``name`` (or ``"system"``) to the running app and every window in it.

    Returns the applied :class:`Palette`; the name is stored in the app property
    :data:`THEME_PROPERTY`.
    """
    app = app or running_app()
    palette = resolve_theme(name)
    previous = current_palette()
    if app.style().name().lower() != "fusion":
        # The native styles of some platforms ignore the palette. Set it once only: each
        # setStyle() deletes the previous QStyle, which widgets still alive may use.
        app.setStyle("Fusion")
    app.setPalette(qt_palette(palette))
    app.setStyleSheet(style_sheet(palette))
    pg.setConfigOptions(background=palette.plot_background, foreground=palette.plot_foreground)
    app.setProperty(THEME_PROPERTY, palette.name)
    widgets = all_widgets(app)
    for widget in widgets:
        # Restyling one widget can delete another on the list (a placeholder replaced, a
        # child rebuilt): skip what is gone instead of failing half-way through the theme.
        if not shiboken6.isValid(widget):
            continue
        if isinstance(widget, pg.GraphicsView):
            restyle_plot_widget(widget, previous, palette)
        _fill_role_style(widget, palette)
    widgets = [widget for widget in widgets if shiboken6.isValid(widget)]
    notify_widgets(widgets, palette)
    return palette


def all_widgets(app: QApplication) -> list[QWidget]:
    """Every widget of the app, taken without letting Python's garbage collector run meanwhile.

    ``allWidgets()`` copies Qt's widget pointers first and wraps them afterwards; a collection
    triggered by that wrapping can delete a Python-owned window whose children are still on
    the copied list, and wrapping a deleted widget crashes. Garbage not yet collected is still
    alive, so pausing the collector is enough (a full collection would cost ~20 ms at start-up).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return app.allWidgets()
    finally:
        if was_enabled:
            gc.enable()


def notify_widgets(widgets: list[QWidget], palette: Palette) -> None:
    """Hand ``palette`` to every widget with an ``apply_palette(palette)`` method.

    That is how a panel recolours what this module cannot know about (its bars, the
    unrolled chain's boxes, rich text it writes as it updates); it runs after the generic
    restyling, so a panel's own colours win. Widgets built later read
    :func:`current_palette` when they are built.
    """
    for widget in widgets:
        hook = getattr(widget, "apply_palette", None)
        if callable(hook):
            hook(palette)


def restyle_plot_widget(view: pg.GraphicsView, previous: Palette, palette: Palette) -> None:
    """Recolour one pyqtgraph view: background, axes, heatmap colour maps, masks.

    A graphics item with an ``apply_palette(palette)`` method is handed the new
    :class:`Palette` and left to recolour itself; that is the way for a panel's own items
    (bars, overlays) to follow the theme without this module knowing them.
    """
    view.setBackground(palette.plot_background)
    scene = view.scene()
    if scene is None:
        return
    old_backgrounds = {QColor(previous.plot_background).rgb(), QColor(LIGHT.plot_background).rgb()}
    colour_map = palette.diverging_colour_map()
    for item in scene.items():
        apply_palette = getattr(item, "apply_palette", None)
        if callable(apply_palette):
            apply_palette(palette)  # items that know their own colours (the protocol)
            continue
        veil = getattr(item, "veil", None)
        if isinstance(veil, QBrush) and veil.color().rgb() in old_backgrounds:
            # A background-coloured veil (the heatmap's "not reached yet" mask).
            colour = QColor(palette.plot_background)
            colour.setAlpha(veil.color().alpha())
            item.veil = QBrush(colour)
            item.update()
        if isinstance(item, pg.AxisItem):
            item.setPen(palette.plot_foreground)
            item.setTextPen(palette.plot_foreground)
        elif isinstance(item, pg.ColorBarItem):
            current = getattr(item, "_colorMap", None) or getattr(item, "cmap", None)
            if current is not None and getattr(current, "name", "") in ("RdBu", "berlin"):
                item.setColorMap(colour_map)
        elif isinstance(item, pg.ImageItem):
            current = item.getColorMap() if hasattr(item, "getColorMap") else None
            if current is not None and getattr(current, "name", "") in ("RdBu", "berlin"):
                item.setColorMap(colour_map)
            else:
                _swap_lookup_background(item, old_backgrounds, palette.plot_background)
        elif isinstance(item, pg.LabelItem):
            item.setAttr("color", palette.plot_foreground)
            item.setText(item.text)
        elif isinstance(item, QGraphicsRectItem):
            brush = item.brush()
            if brush.style() != Qt.BrushStyle.NoBrush and brush.color().rgb() in old_backgrounds:
                colour = QColor(palette.plot_background)
                colour.setAlpha(brush.color().alpha())
                item.setBrush(QBrush(colour))


def _swap_lookup_background(item: pg.ImageItem, old: set[int], new: str) -> None:
    """Recolour lookup-table entries that were the plot background (e.g. bar charts)."""
    lut = getattr(item, "lut", None)
    if not isinstance(lut, np.ndarray) or lut.ndim != 2 or lut.shape[1] < 3:
        return
    colour = QColor(new)
    rows = [i for i, row in enumerate(lut) if QColor(*map(int, row[:3])).rgb() in old]
    if rows:
        table = lut.copy()
        table[rows, :3] = (colour.red(), colour.green(), colour.blue())
        item.setLookupTable(table)


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


def set_role_style(widget: QWidget, template: str) -> None:
    """Style ``widget`` with ``template``, whose colours are palette roles, in every theme.

    ``template`` is a Qt style sheet with ``$role`` for each colour, e.g.
    ``"color: $error; font-weight: 600;"`` (roles: :func:`role_colours`). It is filled in
    with the current palette now and again by :func:`apply_theme`; an empty template clears
    the sheet.
    """
    widget.setProperty(_ROLE_STYLE_PROPERTY, template)
    widget.setStyleSheet(Template(template).substitute(role_colours(current_palette())))


def _fill_role_style(widget: QWidget, palette: Palette) -> None:
    template = widget.property(_ROLE_STYLE_PROPERTY)
    if template:
        widget.setStyleSheet(Template(str(template)).substitute(role_colours(palette)))


def palette_fields() -> tuple[str, ...]:
    """Names of the colour fields of :class:`Palette` (for the preferences preview)."""
    return tuple(f.name for f in fields(Palette) if f.name != "name")
