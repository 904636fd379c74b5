"""Export what the studio shows: figures (PNG, SVG, PDF, drawn offscreen at a chosen size by
:mod:`rnn_studio.ui.export_figures`), a plot as on screen to SVG, the window to PNG, the
stepper to an animated GIF (or MP4), and the trace to CSV.

SVG: pyqtgraph's own ``SVGExporter`` fails on our heatmap (pyqtgraph 0.14: ``ValueError: not
enough values to unpack`` in ``correctCoordinates`` for the ImageItem/ColorBarItem plot), so
:func:`export_plot_svg` renders the plot's scene through Qt's :class:`QSvgGenerator`
(PySide6-Essentials' QtSvg): lines, text and axes stay vectors and the heatmap image is
embedded as a PNG inside the SVG.

GIF frames are rendered by Qt (``widget.grab()`` at each step) and encoded by Pillow; MP4 frames
are encoded by the ffmpeg program that the ``imageio-ffmpeg`` dependency ships (the installers
bundle it); without one :func:`export_stepper_video` says what to install.
"""

from __future__ import annotations

import importlib.util
import io
import os
import stat
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsView, QWidget

from rnn_studio.state.trace_table import (
    TraceTableError,
    session_export_data,
    session_trace_table,
    write_trace_csv,
)
from rnn_studio.storage import atomic_write_bytes
from rnn_studio.ui.export_figures import (
    PRINT_STYLE,
    FigureError,
    FigureSize,
    FigureStyle,
    installed_family,
    save_figure,
    theme_style,
    upscaled_png,
)
from rnn_studio.ui.svg_strokes import flatten_non_scaling_strokes
from rnn_studio.ui.widgets.paint_cache import uncached

#: Longest animation exported (frames); longer sequences are sampled evenly.
MAX_FRAMES = 300
DEFAULT_FPS = 4


class ExportError(ValueError):
    """An export that cannot be made; the message says why and what to do."""


# ------------------------------------------------------------------------------ images
def image_to_png_bytes(image: QImage) -> bytes:
    """Encode a QImage as PNG bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stub types the format as bytes; the binding accepts only text.
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]
        raise ExportError("Qt could not encode the image as PNG")
    buffer.close()
    return bytes(data.data())


def export_png(widget: QWidget, path: str | os.PathLike[str]) -> tuple[int, int]:
    """Save ``widget`` (a plot, a panel or the whole window) as a PNG; return its pixel size.

    The image is what the widget shows, at the screen's device pixel ratio.
    """
    _check_visible(widget)
    pixmap = widget.grab()
    if pixmap.isNull():
        raise ExportError(f"{_describe(widget)} has nothing to draw yet")
    atomic_write_bytes(path, image_to_png_bytes(pixmap.toImage()))
    return pixmap.width(), pixmap.height()


def export_window_png(window: QWidget, path: str | os.PathLike[str]) -> tuple[int, int]:
    """Save the whole window as a PNG; return its pixel size."""
    return export_png(window, path)


def export_plot_svg(view: QWidget, path: str | os.PathLike[str]) -> tuple[int, int]:
    """Save a plot as it is on screen -- a pyqtgraph view (``PlotWidget``,
    ``GraphicsLayoutWidget``) or the unrolled chain -- as SVG without ``vector-effect``
    (:mod:`rnn_studio.ui.svg_strokes`), so librsvg, Inkscape and browsers draw it as Qt does.

    Returns the SVG's size in pixels (the view's size).
    """
    if not isinstance(view, QGraphicsView):
        raise ExportError(f"{_describe(view)} is not a plot")
    _check_visible(view)
    size = view.viewport().size()
    if size.isEmpty():
        raise ExportError(f"{_describe(view)} has no size yet")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setResolution(96)  # Qt's default 72 dpi shrinks pyqtgraph's point-size text
    generator.setSize(QSize(size))
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(view.accessibleName() or "RNN Studio plot")
    generator.setDescription(view.toolTip() or "Exported from RNN Studio")
    # Export mode: scatter symbols drawn as shapes, not cut from a pixmap atlas (which an
    # SVG cannot clip: every marker showed the whole atlas squeezed).
    items = [item for item in view.scene().items() if hasattr(item, "setExportMode")]
    for item in items:
        item.setExportMode(True, {"antialias": True})
    painter = QPainter(generator)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        target = QRectF(0, 0, size.width(), size.height())
        # The background as on screen: a view without a background brush (the chain) is
        # filled by its viewport, which render() leaves out; its SVG was transparent, and
        # a dark theme's light text vanished on a white slide.
        viewport = view.viewport()
        painter.fillRect(target, viewport.palette().color(viewport.backgroundRole()))
        with uncached(view):  # vector curves, not the pixmaps cached for playback
            view.render(painter, target, view.viewport().rect())
    finally:
        painter.end()
        for item in items:
            item.setExportMode(False)
    buffer.close()
    svg = flatten_non_scaling_strokes(
        bytes(buffer.data().data()), (size.width(), size.height()), installed_family, upscaled_png
    )
    atomic_write_bytes(path, svg)
    return size.width(), size.height()


def plot_views(root: QWidget) -> dict[str, QGraphicsView]:
    """The plots under ``root`` by object name (for the Export menu): pyqtgraph's views and
    the unrolled chain, the graphics views that are on show."""
    return {view.objectName(): view for view in root.findChildren(QGraphicsView)
            if view.objectName() and view.isVisibleTo(root)}  # fmt: skip


# ------------------------------------------------------------------------------ figures
#: Figure files by suffix.
FIGURE_FORMATS = {".png": "PNG image", ".svg": "SVG drawing", ".pdf": "PDF page"}


@dataclass(frozen=True)
class FigureOptions:
    """What File ▸ Export ▸ Figure draws: which view, how big, in which colours."""

    view: str = "gradients"
    size: FigureSize = field(default_factory=FigureSize.pixels)
    style: str = "print"  # or "theme"

    def figure_style(self) -> FigureStyle:
        """The colours: white paper, or the studio's current theme."""
        return theme_style() if self.style == "theme" else PRINT_STYLE


def export_figure(
    session: Any, path: str | os.PathLike[str], options: FigureOptions | None = None
) -> FigureSize:
    """Draw ``options.view`` of what the session shows, offscreen, to ``path`` (PNG, SVG or
    PDF by its suffix) with title, axis labels, legend and the verdict; return the size.

    Raises
    ------
    ExportError
        Nothing to draw, gates of a vanilla RNN, gradients before Backprop, unknown suffix.
    """
    options = options or FigureOptions()
    suffix = Path(path).suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise ExportError(f"a figure is saved as {', '.join(FIGURE_FORMATS)}, not {suffix!r}")
    try:
        data = session_export_data(session)
        save_figure(data, options.view, Path(path), 0, 0, options.figure_style(), options.size)
    except (TraceTableError, FigureError) as problem:
        raise ExportError(str(problem)) from None
    return options.size


# --------------------------------------------------------------------------- animation
def frame_steps(length: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """The steps an animation shows: every step, or ``max_frames`` of them evenly spread."""
    if length <= 0:
        raise ExportError("there is no sequence to animate")
    chosen = np.unique(np.linspace(0, length - 1, min(length, max_frames)).round().astype(int))
    return [int(t) for t in chosen]


def grab_stepper_frames(
    session: Any,
    widget: QWidget,
    max_frames: int = MAX_FRAMES,
    progress: Callable[[int, int], None] | None = None,
) -> list[Image.Image]:
    """Step the session from the first step to the last, grabbing ``widget`` at each step.

    The cursor is put back where it was afterwards. Long sequences are sampled evenly down
    to ``max_frames`` frames. This blocks until done; the studio's menu uses
    :class:`rnn_studio.ui.recorder.StepperRecorder` instead (progress, Cancel, no blocking).
    """
    _check_visible(widget)
    chosen = frame_steps(int(session.length), max_frames)
    start = session.cursor
    frames = []
    try:
        for index, t in enumerate(chosen):
            frames.append(grab_step(session, widget, t))
            if progress is not None:
                progress(index + 1, len(chosen))
    finally:
        session.set_cursor(start)
    return frames


def grab_step(session: Any, widget: QWidget, t: int) -> Image.Image:
    """Show step ``t`` and grab ``widget`` as a Pillow image."""
    session.set_cursor(int(t))
    QApplication.processEvents()
    return qimage_to_pil(widget.grab().toImage())


def qimage_to_pil(image: QImage) -> Image.Image:
    """Convert a QImage to an RGB Pillow image (copying the pixels)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    width, height = rgba.width(), rgba.height()
    data = np.frombuffer(rgba.constBits(), dtype=np.uint8, count=rgba.sizeInBytes())
    rows = data.reshape(height, rgba.bytesPerLine())[:, : width * 4].reshape(height, width, 4)
    return Image.fromarray(np.ascontiguousarray(rows[:, :, :3]), "RGB")


def check_fps(fps: float) -> None:
    """Refuse a frame rate outside 0.2 to 50 frames per second."""
    if not 0.2 <= fps <= 50:
        raise ExportError(f"frames per second must be from 0.2 to 50, got {fps}")


def gif_bytes(
    frames: Sequence[Image.Image], fps: float, cancelled: Callable[[], bool] = lambda: False
) -> bytes | None:
    """Encode ``frames`` as an animated GIF (None if ``cancelled()`` turns true meanwhile).

    ``frames`` is read one frame at a time (it may decompress each on reading).
    """
    # One palette for all frames (from the last, fullest one): Pillow then stores each frame
    # as the small rectangle that changed, which keeps the file a fraction of the size.
    reference = frames[-1].quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    paletted = []
    for frame in frames:
        if cancelled():
            return None
        paletted.append(frame.quantize(palette=reference, dither=Image.Dither.NONE))
    buffer = io.BytesIO()
    paletted[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=paletted[1:],
        duration=round(1000 / fps),
        loop=0,
        disposal=1,
        optimize=False,
    )
    return buffer.getvalue()


def export_stepper_gif(
    session: Any,
    widget: QWidget,
    path: str | os.PathLike[str],
    fps: float = DEFAULT_FPS,
    max_frames: int = MAX_FRAMES,
) -> int:
    """Save the stepper playing through the sequence as an animated GIF; return frame count.

    Parameters
    ----------
    session : StudioSession
    widget : QWidget
        What to film (the studio area, a panel, or the window).
    path : path-like
    fps : float
        Frames (steps) per second, 0.2 to 50.
    max_frames : int
        Longest animation; longer sequences are sampled evenly.
    """
    check_fps(fps)
    frames = grab_stepper_frames(session, widget, max_frames)
    data = gif_bytes(frames, fps)
    if data is None:  # only a cancel callback can stop it; none is given here
        raise ExportError("the GIF was cancelled")
    atomic_write_bytes(path, data)
    return len(frames)


def ffmpeg_path() -> str | None:
    """The ffmpeg program that writes MP4: the one ``imageio-ffmpeg`` ships (a dependency,
    bundled by the installers), else the system's; None when neither is there."""
    if importlib.util.find_spec("imageio_ffmpeg") is None:
        return None
    import imageio_ffmpeg

    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:  # a source install on a platform without a bundled binary
        return None


def mp4_available() -> bool:
    """True when an ffmpeg program is there to encode MP4 (:func:`ffmpeg_path`)."""
    return ffmpeg_path() is not None


def bundled_ffmpeg_problem(used: str | None) -> str | None:
    """In a frozen app (the installers), what is wrong with its own ffmpeg, or None.

    ``imageio-ffmpeg`` quietly falls back to a system ffmpeg when the bundled program is missing
    or has lost its executable bit, so a broken bundle would pass its smoke test on a machine
    that happens to have ffmpeg installed. A frozen app must use the program it carries in
    ``_internal/imageio_ffmpeg/binaries`` (``sys._MEIPASS``); from source this returns None.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if not getattr(sys, "frozen", False) or bundle is None:
        return None
    folder = Path(bundle) / "imageio_ffmpeg" / "binaries"
    programs = sorted(folder.glob("ffmpeg*"))
    if not programs:
        return f"the bundle has no ffmpeg program in {folder}"
    for program in programs:
        if not os.access(program, os.X_OK):
            mode = stat.filemode(program.stat().st_mode)
            return f"the bundled {program} is not executable ({mode}): reinstall RNN Studio"
    if used is None or Path(used).resolve().parent != folder.resolve():
        return f"MP4 export would use {used}, not the bundled {programs[0]}"
    return None


def mp4_missing_reason() -> str:
    """Why MP4 cannot be written: a frozen app names its broken ffmpeg, else what to install."""
    problem = bundled_ffmpeg_problem(ffmpeg_path())
    if problem:
        return f"MP4 export needs ffmpeg, but {problem}; an animated GIF works without it."
    return (
        "MP4 export needs ffmpeg, which comes with the imageio-ffmpeg package "
        "(pip install imageio-ffmpeg) or your system's ffmpeg; an animated GIF works "
        "without it."
    )


def check_mp4() -> None:
    """Refuse MP4 when no ffmpeg is found, saying what to install or what is broken."""
    if not mp4_available():
        raise ExportError(mp4_missing_reason())


def write_mp4(
    frames: Sequence[Image.Image],
    path: str | os.PathLike[str],
    fps: float,
    cancelled: Callable[[], bool] = lambda: False,
) -> bool:
    """Encode ``frames`` as an H.264 MP4 at ``path``; False (and no file) if cancelled.

    The frames go to ffmpeg (:func:`ffmpeg_path`) one at a time; the file is written under
    a temporary name and renamed when complete, so a cancel, an error or a full disk leaves
    no partial video behind. ``yuv420p`` and ``+faststart`` make it play in slide programs
    and browsers; H.264 needs even sizes, so an odd last row or column is left out.

    Raises
    ------
    ExportError
        No ffmpeg, or ffmpeg failed (its message is kept).
    """
    check_mp4()
    import imageio_ffmpeg

    width, height = (frames[0].width // 2) * 2, (frames[0].height // 2) * 2
    target = Path(path)
    partial = target.with_name(f".{target.name}.part.mp4")
    writer = imageio_ffmpeg.write_frames(
        str(partial),
        (width, height),
        fps=fps,
        codec="libx264",
        pix_fmt_out="yuv420p",
        quality=8,
        macro_block_size=2,
        ffmpeg_log_level="error",
        output_params=["-movflags", "+faststart"],
    )
    complete = False
    try:
        writer.send(None)  # starts ffmpeg
        for frame in frames:
            if cancelled():
                break
            pixels = np.asarray(frame.convert("RGB"))[:height, :width]
            writer.send(np.ascontiguousarray(pixels))
        else:
            complete = True
        writer.close()  # waits for ffmpeg to finish the file
        if not complete or cancelled():
            return False
        os.replace(partial, target)
        return True
    except (OSError, RuntimeError) as problem:  # ffmpeg refused or died (e.g. disk full)
        raise ExportError(f"ffmpeg could not write the video: {problem}") from None
    finally:
        writer.close()
        partial.unlink(missing_ok=True)


def export_stepper_video(
    session: Any,
    widget: QWidget,
    path: str | os.PathLike[str],
    fps: float = DEFAULT_FPS,
    max_frames: int = MAX_FRAMES,
) -> int:
    """Save the stepper playing as an MP4 (needs ``imageio-ffmpeg``); return frame count."""
    check_mp4()
    frames = grab_stepper_frames(session, widget, max_frames)
    write_mp4(frames, path, fps)
    return len(frames)


# ---------------------------------------------------------------------------------- CSV
def export_trace_csv(session: Any, path: str | os.PathLike[str]) -> int:
    """Write the shown cell's trace to ``path`` as UTF-8 CSV; return the number of rows.

    Each row holds the token as read (a space is a quoted space, not the ``␣`` drawn under
    the chain), the states, gates and gradient norm, then the output probabilities after
    that step (``p_<token>``; ``y_pred`` for numbers). The table and the writer are the
    command line's (:mod:`rnn_studio.state.trace_table`).
    """
    try:
        columns, rows = session_trace_table(session, real_tokens=True, outputs=True)
    except TraceTableError as error:
        raise ExportError(str(error)) from None
    return write_trace_csv(path, columns, rows)


def _check_visible(widget: QWidget) -> None:
    if widget is None or widget.width() <= 0 or widget.height() <= 0:
        raise ExportError(f"{_describe(widget)} is not on screen")


def _describe(widget: object) -> str:
    if isinstance(widget, QWidget):
        return f"“{widget.accessibleName() or widget.objectName() or type(widget).__name__}”"
    return repr(widget)
