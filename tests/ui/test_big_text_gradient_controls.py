"""At text sizes 2.0 and 3.0 on 1280×720 the gradient panel's Backprop button is whole
inside its dock (the loss step and the button stack when they cannot sit side by side)
instead of the panel scrolling sideways with "Backprop again" cut at the dock's edge."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QScrollArea

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.studio import PanelScroll
from tests.ui.conftest import drawn, refitted


@pytest.mark.parametrize("scale", [2.0, 3.0])
def test_backprop_fits_its_dock_at_big_text(classroom, qtbot, scale) -> None:
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    features.save_preferences(replace(features.preferences, font_scale=scale))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    window.session.backprop()  # the button now reads "Backprop again"
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    panel = window.studio.gradients
    scroll = next(area for area in window.findChildren(PanelScroll) if area.widget() is panel)
    # At big sizes the studio scrolls down (the plots keep a useful height): go to the panel.
    studio_scroll = window.findChild(QScrollArea, "studio_scroll")
    top = panel.backprop_button.mapTo(studio_scroll.widget(), QPoint(0, 0)).y()
    studio_scroll.verticalScrollBar().setValue(max(top - 50, 0))
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    # (The button's own visible region: a container's leaves out its opaque children.)
    assert scroll.isVisible() and not panel.backprop_button.visibleRegion().isEmpty()
    button = panel.backprop_button
    assert button.isVisible()
    viewport = scroll.viewport()
    top_left = button.mapTo(viewport, button.rect().topLeft())
    on_view = QRect(top_left, button.size())
    assert viewport.rect().contains(on_view), (button.text(), on_view, viewport.rect())
    assert scroll.horizontalScrollBar().maximum() == 0  # the panel does not scroll sideways
