"""Text size 1.0–3.0 at 1280×720 (issue 13 item 2): every panel on show stays usable.

At each size, on the LSTM demo after Backprop, measured on the window as laid out:

* every heatmap (the memory's h and c) and the gradient plot is at least a useful height,
  and the unrolled chain is whole in its dock at no less than its own least zoom;
* no panel needs to scroll inside its dock, down or sideways (no line half cut at a dock's
  edge): the studio as a whole scrolls down instead, and only down;
* every dock tab title reads whole (the "few panels" arrangement has at most two tabs to a
  group, each group as wide as its titles);
* no two texts of a plot overlap (tick labels, axis titles, colour-bar ends, across axes);
  every axis title is whole inside its view;
* going back to 1.0 gives the 1.0 layout exactly, without any scrolling.

The floors, in pixels of the data area:

* a heatmap: three lines of its tick font (room for two unit labels with gaps) and its axis
  title written along it whole, and never under 40 px. At 1.0 that is 42 px for an
  8-unit LSTM (5 px a unit row); at 3.0 about 130 px.
* the gradient plot: 100 px (three decades of a log axis at ≥ 30 px each, so a slope can
  be read), or three tick lines if more.

Before this change the heatmaps were 30 px at 2.0 and 0–10 px at 3.0, the chain was ~25 px
of a 230 px least height at 3.0, and the h colour bar's "−1" ran into the c bar's "0.5".
"""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QRect, QRectF
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QScrollArea, QStyle, QTabBar, QWidget

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.studio import PanelScroll
from rnn_studio.ui.widgets.chain import BOX_WIDTH, HEIGHT, INPUT_BOTTOM, PITCH, ChainView, cell_x
from tests.ui.conftest import drawn, refitted
from tests.ui.test_big_text_ticks import drawn_tick_labels, whole_in_view
from tests.ui.test_no_clipped_text import clipped_texts
from tests.ui.test_text_size_and_screen import dock_layout

SCALES = [1.0, 1.5, 2.0, 3.0]
LEAST_HEATMAP_PX = 40.0
LEAST_LINE_PLOT_PX = 100.0


def set_text_size(qtbot, window, features, scale: float) -> None:
    features.save_preferences(replace(features.preferences, font_scale=scale))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)


def open_lstm(classroom, qtbot, scale: float):
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    set_text_size(qtbot, window, features, scale)
    window.session.backprop()
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    return window, features


def tick_line(axis: pg.AxisItem) -> float:
    return QFontMetricsF(axis.style["tickFont"] or axis.font()).height()


def heatmap_floor(plot: pg.PlotItem) -> float:
    axis = plot.getAxis("left")
    title = QFontMetricsF(axis.label.font()).horizontalAdvance(axis.label.toPlainText())
    return max(3 * tick_line(axis), title, LEAST_HEATMAP_PX)


def scroll_to(window, widget: QWidget) -> None:
    """Scroll the studio down to ``widget`` as the user would (at big sizes it scrolls)."""
    outer = window.findChild(QScrollArea, "studio_scroll")
    QApplication.processEvents()
    if outer is None:
        return  # a studio that never scrolls
    top = widget.mapTo(outer.widget(), QPoint(0, 0)).y()
    bar = outer.verticalScrollBar()
    bar.setValue(min(top, bar.maximum()))
    QApplication.processEvents()


def in_front(widget: QWidget) -> bool:
    """Shown and not behind another tab (whether the studio is scrolled to it or not)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def shown_height(view: pg.GraphicsView, item: pg.ViewBox) -> float:
    """Pixels of ``item`` the user sees: inside its view and inside its dock's viewport."""
    box = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    area = view.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    seen = view.rect().intersected(box)
    if area is not None and area.objectName() != "studio_scroll":
        viewport = area.viewport()
        corner = view.mapTo(viewport, QPoint(0, 0))
        seen = seen.translated(corner).intersected(viewport.rect())
    return float(seen.height())


def drawn_texts(view: pg.GraphicsView) -> list[tuple[QRectF, str]]:
    """(rectangle in scene coordinates, text) of every tick label and axis title drawn."""
    found = []
    for item in view.scene().items():
        if not isinstance(item, pg.AxisItem) or not item.isVisible():
            continue
        for rect, text in drawn_tick_labels(item):
            found.append((item.mapRectToScene(rect), f"{item.orientation} tick {text}"))
        if item.label.isVisible() and item.labelText.strip():
            label = item.label
            margin = label.document().documentMargin()  # blank room around the text
            local = label.boundingRect().adjusted(margin, margin, -margin, -margin)
            text = item.labelText.strip()  # pyqtgraph adds a blank for the units
            inked = QFontMetricsF(label.font()).horizontalAdvance(text)
            local.adjust((local.width() - inked) / 2, 0, -(local.width() - inked) / 2, 0)
            found.append((label.mapRectToScene(local), f"{item.orientation} title {text}"))
    return found


def overlapping_texts(view: pg.GraphicsView) -> list[tuple[str, str]]:
    texts = drawn_texts(view)
    found = []
    for i, (rect, text) in enumerate(texts):
        inner = rect.adjusted(1, 1, -1, -1)  # touching is not overlapping
        found.extend(
            (text, other) for other_rect, other in texts[i + 1 :] if inner.intersects(other_rect)
        )
    return found


def cut_titles(view: pg.GraphicsView) -> list[str]:
    """Axis titles that do not fit inside what the view shows (cut at its edge)."""
    visible = view.mapToScene(view.viewport().rect()).boundingRect().adjusted(-1, -1, 1, 1)
    return [
        text for rect, text in drawn_texts(view) if " title " in text and not visible.contains(rect)
    ]


def studio_views(window) -> list[pg.GraphicsView]:
    """The plot views in front (a dock behind a tab is hidden), wherever scrolled, painted:
    an axis makes room for its tick labels once it has drawn them (as on screen)."""
    views = [view for view in window.studio.findChildren(pg.GraphicsView) if view.isVisible()]
    for _ in range(2):
        for view in views:
            view.grab()
        QApplication.processEvents()
    return views


def laid_out(window) -> bool:
    """:func:`drawn`, and painting every view on show once more changes no size: an axis
    takes room for its tick labels once it has drawn them and the studio refits after it
    (4-6 px of the studio's height, a moment after the first paint). A condition for
    ``qtbot.waitUntil`` before a layout is noted to be compared with a later one."""
    if not drawn(window):
        return False
    studio = window.studio
    bar = window.findChild(QScrollArea, "studio_scroll").verticalScrollBar()
    sizes = (studio.size(), dock_layout(studio), bar.maximum())
    studio_views(window)
    return drawn(window) and (studio.size(), dock_layout(studio), bar.maximum()) == sizes


@pytest.mark.parametrize("scale", SCALES)
def test_every_plot_on_show_is_a_useful_height(classroom, qtbot, scale) -> None:
    window, _ = open_lstm(classroom, qtbot, scale)
    assert (window.width(), window.height()) == (1280, 720)
    studio_views(window)  # painted
    studio = window.studio
    memory, gradients = studio.memory, studio.gradients
    assert memory.showing_cell_state
    small = []
    scroll_to(window, memory.graphics)
    assert in_front(memory.graphics)
    for plot in (memory.hidden_plot, memory.cell_plot):
        height = shown_height(memory.graphics, plot.getViewBox())
        if height < heatmap_floor(plot):
            small.append((plot.getAxis("left").labelText, height, heatmap_floor(plot)))
    scroll_to(window, gradients.plot_widget)
    assert in_front(gradients.plot_widget)
    view_box = gradients.plot.getViewBox()
    floor = max(LEAST_LINE_PLOT_PX, 3 * tick_line(gradients.plot.getAxis("left")))
    height = shown_height(gradients.plot_widget, view_box)
    if height < floor:
        small.append(("gradient", height, floor))
    chain = studio.unrolled.view
    scroll_to(window, chain)
    assert in_front(chain)
    viewport = chain.parentWidget()
    while not isinstance(viewport, QScrollArea):
        viewport = viewport.parentWidget()
    seen = chain.rect().translated(chain.mapTo(viewport.viewport(), QPoint(0, 0)))
    seen = seen.intersected(viewport.viewport().rect())
    if seen.height() < chain.minimumSizeHint().height():
        small.append(("chain", seen.height(), chain.minimumSizeHint().height()))
    assert not small


def elided_tab_titles(studio: QWidget) -> list[str]:
    """The dock tab titles on show that Qt elides ("G…", "Inside the…"): a title is whole
    when its tab is as wide as the text and the tab's padding, inside the tab bar."""
    padding = studio.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace)
    elided = []
    for bar in studio.findChildren(QTabBar):
        if not bar.isVisible():
            continue
        metrics = QFontMetricsF(bar.font())
        for index in range(bar.count()):
            title, rect = bar.tabText(index), bar.tabRect(index)
            whole = metrics.horizontalAdvance(title) + padding <= rect.width() + 0.5
            if not whole or not bar.rect().contains(rect):
                elided.append(title)
    return elided


def hidden_chain_tokens(view: ChainView) -> list[tuple[int, QRect]]:
    """The steps whose token line under the chain (scene y from ``INPUT_BOTTOM`` to
    ``HEIGHT``) is not whole in the viewport's part the horizontal scroll bar leaves free
    (the "␣" was half under the bar), among the steps scrolled into view."""
    shown = view.viewport().rect()
    bar = view.horizontalScrollBar()
    if bar.isVisible():
        top = bar.mapTo(view, QPoint(0, 0)).y() - view.viewport().mapTo(view, QPoint(0, 0)).y()
        shown.setBottom(min(shown.bottom(), top - 1))
    hidden = []
    for t in range(len(view.tokens)):
        centre = cell_x(t) + BOX_WIDTH / 2
        line = QRectF(centre - PITCH / 2, INPUT_BOTTOM, PITCH, HEIGHT - INPUT_BOTTOM)
        rect = view.mapFromScene(line).boundingRect()
        if rect.right() < shown.left() or rect.left() > shown.right():
            continue  # scrolled out of view sideways
        if rect.top() < shown.top() or rect.bottom() > shown.bottom():
            hidden.append((t, rect))
    return hidden


@pytest.mark.parametrize("scale", SCALES)
def test_nothing_is_cut_elided_scrolled_sideways_or_overlapping(classroom, qtbot, scale):
    """No panel is cut at its dock's edge or scrolls in it (either way: the Sequence panel
    scrolled sideways at 3.0), every tab title reads whole (at 3.0 "G…", "Eq…"), the
    sequence box shows two lines, the tokens under the chain are not under its scroll bar
    (the "␣" was, at every size), and no plot text overlaps another or is cut."""
    window, _ = open_lstm(classroom, qtbot, scale)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    studio = window.studio
    assert elided_tab_titles(studio) == []
    assert hidden_chain_tokens(studio.unrolled.view) == []
    box = studio.sequence.text_edit  # two lines of its font (one, cut, after a size change)
    assert box.viewport().height() >= 2 * box.fontMetrics().lineSpacing()
    scrolling = [
        scroll.objectName()
        for scroll in studio.findChildren(QScrollArea)
        if scroll.objectName().endswith("_scroll")
        and scroll.isVisible()
        and (scroll.verticalScrollBar().maximum() > 0 or scroll.horizontalScrollBar().maximum() > 0)
    ]
    overlaps = {view.objectName(): overlapping_texts(view) for view in studio_views(window)}
    cut = {view.objectName(): cut_titles(view) for view in studio_views(window)}
    assert (scrolling, overlaps, cut) == ([], {name: [] for name in overlaps}, {n: [] for n in cut})
    # Only the studio scrolls, and only down.
    outer = window.findChild(QScrollArea, "studio_scroll")
    assert outer.horizontalScrollBar().maximum() == 0
    outer.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    clipped = clipped_texts(studio)
    outer.verticalScrollBar().setValue(outer.verticalScrollBar().maximum())
    QApplication.processEvents()
    assert not clipped + clipped_texts(studio)  # top and bottom of the studio
    # The Model panel behind its tab: raised, it neither scrolls nor cuts a text (it
    # scrolled sideways by 81, 198 and 370 px at 1.5, 2.0 and 3.0).
    studio.docks["model"].raise_()
    QApplication.processEvents()
    model_scroll = studio.findChild(QScrollArea, "model_scroll")
    scroll_to(window, model_scroll)
    QApplication.processEvents()
    assert studio.model.isVisible()  # a tab behind another is hidden
    bars = model_scroll.horizontalScrollBar(), model_scroll.verticalScrollBar()
    assert [bar.maximum() for bar in bars] == [0, 0]
    assert clipped_texts(studio.model) == []


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_the_gradient_plots_texts_are_whole_before_backprop(classroom, qtbot, scale) -> None:
    """Before Backprop the gradient plot says "Press Backprop ◀ to send the gradient back
    in time": wrapped inside the plot (at 1.5 one line ran past both its edges), and the
    axis titles are whole in the view (a cut "gradient nor" is never left)."""
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    set_text_size(qtbot, window, features, scale)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    gradients = window.studio.gradients
    scroll_to(window, gradients.plot_widget)
    studio_views(window)
    placeholder = gradients.placeholder
    assert placeholder.isVisible() and "Press Backprop" in placeholder.toPlainText()
    text = placeholder.textItem
    laid_out = text.mapRectToScene(text.boundingRect()).adjusted(1, 1, -1, -1)
    plot_area = gradients.plot.getViewBox().sceneBoundingRect()
    assert plot_area.contains(laid_out), (laid_out, plot_area)
    assert cut_titles(gradients.plot_widget) == []
    assert overlapping_texts(gradients.plot_widget) == []


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_the_steppers_buttons_are_on_the_first_screen(classroom, qtbot, scale) -> None:
    """The studio scrolls down at big sizes; the Stepper's buttons (what a teacher uses all
    the time) are on top of the left column, whole in view before any scrolling. (They were
    one scroll down at 2.0 and 3.0; the keys work anyway.)"""
    window, _ = open_lstm(classroom, qtbot, scale)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    outer = window.findChild(QScrollArea, "studio_scroll")
    assert outer.verticalScrollBar().maximum() > 0  # it does scroll down
    outer.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    stepper = window.studio.stepper
    buttons = [stepper.start_button, stepper.back_button, stepper.play_button]
    buttons += [stepper.forward_button, stepper.end_button]
    shown = outer.viewport().rect()
    for button in buttons:
        assert in_front(button)
        corner = button.mapTo(outer.viewport(), QPoint(0, 0))
        assert shown.contains(button.rect().translated(corner)), button.objectName()
        assert button.visibleRegion().boundingRect() == button.rect(), button.objectName()


def test_back_to_1_0_gives_the_same_layout_without_scrolling(classroom, qtbot) -> None:
    window, features = open_lstm(classroom, qtbot, 1.0)
    studio = window.studio
    outer = window.findChild(QScrollArea, "studio_scroll")

    def measured() -> tuple[object, ...]:
        studio_views(window)  # painted: the axes have taken their room
        memory = studio.memory
        return (
            window.size(),
            studio.size(),
            dock_layout(studio),
            memory.hidden_plot.getViewBox().size(),
            memory.cell_plot.getViewBox().size(),
            studio.gradients.plot.getViewBox().size(),
            outer.verticalScrollBar().maximum(),
        )

    qtbot.waitUntil(lambda: laid_out(window), timeout=8000)
    before = measured()
    assert before[-1] == 0  # the everyday size fits without scrolling
    for scale in SCALES[1:]:
        set_text_size(qtbot, window, features, scale)
    assert outer.verticalScrollBar().maximum() > 0  # 3.0 scrolls down
    set_text_size(qtbot, window, features, 1.0)
    qtbot.waitUntil(lambda: laid_out(window), timeout=8000)
    assert measured() == before


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_presenting_fits_the_screen_and_leaving_gives_the_studio_back_exactly(
    classroom, qtbot, scale
):
    """Presenter mode from the everyday size and from 2.0: nothing to scroll, nothing cut
    (the spotlight ran past the screen's edge, the c_t bar's "0.56" reached the view's,
    the chain was squeezed to a sliver that scrolled), and leaving gives back the docks,
    the studio's size and where it was scrolled to exactly (from 2.0 the Stepper came back
    97 px taller and the studio 56 px)."""
    window, features = open_lstm(classroom, qtbot, scale)
    qtbot.waitUntil(lambda: laid_out(window), timeout=8000)
    studio = window.studio
    outer = window.findChild(QScrollArea, "studio_scroll")
    bar = outer.verticalScrollBar()
    assert (studio.layout_tier == "few") == (scale > 1) and (bar.maximum() > 0) == (scale > 1)
    bar.setValue(bar.maximum() // 2)

    def arrangement() -> tuple[object, ...]:
        QApplication.processEvents()
        return (window.size(), studio.size(), dock_layout(studio), bar.maximum(), bar.value())

    before = arrangement()
    presenter = features.presenter
    presenter.set_font_scale(1.6)
    presenter.enter()
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=3000)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    assert bar.maximum() == 0  # the teacher's panels in the screen's height
    spotlight = presenter.spotlight
    corner = spotlight.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(spotlight.rect().translated(corner))
    assert clipped_texts(window) == []  # the spotlight's text whole in it, among others
    views = studio_views(window)
    scrolled = [s.objectName() for s in studio.findChildren(PanelScroll) if in_front(s)]
    scrolled = [
        name
        for name in scrolled
        if studio.findChild(PanelScroll, name).verticalScrollBar().maximum()
    ]
    assert scrolled == []  # the chain (and every panel on show) whole in its dock
    for view in views:
        assert overlapping_texts(view) == [] and cut_titles(view) == [], view.objectName()
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem) and item.isVisible():
                labels = drawn_tick_labels(item)
                assert whole_in_view(item, labels), (view.objectName(), labels)
    presenter.leave()
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    qtbot.waitUntil(lambda: laid_out(window), timeout=8000)
    assert arrangement() == before
