"""At text size 3.0 on 1280×720 the status line's description is elided ("…") inside the
window instead of being cut at its right edge; the whole text stays its text, tooltip and
accessible description."""

from __future__ import annotations

from dataclasses import replace

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.accessibility import describe_step
from tests.ui.conftest import drawn, refitted


def test_the_status_line_is_elided_not_cut_at_text_size_3(classroom, qtbot) -> None:
    window, features = classroom(
        StudioSession(DemoSetup(text="hello there", mode="chars", cell="lstm", cursor=4))
    )
    features.save_preferences(replace(features.preferences, font_scale=3.0))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    window.session.backprop()  # the longest description: with the gradient factor
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    line = window.menus.status_line
    whole = describe_step(window.session)
    assert line.text() == whole == line.toolTip() == line.accessibleDescription()
    room = line.contentsRect().width() - 2 * line.margin()
    metrics = line.fontMetrics()
    assert metrics.horizontalAdvance(whole) > room  # at 3.0 the whole text cannot fit
    shown = line.displayed_text()
    assert shown.endswith("…") and whole.startswith(shown[:-1].rstrip())
    assert metrics.horizontalAdvance(shown) <= room
    right = line.mapTo(window, line.contentsRect().topRight()).x()
    assert right < window.width()  # the line itself is inside the window
    assert window.minimumSizeHint().width() <= 1280
