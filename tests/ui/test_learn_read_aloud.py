"""Read aloud: disabled with a clear message without an engine; espeak(-ng) through QProcess
when there is one (a stand-in script records what it was given; the real espeak-ng, when
installed, writes a WAV file)."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from rnn_studio.learn.lesson_html import section_speech_text
from rnn_studio.learn.markup import plain_text
from rnn_studio.learn.progress import ProgressStore
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.learn import read_aloud
from rnn_studio.ui.learn.learn_area import LearnArea
from rnn_studio.ui.learn.read_aloud import (
    NO_ENGINE_MESSAGE,
    EspeakEngine,
    NoSpeechEngine,
    ReadAloudButton,
    detect_speech_engine,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stand-in engine is a sh script")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    return tmp_path


def fake_espeak(folder: Path, body: str) -> Path:
    """Write an executable ``espeak-ng`` stand-in running ``body`` in /bin/sh."""
    folder.mkdir(exist_ok=True)
    program = folder / "espeak-ng"
    program.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return program


def make_area(qtbot) -> LearnArea:
    area = LearnArea(StudioSession(), ProgressStore(), seed=0)  # engine detected
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    return area


def test_no_engine_disables_the_control_and_says_why(qtbot, monkeypatch):
    monkeypatch.setattr(read_aloud, "qt_speech_module", lambda: None)
    monkeypatch.setattr(read_aloud.shutil, "which", lambda name: None)
    engine = detect_speech_engine()
    assert isinstance(engine, NoSpeechEngine) and not engine.available
    area = make_area(qtbot)
    for name in ("lesson_read_aloud", "glossary_read_aloud", "flashcards_read_aloud"):
        button = area.findChild(ReadAloudButton, name)
        assert not button.isEnabled()
        assert button.toolTip() == NO_ENGINE_MESSAGE
        assert "unavailable" in button.text()
        button.click()  # never fails, never speaks
        assert not button.isChecked() and not area.speech.speaking


def test_espeak_on_path_reads_the_section_through_qprocess(qtbot, monkeypatch, tmp_path):
    monkeypatch.setattr(read_aloud, "qt_speech_module", lambda: None)
    heard = tmp_path / "heard.txt"
    fake_espeak(tmp_path / "bin", f'printf "%s\\n" "$@" > "{heard}.args"; cat > "{heard}"')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    area = make_area(qtbot)
    assert isinstance(area.speech, EspeakEngine)
    assert area.speech.program == str(tmp_path / "bin" / "espeak-ng")
    area.lesson.show_section("mechanism")
    button = area.lesson.read_aloud
    assert button.isEnabled() and "espeak-ng" in button.toolTip()
    with qtbot.waitSignal(area.speech.speaking_changed, timeout=5000) as started:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert started.args == [True]
    qtbot.waitUntil(lambda: not area.speech.speaking, timeout=5000)
    qtbot.waitUntil(lambda: not button.isChecked(), timeout=2000)
    expected = section_speech_text(area.lesson.lesson, "mechanism")
    assert heard.read_text(encoding="utf-8") == expected
    assert "--stdin" in (tmp_path / "heard.txt.args").read_text(encoding="utf-8").split()
    assert "Read aloud" in button.text()


def test_reading_can_be_stopped_at_once(qtbot, monkeypatch, tmp_path):
    program = fake_espeak(tmp_path / "bin", "exec sleep 30")
    engine = EspeakEngine(str(program))
    button = ReadAloudButton(engine, lambda: "a long text", "test_read_aloud")
    qtbot.addWidget(button)
    with qtbot.waitSignal(engine.speaking_changed, timeout=5000):
        button.click()
    assert engine.speaking and button.isChecked() and "Stop" in button.text()
    button.click()
    assert not engine.speaking
    assert not button.isChecked() and "Read aloud" in button.text()


def test_a_card_reads_its_back_only_after_the_reveal(qtbot):
    area = LearnArea(StudioSession(), ProgressStore(), speech=NoSpeechEngine(), seed=0)
    qtbot.addWidget(area)
    card = area.flashcards.current_card()
    assert area.flashcards.read_aloud_text() == plain_text(card.front)
    area.flashcards.reveal()
    assert area.flashcards.read_aloud_text().endswith(plain_text(card.back))


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_real_espeak_ng_writes_a_wav(qtbot, tmp_path):
    wav = tmp_path / "hello.wav"
    engine = EspeakEngine(shutil.which("espeak-ng"), ["-w", str(wav)])
    with qtbot.waitSignal(engine.process.finished, timeout=20000):
        engine.say("Hello. The hidden state carries memory.")
    data = wav.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert len(data) > 10_000  # about a second of 22 kHz audio, not an empty header


def test_no_audio_device_is_said_not_silently_undone(qtbot, tmp_path):
    """espeak-ng without a sound device prints ALSA errors and exits at once (status 0)."""
    program = fake_espeak(
        tmp_path / "bin",
        "cat > /dev/null\n"
        "echo 'ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default' >&2\n"
        "echo 'error: No such file or directory' >&2\nexit 0",
    )
    engine = EspeakEngine(str(program))
    button = ReadAloudButton(engine, lambda: "the hidden state", "test_read_aloud")
    qtbot.addWidget(button)
    with qtbot.waitSignal(engine.failed, timeout=5000) as failure:
        button.click()
    qtbot.waitUntil(lambda: not engine.speaking, timeout=5000)
    assert "No audio device" in failure.args[0] and "Unknown PCM" in failure.args[0]
    assert not button.isChecked() and button.isEnabled()
    assert "No sound" in button.text() and "Read aloud" not in button.text()
    assert "No audio device" in button.toolTip()
    assert "No audio device" in button.accessibleDescription()


def test_a_program_that_cannot_start_is_said_too(qtbot, tmp_path):
    engine = EspeakEngine(str(tmp_path / "missing-espeak"))
    button = ReadAloudButton(engine, lambda: "text", "test_read_aloud")
    qtbot.addWidget(button)
    with qtbot.waitSignal(engine.failed, timeout=5000):
        button.click()
    assert not button.isChecked() and "No sound" in button.text()
    assert "could not speak" in button.toolTip()


def test_speech_text_says_symbols_as_words_and_skips_show_me_links():
    from rnn_studio.learn.content import load_all
    from rnn_studio.learn.lesson_html import section_speech_text
    from rnn_studio.learn.speech import spoken

    assert spoken("1 − h<sub>t</sub><sup>2</sup>") == "1 minus h t squared"
    assert spoken("c<sub>t</sub> = f<sub>t</sub> ⊙ c<sub>t−1</sub>") == (
        "c t equals f t element-wise times c t minus 1"
    )
    assert spoken("‖∂L/∂h<sub>t</sub>‖") == "the norm of partial L over partial h t"
    assert spoken("See {{demo:clipping|Show me: clipping}} now.") == "See now."
    content = load_all()
    lesson = content.lessons[0]
    ids = [d.id for d in lesson.dialogues] + [c.id for c in lesson.chapters]
    ids += [k.id for k in lesson.key_concepts] + [e.id for e in lesson.examples]
    ids += [m.id for m in lesson.memory_aids] + ["overview"]
    for section in ids:
        words = section_speech_text(lesson, section)
        assert "Show me" not in words, section
        for symbol in "⊙‖−×·←∂²⁻σρ_":
            assert symbol not in words, (section, symbol)
    for entry in content.glossary.entries:
        text = spoken(entry.explanation)
        assert "Show me" not in text and "⊙" not in text and "‖" not in text, entry.id
    # The chapter with the vanishing-gradient maths reads the tanh slope as words.
    everything = " ".join(section_speech_text(lesson, s) for s in ids)
    assert "1 minus h t squared" in everything
