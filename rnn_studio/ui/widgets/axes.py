"""Axes for discrete things (time steps, units): integer ticks only, no SI prefixes."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QGraphicsItem

#: Room between two neighbouring tick labels, as a share of the font's height.
LABEL_GAP = 0.25
#: pyqtgraph places an axis title this many pixels outwards from the axis's edge.
TITLE_NUDGE_PX = 5


#: The four sides of a plot, in the order pyqtgraph lays their axes out.
ORIENTATIONS = ("top", "bottom", "left", "right")
#: The axes pyqtgraph shows unless told otherwise.
SHOWN_BY_DEFAULT = ("left", "bottom")


class QuietAxis(pg.AxisItem):
    """pyqtgraph's axis, minus the work of laying out an unchanged label again.

    pyqtgraph re-renders an axis label's HTML whenever the axis range changes (its automatic
    SI prefix might change the label), also for the hidden axes and the axes without a
    label: about a thousand text layouts before the studio's first frame, none of which
    changed a pixel. Here the label's HTML is set only when it differs from the one shown;
    the axis is still re-measured and repainted as before.
    """

    def __init__(self, orientation: str, **kwargs: object) -> None:
        self._label_html: str | None = None  # pyqtgraph's __init__ sets the label already
        super().__init__(orientation, **kwargs)

    def _updateLabel(self) -> None:
        if self.label is None:  # closed (pyqtgraph's own would fail here)
            return
        html = self.labelString()
        if html != self._label_html:
            self.label.setHtml(html)
            self._label_html = html
        self._adjustSize()
        self.picture = None
        self.update()


def plot_axes(given: dict[str, pg.AxisItem] | None = None) -> dict[str, pg.AxisItem]:
    """``axisItems`` for ``addPlot``/``PlotItem``/``PlotWidget``: ``given``, and a
    :class:`QuietAxis` on the other sides pyqtgraph shows (left, bottom).

    The top and right axes are left to pyqtgraph: an axis passed in is shown, and those two
    are hidden (see :func:`quiet_hidden_axes`).
    """
    axes = dict(given or {})
    for orientation in SHOWN_BY_DEFAULT:
        axes.setdefault(orientation, QuietAxis(orientation))
    return axes


class LegibleAxis(QuietAxis):
    """An axis whose tick labels never overlap, at any text size.

    pyqtgraph picks the tick spacing from the axis length alone, so with a large font on a
    short axis (a heatmap's unit axis at text size 3.0) the labels are drawn over each other
    ("15" over "5"). Here the major spacing grows (1, 2, 5 × 10ⁿ) until a label and a gap fit
    between two ticks, and finer levels are kept only where their labels fit too. Explicit
    ticks (``setTicks``) are thinned when drawn instead: the first and last labels are kept,
    any label that would come closer than a gap (:data:`LABEL_GAP` of a line) to one already
    kept is left out: labels that touch read as one ("−10 1").
    """

    #: Whether the labels of a horizontal axis are kept inside its plot's width (the first
    #: and last would otherwise stick out by half their width, centred on their ticks).
    labels_inside = False

    def label_gap(self) -> float:
        """Pixels kept free between two neighbouring tick labels."""
        return LABEL_GAP * QFontMetricsF(self.style["tickFont"] or self.font()).height()

    def label_room(self, min_val: float, max_val: float, spacing: float) -> float:
        """Pixels one tick label needs along the axis, its gap included."""
        metrics = QFontMetricsF(self.style["tickFont"] or self.font())
        gap = self.label_gap()
        if self.orientation in ("left", "right"):
            return metrics.height() + gap
        scale = self.autoSIPrefixScale * self.scale
        texts = self.tickStrings([min_val, max_val], scale, spacing)
        return max((metrics.horizontalAdvance(text) for text in texts), default=0.0) + gap

    def _updateMaxTextSize(self, x: int) -> None:
        # pyqtgraph keeps the room it has unless the labels now need more, or 10 px less:
        # an axis's size then depended on the fonts it had drawn with before (after text
        # size 3.0 and back, the memory's time axis was 7 px shorter than at start-up).
        # The room the labels need now, exactly:
        if self.orientation in ("left", "right"):
            if x != self.textWidth:  # type: ignore[has-type]
                self.textWidth = x
                if self.style["autoExpandTextSpace"]:
                    self._updateWidth()
        elif x != self.textHeight:  # type: ignore[has-type]
            self.textHeight = x
            if self.style["autoExpandTextSpace"]:
                self._updateHeight()

    def _updateHeight(self) -> None:
        super()._updateHeight()
        if self.orientation in ("top", "bottom"):
            self._room_for_whole_title(self.setMinimumHeight, self.setMaximumHeight)

    def _updateWidth(self) -> None:
        super()._updateWidth()
        if self.orientation in ("left", "right"):
            self._room_for_whole_title(self.setMinimumWidth, self.setMaximumWidth)

    def _room_for_whole_title(self, set_least: object, set_most: object) -> None:
        """pyqtgraph keeps 0.8 of the title's box for the title and lets the rest run over
        the tick labels: harmless while that is the box's blank margin, but at text size
        3.0 the title's letters overlapped the labels ("time step t" over "5"). Keep the
        room the title's text really takes (the box, less the margin and the 5 px that
        pyqtgraph nudges it outwards)."""
        if (
            self.fixedHeight is not None
            if self.orientation in ("top", "bottom")
            else (self.fixedWidth is not None)
        ):
            return
        if not self.isVisible() or not self.label.isVisible():
            return
        box = self.label.boundingRect().height()
        needed = box - TITLE_NUDGE_PX - self.label.document().documentMargin()
        extra = needed - 0.8 * box
        if extra > 0:
            across = (
                self.minimumHeight()
                if self.orientation in ("top", "bottom")
                else (self.minimumWidth())
            )
            set_most(across + extra)  # type: ignore[operator]
            set_least(across + extra)  # type: ignore[operator]

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:
        levels = super().tickSpacing(minVal, maxVal, size)
        if self._tickSpacing is not None or not levels or size <= 0:
            return levels
        span = abs(maxVal - minVal)
        per_unit = size / span
        major, offset = levels[0]
        room = self.label_room(minVal, maxVal, major)
        if major * per_unit >= room:
            return [level for level in levels if level[0] * per_unit >= room]
        while major * per_unit < room and major < 2 * span:
            major = _next_round_spacing(major)
        return [(major, offset)]

    def generateDrawSpecs(self, p: QPainter) -> tuple | None:
        specs = super().generateDrawSpecs(p)
        if specs is None or len(specs[2]) < 2:
            return specs
        axis, ticks, texts = specs
        if self.labels_inside and self.orientation in ("top", "bottom"):
            # Labels stay inside their plot's width (past its ends they were cut at the
            # view's edge, or ran into a colour bar's labels beside it): moved in, or left
            # out when wider than the whole plot.
            plot = self.parentItem()
            if plot is not None:
                room = self.mapRectFromItem(plot, plot.boundingRect())
            else:
                room = QRectF(0, 0, self.width(), self.height())
            texts = [
                (_inside(rect, room.left(), room.right()), flags, text)
                for rect, flags, text in texts
                if rect.width() <= room.width()
            ]
            if len(texts) < 2:
                return axis, ticks, texts
        order = [0, len(texts) - 1, *range(1, len(texts) - 1)]
        half = self.label_gap() / 2
        # Each label with half a gap around it: two labels closer than a gap intersect.
        spaced = [rect.adjusted(-half, -half, half, half) for rect, _flags, _text in texts]
        kept: list[int] = []
        for index in order:
            if not any(spaced[index].intersects(spaced[other]) for other in kept):
                kept.append(index)
        return axis, ticks, [texts[index] for index in sorted(kept)]


def _inside(rect: QRectF, low: float, high: float) -> QRectF:
    """``rect`` (no wider than ``high - low``) moved across to lie between the two."""
    moved = QRectF(rect)
    if moved.right() > high:
        moved.moveRight(high)
    if moved.left() < low:
        moved.moveLeft(low)
    return moved


#: Lines of tick text a plot's value axis must have room for: with LegibleAxis's gaps that
#: is at least two labels (a heatmap names its first unit and one more).
USEFUL_TICK_LINES = 3
#: Pixels a plot's data area never goes below, whatever the font.
LEAST_PLOT_PX = 40.0


def useful_height(axis: pg.AxisItem, font: QFont | None = None) -> float:
    """The least useful height of the data area beside the vertical ``axis``, in pixels.

    Room for :data:`USEFUL_TICK_LINES` lines of tick text (on a shorter plot the axis names
    one unit or value, or none), and for the axis title written along it, whole (at text
    size 2.0 the memory heatmap's "h: unit" was cut to "h: uni"); at least
    :data:`LEAST_PLOT_PX`. It grows with the tick and label fonts, so a larger text size
    asks for taller plots, not for fewer labels.

    ``font`` is the text font of the axis's view (default: the axis's own). Ticks and title
    are measured in the axis's tick font when one is set (presenter mode sets both), else
    in ``font``: the size they take once the axis has followed a font change.
    """
    text_font = axis.style["tickFont"] or font or axis.font()
    metrics = QFontMetricsF(text_font)
    ticks = USEFUL_TICK_LINES * metrics.height()
    title = 0.0
    if axis.labelText:
        title = metrics.horizontalAdvance(axis.labelText) + LABEL_GAP * metrics.height()
    return max(ticks, title, LEAST_PLOT_PX)


def _next_round_spacing(spacing: float) -> float:
    """The next tick spacing up in 1, 2, 5 × 10ⁿ."""
    decade = 10.0 ** math.floor(math.log10(spacing) + 1e-9)
    for factor in (2.0, 5.0, 10.0):
        if factor * decade > spacing * (1 + 1e-9):
            return factor * decade
    return 20.0 * decade


class IntegerAxis(LegibleAxis):
    """An axis whose ticks fall on whole numbers (a step is never 2.5)."""

    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        levels = super().tickValues(minVal, maxVal, size)
        result = []
        for spacing, values in levels:
            if spacing < 1:
                continue
            result.append((spacing, [v for v in values if math.isclose(v, round(v))]))
        if not result:
            span = max(maxVal - minVal, 1.0)
            step = max(1, math.ceil(span / 6))
            first = math.ceil(minVal / step) * step
            result.append((step, list(range(int(first), int(maxVal) + 1, step))))
        return result


class DecadeLogAxis(LegibleAxis):
    """A log axis labelled at the decades (10⁻³, 10⁻², …), never at a crowd of minor ticks.

    pyqtgraph adds minor ticks at 2…9 × 10ⁿ, with labels, whenever fewer than three decade
    ticks are in view, and on a short plot those labels pile on top of each other. Here the
    minor ticks come only when fewer than two decades are in view, and then only 2× and 5×.

    Labels are written from the exponent itself (``10⁻²⁷``, ``2·10³⁰⁰``), so they read true
    from 10⁻³⁰⁰ to 10³⁰⁰: no automatic SI prefix (which rescaled the labels by powers of ten
    and appended a "(x1e+27)" that the axis cut off) and no ``10**value`` to overflow.
    When many decades are in view, pyqtgraph labels every second or fifth one.
    """

    def __init__(self, orientation: str, **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def logTickValues(self, minVal: float, maxVal: float, size: float, stdTicks: list) -> list:
        ticks = [(spacing, values) for spacing, values in stdTicks if spacing >= 1.0]
        decades = sum(len(values) for _, values in ticks)
        if decades < 2:
            whole = range(math.ceil(minVal), math.floor(maxVal) + 1)
            ticks = [(1.0, [float(decade) for decade in whole])]
            minor = [
                decade + math.log10(factor)
                for decade in range(math.floor(minVal), math.ceil(maxVal))
                for factor in (2, 5)
            ]
            ticks.append((None, [v for v in minor if minVal < v < maxVal]))
        return ticks

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [decade_label(value) for value in values]


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def decade_label(exponent: float) -> str:
    """The label of the log-axis tick at ``10**exponent``: ``"10⁻²⁷"``, ``"1"``, ``"5·10³"``.

    Works from the exponent, so it is exact at any range (10**300 would overflow a float
    label and 10**-300 round to 0 with "%g"). Ticks fall on 1, 2 or 5 times a decade.
    """
    decade = math.floor(exponent + 1e-9)
    mantissa = round(10 ** (exponent - decade), 6)
    if mantissa >= 10:  # exponent a hair below a whole decade
        decade, mantissa = decade + 1, 1.0
    power = "1" if decade == 0 else f"10{str(decade).translate(_SUPERSCRIPT)}"
    if math.isclose(mantissa, 1.0):
        return power
    text = f"{mantissa:.3g}"
    return text if decade == 0 else f"{text}·{power}"


def integer_axes(*orientations: str) -> dict[str, IntegerAxis]:
    """``axisItems`` for ``addPlot``/``PlotWidget`` with integer ticks on ``orientations``."""
    return {orientation: IntegerAxis(orientation) for orientation in orientations}


def outward_ticks(plot: pg.PlotItem) -> None:
    """Draw ``plot``'s ticks outside the data area and cache each axis as a pixmap.

    pyqtgraph's default ticks point inwards, so every axis overlaps the data area by the tick
    length and is repainted whenever anything moves near the plot's edge; with a moving cursor
    that is every axis at every step. Outward ticks keep most axes out of those repaints, and
    the pixmap cache turns the remaining ones into a cheap copy instead of redrawing the text.
    """
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setStyle(tickLength=4)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def legible_colour_bar(bar: pg.ColorBarItem) -> pg.ColorBarItem:
    """Give a vertical colour bar a :class:`LegibleAxis` for its values, set up as
    pyqtgraph sets up its own (45 px wide, not linked to the bar's view); returns ``bar``."""
    axis = LegibleAxis("right")
    bar.setAxisItems({"right": axis})
    bar.showAxis("right")
    axis.setZValue(0.5)
    axis.setWidth(45)
    axis.setStyle(showValues=True)
    axis.unlinkFromView()
    axis.setRange(*bar.values)
    bar.axis = axis
    return bar
