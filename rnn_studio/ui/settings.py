"""The window layout, remembered between runs in an INI file in the user's config folder.

Settings are declared once in :data:`DEFAULTS` (Orange style) and read through
:func:`read_setting`; the file is ``<user_config_dir>/settings.ini``
(:func:`rnn_studio.storage.user_config_dir`, redirected by ``RNN_STUDIO_HOME`` in tests).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from rnn_studio.storage import user_config_dir

SETTINGS_FILE = "settings.ini"
#: Bump when the dock layout changes incompatibly: an old saved layout is then ignored.
LAYOUT_VERSION = 2  # 2: compact docks that fit 1280x720 at font x1.5

DEFAULTS: dict[str, Any] = {
    "layout/version": LAYOUT_VERSION,
    "window/geometry": QByteArray(),
    "window/area": "Studio",
    "studio/dock_state": QByteArray(),
    "studio/font_scale": 1.0,
}


def open_settings() -> QSettings:
    """Return the app's settings store (an INI file in the user's config folder)."""
    path = user_config_dir() / SETTINGS_FILE
    return QSettings(str(path), QSettings.Format.IniFormat)


def read_setting(settings: QSettings, key: str) -> Any:
    """Read ``key``, falling back to (and converting to the type of) its default."""
    default = DEFAULTS[key]
    value = settings.value(key, default)
    if isinstance(default, bool):
        return str(value).lower() in ("1", "true", "yes")
    if isinstance(default, (int, float)) and not isinstance(value, type(default)):
        try:
            return type(default)(value)
        except (TypeError, ValueError):
            return default
    if isinstance(default, QByteArray) and not isinstance(value, QByteArray):
        return default
    return value


def save_layout(settings: QSettings, window: QMainWindow, studio: QMainWindow, area: str) -> None:
    """Store the outer window's geometry, the studio's dock layout and the open area."""
    settings.setValue("layout/version", LAYOUT_VERSION)
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("studio/dock_state", studio.saveState(LAYOUT_VERSION))
    settings.setValue("window/area", area)
    settings.sync()


def restore_layout(settings: QSettings, window: QMainWindow, studio: QMainWindow) -> bool:
    """Restore what :func:`save_layout` stored; return False when there was nothing usable."""
    if read_setting(settings, "layout/version") != LAYOUT_VERSION:
        return False
    geometry = read_setting(settings, "window/geometry")
    state = read_setting(settings, "studio/dock_state")
    restored = False
    if not geometry.isEmpty():
        restored = window.restoreGeometry(geometry)
    if not state.isEmpty():
        restored = studio.restoreState(state, LAYOUT_VERSION) and restored
    return restored
