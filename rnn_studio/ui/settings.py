"""The app's settings, remembered between runs in an INI file in the user's config folder.

Every setting is declared once, with its default, in :data:`DEFAULTS` (Orange style: the
window layout, the preferences of :mod:`rnn_studio.ui.preferences`, the tour) and read
through :func:`read_setting`, the one place a stored text becomes a bool, number or string.
The file is ``<user_config_dir>/settings.ini`` (:func:`rnn_studio.storage.user_config_dir`,
redirected by ``RNN_STUDIO_HOME`` in tests).
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from rnn_studio.safe_read import check_regular_file
from rnn_studio.storage import backup_corrupt, user_config_dir

SETTINGS_FILE = "settings.ini"
#: Largest settings file read (a real one is a few KB).
MAX_SETTINGS_BYTES = 1024 * 1024
#: Bump when the dock layout changes incompatibly: an old saved layout is then ignored.
LAYOUT_VERSION = 2  # 2: compact docks that fit 1280x720 at font x1.5

DEFAULTS: dict[str, Any] = {
    # The window layout (save_layout / restore_layout).
    "layout/version": LAYOUT_VERSION,
    "window/geometry": QByteArray(),
    "window/area": "Studio",
    "studio/dock_state": QByteArray(),
    # Preferences (rnn_studio.ui.preferences; the review limit is the Learn store's own).
    "appearance/theme": "system",
    "appearance/font_scale": 1.0,
    "presenter/font_scale": 1.6,
    # The panels presenter mode shows, by id (rnn_studio.studio_core.demo.STUDIO_PANELS).
    "presenter/panels": "unrolled,memory,gradients",
    "studio/default_cell": "rnn",
    "studio/default_hidden_size": 8,
    "studio/animation_speed": 5,
    "window/remember_layout": True,
    "session/restore_on_start": True,
    # Help: the first-run tour was dismissed.
    "help/tour_dismissed": False,
}


#: Dynamic property of the settings object: why the settings file was set aside, if it was.
PROBLEM_PROPERTY = "rnn_studio_problem"


def open_settings() -> QSettings:
    """Return the app's settings store (an INI file in the user's config folder).

    A file Qt cannot parse (or not an ordinary file) is moved aside and a fresh one is
    started; the settings object's ``rnn_studio_problem`` property then says so.
    """
    path = user_config_dir() / SETTINGS_FILE
    problem = ""
    try:
        if path.exists() or path.is_symlink():
            check_regular_file(path, MAX_SETTINGS_BYTES)
    except OSError as error:
        backup = backup_corrupt(path)
        problem = f"{SETTINGS_FILE}: {error}; it was kept as {backup.name}"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    settings.allKeys()  # Qt parses the file (and sets its status) on first use
    if settings.status() != QSettings.Status.NoError:
        del settings
        backup = backup_corrupt(path)
        problem = f"{SETTINGS_FILE} could not be read; it was kept as {backup.name}"
        settings = QSettings(str(path), QSettings.Format.IniFormat)
    if problem:
        settings.setProperty(PROBLEM_PROPERTY, problem + " and the defaults are used")
    return settings


def read_setting(settings: QSettings, key: str) -> Any:
    """Read ``key`` as the type of its default; a missing or unreadable value is the default.

    An INI file stores text: ``"true"``, ``"1"`` and ``"yes"`` read as True for a bool; a
    number is read through ``float`` (so ``"5.0"`` is 5 for a whole-number setting).
    """
    return convert_setting(stored_setting(settings, key), DEFAULTS[key])


def stored_setting(settings: QSettings, key: str) -> object:
    """What the file holds for ``key`` before conversion (its default when absent)."""
    return settings.value(key, DEFAULTS[key])


def convert_setting(raw: object, default: Any) -> Any:
    """``raw`` (as stored) as the type of ``default``, or ``default`` when it cannot be."""
    if isinstance(default, bool):
        return str(raw).lower() in ("1", "true", "yes")
    if isinstance(default, QByteArray):
        return raw if isinstance(raw, QByteArray) else default
    if isinstance(default, (int, float)):
        try:
            number = float(str(raw)[:40])
            if not math.isfinite(number):
                return default
            return int(number) if isinstance(default, int) else number
        except (TypeError, ValueError, OverflowError):
            return default
    return str(raw)


def save_layout(settings: QSettings, window: QMainWindow, studio: QMainWindow, area: str) -> None:
    """Store the outer window's geometry, the studio's dock layout and the open area."""
    settings.setValue("layout/version", LAYOUT_VERSION)
    settings.setValue("window/geometry", window.saveGeometry())
    # The user's own arrangement, not the one a large font needs (StudioArea.base_state).
    base_state = getattr(studio, "base_state", None)
    state = base_state() if callable(base_state) else studio.saveState(LAYOUT_VERSION)
    settings.setValue("studio/dock_state", state)
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
