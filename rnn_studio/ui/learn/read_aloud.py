"""Read aloud with an offline speech engine when the system has one, and say so when not.

Engines, in order of preference (:func:`detect_speech_engine`):

1. Qt's text-to-speech module (``PySide6.QtTextToSpeech``, part of PySide6-Addons; not a
   dependency of RNN Studio, used only when it is installed and has a back end);
2. ``espeak-ng`` or ``espeak`` on ``PATH``, run through :class:`QProcess` so speaking never
   blocks the window and can be stopped at once;
3. none: :class:`NoSpeechEngine`, whose :attr:`~SpeechEngine.unavailable_reason` the Read
   aloud control shows instead of failing.

An engine that exists but cannot make a sound (espeak-ng with no audio device: it reports
"ALSA lib … Unknown PCM default" and stops at once) emits :attr:`SpeechEngine.failed`, and the
control says so (:data:`NO_AUDIO_MESSAGE`) instead of silently flipping back.
"""

from __future__ import annotations

import importlib
import re
import shutil
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QObject, QProcess, Signal
from PySide6.QtWidgets import QToolButton, QWidget

#: Shown on a disabled Read aloud control.
NO_ENGINE_MESSAGE = "No offline speech engine found (install espeak-ng)"
#: Shown on the Read aloud control when the engine ran but could not reach a sound device.
NO_AUDIO_MESSAGE = "No audio device: the speech engine could not play sound"
#: What espeak(-ng) prints on standard error when it cannot open the sound output.
_AUDIO_FAILURE = re.compile(r"ALSA lib|Unknown PCM|audio|pulse|error", re.IGNORECASE)
#: Programs tried, in order, when Qt's text-to-speech module is missing.
ESPEAK_PROGRAMS = ("espeak-ng", "espeak")
#: Speaking rate for espeak, in words per minute (its default, 175, is brisk for a lesson).
ESPEAK_WORDS_PER_MINUTE = 155


class SpeechEngine(QObject):
    """Speaks text; :attr:`speaking_changed` reports starts and stops.

    Subclasses implement :meth:`say`, :meth:`stop` and :attr:`speaking`.
    """

    speaking_changed = Signal(bool)
    #: Speaking failed; the text says why in plain words (e.g. no audio device).
    failed = Signal(str)
    #: Short name shown in tooltips, e.g. "espeak-ng".
    name = "none"

    @property
    def available(self) -> bool:
        """Whether this engine can speak."""
        return True

    @property
    def unavailable_reason(self) -> str:
        """Why the engine cannot speak ("" when it can)."""
        return ""

    @property
    def speaking(self) -> bool:
        """Whether it is speaking now."""
        return False

    def say(self, text: str) -> None:
        """Start speaking ``text`` (stopping anything already being said)."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop speaking at once."""
        raise NotImplementedError


class NoSpeechEngine(SpeechEngine):
    """The stand-in when no offline engine exists: cannot speak, says why."""

    @property
    def available(self) -> bool:
        return False

    @property
    def unavailable_reason(self) -> str:
        return NO_ENGINE_MESSAGE

    def say(self, text: str) -> None:
        """Do nothing (the control is disabled)."""

    def stop(self) -> None:
        """Do nothing."""


class EspeakEngine(SpeechEngine):
    """Speak through an ``espeak-ng`` / ``espeak`` process, text fed on standard input.

    Parameters
    ----------
    program : str
        Path of the executable.
    extra_arguments : sequence of str
        Added to the command line (e.g. ``["-w", "out.wav"]`` to write a file instead).
    parent : QObject, optional
    """

    def __init__(
        self,
        program: str,
        extra_arguments: Sequence[str] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.program = program
        self.name = program.rsplit("/", 1)[-1]
        self.extra_arguments = list(extra_arguments)
        self.process = QProcess(self)
        self.process.setObjectName("read_aloud_process")
        self.process.started.connect(lambda: self.speaking_changed.emit(True))
        self.process.finished.connect(self._finished)
        self.process.errorOccurred.connect(self._failed)
        self.last_error = ""
        app = QCoreApplication.instance()
        if app is not None:  # never leave a voice talking after the window has gone
            app.aboutToQuit.connect(self.stop)

    @property
    def speaking(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def arguments(self) -> list[str]:
        """The command-line arguments (text comes on standard input)."""
        return ["-s", str(ESPEAK_WORDS_PER_MINUTE), *self.extra_arguments, "--stdin"]

    def say(self, text: str) -> None:
        """Start a new espeak process on ``text``; returns at once."""
        self.stop()
        self.last_error = ""
        self.process.start(self.program, self.arguments())
        self.process.write(text.encode("utf-8"))
        self.process.closeWriteChannel()

    def stop(self) -> None:
        """Kill the process if it is running."""
        if self.speaking:
            self.process.kill()
            self.process.waitForFinished(1000)

    def _finished(self, exit_code: int, exit_status: QProcess.ExitStatus) -> None:
        errors = bytes(self.process.readAllStandardError().data()).decode("utf-8", "replace")
        killed = exit_status == QProcess.ExitStatus.CrashExit  # stop() kills on purpose
        if not killed and (exit_code != 0 or _AUDIO_FAILURE.search(errors)):
            detail = next((line for line in errors.splitlines() if line.strip()), "")
            self.last_error = f"{NO_AUDIO_MESSAGE} ({self.name}: {detail.strip() or exit_code})"
            self.failed.emit(self.last_error)
        self.speaking_changed.emit(False)

    def _failed(self, error: QProcess.ProcessError) -> None:
        self.last_error = f"{self.name} could not speak ({error.name})"
        if self.process.state() == QProcess.ProcessState.NotRunning:
            self.failed.emit(self.last_error)
            self.speaking_changed.emit(False)


class QtSpeechEngine(SpeechEngine):
    """Speak through ``QTextToSpeech`` (only when PySide6-Addons is installed)."""

    def __init__(self, module: object, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = "Qt text-to-speech"
        self.speech = module.QTextToSpeech(self)  # type: ignore[attr-defined]
        self._speaking_state = module.QTextToSpeech.State.Speaking  # type: ignore[attr-defined]
        self._error_state = module.QTextToSpeech.State.Error  # type: ignore[attr-defined]
        self.speech.stateChanged.connect(self._state_changed)

    def _state_changed(self, state: object) -> None:
        if state == self._error_state:
            reason = self.speech.errorString() or NO_AUDIO_MESSAGE
            self.failed.emit(f"{self.name} could not speak: {reason}")
        self.speaking_changed.emit(state == self._speaking_state)

    @property
    def speaking(self) -> bool:
        return self.speech.state() == self._speaking_state

    def say(self, text: str) -> None:
        self.speech.say(text)

    def stop(self) -> None:
        self.speech.stop()


def qt_speech_module() -> object | None:
    """Return ``PySide6.QtTextToSpeech`` if it is installed and has an engine, else None."""
    try:
        module = importlib.import_module("PySide6.QtTextToSpeech")
    except ImportError:
        return None
    engines = module.QTextToSpeech.availableEngines()
    return module if engines else None


def find_espeak() -> str | None:
    """Return the path of ``espeak-ng`` or ``espeak`` on ``PATH``, else None."""
    for program in ESPEAK_PROGRAMS:
        path = shutil.which(program)
        if path:
            return path
    return None


def detect_speech_engine(parent: QObject | None = None) -> SpeechEngine:
    """Return the best offline speech engine on this system (:class:`NoSpeechEngine` if none)."""
    module = qt_speech_module()
    if module is not None:
        return QtSpeechEngine(module, parent)
    program = find_espeak()
    if program is not None:
        return EspeakEngine(program, parent=parent)
    return NoSpeechEngine(parent)


class ReadAloudButton(QToolButton):
    """A Read aloud / Stop toggle that speaks what ``text_source`` returns.

    Disabled, with :data:`NO_ENGINE_MESSAGE` as its label suffix and tooltip, when the engine
    cannot speak.

    Parameters
    ----------
    engine : SpeechEngine
        Shared by every button of the Learn area, so starting one stops another.
    text_source : callable returning str
        The words to read (plain text), asked for at each click.
    object_name : str
    parent : QWidget, optional
    """

    def __init__(
        self,
        engine: SpeechEngine,
        text_source: Callable[[], str],
        object_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.text_source = text_source
        self.setObjectName(object_name)
        self.setAccessibleName("Read aloud")
        self.setCheckable(True)
        self._mine = False
        self.clicked.connect(self._toggle)
        engine.speaking_changed.connect(self._engine_changed)
        engine.failed.connect(self._engine_failed)
        self.problem = ""
        if engine.available:
            self.setText("▶ Read aloud")
            self.setToolTip(f"Read this aloud with {engine.name} (click again to stop)")
        else:
            self.setText("Read aloud unavailable")
            self.setEnabled(False)
            self.setToolTip(engine.unavailable_reason)
            self.setAccessibleDescription(engine.unavailable_reason)

    def _toggle(self, checked: bool) -> None:
        if checked:
            text = self.text_source().strip()
            if not text:
                self.setChecked(False)
                return
            self.engine.stop()  # another button's reading ends (and resets that button) first
            self._mine = True
            self._show(True)
            self.engine.say(text)  # a failure, even at once, is reported through `failed`
        else:
            self.engine.stop()
            self._show(False)

    def _engine_failed(self, reason: str) -> None:
        """Say why nothing was heard; the control stays enabled, so the learner can retry."""
        if not self._mine:
            return
        self.problem = reason
        self._mine = False
        self.setChecked(False)
        self.setText("⚠ No sound: retry")
        self.setToolTip(reason)
        self.setAccessibleDescription(reason)

    def _engine_changed(self, speaking: bool) -> None:
        if not speaking and self._mine:
            self._mine = False
            self.setChecked(False)
            self._show(False)

    def _show(self, speaking: bool) -> None:
        self.problem = ""
        self.setAccessibleDescription("")
        self.setText("■ Stop reading" if speaking else "▶ Read aloud")
        self.setToolTip(f"Read this aloud with {self.engine.name} (click again to stop)")
