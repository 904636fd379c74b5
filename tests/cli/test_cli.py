"""The ``rnn-studio`` command line: version, help, export (PNG and CSV), errors, self-check.

Export runs in-process (it only renders offscreen); the commands that start the whole app
(``--self-check``, ``--measure-startup``, no command) run in a subprocess, once each.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnn_studio import __version__, engine
from rnn_studio.__main__ import main
from rnn_studio.cli import self_check
from rnn_studio.state.sequence import encode_sequence
from rnn_studio.ui import export

ROOT = Path(__file__).resolve().parents[2]


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``main(argv)`` in-process; return (exit status, stdout, stderr)."""
    try:
        status = main(argv)
    except SystemExit as stop:
        status = int(stop.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


def run_subprocess(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m rnn_studio args`` headless with user files in a temporary folder."""
    return subprocess.run(
        [sys.executable, "-m", "rnn_studio", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )


@pytest.fixture
def headless_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", RNN_STUDIO_HOME=str(tmp_path / "home"))
    return env


@pytest.fixture(autouse=True)
def _user_files_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path / "home"))


def test_version_prints_the_package_version(headless_env: dict[str, str]) -> None:
    result = run_subprocess("--version", env=headless_env)
    assert result.returncode == 0
    assert result.stdout.strip() == f"RNN Studio {__version__}"


def test_help_documents_every_command_and_the_csv_columns(capsys) -> None:
    status, out, _ = run_cli(["--help"], capsys)
    assert status == 0
    for text in ("--self-check", "--version", "export", "QT_QPA_PLATFORM=offscreen"):
        assert text in out
    assert "--measure-startup" not in out  # hidden: for benchmarks only
    status, out, _ = run_cli(["export", "--help"], capsys)
    assert status == 0
    for text in (
        "--cell",
        "--sequence",
        "--mode",
        "--hidden",
        "--seed",
        "--spectral-radius",
        "--view",
        "--out",
        "--width",
        "--height",
        "grad_norm",
        "c_0",
        "i_*",
        "r_*",
    ):
        assert text in out


def _read_png(path: Path):
    from PySide6.QtGui import QImage

    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable image"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return image


@pytest.mark.parametrize(
    ("cell", "view", "size"),
    [
        ("rnn", "gradients", (640, 400)),
        ("lstm", "heatmap", (800, 300)),
        ("gru", "gates", (500, 900)),
    ],
)
def test_export_writes_a_png_of_the_requested_size(tmp_path, capsys, cell, view, size) -> None:
    out = tmp_path / f"{view}.png"
    width, height = size
    status, stdout, err = run_cli(
        [
            "export",
            "--cell",
            cell,
            "--sequence",
            "not bad",
            "--view",
            view,
            "--out",
            str(out),
            "--width",
            str(width),
            "--height",
            str(height),
        ],
        capsys,
    )
    assert (status, err) == (0, "")
    assert str(out) in stdout
    image = _read_png(out)
    assert (image.width(), image.height()) == size
    colours = {image.pixel(x, y) for x in range(0, width, 5) for y in range(0, height, 5)}
    assert len(colours) > 20, "the figure is blank"


def _expected_columns(cell: str, hidden: int) -> list[str]:
    gates = {"rnn": "", "lstm": "ifgo", "gru": "rzn"}[cell]
    columns = ["t", "token", *(f"h_{j}" for j in range(hidden))]
    if cell == "lstm":
        columns += [f"c_{j}" for j in range(hidden)]
    for gate in gates:
        columns += [f"{gate}_{j}" for j in range(hidden)]
    return [*columns, "grad_norm"]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_export_csv_has_the_documented_columns_and_the_engine_values(tmp_path, capsys, cell):
    out = tmp_path / "trace.csv"
    status, _, err = run_cli(
        [
            "export",
            "--cell",
            cell,
            "--sequence",
            "not bad",
            "--mode",
            "words",
            "--hidden",
            "3",
            "--seed",
            "7",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert (status, err) == (0, "")
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == _expected_columns(cell, 3)
    assert [row[1] for row in rows[1:]] == ["not", "bad"]
    assert [row[0] for row in rows[1:]] == ["0", "1"]
    # Independent recomputation with the engine: same cell, same seed, same inputs.
    sequence = encode_sequence("not bad", "words")
    reference = engine.forward(
        engine.make_cell(cell, sequence.input_size, 3, seed=7), sequence.inputs
    )
    table = np.array([[float(v) for v in row[2:]] for row in rows[1:]])
    np.testing.assert_allclose(table[:, :3], reference.hidden, rtol=1e-7, atol=1e-9)
    if cell == "lstm":
        np.testing.assert_allclose(table[:, 3:6], reference.cell_state, rtol=1e-7, atol=1e-9)
    # The loss L = u·h_L with |u| = 1 sits at the last step: its gradient there has norm 1.
    assert table[-1, -1] == pytest.approx(1.0)
    assert 0 < table[0, -1] < 10


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["export", "--sequence", "x"], 2, "--out"),
        (["export", "--sequence", "x", "--out", "a.png", "--cell", "transformer"], 2, "--cell"),
        (["export", "--sequence", "x", "--out", "a.png", "--width", "12"], 2, "outside 64..8000"),
        (["export", "--sequence", "x", "--out", "a.png", "--hidden", "lots"], 2, "whole number"),
        (["export", "--sequence", "x", "--out", "a.png", "--spectral-radius", "-1"], 2, "above 0"),
        (["--no-such-option"], 2, "unrecognized arguments"),
        (["--self-check", "export", "--sequence", "x", "--out", "t.csv"], 2, "does not go with"),
        (["export", "--sequence", "x", "--out", "fig.jpg"], 1, "must end in .png or .csv"),
        (["export", "--sequence", "x", "--out", "missing/fig.png"], 1, "does not exist"),
        (["export", "--sequence", "   ", "--mode", "words", "--out", "t.csv"], 1, "empty"),
        (
            ["export", "--sequence", "1, two", "--mode", "numbers", "--out", "t.csv"],
            1,
            "not a number",
        ),
        (["export", "--sequence", "ab", "--view", "gates", "--out", "g.png"], 1, "has no gates"),
        (
            ["export", "--sequence", "ab", "--spectral-radius", "500", "--out", "t.csv"],
            1,
            "spectral",
        ),
    ],
)
def test_bad_arguments_give_one_clear_line_and_a_non_zero_exit(
    tmp_path, capsys, monkeypatch, argv, status, message
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(argv, capsys)
    assert code == status
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("rnn-studio") and "error:" in lines[0]
    assert message in lines[0]
    assert not list(tmp_path.glob("*.png")) and not list(tmp_path.glob("*.csv"))


def test_self_check_passes_in_a_subprocess(headless_env: dict[str, str]) -> None:
    result = run_subprocess("--self-check", env=headless_env)
    assert result.returncode == 0, result.stdout + result.stderr
    for verified in ("engine gradients", "data files", "figure", "video", "main window"):
        assert f"ok     {verified}" in result.stdout
    assert "all 6 checks passed" in result.stdout


def test_self_check_reports_a_failure_and_exits_non_zero(capsys, monkeypatch) -> None:
    homes_seen = []

    def broken_engine() -> str:
        homes_seen.append(os.environ["RNN_STUDIO_HOME"])
        raise ArithmeticError("gradients disagree")

    monkeypatch.setattr(self_check, "check_engine_gradients", broken_engine)
    monkeypatch.setattr(self_check, "check_main_window", lambda: "main window: skipped here")
    status = self_check.run_self_check()
    out = capsys.readouterr().out
    assert status == 1
    assert "FAILED broken_engine: ArithmeticError: gradients disagree" in out
    assert "ok     data files" in out
    assert "5 of 6 checks passed" in out
    # Each check ran with user files in its own temporary folder, and the setting is restored.
    assert homes_seen and "rnn-studio-self-check-" in homes_seen[0]
    assert not Path(homes_seen[0]).exists()
    assert os.environ["RNN_STUDIO_HOME"].endswith("home")


def test_measure_startup_reports_the_first_paint(headless_env: dict[str, str]) -> None:
    result = run_subprocess("--measure-startup", env=headless_env)
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(
        r"first paint of (\w+) '(.*)' after ([0-9.]+) s \(CPU ([0-9.]+) s\)", result.stdout.strip()
    )
    assert match, result.stdout
    assert match.group(2).endswith("— RNN Studio")  # the session's name comes first
    assert 0 < float(match.group(3)) < 60 and 0 < float(match.group(4)) < 60


def test_launch_without_a_display_names_the_fix(headless_env: dict[str, str]) -> None:
    env = {
        k: v
        for k, v in headless_env.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = run_subprocess(env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr


def test_launch_on_an_unreachable_display_prints_one_line_not_a_qt_abort(
    headless_env: dict[str, str],
) -> None:
    env = {k: v for k, v in headless_env.items() if k != "WAYLAND_DISPLAY"}
    env.update(DISPLAY=":987", QT_QPA_PLATFORM="xcb")
    result = run_subprocess(env=env)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rnn-studio: error: Qt cannot open")


def _frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int) -> Path:
    """A fake frozen app whose bundle holds one ffmpeg program with ``mode``."""
    folder = tmp_path / "imageio_ffmpeg" / "binaries"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text("not a program")
    program = folder / "ffmpeg-linux-x86_64-v7.0.2"
    program.write_bytes(b"\x7fELF")
    program.chmod(mode)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    return program


def test_a_frozen_app_must_run_its_own_executable_ffmpeg(tmp_path, monkeypatch) -> None:
    """imageio-ffmpeg falls back to a system ffmpeg: the bundle's smoke test must not."""
    assert export.bundled_ffmpeg_problem("/usr/bin/ffmpeg") is None  # from source
    program = _frozen_bundle(tmp_path, monkeypatch, 0o755)
    assert export.bundled_ffmpeg_problem(str(program)) is None
    assert "not the bundled" in export.bundled_ffmpeg_problem("/usr/bin/ffmpeg")
    assert "not the bundled" in export.bundled_ffmpeg_problem(None)
    program.chmod(0o644)
    problem = export.bundled_ffmpeg_problem(str(program))
    assert "is not executable (-rw-r--r--)" in problem
    program.unlink()
    assert "has no ffmpeg program" in export.bundled_ffmpeg_problem(str(program))


def test_the_video_check_fails_when_the_bundled_ffmpeg_lost_its_exec_bit(
    tmp_path, monkeypatch
) -> None:
    _frozen_bundle(tmp_path, monkeypatch, 0o644)
    with pytest.raises(RuntimeError, match="not executable"):
        self_check.check_video()
    # The File > Export menu and the recorder say the same instead of "pip install".
    monkeypatch.setattr(export, "ffmpeg_path", lambda: None)
    with pytest.raises(export.ExportError, match=r"is not executable .*: reinstall RNN Studio"):
        export.check_mp4()
