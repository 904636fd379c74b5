"""Record the stepper as an animated GIF or MP4 without blocking the window.

:class:`StepperRecorder` grabs one frame per turn of the event loop (a zero-interval timer),
so the window repaints, the progress dialog moves and Cancel works between frames; the
frames are then encoded on a thread of their own (Pillow or imageio-ffmpeg), and the file
is written only if nobody cancelled. The cursor goes back to where it was in every case.
"""

from __future__ import annotations

import os
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

from PIL import Image
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from rnn_studio.storage import atomic_write_bytes
from rnn_studio.ui import export


class CompressedFrames(Sequence[Image.Image]):
    """Frames kept zlib-compressed (fast level 1) and decompressed one at a time when read.

    A studio frame is ~2.5 MB of pixels; 300 of them would hold ~750 MB until encoded. The
    flat colours of the studio compress about tenfold.
    """

    def __init__(self) -> None:
        self._frames: list[tuple[tuple[int, int], bytes]] = []

    def append(self, image: Image.Image) -> None:
        """Keep ``image`` (RGB), compressed."""
        self._frames.append((image.size, zlib.compress(image.tobytes(), 1)))

    def __len__(self) -> int:
        return len(self._frames)

    @overload
    def __getitem__(self, index: int) -> Image.Image: ...
    @overload
    def __getitem__(self, index: slice) -> list[Image.Image]: ...
    def __getitem__(self, index: int | slice) -> Image.Image | list[Image.Image]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size, data = self._frames[index]
        return Image.frombytes("RGB", size, zlib.decompress(data))

    @property
    def stored_bytes(self) -> int:
        """Bytes the compressed frames take."""
        return sum(len(data) for _, data in self._frames)


class StepperRecorder(QObject):
    """Film ``widget`` at every step of ``session`` into ``path`` (GIF or MP4).

    Signals
    -------
    progress_changed(done, total)
        ``total`` is the frames to grab plus one for encoding.
    finished(frames)
        The file is written; ``frames`` is how many it holds.
    failed(message)
        Something went wrong (nothing written).
    cancelled()
        :meth:`cancel` was called (nothing written).
    """

    progress_changed = Signal(int, int)
    finished = Signal(int)
    failed = Signal(str)
    cancelled = Signal()
    _encoded = Signal(object)  # from the encoding thread: None, or an error message

    def __init__(
        self,
        session: Any,
        widget: QWidget,
        path: str | os.PathLike[str],
        kind: str = "gif",
        fps: float = export.DEFAULT_FPS,
        max_frames: int = export.MAX_FRAMES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if kind not in ("gif", "mp4"):
            raise ValueError(f"kind must be gif or mp4, not {kind!r}")
        export.check_fps(fps)
        if kind == "mp4":
            export.check_mp4()
        self.session, self.widget, self.path = session, widget, Path(path)
        self.kind, self.fps = kind, fps
        self.steps = export.frame_steps(int(session.length), max_frames)
        self.frames = CompressedFrames()
        self.start_cursor = int(session.cursor)
        self.active = False
        self._shown = False  # a step was shown and waits to be grabbed
        self._stop = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._grab_next)
        self._encoded.connect(self._done)

    @property
    def total(self) -> int:
        """Progress units: one per frame, one for encoding."""
        return len(self.steps) + 1

    def start(self) -> None:
        """Begin grabbing (returns at once)."""
        if not self.widget.isVisible() or self.widget.width() <= 0:
            raise export.ExportError("the studio is not on screen")
        self.active = True
        self.progress_changed.emit(0, self.total)
        self._timer.start()

    def cancel(self) -> None:
        """Stop now: nothing is written and the cursor goes back."""
        if not self.active:
            return
        self.active = False
        self._stop.set()
        self._timer.stop()
        self.session.set_cursor(self.start_cursor)
        self.cancelled.emit()

    def _grab_next(self) -> None:
        """One turn of the event loop: grab the step shown last turn, then show the next
        (the views repaint in between, as they do while playing)."""
        if not self.active:
            return
        if self._shown:
            self.frames.append(export.qimage_to_pil(self.widget.grab().toImage()))
            self.progress_changed.emit(len(self.frames), self.total)
        if len(self.frames) < len(self.steps):
            self.session.set_cursor(self.steps[len(self.frames)])
            self._shown = True
            return
        self._timer.stop()
        self.session.set_cursor(self.start_cursor)
        threading.Thread(target=self._encode, name="stepper-encode", daemon=True).start()

    def _encode(self) -> None:
        """On the encoding thread: write the file unless cancelled; report by a signal."""
        try:
            if self.kind == "gif":
                data = export.gif_bytes(self.frames, self.fps, self._stop.is_set)
                if data is not None and not self._stop.is_set():
                    atomic_write_bytes(self.path, data)
            else:
                export.write_mp4(self.frames, self.path, self.fps, self._stop.is_set)
        except (OSError, ValueError, RuntimeError) as problem:
            self._encoded.emit(str(problem))
            return
        self._encoded.emit(None)

    def _done(self, problem: str | None) -> None:
        if not self.active:  # cancelled while encoding: the file was not written
            return
        self.active = False
        self.frames = CompressedFrames()
        if problem is not None:
            self.failed.emit(problem)
            return
        self.progress_changed.emit(self.total, self.total)
        self.finished.emit(len(self.steps))
