"""Settings: every default declared once, every stored text read by one converter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings

from rnn_studio.ui.preferences import KEYS, Preferences
from rnn_studio.ui.settings import DEFAULTS, convert_setting, read_setting

UI = Path(__file__).resolve().parents[2] / "rnn_studio" / "ui"


def test_every_stored_preference_has_its_default_in_the_one_dict() -> None:
    defaults = Preferences()
    for name, key in KEYS.items():
        assert getattr(defaults, name) == DEFAULTS[key], name


def test_only_the_settings_module_reads_stored_values() -> None:
    readers = [
        path.relative_to(UI).as_posix()
        for path in UI.rglob("*.py")
        if re.search(r"settings\.value\(", path.read_text(encoding="utf-8"))
    ]
    assert readers == ["settings.py"]


def test_every_default_is_read_by_someone() -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in UI.rglob("*.py"))
    for key in DEFAULTS:
        uses = source.count(f'"{key}"')
        assert uses >= 2, f"{key} is declared but never read or written"


@pytest.mark.parametrize(
    ("raw", "default", "expected"),
    [
        ("true", False, True),
        ("1", False, True),
        ("yes", False, True),
        ("false", True, False),
        ("0", True, False),
        ("5.0", 8, 5),
        ("12", 8, 12),
        ("not a number", 8, 8),
        ("1e999", 8, 8),  # float("1e999") is inf: int(inf) overflows
        ("1.25", 1.0, 1.25),
        ("nonsense", 1.0, 1.0),
        ("dark", "system", "dark"),
        ("garbage", QByteArray(), QByteArray()),
    ],
)
def test_stored_text_converts_to_the_default_type(raw, default, expected) -> None:
    value = convert_setting(raw, default)
    assert value == expected and type(value) is type(expected)


def test_a_missing_key_reads_as_its_default(tmp_path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert read_setting(settings, "studio/animation_speed") == 5
    settings.setValue("studio/animation_speed", "10")
    assert read_setting(settings, "studio/animation_speed") == 10
