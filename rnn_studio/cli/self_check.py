"""``rnn-studio --self-check``: prove that this installation works, one printed line per check.

The installer smoke tests (``packaging/test_packages.sh``) run it from the installed files with
the network cut. Checks, in order:

1. the engine's backpropagation through time matches central differences for the RNN (tanh and
   relu), LSTM and GRU, and a two-layer bidirectional LSTM (:func:`rnn_studio.engine.self_check`);
2. the data files are present and every JSON file among them parses;
3. a figure renders offscreen (Qt, pyqtgraph and its colour maps work);
4. a three-frame MP4 is written and read back (the ffmpeg program imageio-ffmpeg ships is
   there and runs: the installers bundle it as a data file, and a frozen app must use that
   one, not a system ffmpeg, see :func:`rnn_studio.ui.export.bundled_ffmpeg_problem`);
5. the main window opens through the app's own entry point, paints, and closes. Without a
   display this uses Qt's offscreen platform; user files go to a temporary folder.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rnn_studio import __version__

Check = Callable[[], str]


def check_engine_gradients() -> str:
    """Gradient-check every cell kind; return the worst relative errors."""
    from rnn_studio.engine import self_check

    worst = self_check()
    details = ", ".join(f"{label} {error:.1e}" for label, error in worst.items())
    return f"engine gradients: BPTT matches central differences (worst relative error: {details})"


def check_studio_gradients() -> str:
    """Check what the studio runs: unbatched BPTT, grads.hidden, the Jacobian, the readout."""
    from rnn_studio.engine.studio_check import studio_self_check

    worst = max(studio_self_check().values())
    return (
        "studio gradients: unbatched RNN/LSTM/GRU backward, the gradient-decay curve "
        "(grads.hidden), the Jacobian step and the readout match central differences "
        f"(worst relative error {worst:.1e})"
    )


def check_data_files() -> str:
    """Count the data files and parse every JSON file among them."""
    from rnn_studio.resources import resource_root

    root = Path(str(resource_root()))
    if not root.is_dir():
        raise RuntimeError(f"data folder {root} is missing")
    files = [path for path in root.rglob("*") if path.is_file()]
    if not (root / "icons" / "rnn-studio.svg").is_file():
        raise RuntimeError(f"the app icon icons/rnn-studio.svg is missing from {root}")
    json_files = [path for path in files if path.suffix == ".json"]
    for path in json_files:
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise RuntimeError(f"{path.relative_to(root)} cannot be read: {error}") from None
    return f"data files: {len(files)} files ({len(json_files)} JSON, all parse) in {root}"


def check_figure() -> str:
    """Render the gradient view of a small LSTM offscreen and check that it is not blank."""
    from rnn_studio.state.trace_table import compute_export
    from rnn_studio.studio_core.demo import DemoSetup
    from rnn_studio.ui.export_figures import render_figure

    data = compute_export(DemoSetup(text="not bad", cell="lstm", hidden_size=4, backprop=True))
    image = render_figure(data, "gates", 400, 300)
    colours = {image.pixel(x, y) for x in range(0, 400, 7) for y in range(0, 300, 7)}
    if (image.width(), image.height()) != (400, 300) or len(colours) < 10:
        raise RuntimeError(f"the figure came out blank or {image.width()}x{image.height()}")
    return f"figure: LSTM gate heatmaps rendered offscreen (400x300, {len(colours)} colours)"


def check_video() -> str:
    """Write a three-frame MP4 with the app's encoder and count its frames with ffmpeg."""
    import imageio_ffmpeg
    from PIL import Image

    from rnn_studio.ui.export import bundled_ffmpeg_problem, ffmpeg_path, write_mp4

    problem = bundled_ffmpeg_problem(ffmpeg_path())
    if problem:
        raise RuntimeError(problem)
    frames = [Image.new("RGB", (64, 48), colour) for colour in ("red", "green", "blue")]
    with tempfile.TemporaryDirectory(prefix="rnn-studio-video-") as folder:
        path = Path(folder) / "check.mp4"
        if not write_mp4(frames, path, fps=4):
            raise RuntimeError("the MP4 was not written")
        count, _seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    if count != len(frames):
        raise RuntimeError(f"the MP4 holds {count} frames, not {len(frames)}")
    return f"video: 3-frame MP4 written and read back with {ffmpeg_path()}"


def check_main_window() -> str:
    """Open the app through ``run_app`` and wait for its main window to paint."""
    from PySide6.QtGui import QGuiApplication

    from rnn_studio.cli.startup import run_until_first_paint
    from rnn_studio.ui.app import run_app

    first = run_until_first_paint(run_app, timeout_s=60.0)
    platform = QGuiApplication.platformName()
    return (
        f"main window: {first.class_name} '{first.title}' opened, painted and closed "
        f"(Qt platform {platform}, first paint {first.seconds:.2f} s after start)"
    )


def _run_check(check: Check) -> bool:
    """Run one check with user files in a temporary folder; print its line; return success."""
    saved_home = os.environ.get("RNN_STUDIO_HOME")
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="rnn-studio-self-check-") as home:
            os.environ["RNN_STUDIO_HOME"] = home  # a check must not touch the user's files
            line = check()
    except Exception as error:  # a self-check reports every failure and carries on
        print(f"  FAILED {check.__name__}: {type(error).__name__}: {error}", flush=True)
        return False
    finally:
        if saved_home is None:
            os.environ.pop("RNN_STUDIO_HOME", None)
        else:
            os.environ["RNN_STUDIO_HOME"] = saved_home
    print(f"  ok     {line} [{time.perf_counter() - started:.2f} s]", flush=True)
    return True


def run_self_check() -> int:
    """Run every check, print one line each, and return 0 if all passed, else 1."""
    from rnn_studio.cli.qt_check import (
        qt_startup_problem,
        start_qt_application,
        use_offscreen_without_display,
    )

    print(f"RNN Studio {__version__} self-check")
    use_offscreen_without_display()
    checks: list[Check] = [check_engine_gradients, check_studio_gradients, check_data_files]
    qt_problem = qt_startup_problem()
    if qt_problem is None:
        start_qt_application(sys.argv[:1])  # on a dead display: one line and exit status 1
        checks += [check_figure, check_video, check_main_window]
    failures = 0
    for check in checks:
        failures += not _run_check(check)
    if qt_problem:
        failures += 1
        print(f"  FAILED Qt: {qt_problem}")
    total = len(checks) + (1 if qt_problem else 0)  # a Qt problem counts as one failed check
    print(
        f"{total - failures} of {total} checks passed" if failures else f"all {total} checks passed"
    )
    return 1 if failures else 0
