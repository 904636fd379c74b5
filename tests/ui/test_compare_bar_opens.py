"""Compare on the "100 steps" preset (issue 10: the LSTM and GRU curves fell below the RNN's,
and nothing said why): the compare-story bar opens with the reason, computed from the
gradients on screen; the trained preset opens it on set-up 3."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton

from rnn_studio.learn.presets import load_presets
from rnn_studio.state import compare_story
from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.numbers import format_factor, format_number
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.studio import StudioArea
from rnn_studio.ui.theme import configure_pyqtgraph

PRESETS = {preset.preset_id: preset for preset in load_presets()}


def studio_on(qtbot, session):
    configure_pyqtgraph()
    studio = StudioArea(SessionBridge(session))
    qtbot.addWidget(studio)
    studio.resize(1280, 700)
    studio.show()
    return studio


def test_compare_on_the_100_steps_preset_says_why_untrained_gates_do_not_help(qtbot):
    session = StudioSession()
    studio = studio_on(qtbot, session)
    session.apply_demo(PRESETS["vanishing-100"].setup)
    bar = studio.compare_story
    assert not bar.isVisible()
    qtbot.mouseClick(studio.findChild(QToolButton, "model_cell_compare"), Qt.MouseButton.LeftButton)
    assert session.cell_kind == "compare" and bar.isVisible()
    factors = {k: r.verdict.factor_per_step for k, r in session.gradients.items()}
    assert max(factors["lstm"], factors["gru"]) < factors["rnn"]  # the finding
    verdict = bar.findChild(QLabel, "compare_story_verdict").text()
    assert verdict == compare_story.untrained_compare_note(session)
    forget = np.mean(session.run.cells["lstm"].trace.gates["f"])
    assert 0.4 < forget < 0.6  # "the gates sit near 0.5": half open, half forgetting
    assert f"forget gate sits at {format_number(forget, 2)} on average" in verdict
    assert f"the LSTM keeps {format_factor(factors['lstm'])} per step" in verdict
    assert f"no better than the RNN's {format_factor(factors['rnn'])}" in verdict
    assert "Pick 2" in verdict and "3 for models trained" in verdict
    bar.findChild(QToolButton, "compare_story_close").click()
    session.set_hidden_size(8)  # still compare: closed stays closed
    assert not bar.isVisible()


def test_the_trained_preset_opens_the_bar_on_set_up_3(qtbot):
    session = StudioSession()
    studio = studio_on(qtbot, session)
    session.apply_demo(PRESETS["trained-100"].setup)
    bar = studio.compare_story
    assert bar.isVisible() and bar.buttons["trained"].isChecked()
    verdict = bar.findChild(QLabel, "compare_story_verdict").text()
    assert verdict == compare_story.story_verdict(session, "trained")
    assert "their gradients reach the start; the RNN's does not" in verdict


def test_a_show_me_banner_closes_the_bar_it_would_repeat(qtbot):
    from rnn_studio.learn.content import load_demos
    from rnn_studio.ui.widgets.showme_banner import ShowMe

    session = StudioSession()
    studio = studio_on(qtbot, session)
    demo = load_demos()["trained-memory-100"]
    session.apply_demo(demo.setup)  # a compare demo: the bar opens ...
    assert studio.compare_story.isVisible()
    studio.show_me(ShowMe(demo.title, demo.description, demo.panel, "Learn"))
    assert studio.showme_banner.isVisible() and not studio.compare_story.isVisible()
