"""The gradient panel says what is true: axis labels, clipping, legends (issue 11, 1, 2, 7)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnn_studio.learn.content import load_demos
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.studio_core.numbers import format_factor, format_number
from rnn_studio.ui.panels.gradients import GradientsPanel
from rnn_studio.ui.widgets.axes import decade_label
from tests.ui.conftest import refitted, settled, show_panel

_SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def _panel(qtbot, session: StudioSession) -> GradientsPanel:
    return show_panel(qtbot, GradientsPanel, session, 520, 480)


def _label_log10(label: str) -> float:
    """log10 of the number a tick label states: "1", "10⁻²⁷", "2·10³⁰⁰", "5"."""
    if "·" in label:
        mantissa, power = label.split("·")
    elif label.startswith("10"):
        mantissa, power = "1", label
    else:
        return math.log10(float(label))
    assert power.startswith("10")
    return math.log10(float(mantissa)) + int(power[2:].translate(_SUPERSCRIPTS))


@pytest.mark.parametrize(
    ("low", "high"),
    [(-300, -290), (-300, 300), (-30, 30), (27, 28.5), (-2, 0), (-0.6, 0.4), (290, 300)],
)
def test_log_axis_ticks_read_true_at_every_range(qtbot, low: float, high: float) -> None:
    session = StudioSession(DemoSetup(text="abcabc", backprop=True))
    panel = _panel(qtbot, session)
    panel.plot.setYRange(low, high, padding=0)
    qtbot.waitUntil(lambda: settled(panel), timeout=5000)
    axis = panel.plot.getAxis("left")
    assert axis.labelString().count("(x") == 0  # no SI-prefix suffix to cut off
    levels = axis.tickValues(low, high, axis.height())
    shown = 0
    for spacing, values in levels:
        for value, label in zip(values, axis.tickStrings(values, 1.0, spacing), strict=True):
            assert _label_log10(label) == pytest.approx(value, abs=1e-6), label
            shown += 1
    assert shown >= 2


def test_decade_labels() -> None:
    assert decade_label(0.0) == "1"
    assert decade_label(-27.0) == "10⁻²⁷"
    assert decade_label(300.0) == "10³⁰⁰"
    assert decade_label(math.log10(2) - 300) == "2·10⁻³⁰⁰"
    assert decade_label(math.log10(5)) == "5"


@pytest.mark.parametrize("demo", ["clipping", "surprise"])
def test_y_label_is_not_cut_at_1280x720(qtbot, classroom, demo: str) -> None:
    window, _ = classroom(StudioSession(load_demos()[demo].setup))
    panel = window.studio.gradients
    axis = panel.plot.getAxis("left")
    qtbot.waitUntil(lambda: axis.height() > 60, timeout=5000)
    # The window refits its docks a few event-loop turns after showing: wait until no refit
    # (nor the label's own timer) is pending, rather than for a fixed time.
    qtbot.waitUntil(lambda: refitted(window), timeout=10000)
    qtbot.waitUntil(lambda: not panel._label_timer.isActive(), timeout=10000)
    # The plot has room for a label: one is shown once the layout has settled.
    assert axis.label.isVisible() and panel.y_label
    assert panel.y_label in axis.labelString()
    # The label is drawn rotated along the axis: its text width must fit the axis height.
    assert axis.label.boundingRect().width() <= axis.height()


def test_y_label_shortens_instead_of_being_cut(qtbot) -> None:
    panel = _panel(qtbot, StudioSession(DemoSetup(text="abcabc", backprop=True)))
    axis = panel.plot.getAxis("left")
    for height in (480, 300, 220, 180, 150):
        panel.resize(520, height)
        qtbot.waitUntil(lambda: settled(panel), timeout=5000)
        if axis.label.isVisible():
            assert axis.label.boundingRect().width() <= axis.height(), height


def test_clipping_demo_states_the_one_factor(qtbot) -> None:
    setup = load_demos()["clipping"].setup
    session = StudioSession(setup)
    panel = _panel(qtbot, session)
    report = session.gradients["rnn"]
    plotted = panel.plotted_norms("rnn")
    loss = report.loss_step
    # The plotted curve is the unclipped one times one factor: ratios between steps kept.
    np.testing.assert_allclose(plotted, report.grad_norms * report.clip_factor, rtol=1e-12)
    assert plotted[0] / plotted[loss] == pytest.approx(2.57e6, rel=0.01)
    text = panel.clip_label.text()
    assert format_number(report.param_norm_before) in text
    assert f"→ {format_number(report.param_norm_after)}" in text
    assert format_factor(report.clip_factor) in text
    assert "one factor" in text
    # The early/late ratio the clipped curve keeps is stated in the verdict (2.6×10⁶).
    ratio = report.grad_norms[0] / report.grad_norms[loss]
    assert f"99 steps → {format_factor(ratio, 2)}" in panel.verdict_label.text()
    assert "norm clipping" in text and "caps" not in text
    assert "norm" in panel.clip_box.text()


def test_before_backprop_the_plot_follows_the_new_run(qtbot) -> None:
    session = StudioSession(DemoSetup(text="abcdefghij" * 3, cell="lstm", backprop=True))
    panel = _panel(qtbot, session)
    assert [label.text for _, label in panel.legend.items] == ["LSTM"]
    assert "c_t held fixed" in panel.key_label.text()  # the key shares the ρ label
    session.apply_demo(DemoSetup(text="abcde", cell="rnn"))  # like New session: no backprop
    assert session.gradients is None
    assert [label.text for _, label in panel.legend.items] == []
    (x_low, x_high), _ = panel.plot.viewRange()
    assert x_low <= 0 and 4 <= x_high < 5  # five steps, not the old thirty
    session.set_text("abcdefghijklmnop")
    (x_low, x_high), _ = panel.plot.viewRange()
    assert 15 <= x_high < 16.5
    session.backprop()
    assert [label.text for _, label in panel.legend.items] == ["RNN"]
    assert "c_t held fixed" not in panel.key_label.text()


def test_rho_label_states_the_singular_value(qtbot) -> None:
    session = StudioSession(DemoSetup(text="abcabc", hidden_size=6, spectral_radius=0.5))
    panel = _panel(qtbot, session)
    weight = np.asarray(session.run.primary.cell.params["weight_hh"])
    assert f"‖W_hh‖₂ = {format_number(np.linalg.norm(weight, 2))}" in panel.rho_label.text()
    assert "ρ(W_hh) = 0.500" in panel.rho_label.text()
