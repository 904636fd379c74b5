"""Where user files live and how they are written: atomically, with backups, no pickle.

Every file the app writes for the user (settings, learner progress, sessions, autosaves) goes
through :func:`atomic_write_bytes` so that a crash mid-write never leaves a half-written file,
and a file that cannot be read is moved aside with :func:`backup_corrupt` rather than lost.

Set the environment variable ``RNN_STUDIO_HOME`` to redirect every user folder (tests do).
"""

from __future__ import annotations

import os
from pathlib import Path

from rnn_studio.atomic_files import (
    atomic_write_bytes,
    atomic_write_json,
    atomic_write_text,
    backup_corrupt,
)

__all__ = [
    "APP_NAME",
    "HOME_VARIABLE",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "backup_corrupt",
    "user_config_dir",
    "user_data_dir",
]

APP_NAME = "rnn-studio"
HOME_VARIABLE = "RNN_STUDIO_HOME"


def user_data_dir() -> Path:
    """Return (and create) the folder for learner progress, sessions and autosaves."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        folder = Path(override) / "data"
    else:
        from platformdirs import user_data_path

        folder = user_data_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def user_config_dir() -> Path:
    """Return (and create) the folder for settings."""
    override = os.environ.get(HOME_VARIABLE)
    if override:
        folder = Path(override) / "config"
    else:
        from platformdirs import user_config_path

        folder = user_config_path(APP_NAME, appauthor=False)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
