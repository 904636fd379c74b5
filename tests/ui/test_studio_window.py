"""The studio window driven through its controls: typing, stepping, cells, gradients."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabBar,
    QToolButton,
)

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.numbers import format_factor
from rnn_studio.ui.main_window import MainWindow
from rnn_studio.ui.theme import configure_pyqtgraph
from rnn_studio.ui.widgets.status_text import StatusText

EXPLODING_TEXT = "the cat that the dog chased all morning across the wet garden finally slept"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    configure_pyqtgraph()
    main = MainWindow(StudioSession())
    qtbot.addWidget(main)
    main.resize(1280, 720)
    main.show()
    qtbot.waitExposed(main)
    return main


def child(window, kind, name):
    widget = window.findChild(kind, name)
    assert widget is not None, f"no {kind.__name__} named {name!r}"
    return widget


def type_sequence(qtbot, window, text: str, mode: str | None = None) -> None:
    if mode is not None:
        box = child(window, QComboBox, "sequence_mode")
        box.setCurrentIndex(box.findData(mode))
    edit = child(window, QPlainTextEdit, "sequence_text")
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)
    qtbot.waitUntil(lambda: window.session.text == text, timeout=3000)
    window.executor.wait_idle()


def click(qtbot, window, kind, name) -> None:
    qtbot.mouseClick(child(window, kind, name), Qt.MouseButton.LeftButton)
    window.executor.wait_idle()


def test_typing_a_sequence_sets_the_heatmap_shape(qtbot, window) -> None:
    type_sequence(qtbot, window, "hello", "chars")
    assert window.studio.memory.heatmap_shape() == (8, 5)
    hidden = child(window, QSpinBox, "model_hidden_size")
    hidden.setValue(12)
    window.executor.wait_idle()
    assert window.studio.memory.heatmap_shape() == (12, 5)
    info = child(window, QLabel, "sequence_info")
    assert "5 steps" in info.text()


def test_stepping_moves_the_highlight_in_every_view(qtbot, window) -> None:
    type_sequence(qtbot, window, "abcdef", "chars")
    click(qtbot, window, QToolButton, "stepper_start")
    assert set(window.studio.highlighted_steps().values()) <= {0, None}
    click(qtbot, window, QToolButton, "stepper_forward")
    click(qtbot, window, QToolButton, "stepper_forward")
    click(qtbot, window, QToolButton, "stepper_back")
    click(qtbot, window, QToolButton, "stepper_forward")
    steps = window.studio.highlighted_steps()
    steps.pop("gates")  # a vanilla RNN has no gates
    # The Code tab is behind Gates: it shows no step until raised (then the cursor's).
    assert steps.pop("code") is None
    window.studio.docks["code"].raise_()
    qtbot.waitUntil(lambda: window.studio.code.highlighted_step() == 2, timeout=5000)
    assert steps == dict.fromkeys(steps, 2)
    assert "t = 2" in child(window, StatusText, "stepper_position").text()
    click(qtbot, window, QToolButton, "stepper_end")
    assert window.studio.memory.highlighted_step() == 5
    child(window, QSlider, "stepper_scrubber").setValue(3)
    assert window.session.cursor == 3
    assert window.studio.unrolled.highlighted_step() == 3


def test_switching_to_lstm_shows_gates_and_cell_state(qtbot, window) -> None:
    gates = window.studio.gates
    assert gates.stack.currentWidget() is gates.message
    assert not window.studio.memory.showing_cell_state
    click(qtbot, window, QToolButton, "model_cell_lstm")
    assert gates.stack.currentWidget() is gates.graphics
    assert gates.gate_labels() == ["input", "forget", "cell candidate", "output"]
    assert window.studio.memory.showing_cell_state
    cell_image = window.studio.memory.cell_map.image.image
    assert cell_image.shape == (8, 2)
    np.testing.assert_allclose(
        cell_image, np.asarray(window.session.run.primary.trace.cell_state).T
    )
    assert gates.highlighted_step() == window.session.cursor
    click(qtbot, window, QToolButton, "model_cell_gru")
    assert gates.gate_labels() == ["reset", "update", "candidate"]
    assert not window.studio.memory.showing_cell_state


def test_compare_mode_draws_three_gradient_curves_with_a_legend(qtbot, window) -> None:
    type_sequence(qtbot, window, "not bad at all, really not bad", "words")
    click(qtbot, window, QToolButton, "model_cell_compare")
    click(qtbot, window, QPushButton, "gradients_backprop")
    panel = window.studio.gradients
    qtbot.waitUntil(lambda: not panel._animation.isActive(), timeout=5000)
    assert panel.visible_curve_kinds() == ["rnn", "lstm", "gru"]
    assert [label.text for _, label in panel.legend.items] == ["RNN", "LSTM", "GRU"]
    colours = {panel.curves[k]["grad"].opts["pen"].color().name() for k in ("rnn", "lstm", "gru")}
    assert len(colours) == 3
    verdict = child(window, QLabel, "gradients_verdict").text()
    assert all(kind in verdict for kind in ("RNN", "LSTM", "GRU"))


def test_spectral_radius_above_one_explodes_and_below_one_vanishes(qtbot, window) -> None:
    type_sequence(qtbot, window, EXPLODING_TEXT, "chars")
    child(window, QSpinBox, "model_hidden_size").setValue(64)
    window.executor.wait_idle()
    click(qtbot, window, QPushButton, "gradients_backprop")
    slider = child(window, QSlider, "model_rho_slider")
    verdict = child(window, QLabel, "gradients_verdict")
    slider.setValue(200)
    qtbot.waitUntil(lambda: window.session.spectral_radius == 2.0, timeout=3000)
    window.executor.wait_idle()
    assert verdict.text().startswith("Exploding")
    assert "2.000" in child(window, QLabel, "model_rho_value").text()
    assert "2.000" in child(window, QLabel, "gradients_rho").text()
    slider.setValue(50)
    qtbot.waitUntil(lambda: window.session.spectral_radius == 0.5, timeout=3000)
    window.executor.wait_idle()
    assert verdict.text().startswith("Vanishing")


def test_clipping_caps_the_plotted_norm(qtbot, window) -> None:
    type_sequence(qtbot, window, EXPLODING_TEXT, "chars")
    window.session.set_hidden_size(64)
    window.session.set_spectral_radius(2.0)
    click(qtbot, window, QPushButton, "gradients_backprop")
    panel = window.studio.gradients
    qtbot.waitUntil(lambda: not panel._animation.isActive(), timeout=5000)
    assert np.nanmax(panel.plotted_norms("rnn")) > 10
    child(window, QDoubleSpinBox, "gradients_clip_threshold").setValue(5.0)
    child(window, QCheckBox, "gradients_clip").setChecked(True)
    window.executor.wait_idle()
    assert window.session.clip == 5.0
    plotted = panel.plotted_norms("rnn")
    report = window.session.gradients["rnn"]
    # Norm clipping: one factor c/‖∂L/∂W‖ for every step, so the curve keeps its shape.
    factor = 5.0 / report.param_norm_before
    assert factor < 1
    np.testing.assert_allclose(plotted, report.grad_norms * factor, rtol=1e-12)
    assert np.nanmax(report.grad_norms) > 10
    text = child(window, QLabel, "gradients_clip_info").text()
    assert "→ 5," in text and format_factor(factor) in text


def test_invalid_input_shows_a_message_and_keeps_the_previous_run(qtbot, window) -> None:
    type_sequence(qtbot, window, "1, 2, 3, 4", "numbers")
    run = window.session.run
    assert window.studio.memory.heatmap_shape() == (8, 4)
    type_sequence(qtbot, window, "1, 2, x")
    error = child(window, QLabel, "sequence_error")
    assert error.isVisible() and "not a number" in error.text()
    assert window.session.run is run
    assert window.studio.memory.heatmap_shape() == (8, 4)
    type_sequence(qtbot, window, "1, 2, 5")
    assert not error.isVisible()
    assert window.studio.memory.heatmap_shape() == (8, 3)


def test_numbers_show_predictions_and_text_shows_top_tokens(qtbot, window) -> None:
    outputs = window.studio.outputs
    assert outputs.stack.currentWidget() is outputs.token_plot
    assert len(outputs.top_tokens) == 2  # vocabulary of "not bad"
    assert sum(p for _, p in outputs.top_tokens) == pytest.approx(1.0)
    type_sequence(qtbot, window, "1, 2, 3, 4, 5, 6", "numbers")
    assert outputs.stack.currentWidget() is outputs.series_plot
    _, y = outputs.actual_curve.getData()
    np.testing.assert_allclose(y, [1, 2, 3, 4, 5, 6])


def test_equations_show_numbers_for_small_and_a_summary_for_large_sizes(qtbot, window) -> None:
    browser = window.studio.equations.browser
    text = browser.toPlainText()
    assert "at = Wxh xt + Whh ht−1 + b" in text
    assert "ht = tanh(at)" in text
    h_t = window.session.run.primary.trace.hidden[window.session.cursor]
    assert f"{h_t[0]:.3f}".replace("-", "−") in text
    child(window, QSpinBox, "model_hidden_size").setValue(64)
    window.executor.wait_idle()
    assert "mean" in browser.toPlainText() and "(64 values)" in browser.toPlainText()


def test_a_demo_brings_the_studio_forward(qtbot, window) -> None:
    from rnn_studio.studio_core.demo import DemoSetup

    window.show_area("Learn")
    assert window.current_area() == "Learn"
    window.session.apply_demo(DemoSetup(text="abc", mode="chars", cell="gru", cursor=1))
    window.executor.wait_idle()
    assert window.current_area() == "Studio"
    assert child(window, QToolButton, "model_cell_gru").isChecked()
    assert window.studio.memory.highlighted_step() == 1


def test_glossary_links_in_hints_emit_the_term(qtbot, window) -> None:
    hint = child(window, QLabel, "memory_hint")
    with qtbot.waitSignal(window.glossary_requested) as blocker:
        hint.linkActivated.emit("term:hidden-state")
    assert blocker.args == ["hidden-state"]


def test_every_control_has_an_object_name_accessible_name_and_tooltip(window) -> None:
    for kind in (QPushButton, QToolButton, QSpinBox, QDoubleSpinBox, QComboBox, QSlider, QCheckBox):
        for widget in window.studio.findChildren(kind):
            if widget.objectName().startswith("qt_") or not widget.objectName():
                continue
            if isinstance(widget.parent(), QTabBar):
                continue  # Qt's own scroll arrows of the tabbed docks' tab bar
            assert widget.accessibleName(), widget.objectName()
            assert widget.toolTip(), widget.objectName()


def highlighted_steps(window) -> set[int]:
    """The steps the studio's views mark as current (views with nothing to mark left out)."""
    steps = window.studio.highlighted_steps()
    return {step for step in steps.values() if step is not None}


def test_every_demo_and_preset_shows_in_the_window(qtbot, window) -> None:
    from rnn_studio.learn import content
    from rnn_studio.learn.presets import load_presets

    setups = [demo.setup for demo in content.load_demos().values()]
    setups += [preset.setup for preset in load_presets()]
    assert len(setups) >= 10
    for setup in setups:
        window.session.apply_demo(setup)
        window.executor.wait_idle()
        assert window.session.error == "", setup
        for t in (0, window.session.length - 1):
            window.session.set_cursor(t)
            qtbot.waitUntil(lambda t=t: highlighted_steps(window) == {t}, timeout=2000)
        assert window.studio.memory.heatmap_shape() == (setup.hidden_size, window.session.length)
