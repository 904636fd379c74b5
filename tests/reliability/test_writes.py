"""Issue 12 items 3 and 5: writes the user asked for are atomic, report failure, keep modes.

The full disk is real, not mocked: the subprocess runs with ``RLIMIT_FSIZE`` set below the
file's size (and ``SIGXFSZ`` ignored), so the kernel refuses the write with ``EFBIG`` exactly
where a full disk would refuse it with ``ENOSPC``.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnn_studio.atomic_files import (
    atomic_write_bytes,
    check_writable_target,
    clean_stale_temporaries,
)

ROOT = Path(__file__).resolve().parents[2]
LIMITED = r"""
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from rnn_studio.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


def cli(*args: str, file_limit: int | None = None, cwd: Path | None = None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    if file_limit is None:
        command = [sys.executable, "-m", "rnn_studio", *args]
    else:
        command = [sys.executable, "-c", LIMITED, str(file_limit), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, cwd=cwd)


def test_full_disk_export_reports_failure_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "x.png"
    first = cli("export", "--sequence", "not bad", "--out", str(target))
    assert first.returncode == 0, first.stderr
    good = target.read_bytes()
    assert len(good) > 4000
    full = cli(
        "export",
        "--sequence",
        "to be or not to be",
        "--cell",
        "lstm",
        "--out",
        str(target),
        file_limit=2000,
    )
    assert full.returncode == 1 and "wrote" not in full.stdout
    assert "x.png" in full.stderr and ".tmp" not in full.stderr, full.stderr
    assert target.read_bytes() == good  # the previous good file is intact
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_train_out_is_checked_before_training(tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    result = cli(
        "train", "--task", "memory", "--steps", "400", "--out", str(tmp_path / "afile" / "m.npz")
    )
    assert result.returncode == 1
    # Refused before a single update: training prints its "training ..." line first.
    assert "training" not in result.stdout
    assert "m.npz" in result.stderr or "afile" in result.stderr, result.stderr


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path, umask_022):
    from rnn_studio.engine.io import save_model
    from rnn_studio.engine.model import Model
    from rnn_studio.state.scenes import Scene, export_scene
    from rnn_studio.state.session import StudioSession
    from rnn_studio.state.session_file import capture_session, save_session
    from rnn_studio.studio_core.demo import DemoSetup

    session_path = save_session(tmp_path / "a.rnnsession", capture_session(StudioSession()))
    model = Model("rnn", input_size=3, hidden_size=4, output_size=3, seed=0)
    model_path = save_model(tmp_path / "m.npz", model)
    scene_path = export_scene(tmp_path / "s.rnnscene", Scene("s", DemoSetup(text="ab")))
    for path in (session_path, model_path, scene_path):
        assert mode(path) == 0o644, path  # 0o666 minus the umask
    os.chmod(session_path, 0o664)  # a shared classroom file
    save_session(session_path, capture_session(StudioSession()))
    assert mode(session_path) == 0o664  # kept when replaced
    atomic_write_bytes(tmp_path / "private.bin", b"x", private=True)
    assert mode(tmp_path / "private.bin") == 0o600


def test_cli_exports_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        result = cli("export", "--sequence", "ab", "--out", str(tmp_path / "t.csv"))
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert mode(tmp_path / "t.csv") == 0o644


def test_leftover_temporary_files_are_cleaned_but_fresh_ones_kept(tmp_path):
    stale = [tmp_path / f".progress.json.{i}abc.tmp" for i in range(36)]
    for path in stale:
        path.write_bytes(b"half")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    fresh = tmp_path / ".scenes.json.xyz.tmp"  # another window writing right now
    fresh.write_bytes(b"half")
    keep = tmp_path / "notes.tmp"  # not ours: no leading dot
    keep.write_bytes(b"mine")
    os.utime(keep, (time.time() - 3600, time.time() - 3600))
    removed = clean_stale_temporaries(tmp_path)
    assert len(removed) == 36 and fresh.exists() and keep.exists()


def test_check_writable_target_names_the_problem(tmp_path):
    with pytest.raises(OSError, match="does not exist"):
        check_writable_target(tmp_path / "missing" / "x.npz")
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError, match="not an ordinary file"):
        check_writable_target(tmp_path / "folder")
    assert check_writable_target(tmp_path / "ok.npz") == tmp_path / "ok.npz"
    assert not list(tmp_path.glob(".*.tmp"))
