"""Atomic writes, user folders and corrupt-file backups."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rnn_studio import storage


def test_user_folders_follow_the_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(storage.HOME_VARIABLE, str(tmp_path))
    assert storage.user_data_dir() == tmp_path / "data"
    assert storage.user_config_dir() == tmp_path / "config"
    assert (tmp_path / "data").is_dir()


def test_atomic_write_json_round_trips_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "progress.json"
    storage.atomic_write_json(target, {"schema_version": 1, "name": "höchst ✓"})
    assert json.loads(target.read_text(encoding="utf-8")) == {
        "schema_version": 1,
        "name": "höchst ✓",
    }
    assert sorted(p.name for p in target.parent.iterdir()) == ["progress.json"]


def test_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "settings.json"
    storage.atomic_write_json(target, {"version": 1})
    with pytest.raises(ValueError):
        storage.atomic_write_json(target, {"bad": float("nan")})
    assert json.loads(target.read_text(encoding="utf-8")) == {"version": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_backup_corrupt_moves_the_file_aside_without_losing_it(tmp_path: Path) -> None:
    target = tmp_path / "progress.json"
    target.write_text("{not json", encoding="utf-8")
    first = storage.backup_corrupt(target)
    target.write_text("{again", encoding="utf-8")
    second = storage.backup_corrupt(target)
    assert not target.exists()
    assert first != second
    assert first.read_text(encoding="utf-8") == "{not json"
    assert second.read_text(encoding="utf-8") == "{again"
    assert all(p.name.startswith("progress.json.corrupt-") for p in (first, second))


def test_atomic_write_replaces_in_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model.bin"
    calls: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy_replace(src: str, dst: str) -> None:
        calls.append((str(src), str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(storage.os, "replace", spy_replace)
    storage.atomic_write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert len(calls) == 1 and calls[0][1] == str(target)
