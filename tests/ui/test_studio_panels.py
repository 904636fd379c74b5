"""Each panel previews on its own, hints link glossary terms, views never loop back."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rnn_studio.state.session import StudioSession
from rnn_studio.ui import glossary_links
from rnn_studio.ui.qt_bridge import SessionBridge

PANEL_MODULES = (
    "sequence",
    "model",
    "stepper",
    "unrolled",
    "memory",
    "gates",
    "equations",
    "gradients",
    "outputs",
    "code",
    "cell",
)


@pytest.mark.parametrize("name", PANEL_MODULES)
def test_panel_preview_opens_and_closes(name: str, tmp_path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        RNN_STUDIO_QUIT_AFTER_MS="300",
        RNN_STUDIO_HOME=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", f"rnn_studio.ui.panels.{name}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_every_panel_has_a_hint_with_glossary_links() -> None:
    for name in PANEL_MODULES:
        html = glossary_links.hint_html(name)
        assert "<a href=" in html, name
    assert glossary_links.hint_terms("memory") == ["hidden-state", "cell-state"]
    assert glossary_links.link_target("term:spectral-radius") == "spectral-radius"
    assert glossary_links.link_target("https://example.org") is None


def test_hint_terms_resolve_in_the_glossary() -> None:
    from rnn_studio.learn import content

    glossary = content.load_glossary()
    missing = [
        term
        for name in PANEL_MODULES
        for term in glossary_links.hint_terms(name)
        if glossary.resolve(term) is None and glossary.resolve(term.replace("-", " ")) is None
    ]
    assert missing == []


def test_reflecting_the_session_does_not_call_back_into_it(qtbot) -> None:
    from rnn_studio.ui.panels.model import ModelPanel
    from rnn_studio.ui.panels.sequence import SequencePanel

    session = StudioSession()
    bridge = SessionBridge(session)
    model, sequence = ModelPanel(bridge), SequencePanel(bridge)
    qtbot.addWidget(model)
    qtbot.addWidget(sequence)
    calls: list[str] = []
    session.controls_changed.connect(lambda: calls.append("controls"))
    session.set_hidden_size(5)
    session.set_seed(7)
    session.set_text("abc")
    assert calls == ["controls"] * 3  # each change once: no echo from the widgets
    assert model.hidden_box.value() == 5 and model.seed_box.value() == 7
    assert sequence.text_edit.toPlainText() == "abc"
    bridge.detach()
    assert len(session.controls_changed) == 1
