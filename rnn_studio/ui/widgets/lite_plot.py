"""A pyqtgraph ``PlotItem`` that builds its options form and menu only when first asked for.

pyqtgraph's ``PlotItem.__init__`` builds, for every plot, a hidden form of about forty
widgets (log scale, FFT, downsampling, averaging, alpha, grid, points), a "Plot Options"
context menu holding it, and some thirty signal connections, whether or not the menu is
ever enabled. The studio's plots have their menus switched off, so none of that is ever
seen; building it cost about 5 % of the CPU time before the studio's first frame
(``benchmarks/startup.py``).

:class:`LitePlotItem` is a ``PlotItem`` in every respect except that the form (``ctrl``), the
menu (``ctrlMenu``) and their state group (``stateGroup``) are built the first time anything
reads one of them: ``setLogMode``, ``showGrid``, ``setDownsampling``, a context menu,
``saveState``... The form starts in the same default state either way, so what pyqtgraph then
does is what it would have done. Adding an item (``addItem``) reads only the form's
defaults; it reads them from one default form shared by all lite plots, unchanged since it
was built, so plotting a curve does not build the plot's own form.

Its hidden top and right axes are :class:`~rnn_studio.ui.widgets.axes.QuietAxis` (pyqtgraph
lays a hidden axis's label out again at every range change), hidden as pyqtgraph hides them.

``tests/ui/test_lite_plot.py`` checks that a lite plot has a ``PlotItem``'s attributes and
state, and that pyqtgraph's code paths behave the same on both.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyqtgraph as pg
from pyqtgraph import icons
from pyqtgraph.graphicsItems.ButtonItem import ButtonItem
from pyqtgraph.graphicsItems.GraphicsWidget import GraphicsWidget
from pyqtgraph.graphicsItems.LabelItem import LabelItem
from pyqtgraph.graphicsItems.PlotItem import plotConfigTemplate_generic as ui_template
from pyqtgraph.WidgetGroup import WidgetGroup
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGraphicsGridLayout, QMenu, QSizePolicy, QWidget, QWidgetAction

from rnn_studio.ui.widgets.axes import QuietAxis

#: The menu's groups of the options form, as pyqtgraph titles them.
MENU_GROUPS = (
    ("Transforms", "transformGroup"),
    ("Downsample", "decimateGroup"),
    ("Average", "averageGroup"),
    ("Alpha", "alphaGroup"),
    ("Grid", "gridGroup"),
    ("Points", "pointsGroup"),
)
#: The PlotItem attributes a lite plot builds when first read.
LAZY_ATTRIBUTES = ("ctrl", "ctrlMenu", "stateGroup")
#: The sides pyqtgraph hides unless an axis is given for them.
HIDDEN_BY_DEFAULT = ("top", "right")


class _UnbuiltMenu:
    """Stands for the menu of a plot closed before its menu was built."""

    def setParent(self, parent: object) -> None:
        """Nothing to take down."""


class _DefaultForm:
    """One options form in its default state, read by lite plots that have none yet."""

    form: Any = None
    holder: QWidget | None = None

    @classmethod
    def get(cls) -> Any:
        if cls.form is None:
            cls.holder = QWidget()
            cls.form = ui_template.Ui_Form()
            cls.form.setupUi(cls.holder)
        return cls.form


def translate(text: str) -> str:
    """``text`` translated as pyqtgraph's own ``PlotItem`` strings are."""
    return QCoreApplication.translate("PlotItem", text)


class LitePlotItem(pg.PlotItem):
    """A ``PlotItem`` whose options form, context menu and state group are built on first
    use, and whose hidden top/right axes do not relayout their labels (see the module).

    Takes ``PlotItem``'s arguments. ``build_view_menu = False`` on a subclass gives the view
    box no context menu at first (for a subclass that switches the menus off at once).
    """

    #: Whether the view box gets its context menu from ``enableMenu`` at construction.
    build_view_menu = True

    def __init__(
        self,
        parent: Any = None,
        name: str | None = None,
        labels: dict[str, Any] | None = None,
        title: str | None = None,
        viewBox: pg.ViewBox | None = None,
        axisItems: dict[str, pg.AxisItem] | None = None,
        enableMenu: bool = True,
        **kwargs: Any,
    ) -> None:
        # As pyqtgraph's PlotItem.__init__, without the options form and menu (built by
        # _build_controls when first read).
        self._controls: Any = None
        self._controls_menu: QMenu | None = None
        self._controls_state: WidgetGroup | None = None
        self._reading_defaults = False
        self._closing = False
        self._closed = False
        GraphicsWidget.__init__(self, parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.autoBtn = ButtonItem(icons.getGraphPixmap("auto"), 14, self)
        self.autoBtn.mode = "auto"
        self.autoBtn.clicked.connect(self.autoBtnClicked)
        self.buttonsHidden = False
        self.mouseHovering = False
        self.layout = QGraphicsGridLayout()
        self.layout.setContentsMargins(1, 1, 1, 1)
        self.setLayout(self.layout)
        self.layout.setHorizontalSpacing(0)
        self.layout.setVerticalSpacing(0)
        if viewBox is None:
            viewBox = pg.ViewBox(parent=self, enableMenu=enableMenu and self.build_view_menu)
        self.vb = viewBox
        self.vb.sigStateChanged.connect(self.viewStateChanged)
        self.setMenuEnabled(enableMenu, None)
        if name is not None:
            self.vb.register(name)
        self.vb.sigRangeChanged.connect(self.sigRangeChanged)
        self.vb.sigXRangeChanged.connect(self.sigXRangeChanged)
        self.vb.sigYRangeChanged.connect(self.sigYRangeChanged)
        self.vb.sigRangeChangedManually.connect(self.sigRangeChangedManually)
        self.layout.addItem(self.vb, 2, 1)
        self.alpha = 1.0
        self.autoAlpha = True
        self.spectrumMode = False
        self.legend = None
        self.axes: dict[str, dict[str, Any]] = {}
        given = dict(axisItems or {})
        quiet = {
            side: QuietAxis(side, parent=self) for side in HIDDEN_BY_DEFAULT if side not in given
        }
        self.setAxisItems({**given, **quiet})  # shows every axis it is given...
        for side in quiet:
            self.showAxis(side, False)  # ...so hide the two pyqtgraph hides
        self.titleLabel = LabelItem("", size="11pt", parent=self)
        self.layout.addItem(self.titleLabel, 0, 1)
        self.setTitle(None)
        for row in range(4):
            self.layout.setRowPreferredHeight(row, 0)
            self.layout.setRowMinimumHeight(row, 0)
            self.layout.setRowSpacing(row, 0)
            self.layout.setRowStretchFactor(row, 1)
        for column in range(3):
            self.layout.setColumnPreferredWidth(column, 0)
            self.layout.setColumnMinimumWidth(column, 0)
            self.layout.setColumnSpacing(column, 0)
            self.layout.setColumnStretchFactor(column, 1)
        self.layout.setRowStretchFactor(2, 100)
        self.layout.setColumnStretchFactor(1, 100)
        self.items: list[Any] = []
        self.curves: list[Any] = []
        self.itemMeta: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
        self.dataItems: list[Any] = []
        self.paramList: dict[str, bool] = {}
        self.avgCurves: dict[Any, Any] = {}
        self.avgPen = pg.mkPen((0, 200, 0))
        self.avgShadowPen = pg.mkPen((0, 0, 0), width=4)
        self.fileDialog = None
        labels = dict(labels or {})
        for side in list(self.axes.keys()):
            if side in kwargs:
                labels[side] = kwargs.pop(side)
        for side, label in labels.items():
            self.setLabel(side, *((label,) if isinstance(label, str) else label))
        if title is not None:
            self.setTitle(title)
        if kwargs:
            self.plot(**kwargs)

    # -- the options form, menu and state group, built when first read ---------------------

    @property
    def controls_built(self) -> bool:
        """Whether this plot's options form exists yet."""
        return self._controls is not None

    @property
    def ctrl(self) -> Any:
        if self._controls is None:
            if self._reading_defaults:
                return _DefaultForm.get()
            self._build_controls()
        return self._controls

    @ctrl.setter
    def ctrl(self, form: Any) -> None:
        self._controls = form

    @property
    def ctrlMenu(self) -> Any:
        if self._closed:
            return None
        if self._controls_menu is None:
            if self._closing:
                return _UnbuiltMenu()  # closing a plot whose menu was never built
            self._build_controls()
        return self._controls_menu

    @ctrlMenu.setter
    def ctrlMenu(self, menu: QMenu | None) -> None:
        self._controls_menu = menu
        self._closed = menu is None

    @property
    def stateGroup(self) -> WidgetGroup:
        if self._controls_state is None:
            self._build_controls()
        assert self._controls_state is not None
        return self._controls_state

    @stateGroup.setter
    def stateGroup(self, group: WidgetGroup) -> None:
        self._controls_state = group

    def _build_controls(self) -> None:
        """The form, menu, state group and connections pyqtgraph's ``__init__`` makes."""
        holder = QWidget()
        form = ui_template.Ui_Form()
        form.setupUi(holder)
        self._controls = form
        self._controls_holder = holder
        menu = QMenu(translate("Plot Options"))
        groups = [(translate(title), getattr(form, group)) for title, group in MENU_GROUPS]
        for title, group in groups:
            submenu = menu.addMenu(title)
            action = QWidgetAction(self)
            action.setDefaultWidget(group)
            submenu.addAction(action)
        self._controls_menu = menu
        state = WidgetGroup()
        for _, group in groups:
            state.autoAdd(group)
        self._controls_state = state
        form.alphaGroup.toggled.connect(self.updateAlpha)
        form.alphaSlider.valueChanged.connect(self.updateAlpha)
        form.autoAlphaCheck.toggled.connect(self.updateAlpha)
        form.xGridCheck.toggled.connect(self.updateGrid)
        form.yGridCheck.toggled.connect(self.updateGrid)
        form.gridAlphaSlider.valueChanged.connect(self.updateGrid)
        form.fftCheck.toggled.connect(self.updateSpectrumMode)
        form.subtractMeanCheck.toggled.connect(self.updateSubtractMeanMode)
        form.logXCheck.toggled.connect(self.updateLogMode)
        form.logYCheck.toggled.connect(self.updateLogMode)
        form.derivativeCheck.toggled.connect(self.updateDerivativeMode)
        form.phasemapCheck.toggled.connect(self.updatePhasemapMode)
        form.downsampleSpin.valueChanged.connect(self.updateDownsampling)
        form.downsampleCheck.toggled.connect(self.updateDownsampling)
        form.autoDownsampleCheck.toggled.connect(self.updateDownsampling)
        form.subsampleRadio.toggled.connect(self.updateDownsampling)
        form.meanRadio.toggled.connect(self.updateDownsampling)
        form.clipToViewCheck.toggled.connect(self.updateDownsampling)
        form.avgParamList.itemClicked.connect(self.avgParamListClicked)
        form.averageGroup.toggled.connect(self.avgToggled)
        form.maxTracesCheck.toggled.connect(self._handle_max_traces_toggle)
        form.forgetTracesCheck.toggled.connect(self.updateDecimation)
        form.maxTracesSpin.valueChanged.connect(self.updateDecimation)
        if self.curves:
            self.updateParamList()  # the parameters of the curves added meanwhile

    # -- pyqtgraph's methods that would otherwise build the form ---------------------------

    def addItem(self, item: Any, *args: Any, **kwargs: Any) -> None:
        if self._controls is not None:
            super().addItem(item, *args, **kwargs)
            return
        # pyqtgraph only reads the form here (its defaults: no log scale, FFT, averaging...)
        self._reading_defaults = True
        try:
            super().addItem(item, *args, **kwargs)
        finally:
            self._reading_defaults = False

    def close(self) -> None:
        self._closing = True
        try:
            super().close()
        finally:
            self._closing = False


class LiteColourBar(pg.ColorBarItem, LitePlotItem):
    """pyqtgraph's ``ColorBarItem`` built on :class:`LitePlotItem` (it switches its menus off
    at once, so its view box gets none to begin with)."""

    build_view_menu = False


def add_lite_plot(layout: pg.GraphicsLayout, row: int, col: int, **kwargs: Any) -> LitePlotItem:
    """A :class:`LitePlotItem` added to ``layout`` at ``row``, ``col`` (as ``addPlot``)."""
    plot = LitePlotItem(**kwargs)
    layout.addItem(plot, row=row, col=col)
    return plot


@contextmanager
def laid_out_once(layout: pg.GraphicsLayout) -> Iterator[pg.GraphicsLayout]:
    """Add several items to ``layout``, laid out once, at the end, instead of after each.

    pyqtgraph's ``GraphicsLayout.addItem`` lays the whole grid out again after every item it
    adds (so that its items have a size without an event loop): with the gate panel's eight
    plots every plot already added was resized, its view range and axes updated, eight
    times over. Inside this block ``addItem`` does everything else it does; the grid is laid
    out when the block ends.
    """
    grid = layout.layout
    grid.activate = _no_layout_pass  # the instance's own, found before QGraphicsLayout's
    try:
        yield layout
    finally:
        del grid.activate
        grid.activate()


def _no_layout_pass() -> None:
    """Stands in for a grid's ``activate`` while items are added (see :func:`laid_out_once`)."""
