"""Exports produce valid files of the right size: PNG, SVG (heatmap included), GIF, CSV."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui import export
from tests.ui.conftest import drawn


@pytest.fixture
def window(classroom):
    setup = DemoSetup(text="the cat sat", mode="chars", cell="lstm", hidden_size=6, cursor=3)
    main, _features = classroom(StudioSession(setup))
    return main


def test_plot_png_has_the_plot_size(window, tmp_path):
    view = window.studio.memory.graphics
    size = export.export_png(view, tmp_path / "memory.png")
    ratio = view.devicePixelRatioF()
    with Image.open(tmp_path / "memory.png") as image:
        assert image.format == "PNG"
        assert image.size == size == (round(view.width() * ratio), round(view.height() * ratio))
        colours = image.convert("RGB").getcolors(maxcolors=100_000)
        assert colours is not None and len(colours) > 20  # a heatmap, not a blank


def _svg(path):
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def test_heatmap_svg_parses_and_embeds_the_image(window, tmp_path):
    # pyqtgraph 0.14's SVGExporter raises on this very plot (ImageItem + ColorBarItem).
    view = window.studio.memory.graphics
    width, height = export.export_plot_svg(view, tmp_path / "memory.svg")
    root = _svg(tmp_path / "memory.svg")
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert (width, height) == (view.viewport().width(), view.viewport().height())
    tags = [element.tag.split("}")[-1] for element in root.iter()]
    assert "image" in tags  # the heatmap, as an embedded PNG
    assert tags.count("text") >= 4  # tick labels stay text
    assert "path" in tags or "polyline" in tags


def test_line_plot_svg_keeps_vectors(window, tmp_path):
    window.session.backprop()
    view = window.studio.gradients.plot_widget
    export.export_plot_svg(view, tmp_path / "gradients.svg")
    tags = [element.tag.split("}")[-1] for element in _svg(tmp_path / "gradients.svg").iter()]
    assert tags.count("path") + tags.count("polyline") >= 3


def test_svg_refuses_a_non_plot(window, tmp_path):
    with pytest.raises(export.ExportError, match="not a plot"):
        export.export_plot_svg(window.studio.stepper, tmp_path / "x.svg")


def test_window_png_is_1280_by_720(window, tmp_path):
    export.export_window_png(window, tmp_path / "window.png")
    ratio = window.devicePixelRatioF()
    with Image.open(tmp_path / "window.png") as image:
        assert image.size == (round(1280 * ratio), round(720 * ratio))


def test_gif_has_one_frame_per_step_and_leaves_the_cursor(window, tmp_path):
    session = window.session
    frames = export.export_stepper_gif(session, window.studio, tmp_path / "steps.gif", fps=5)
    assert frames == session.length == 11
    assert session.cursor == 3
    with Image.open(tmp_path / "steps.gif") as image:
        assert image.format == "GIF"
        assert image.n_frames == 11
        assert image.size == (window.studio.grab().width(), window.studio.grab().height())
        assert image.info["duration"] == 200
        image.seek(0)
        first = np.asarray(image.convert("RGB")).copy()
        image.seek(10)
        last = np.asarray(image.convert("RGB"))
        assert not np.array_equal(first, last)  # the heatmap filled in


def test_long_sequences_are_sampled(window, tmp_path):
    count = export.export_stepper_gif(
        window.session, window.studio.memory, tmp_path / "s.gif", max_frames=4
    )
    assert count == 4
    with Image.open(tmp_path / "s.gif") as image:
        assert image.n_frames == 4


def _read_mp4(path) -> tuple[tuple[int, int], list[np.ndarray]]:
    """The video's frame size and its frames, decoded by ffmpeg (imageio-ffmpeg's reader)."""
    import imageio_ffmpeg

    reader = imageio_ffmpeg.read_frames(str(path))
    meta = reader.__next__()
    width, height = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(height, width, 3) for f in reader]
    return (width, height), frames


def test_mp4_is_offered_and_holds_one_frame_per_step(window, tmp_path, qtbot):
    """Item 8: MP4 from the menu, with progress; read back: every step, the studio's size."""
    session = window.session
    action = window.menus.actions["action_export_mp4"]
    window.menus.export_menu.aboutToShow.emit()  # File ▸ Export opens: MP4 is asked then
    assert action.isEnabled() and action.text() == "Stepper as &MP4…"
    recorder = window.menus.record_stepper("mp4", tmp_path / "steps.mp4")
    assert recorder is not None and window.menus.record_progress.isVisible()
    seen = []
    recorder.progress_changed.connect(lambda done, _total: seen.append(done))
    with qtbot.waitSignal(recorder.finished, timeout=60000):
        pass
    assert seen == sorted(seen) and seen[-1] == session.length + 1
    size, frames = _read_mp4(tmp_path / "steps.mp4")
    studio = window.studio.grab()
    assert size == (studio.width() // 2 * 2, studio.height() // 2 * 2)
    assert len(frames) == session.length == 11
    # It films the stepper: the first frame is step 0 as the studio draws it (H.264 is lossy,
    # so within a bound), and the steps differ from each other.
    session.set_cursor(0)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    step0 = np.asarray(export.qimage_to_pil(window.studio.grab().toImage()), dtype=float)
    first = frames[0].astype(float)
    assert np.abs(first - step0[: size[1], : size[0]]).mean() < 6
    assert np.abs(first - frames[-1].astype(float)).mean() > 0.1
    assert session.cursor == 0
    assert str(tmp_path / "steps.mp4") in window.menus.last_confirmation
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".mp4") == ["steps.mp4"]


def test_mp4_cancelled_while_encoding_leaves_no_file(window, tmp_path):
    tmp_path = tmp_path / "videos"  # the window's settings live in tmp_path itself
    tmp_path.mkdir()
    frames = export.grab_stepper_frames(window.session, window.studio)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 4  # after four frames went to ffmpeg

    assert not export.write_mp4(frames, tmp_path / "s.mp4", 4, cancelled)
    assert list(tmp_path.iterdir()) == []  # neither the video nor its partial file

    assert export.write_mp4(frames, tmp_path / "whole.mp4", 4)
    assert [p.name for p in tmp_path.iterdir()] == ["whole.mp4"]
    assert len(_read_mp4(tmp_path / "whole.mp4")[1]) == len(frames)


def test_mp4_that_ffmpeg_cannot_write_is_an_error_and_leaves_nothing(window, tmp_path):
    tmp_path = tmp_path / "videos"
    tmp_path.mkdir()
    frames = export.grab_stepper_frames(window.session, window.studio, max_frames=3)
    with pytest.raises(export.ExportError, match="ffmpeg"):
        export.write_mp4(frames, tmp_path / "missing-folder" / "s.mp4", 4)
    assert list(tmp_path.iterdir()) == []


def test_without_ffmpeg_mp4_says_what_to_install(classroom, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "ffmpeg_path", lambda: None)
    window, _features = classroom(StudioSession(DemoSetup(text="ab", mode="chars")))
    with pytest.raises(export.ExportError, match="imageio-ffmpeg"):
        export.export_stepper_video(window.session, window.studio, tmp_path / "s.mp4")
    assert not (tmp_path / "s.mp4").exists()
    action = window.menus.actions["action_export_mp4"]
    window.menus.export_menu.aboutToShow.emit()
    assert not action.isEnabled() and "ffmpeg" in action.text()


def test_trace_csv_columns_and_values(window, tmp_path):
    session = window.session
    rows = export.export_trace_csv(session, tmp_path / "before.csv")
    with open(tmp_path / "before.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    header = table[0]
    units = [f"{{}}_{j}".format for j in range(6)]
    expected = ["t", "token"]
    for prefix in ("h", "c", "i", "f", "g", "o"):
        expected += [unit(prefix) for unit in units]
    vocabulary = sorted(set("the cat sat"))
    assert header == [*expected, "grad_norm", *(f"p_{token}" for token in vocabulary)]
    assert rows == len(table) - 1 == 11
    # The real tokens: a space is a space (the studio draws it as ␣).
    assert [row[1] for row in table[1:]] == list("the cat sat")
    hidden = np.array([[float(v) for v in row[2:8]] for row in table[1:]])
    np.testing.assert_allclose(hidden, session.run.primary.trace.hidden, rtol=1e-8)
    grad_column = header.index("grad_norm")
    assert all(row[grad_column] == "" for row in table[1:])
    probabilities = np.array([[float(v) for v in row[grad_column + 1 :]] for row in table[1:]])
    np.testing.assert_allclose(probabilities, session.shown.outputs.probabilities, rtol=1e-8)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-7)

    session.backprop()
    export.export_trace_csv(session, tmp_path / "after.csv")
    with open(tmp_path / "after.csv", newline="", encoding="utf-8") as handle:
        grads = [float(row[grad_column]) for row in list(csv.reader(handle))[1:]]
    np.testing.assert_allclose(grads, session.gradients["lstm"].grad_norms, rtol=1e-8)


def test_csv_quotes_a_space_token_so_trimming_readers_keep_it(window, tmp_path):
    export.export_trace_csv(window.session, tmp_path / "t.csv")
    lines = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines[4].startswith('3," ",')  # "the cat": step 3 is the space
    assert '"p_ "' in lines[0].split(",")
    assert "␣" not in "".join(lines)
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as handle:
        trimmed = list(csv.reader(handle, skipinitialspace=True))
    assert trimmed[4][1] == " "


def test_csv_of_numbers_has_the_predicted_value(classroom, tmp_path):
    main, _ = classroom(StudioSession(DemoSetup(text="1, 2, 3, 5", mode="numbers")))
    export.export_trace_csv(main.session, tmp_path / "n.csv")
    with open(tmp_path / "n.csv", newline="", encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0][-1] == "y_pred" and [row[1] for row in table[1:]] == ["1", "2", "3", "5"]
    predicted = [float(row[-1]) for row in table[1:]]
    np.testing.assert_allclose(predicted, main.session.shown.outputs.predictions, rtol=1e-8)


def test_menu_export_goes_through_the_same_code(window, tmp_path):
    window.menus.export_to("csv", tmp_path / "menu.csv")
    window.menus.export_to("svg", tmp_path / "menu.svg")
    assert (tmp_path / "menu.csv").read_text(encoding="utf-8").startswith("t,token,h_0")
    _svg(tmp_path / "menu.svg")


# ------------------------------------------- item 8: GIF/MP4 with progress and Cancel
def test_gif_recording_shows_progress_and_never_blocks_the_window(window, tmp_path, qtbot):
    from PySide6.QtCore import QTimer

    session = window.session
    ticks = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append(1))
    heartbeat.start(5)
    recorder = window.menus.record_stepper("gif", tmp_path / "steps.gif")
    assert recorder is not None
    dialog = window.menus.record_progress
    assert dialog.isVisible() and dialog.maximum() == session.length + 1
    seen = []
    recorder.progress_changed.connect(lambda done, _total: seen.append(done))
    with qtbot.waitSignal(recorder.finished, timeout=30000) as finished:
        pass
    heartbeat.stop()
    assert finished.args == [11]
    assert seen == sorted(seen) and seen[-1] == 12  # one per frame, then the encoding
    assert len(ticks) >= 11  # the event loop ran between frames: the window stayed live
    assert session.cursor == 3  # back where it was
    with Image.open(tmp_path / "steps.gif") as image:
        assert image.n_frames == 11
    assert str(tmp_path / "steps.gif") in window.menus.last_confirmation
    assert not dialog.isVisible()


def test_cancel_stops_the_recording_writes_nothing_and_restores_the_step(window, tmp_path, qtbot):
    session = window.session
    recorder = window.menus.record_stepper("gif", tmp_path / "steps.gif")
    qtbot.waitUntil(lambda: len(recorder.frames) >= 3, timeout=10000)
    raw = 3 * recorder.frames[0].width * recorder.frames[0].height * len(recorder.frames)
    assert recorder.frames.stored_bytes < raw / 4  # kept compressed until encoded
    from PySide6.QtWidgets import QPushButton

    cancel = window.menus.record_progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    cancel.click()
    assert not recorder.active
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)  # what the click set off has run
    assert len(recorder.frames) < session.length
    assert session.cursor == 3
    assert not (tmp_path / "steps.gif").exists()
    assert "cancelled" in window.menus.last_confirmation
    assert window.menus.recording is None
