"""``LitePlotItem``: a pyqtgraph ``PlotItem`` whose options form and menu wait until used.

Each test does the same thing to a ``PlotItem`` and a ``LitePlotItem`` and compares what
pyqtgraph then shows or reports: the attributes, the items' display modes, the form's state
(``saveState``), the menu, the axes. The lazy part is checked too: a lite plot that only
draws never builds its form.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from rnn_studio.ui.widgets.axes import QuietAxis, plot_axes
from rnn_studio.ui.widgets.lite_plot import (
    LAZY_ATTRIBUTES,
    LiteColourBar,
    LitePlotItem,
    add_lite_plot,
    laid_out_once,
)

pytestmark = pytest.mark.usefixtures("qapp")

#: What a lite plot adds to a PlotItem's attributes (its bookkeeping of the lazy form).
LITE_BOOKKEEPING = {
    "_controls",
    "_controls_menu",
    "_controls_state",
    "_reading_defaults",
    "_closing",
    "_closed",
}


def pair(**kwargs: object) -> tuple[pg.PlotItem, LitePlotItem]:
    return pg.PlotItem(**kwargs), LitePlotItem(**kwargs)


def curve_modes(curve: pg.PlotDataItem) -> dict[str, object]:
    """What a PlotItem sets on a curve it is given (from its form)."""
    keys = ("alphaHint", "alphaMode", "logMode", "fftMode", "subtractMeanMode", "clipToView")
    keys += ("autoDownsample", "downsample", "downsampleMethod")
    return {key: curve.opts.get(key) for key in keys} | {"visible": curve.isVisible()}


def test_a_lite_plot_has_a_plot_items_attributes() -> None:
    full, lite = pair()
    lazy = set(LAZY_ATTRIBUTES)
    assert set(vars(full)) - lazy == set(vars(lite)) - LITE_BOOKKEEPING
    assert lazy <= set(vars(full))
    assert not lite.controls_built
    for name in lazy:  # each built when first read, of the same kind as pyqtgraph's
        assert type(getattr(lite, name)) is type(getattr(full, name))
    assert lite.controls_built


def test_drawing_curves_bars_lines_and_images_needs_no_form() -> None:
    full, lite = pair(enableMenu=False)
    for plot in (full, lite):
        plot.plot(np.arange(5.0), np.arange(5.0) ** 2, params={"seed": 1})
        plot.addItem(pg.BarGraphItem(x=[0, 1], height=[1, 2], width=0.5))
        plot.addLine(x=1.5)
        plot.addItem(pg.ImageItem(np.zeros((3, 4))))
        plot.setXRange(0, 4)
        plot.setLabel("left", "units", units="V")
        plot.setTitle("title")
    assert not lite.controls_built
    assert [curve_modes(c) for c in lite.curves] == [curve_modes(c) for c in full.curves]
    assert lite.paramList == full.paramList == {"seed": False}
    assert lite.viewRange() == full.viewRange()
    # Built later, the form lists the curves' parameters as pyqtgraph's does.
    assert lite.saveState() == full.saveState()
    assert lite.ctrl.avgParamList.count() == full.ctrl.avgParamList.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        lambda plot: plot.setLogMode(x=False, y=True),
        lambda plot: plot.showGrid(x=True, y=True, alpha=0.3),
        lambda plot: plot.setDownsampling(ds=3, auto=False, mode="mean"),
        lambda plot: plot.setClipToView(True),
        lambda plot: plot.ctrl.alphaSlider.setValue(500),
    ],
    ids=["log", "grid", "downsampling", "clip", "alpha"],
)
def test_settings_that_use_the_form_build_it_and_act_the_same(change) -> None:
    full, lite = pair()
    for plot in (full, lite):
        plot.plot([1.0, 10.0, 100.0, 1000.0])
        change(plot)
        plot.plot([2.0, 20.0, 200.0])
    assert lite.controls_built
    assert lite.saveState() == full.saveState()
    assert [curve_modes(c) for c in lite.curves] == [curve_modes(c) for c in full.curves]
    for side in ("left", "bottom"):
        assert lite.getAxis(side).logMode == full.getAxis(side).logMode
        assert lite.getAxis(side).grid == full.getAxis(side).grid


def test_the_context_menu_is_pyqtgraphs() -> None:
    full, lite = pair()
    titles = [action.text() for action in full.getContextMenus(None).actions()]
    assert titles == ["Transforms", "Downsample", "Average", "Alpha", "Grid", "Points"]
    assert [action.text() for action in lite.getContextMenus(None).actions()] == titles
    # The form's controls act on the plot, as in pyqtgraph.
    lite.plot([1.0, 2.0])
    lite.ctrl.logYCheck.setChecked(True)
    assert lite.curves[0].opts["logMode"] == [False, True]
    off = LitePlotItem(enableMenu=False)
    assert off.getContextMenus(None) is None and not off.controls_built
    assert off.getViewBox().menu is None


def test_hidden_axes_are_quiet_and_hidden_shown_axes_as_given() -> None:
    full, lite = pair(axisItems=plot_axes())
    for side in ("top", "right"):
        assert isinstance(lite.getAxis(side), QuietAxis)
        assert not lite.getAxis(side).isVisible() and not full.getAxis(side).isVisible()
    for side in ("left", "bottom"):
        assert lite.getAxis(side).isVisible() == full.getAxis(side).isVisible() is True
    right = QuietAxis("right")
    given = LitePlotItem(axisItems={"right": right})
    assert given.getAxis("right") is right and right.isVisible()
    assert given.getAxis("top").isVisible() is False
    # A hidden axis shown later reads like pyqtgraph's.
    for plot in (full, lite):
        plot.showAxis("right")
        plot.setLabel("right", "value", units="s")
        plot.setYRange(0, 0.001)
    assert lite.getAxis("right").labelString() == full.getAxis("right").labelString()


def test_closing_a_plot_builds_nothing_and_takes_it_down() -> None:
    view = pg.GraphicsLayoutWidget()  # pyqtgraph closes a plot that is in a scene
    lite = add_lite_plot(view.ci, 0, 0, enableMenu=False)
    assert view.ci.getItem(0, 0) is lite
    lite.close()
    assert not lite.controls_built
    assert lite.ctrlMenu is None and lite.vb is None and lite.axes is None
    lite.close()  # again: already shut down, as pyqtgraph's
    built = add_lite_plot(view.ci, 1, 0)
    _ = built.ctrl
    built.close()
    assert built.ctrlMenu is None and built.vb is None


def test_the_lite_colour_bar_is_pyqtgraphs_without_a_menu() -> None:
    kwargs = {"values": (-1, 1), "colorMap": "viridis", "interactive": False, "width": 12}
    full, lite = pg.ColorBarItem(**kwargs), LiteColourBar(**kwargs)
    assert isinstance(lite, LitePlotItem) and isinstance(lite, pg.ColorBarItem)
    for side in ("left", "right", "top", "bottom"):
        assert lite.getAxis(side).isVisible() == full.getAxis(side).isVisible()
    assert lite.getViewBox().menu is None and full.getViewBox().menu is None
    assert lite.menuEnabled() is full.menuEnabled() is False
    assert lite.viewRange() == full.viewRange()
    assert not lite.controls_built


def test_items_added_in_one_layout_pass_end_where_pyqtgraph_puts_them(qtbot) -> None:
    """Eight plots in a 4 x 2 grid, each way: same cells, sizes and view ranges."""
    views, resizes = [], []
    for one_pass in (False, True):
        view = pg.GraphicsLayoutWidget()
        qtbot.addWidget(view)
        view.resize(500, 400)
        layout = view.ci
        count = [0]

        def build(layout=layout, count=count) -> list[LitePlotItem]:
            plots = []
            for row in range(4):
                for col in range(2):
                    plot = add_lite_plot(layout, row, col, enableMenu=False)
                    plot.plot(np.arange(5.0) * (row + 1), np.arange(5.0) + col)
                    plot.getViewBox().sigResized.connect(
                        lambda *_: count.__setitem__(0, count[0] + 1)
                    )
                    plots.append(plot)
            return plots

        if one_pass:
            with laid_out_once(layout):
                plots = build()
        else:
            plots = build()
        views.append(
            [
                (layout.getItem(*cell), tuple(plot.geometry().getRect()), plot.viewRange())
                for plot, cell in zip(
                    plots, [(r, c) for r in range(4) for c in range(2)], strict=True
                )
            ]
        )
        assert [entry[0] for entry in views[-1]] == plots
        resizes.append(count[0])
        assert "activate" not in getattr(layout.layout, "__dict__", {})  # Qt's own again
    assert [entry[1:] for entry in views[0]] == [entry[1:] for entry in views[1]]
    # pyqtgraph resized the plots already added after each new one; once is enough.
    assert resizes[1] < resizes[0]
