"""The text size reaches every widget, whatever ran before (a theme, another scale).

With a theme on, the app has a style sheet, and Qt then keeps the fonts it resolved for the
widgets already built: ``app.setFont`` alone would change only the widgets built later.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

from rnn_studio.ui.theme import apply_font_scale, apply_theme


def wait_for_size(qtbot, widgets, size: float) -> None:
    """Wait until every widget has the font size (Qt delivers the change in events)."""

    def resized() -> None:
        for widget in widgets:
            assert widget.font().pointSizeF() == pytest.approx(size), widget.text()

    qtbot.waitUntil(resized, timeout=3000)


def shown_widgets(qtbot) -> tuple[QWidget, QLabel, QPushButton]:
    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    label, button = QLabel("hidden state"), QPushButton("Step")
    column.addWidget(label)
    column.addWidget(button)
    window.show()
    qtbot.waitExposed(window)
    return window, label, button


@pytest.mark.parametrize("theme", ["light", "dark", "high_contrast"])
def test_a_font_scale_reaches_existing_widgets_with_a_theme_on(qtbot, theme) -> None:
    app = QApplication.instance()
    everyday = app.font().pointSizeF()
    apply_theme(theme, app)
    assert app.styleSheet()  # the condition under which app.setFont alone falls short
    _window, label, button = shown_widgets(qtbot)
    apply_font_scale(app, 1.6)
    assert app.font().pointSizeF() == pytest.approx(everyday * 1.6)
    wait_for_size(qtbot, (label, button), everyday * 1.6)
    apply_font_scale(app, 1.0)
    wait_for_size(qtbot, (label, button), everyday)


def test_a_font_scale_after_a_theme_was_switched_back(qtbot) -> None:
    """The order that used to fail: a theme on and back to light, then a new text size."""
    app = QApplication.instance()
    everyday = app.font().pointSizeF()
    _window, label, _button = shown_widgets(qtbot)
    apply_theme("dark", app)
    apply_theme("light", app)
    apply_font_scale(app, 1.6)
    wait_for_size(qtbot, (label,), everyday * 1.6)


def test_the_scale_is_relative_to_the_platform_size_not_to_the_last_scale(qtbot) -> None:
    app = QApplication.instance()
    everyday = app.font().pointSizeF()
    _window, label, _button = shown_widgets(qtbot)
    apply_font_scale(app, 1.5)
    apply_font_scale(app, 1.2)
    wait_for_size(qtbot, (label,), everyday * 1.2)
