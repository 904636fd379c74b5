"""The compare story bar: three clicks, three set-ups, a verdict that names the one on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QToolButton

from rnn_studio.state import compare_story
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.qt_bridge import SessionBridge
from rnn_studio.ui.studio import StudioArea
from rnn_studio.ui.theme import configure_pyqtgraph


def test_three_clicks_three_set_ups(qtbot):
    configure_pyqtgraph()
    session = StudioSession()
    studio = StudioArea(SessionBridge(session))
    qtbot.addWidget(studio)
    studio.resize(1280, 700)
    studio.show()
    bar = studio.compare_story
    assert not bar.isVisible()
    qtbot.mouseClick(
        studio.findChild(QToolButton, "model_compare_story"), Qt.MouseButton.LeftButton
    )
    assert bar.isVisible()
    verdict = bar.findChild(QLabel, "compare_story_verdict")
    note = bar.findChild(QLabel, "compare_story_note")
    for index, step in enumerate(compare_story.STEPS, start=1):
        if index > 1:
            button = bar.findChild(QToolButton, f"compare_story_{step}")
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert compare_story.current_story_step(session) == step
        assert bar.buttons[step].isChecked()
        assert verdict.text() == compare_story.story_verdict(session, step)
        assert verdict.text().startswith(f"Set-up {index} of 3")
        assert note.isVisible() == (step == "forget-open")
    assert "term:forget-gate-bias" in note.text()
    seen = []
    bar.glossary_requested.connect(seen.append)
    note.linkActivated.emit("term:forget-gate-bias")
    assert seen == ["forget-gate-bias"]
    session.set_hidden_size(8)  # no set-up on screen any more: the old claim goes
    assert verdict.text() == compare_story.untrained_compare_note(session)
    assert verdict.text().startswith("Untrained, the LSTM's forget gate sits at")
    assert "Set-up" not in verdict.text()
    assert not any(button.isChecked() for button in bar.buttons.values())


def test_show_me_banner_names_the_model(qtbot):
    from PySide6.QtWidgets import QLabel as Label

    from rnn_studio.studio_core.demo import DemoSetup
    from rnn_studio.ui.widgets.showme_banner import ShowMe

    configure_pyqtgraph()
    session = StudioSession()
    studio = StudioArea(SessionBridge(session))
    qtbot.addWidget(studio)
    studio.show()
    session.apply_demo(DemoSetup(text="not bad", mode="words", cell="lstm", hidden_size=8))
    studio.show_me(ShowMe("Title", "What to see.", "memory", "the lesson"))
    texts = " ".join(label.text() for label in studio.showme_banner.findChildren(Label))
    assert "Model: untrained LSTM (random weights, seed 0, 8 hidden units)." in texts


def test_presets_name_their_model(qtbot):
    from rnn_studio.state.zoo_studio import describe_setup
    from rnn_studio.ui.panels.sequence import SequencePanel

    configure_pyqtgraph()
    panel = SequencePanel(SessionBridge(StudioSession()))
    qtbot.addWidget(panel)
    assert panel.presets
    for index, preset in enumerate(panel.presets, start=1):
        tip = panel.preset_box.itemData(index, 3)
        assert tip.endswith(describe_setup(preset.setup))
        named = "Model: the trained" if preset.setup.model else "Model: untrained"
        assert named in tip
