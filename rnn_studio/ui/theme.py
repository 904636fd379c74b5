"""The studio's themes (light, dark, high contrast) applied to Qt, and its colours and fonts.

Every colour comes from one table of named roles, :class:`~rnn_studio.studio_core.palette.Palette`
(Qt-free, so that the Learn style sheet reads the same table). This module is the only place
that turns it into Qt:

* :func:`apply_theme` restyles a running app: Qt's palette (:func:`qt_palette`), the app style
  sheet (focus ring, tooltips; in high contrast, edges for controls drawn black on black),
  pyqtgraph's defaults, every plot already on screen (backgrounds, axes, the heatmap's colour
  map, background-coloured masks), every widget style sheet written with
  :func:`set_role_style` (colours named by role, ``$muted_text``, filled in again for the new
  palette; no colour is rewritten after the fact), and every widget with an
  ``apply_palette(palette)`` hook.
* Everything the studio draws reads the current :class:`Palette` through the helpers below
  (:func:`current_palette`, :func:`gate_colours`, :func:`accent_text` ...).
* Cells (RNN, LSTM, GRU) and gates use the Okabe–Ito palette, distinct for all common forms of
  colour blindness (brighter members on dark plots).
* The hidden-state heatmap uses a diverging map centred on zero at the plot background
  (ColorBrewer RdBu on light plots, after Crameri's *berlin* on dark ones); gate activations
  in [0, 1] use a sequential blue, from the plot background to full blue.
* The current step is marked in the palette's ``current_step`` colour in every view.
* :func:`apply_font_scale` scales the app font once for every widget (text size, projector).
"""

from __future__ import annotations

import gc
import math
from pathlib import Path
from string import Template

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QWidget

from rnn_studio.studio_core.palette import (
    ACCENT_TEXT,
    DARK,
    HIGH_CONTRAST,
    LIGHT,
    OKABE_ITO,
    PALETTES,
    THEME_NAMES,
    Palette,
    contrast_ratio,
    palette_fields,
    relative_luminance,
    role_colours,
)
from rnn_studio.ui.icons import icon_path
from rnn_studio.ui.plot_fonts import follow_app_font
from rnn_studio.ui.qt_app import running_app

__all__ = [
    "ACCENT_TEXT",
    "CELL_COLOURS",
    "DARK",
    "GATE_COLOURS",
    "HIGH_CONTRAST",
    "LEVEL_CEILING",
    "LIGHT",
    "OKABE_ITO",
    "PALETTES",
    "THEME_LABELS",
    "THEME_NAMES",
    "THEME_PROPERTY",
    "Palette",
    "accent_text",
    "all_widgets",
    "apply_font_scale",
    "apply_theme",
    "cell_colours",
    "configure_pyqtgraph",
    "contrast_ratio",
    "current_palette",
    "diverging_colour_map",
    "gate_colours",
    "graphic_colour",
    "notify_widgets",
    "palette_fields",
    "palette_for",
    "percentile",
    "qt_palette",
    "relative_luminance",
    "resolve_theme",
    "restyle_axes",
    "restyle_plot_widget",
    "role_colours",
    "sequential_colour_map",
    "set_app_font",
    "set_role_style",
    "step_text_colour",
    "style_sheet",
    "symmetric_levels",
    "system_theme",
]

THEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark",
                "high_contrast": "High contrast"}  # fmt: skip
#: The app property holding the name of the applied theme.
THEME_PROPERTY = "rnn_studio_theme"
#: The widget property holding a :func:`set_role_style` template.
_ROLE_STYLE_PROPERTY = "rnn_studio_role_style"


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


def palette_for(qt: QPalette) -> Palette:
    """The role table for a widget drawn with the Qt palette ``qt``.

    The applied theme's, unless the widget was given a palette of the other lightness (a dark
    base in the light theme, or the reverse): then the dark or the light table.
    """
    theme = current_palette()
    dark = qt.color(QPalette.ColorRole.Base).lightness() < 128
    if theme.is_dark == dark:
        return theme
    return DARK if dark else LIGHT


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


#: Checked buttons (the chosen cell, the overview depth, Play while playing) in the highlight
#: colour in every theme: Fusion draws them only a shade darker, invisible on a dark button.
_CHECKED_SHEET = """
QPushButton:checked, QToolButton:checked { background: $highlight; color: $highlighted_text; }
"""
#: High contrast: black controls on black need a visible edge (WCAG 1.4.11, 3:1 for
#: boundaries), and a style sheet that draws a control's frame must draw its parts too (Fusion
#: then leaves check boxes, slider grooves and spin-box arrows black on black).
_HIGH_CONTRAST_SHEET = """
QPushButton, QToolButton, QComboBox, QAbstractSpinBox, QLineEdit, QPlainTextEdit, QTextEdit {
    border: 1px solid $window_text; border-radius: 3px; padding: 2px 4px; }
QCheckBox::indicator { width: 14px; height: 14px; border: 2px solid $window_text;
    border-radius: 2px; background: $base; }
QCheckBox::indicator:checked { background: $highlight; image: url("$check"); }
QCheckBox::indicator:disabled { border-color: $muted_text; }
QSlider::groove:horizontal { height: 6px; border: 1px solid $window_text; border-radius: 3px;
    background: $window; }
QSlider::sub-page:horizontal { border: 1px solid $window_text; border-radius: 3px;
    background: $highlight; }
QSlider::handle:horizontal { width: 14px; margin: -6px 0; border: 2px solid $highlight;
    border-radius: 8px; background: $window_text; }
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button { subcontrol-origin: padding;
    width: 16px; border-left: 1px solid $window_text; }
QAbstractSpinBox::up-button { subcontrol-position: top right; }
QAbstractSpinBox::down-button { subcontrol-position: bottom right; }
QAbstractSpinBox::up-arrow { image: url("$arrow_up"); width: 9px; height: 9px; }
QAbstractSpinBox::down-arrow { image: url("$arrow_down"); width: 9px; height: 9px; }
QComboBox::drop-down { subcontrol-origin: border; subcontrol-position: top right; width: 16px;
    border-left: 1px solid $window_text; }
QComboBox::down-arrow { image: url("$arrow_down"); width: 9px; height: 9px; }
"""
#: Dark: Fusion draws an unchecked box's edge a shade darker than the window (about 1.1:1 on
#: #1E1E1E, hard to find); a light edge keeps 3:1 (WCAG 1.4.11). A sheet that draws the
#: edge must draw the check too (the high-contrast check: black, as on dark's highlight).
_DARK_SHEET = """
QCheckBox::indicator { width: 12px; height: 12px; border: 1px solid $muted_text;
    border-radius: 2px; background: $base; }
QCheckBox::indicator:checked { background: $highlight; border-color: $highlight;
    image: url("$check"); }
QCheckBox::indicator:disabled { background: $window; }
"""
#: The icon files the high-contrast sheet draws, by template name.
HIGH_CONTRAST_ICONS = {
    "check": "high-contrast/check",
    "arrow_up": "high-contrast/arrow-up",
    "arrow_down": "high-contrast/arrow-down",
}


def style_sheet(palette: Palette) -> str:
    """The app style sheet, its colours filled in from ``palette``'s roles.

    A visible focus ring on every focusable control, tooltips, checked buttons in the highlight
    colour, and in high contrast an edge on every control and drawn check boxes, sliders and
    spin-box arrows.
    """
    focusable = (
        "QAbstractButton:focus, QComboBox:focus, QLineEdit:focus, QAbstractSpinBox:focus, "
        "QPlainTextEdit:focus, QTextEdit:focus, QTextBrowser:focus, QAbstractItemView:focus, "
        "QSlider:focus, QTabBar:focus, QGraphicsView:focus, QLabel:focus"
    )
    sheet = _CHECKED_SHEET
    if palette.name == "high_contrast":
        sheet = _HIGH_CONTRAST_SHEET + sheet
    elif palette.name == "dark":
        sheet = _DARK_SHEET + sheet
    icons = {key: Path(icon_path(name)).as_posix() for key, name in HIGH_CONTRAST_ICONS.items()}
    sheet = Template(sheet).substitute(role_colours(palette), **icons)
    return sheet.lstrip() + (
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
    # Qt posts the change to the existing widgets; deliver it now, before a style sheet is
    # set (at start-up the theme's sheet comes next and would fix the old font on labels,
    # buttons and text boxes: a saved text size half applied).
    QApplication.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)
    sheet = app.styleSheet()
    if sheet:
        app.setStyleSheet("")
        app.setStyleSheet(sheet)
    # pyqtgraph's axis labels, legends and plot texts keep the font they were made with.
    follow_app_font(app)


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
    # The name first: widgets that rebuild on the palette-change event read current_palette().
    app.setProperty(THEME_PROPERTY, palette.name)
    app.setPalette(qt_palette(palette))
    app.setStyleSheet(style_sheet(palette))
    pg.setConfigOptions(background=palette.plot_background, foreground=palette.plot_foreground)
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


def theme_in_place(name: str, app: QApplication | None = None) -> bool:
    """True if the theme ``name`` is what the app has on now (its name, palette and style
    sheet): :func:`apply_theme` would then only restyle every widget to the same look
    (about half a second of a text-size change with a window open)."""
    app = app or running_app()
    palette = resolve_theme(name)
    return (
        app.property(THEME_PROPERTY) == palette.name
        and app.styleSheet() == style_sheet(palette)
        and app.palette() == qt_palette(palette)
    )


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
    colour_map = diverging_colour_map(palette)
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


# ------------------------------------------------------------------- colours for views
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
    """The palette's map for values centred on zero (hidden and cell states).

    Its name is the palette's :attr:`~Palette.map_name`, by which a theme switch finds it.
    """
    palette = palette or current_palette()
    return _colour_map(palette.map_name, palette.diverging)


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


def percentile(values: np.ndarray, q: float) -> float:
    """The ``q``-th percentile of the non-empty 1-D ``values``, as ``np.percentile`` computes
    it (its default "linear" method), from a partial sort.

    ``np.percentile``'s first call imports ``numpy.ma`` (about 13 ms, before the studio's
    first frame); this does not.
    """
    share = q / 100.0
    count = values.size
    index = count * share + (1.0 - share) - 1.0  # numpy's virtual index for alpha = beta = 1
    below = min(max(math.floor(index), 0), count - 1)
    above = min(below + 1, count - 1)
    if count == 1:
        low = high = float(values[0])
    else:
        # One partition at ``above`` (about 3x cheaper than at both): everything before it is
        # no larger, so the largest of those is the value of rank ``below``.
        ordered = np.partition(values, above)
        high = float(ordered[above])
        low = float(ordered[:above].max()) if below < above else high
    weight = index - below
    step = high - low
    return high - step * (1.0 - weight) if weight >= 0.5 else low + step * weight


def symmetric_levels(values: np.ndarray, floor: float = 1e-6) -> tuple[float, float]:
    """Levels ``(-m, m)`` so that zero maps to white.

    ``m`` is the 99th percentile of the finite ``|values|`` (a few exploded units do not wash
    out the rest), at least ``floor`` and at most :data:`LEVEL_CEILING`.
    """
    finite = np.isfinite(values)
    # All finite (the usual case): no masked copy (~2 ms for a 1,000 × 256 state).
    finite = np.abs(values).ravel() if finite.all() else np.abs(values[finite])
    with np.errstate(all="ignore"):
        peak = percentile(finite, 99.0) if finite.size else 1.0
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
    resolved again (:func:`set_app_font` does that).
    """
    base = app.property("rnn_studio_base_point_size")
    if base is None:
        base = app.font().pointSizeF() or 10.0
        app.setProperty("rnn_studio_base_point_size", base)
    font = QFont(app.font())
    font.setPointSizeF(float(base) * scale)
    set_app_font(font, app)
