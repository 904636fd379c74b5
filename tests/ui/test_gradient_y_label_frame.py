"""The gradient plot's y title is chosen for the frame that shows it (issue 13 item 3).

"gradient norm" is shown whole when the axis is tall enough, else "‖∂L/∂h_t‖", else none
(pyqtgraph cuts a rotated title longer than its axis). The choice waited for a 0 ms timer
after the plot was resized, so a frame painted in between showed "gradient nor" cut: seen
in the first frame of a window started at text size 1.5. Here the plot shrinks and is
painted before any timer runs (only posted events: resizes and layout requests).
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.panels.gradients import Y_LABELS, GradientsPanel, _label_width
from rnn_studio.ui.qt_bridge import SessionBridge
from tests.ui.conftest import settled


def laid_out_without_timers(panel: GradientsPanel) -> None:
    """Handle the posted events (layouts, resizes) a few rounds, but run no timer."""
    for _ in range(6):
        QApplication.sendPostedEvents()


def test_the_y_title_painted_after_a_shrink_fits_its_axis(qtbot) -> None:
    session = StudioSession(DemoSetup(text="not bad", mode="words", cell="lstm"))
    panel = GradientsPanel(SessionBridge(session))
    qtbot.addWidget(panel)
    panel.resize(430, 620)
    panel.show()
    qtbot.waitUntil(lambda: settled(panel), timeout=5000)
    axis = panel.plot.getAxis("left")
    assert axis.labelText.strip() == Y_LABELS[0]  # tall: the whole words
    for height in (330, 300, 280, 260):  # the plot from tall to a few lines
        panel.resize(430, height)
        laid_out_without_timers(panel)
        panel.plot_widget.grab()  # a frame, painted now
        shown = axis.labelText.strip() if axis.label.isVisible() else ""
        assert _label_width(axis, shown) <= axis.height(), (height, shown, axis.height())
    qtbot.waitUntil(lambda: settled(panel), timeout=5000)
    shown = axis.labelText.strip() if axis.label.isVisible() else ""
    assert shown != Y_LABELS[0] and _label_width(axis, shown) <= axis.height()
