"""QuietAxis lays a label out only when its text changes, and shows what pyqtgraph's shows.

pyqtgraph re-renders an axis label's HTML at every range change (~1,000 times before the
studio's first frame, hidden and label-less axes included); QuietAxis skips the ones that
would not change it. The label must stay exactly pyqtgraph's, through range changes that do
and do not change the SI prefix, new label text and units, colours and fonts.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsTextItem

from rnn_studio.ui.widgets.axes import (
    ORIENTATIONS,
    SHOWN_BY_DEFAULT,
    DecadeLogAxis,
    IntegerAxis,
    LegibleAxis,
    QuietAxis,
    plot_axes,
)


def _same_label(quiet: pg.AxisItem, plain: pg.AxisItem) -> None:
    assert quiet.labelString() == plain.labelString()
    assert quiet.label.toHtml() == plain.label.toHtml()
    assert quiet.label.toPlainText() == plain.label.toPlainText()
    assert quiet.autoSIPrefixScale == plain.autoSIPrefixScale
    assert quiet.label.isVisible() == plain.label.isVisible()
    assert quiet.label.font() == plain.label.font()


def test_the_label_is_pyqtgraphs_through_every_change(qtbot) -> None:
    steps = [
        lambda a: a.setRange(0, 10),
        lambda a: a.setLabel("voltage", units="V"),
        lambda a: a.setRange(0, 0.002),  # millivolts: the prefix changes
        lambda a: a.setRange(0, 0.003),  # still millivolts
        lambda a: a.setRange(0, 4e6),  # megavolts
        lambda a: a.setTextPen("#d55e00"),
        lambda a: a.setLabel("current", units="A"),
        lambda a: a.showLabel(False),
        lambda a: a.setRange(-1, 1),
        lambda a: a.showLabel(True),
        lambda a: a.setLabel(""),
        lambda a: a.label.setFont(QFont("DejaVu Sans", 17)) or a._updateLabel(),
        lambda a: a.enableAutoSIPrefix(False),
        lambda a: a.setRange(0, 0.002),
    ]
    for orientation in ORIENTATIONS:
        quiet, plain = QuietAxis(orientation), pg.AxisItem(orientation)
        _same_label(quiet, plain)
        for step in steps:
            step(quiet)
            step(plain)
            _same_label(quiet, plain)


def test_range_changes_that_keep_the_label_do_not_lay_it_out_again(qtbot, monkeypatch) -> None:
    calls: list[str] = []
    original = QGraphicsTextItem.setHtml

    def counting(item: QGraphicsTextItem, html: str) -> None:
        calls.append(html)
        original(item, html)

    monkeypatch.setattr(QGraphicsTextItem, "setHtml", counting)
    quiet, plain = QuietAxis("left"), pg.AxisItem("left")
    quiet.setLabel("h", units="V")
    plain.setLabel("h", units="V")
    calls.clear()
    for step in range(1, 101):
        quiet.setRange(0, 2 + step / 100)  # volts all along
    assert calls == []
    quiet.setRange(0, 0.005)  # millivolts: laid out again, once
    assert len(calls) == 1 and "mV" in calls[0]
    for step in range(1, 101):
        plain.setRange(0, 2 + step / 100)
    assert len(calls) == 101  # what pyqtgraph's own axis costs


def test_plot_axes_give_the_shown_sides_a_quiet_axis_and_keep_the_given_ones(qtbot) -> None:
    bottom = IntegerAxis("bottom")
    axes = plot_axes({"bottom": bottom})
    assert set(axes) == set(SHOWN_BY_DEFAULT)
    assert axes["bottom"] is bottom and type(axes["left"]) is QuietAxis
    assert set(plot_axes({"left": DecadeLogAxis("left")})) == {"left", "bottom"}
    assert issubclass(LegibleAxis, QuietAxis)
    plot = pg.PlotItem(axisItems=plot_axes(), enableMenu=False)
    for name in ORIENTATIONS:
        axis = plot.getAxis(name)
        assert axis.orientation == name
        # Shown as pyqtgraph shows them: left and bottom, not top and right.
        assert axis.isVisible() == (name in SHOWN_BY_DEFAULT)
        assert isinstance(axis, QuietAxis) == (name in SHOWN_BY_DEFAULT)


def test_the_studio_plots_use_quiet_axes_on_their_shown_sides(qtbot, monkeypatch, tmp_path) -> None:
    from PySide6.QtCore import QSettings

    from rnn_studio.state.session import StudioSession
    from rnn_studio.studio_core.demo import DemoSetup
    from rnn_studio.ui.main_window import MainWindow
    from rnn_studio.ui.widgets.lite_plot import LitePlotItem

    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    session = StudioSession(DemoSetup(text="not bad", mode="words", cell="lstm"))
    window = MainWindow(session, settings=settings)
    qtbot.addWidget(window)
    plots = [
        item
        for view in window.studio.findChildren(pg.GraphicsView)
        for item in view.scene().items()
        if isinstance(item, pg.PlotItem) and not isinstance(item, pg.ColorBarItem)
    ]
    assert len(plots) >= 14  # memory (4), gates (2 for each of 4 gates), gradients, outputs
    for plot in plots:
        # Lite plots (options form built on first use) with quiet axes all round.
        assert isinstance(plot, LitePlotItem), plot
        for name in ORIENTATIONS:
            assert isinstance(plot.getAxis(name), QuietAxis), (plot, name)
        for name in ("top", "right"):  # hidden, as pyqtgraph hides them
            assert not plot.getAxis(name).isVisible(), (plot, name)
