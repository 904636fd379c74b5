"""Preferences: theme, font scale, default model, animation speed, review limit, layout.

Each preference is stored under a settings key (:data:`KEYS`) whose default is declared once,
in :data:`rnn_studio.ui.settings.DEFAULTS`, and read through
:func:`rnn_studio.ui.settings.read_setting`; the review limit is the Learn area's own setting
and goes through
:meth:`rnn_studio.learn.progress.ProgressStore.set_new_cards_per_day`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn.progress import (
    DEFAULT_NEW_CARDS_PER_DAY,
    MAX_NEW_CARDS_PER_DAY,
    ProgressStore,
)
from rnn_studio.studio_core.demo import MAX_HIDDEN_SIZE, STUDIO_PANELS
from rnn_studio.ui.presenter import MAX_FONT_SCALE, MIN_FONT_SCALE
from rnn_studio.ui.settings import DEFAULTS, read_setting, stored_setting
from rnn_studio.ui.theme import THEME_LABELS

#: Stepper speeds offered (steps per second; 0 = as fast as the views draw).
SPEED_CHOICES = (1, 2, 5, 10, 30, 0)
EVERYDAY_MIN_SCALE = 0.75
#: The studio's panels as the presenter choice lists them.
PANEL_TITLES = {
    "unrolled": "Unrolled in time (the chain)",
    "memory": "Memory (hidden state heatmap)",
    "gradients": "Gradient decay",
    "gates": "Gates",
    "cell": "Inside the cell",
    "equations": "Equations",
    "code": "Code",
    "outputs": "Outputs",
    "stepper": "Stepper",
    "sequence": "Sequence",
    "model": "Model",
}


def panel_ids(text: str) -> tuple[str, ...]:
    """``"unrolled,memory"`` as ``("unrolled", "memory")`` (blanks and repeats dropped)."""
    ids = [part.strip() for part in str(text).split(",")]
    return tuple(dict.fromkeys(part for part in ids if part))


CELL_LABELS = {"rnn": "Vanilla RNN", "lstm": "LSTM", "gru": "GRU", "compare": "Compare all three"}


@dataclass(frozen=True)
class Preferences:
    """The user's preferences (defaults: :data:`rnn_studio.ui.settings.DEFAULTS`).

    Attributes
    ----------
    theme : str
        ``"system"``, ``"light"``, ``"dark"`` or ``"high_contrast"``.
    font_scale : float
        Everyday font scale (1.0 = the platform's size).
    presenter_font_scale : float
        Font scale in presenter mode.
    presenter_panels : str
        The panels presenter mode shows, ids separated by commas (see :func:`panel_ids`).
    default_cell : str
        Cell of a new session: ``"rnn"``, ``"lstm"``, ``"gru"`` or ``"compare"``.
    default_hidden_size : int
        Hidden units of a new session.
    animation_speed : int
        Stepper speed in steps per second (0 = as fast as possible).
    new_cards_per_day : int
        Review limit: new flashcards introduced per day (stored by the Learn area).
    remember_layout : bool
        Restore the window size and panel layout on start.
    restore_session : bool
        Reopen the last session (the autosave) on start.
    """

    theme: str = DEFAULTS["appearance/theme"]
    font_scale: float = DEFAULTS["appearance/font_scale"]
    presenter_font_scale: float = DEFAULTS["presenter/font_scale"]
    presenter_panels: str = DEFAULTS["presenter/panels"]
    default_cell: str = DEFAULTS["studio/default_cell"]
    default_hidden_size: int = DEFAULTS["studio/default_hidden_size"]
    animation_speed: int = DEFAULTS["studio/animation_speed"]
    new_cards_per_day: int = DEFAULT_NEW_CARDS_PER_DAY
    remember_layout: bool = DEFAULTS["window/remember_layout"]
    restore_session: bool = DEFAULTS["session/restore_on_start"]

    def __post_init__(self) -> None:
        if self.theme not in THEME_LABELS:
            raise ValueError(f"theme must be one of {', '.join(THEME_LABELS)}, got {self.theme!r}")
        if not EVERYDAY_MIN_SCALE <= self.font_scale <= MAX_FONT_SCALE:
            raise ValueError(f"font scale must be from 0.75 to {MAX_FONT_SCALE}")
        if not MIN_FONT_SCALE <= self.presenter_font_scale <= MAX_FONT_SCALE:
            raise ValueError(f"presenter font scale must be from 1 to {MAX_FONT_SCALE}")
        chosen = panel_ids(self.presenter_panels)
        if not chosen or any(panel not in STUDIO_PANELS for panel in chosen):
            raise ValueError(
                f"presenter panels must be one or more of {', '.join(STUDIO_PANELS)}, "
                f"separated by commas"
            )
        if self.default_cell not in CELL_LABELS:
            raise ValueError(f"default cell must be one of {', '.join(CELL_LABELS)}")
        if not 1 <= self.default_hidden_size <= MAX_HIDDEN_SIZE:
            raise ValueError(f"default hidden size must be from 1 to {MAX_HIDDEN_SIZE}")
        if self.animation_speed not in SPEED_CHOICES:
            raise ValueError(f"animation speed must be one of {SPEED_CHOICES}")
        if not 0 <= self.new_cards_per_day <= MAX_NEW_CARDS_PER_DAY:
            raise ValueError(f"new cards per day must be from 0 to {MAX_NEW_CARDS_PER_DAY}")


#: The settings key of each stored preference.
KEYS = {
    "theme": "appearance/theme",
    "font_scale": "appearance/font_scale",
    "presenter_font_scale": "presenter/font_scale",
    "presenter_panels": "presenter/panels",
    "default_cell": "studio/default_cell",
    "default_hidden_size": "studio/default_hidden_size",
    "animation_speed": "studio/animation_speed",
    "remember_layout": "window/remember_layout",
    "restore_session": "session/restore_on_start",
}


def read_preferences(settings: QSettings, progress: ProgressStore | None = None) -> Preferences:
    """Read the preferences; a missing or unusable value falls back to its default."""
    return read_preferences_checked(settings, progress)[0]


def read_preferences_checked(
    settings: QSettings, progress: ProgressStore | None = None
) -> tuple[Preferences, list[str]]:
    """Read the preferences and say which stored values could not be used.

    One bad value (a hand-edited file: ``default_hidden_size=inf``,
    ``animation_speed=1e400``) must not stop the app or lose the other values: it falls back
    to its default, is written back as the default, and is named in the returned messages.
    """
    defaults = Preferences()
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, key in KEYS.items():
        default = getattr(defaults, name)
        raw = stored_setting(settings, key)
        values[name] = read_setting(settings, key)
        try:
            Preferences(**{**asdict(defaults), name: values[name]})
            unusable = values[name] == default and str(raw) != str(default)
            unusable = unusable and not isinstance(default, bool)
        except ValueError:
            unusable = True
        if unusable:
            values[name] = default
            problems.append(
                f"settings: {key} = {str(raw)[:40]!r} could not be used; "
                f"the default {default!r} is used instead"
            )
            settings.setValue(key, default)
    store = progress if progress is not None else ProgressStore()
    values["new_cards_per_day"] = store.new_cards_per_day
    if problems:
        settings.sync()
    return Preferences(**values), problems


def write_preferences(
    settings: QSettings, preferences: Preferences, progress: ProgressStore | None = None
) -> None:
    """Store ``preferences`` (the review limit through the Learn progress store)."""
    for name, key in KEYS.items():
        settings.setValue(key, getattr(preferences, name))
    settings.sync()
    store = progress if progress is not None else ProgressStore()
    if store.new_cards_per_day != preferences.new_cards_per_day:
        store.set_new_cards_per_day(preferences.new_cards_per_day)


class PreferencesDialog(QDialog):
    """Edit :class:`Preferences`; :meth:`preferences` returns what the dialog shows.

    Parameters
    ----------
    preferences : Preferences
        The values to start from.
    """

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle("Preferences")
        self._start = preferences
        form = QFormLayout()
        theme_tip = "Colours of the whole app; the system setting by default"
        self.theme_box = self._combo("pref_theme", THEME_LABELS, preferences.theme, theme_tip)
        form.addRow("&Theme:", self.theme_box)
        self.font_scale_box = self._scale(
            "pref_font_scale", preferences.font_scale, "Size of all text (1.0 = normal)"
        )
        form.addRow("&Text size:", self.font_scale_box)
        self.presenter_scale_box = self._scale(
            "pref_presenter_font_scale",
            preferences.presenter_font_scale,
            "Size of all text in presenter mode (F5), plot labels included",
        )
        form.addRow("&Presenter text size:", self.presenter_scale_box)
        self.presenter_panels_list = QListWidget(self)
        self.presenter_panels_list.setObjectName("pref_presenter_panels")
        self.presenter_panels_list.setToolTip(
            "The panels presenter mode (F5) shows, each big enough to read from the back "
            "(Space ticks the panel under the cursor)"
        )
        chosen = panel_ids(preferences.presenter_panels)
        for panel_id in STUDIO_PANELS:
            item = QListWidgetItem(PANEL_TITLES.get(panel_id, panel_id))
            item.setData(Qt.ItemDataRole.UserRole, panel_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = panel_id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.presenter_panels_list.addItem(item)
        rows = min(len(STUDIO_PANELS), 6)
        self.presenter_panels_list.setFixedHeight(
            self.presenter_panels_list.sizeHintForRow(0) * rows + 6
        )
        form.addRow("Presenter p&anels:", self.presenter_panels_list)
        self.cell_box = self._combo(
            "pref_default_cell", CELL_LABELS, preferences.default_cell, "Cell of a new session"
        )
        form.addRow("Default &cell:", self.cell_box)
        self.hidden_box = QSpinBox(self)
        self.hidden_box.setObjectName("pref_default_hidden_size")
        self.hidden_box.setRange(1, MAX_HIDDEN_SIZE)
        self.hidden_box.setValue(preferences.default_hidden_size)
        self.hidden_box.setToolTip("Hidden units of a new session")
        form.addRow("Default &hidden size:", self.hidden_box)
        speeds = {str(speed): f"{speed} steps/s" if speed else "Max" for speed in SPEED_CHOICES}
        speed = str(preferences.animation_speed)
        self.speed_box = self._combo("pref_animation_speed", speeds, speed, "Stepper speed")
        form.addRow("&Animation speed:", self.speed_box)
        self.cards_box = QSpinBox(self)
        self.cards_box.setObjectName("pref_new_cards_per_day")
        self.cards_box.setRange(0, MAX_NEW_CARDS_PER_DAY)
        self.cards_box.setValue(preferences.new_cards_per_day)
        self.cards_box.setToolTip("Flashcards: how many new cards a day's review introduces")
        form.addRow("&New cards per day:", self.cards_box)
        self.layout_box = self._check(
            "pref_remember_layout",
            "Remember the window size and panel layout",
            preferences.remember_layout,
        )
        form.addRow("", self.layout_box)
        self.restore_box = self._check(
            "pref_restore_session", "Reopen the last session on start", preferences.restore_session
        )
        form.addRow("", self.restore_box)
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item is not None else None
            field = field_item.widget() if field_item is not None else None
            if isinstance(label, QLabel) and field is not None:
                label.setBuddy(field)
                field.setAccessibleName(label.text().replace("&", "").rstrip(":"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("pref_buttons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(buttons)

    def _combo(self, name: str, labels: dict[str, str], current: str, tip: str) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        for value, label in labels.items():
            box.addItem(label, value)
        box.setCurrentIndex(max(box.findData(current), 0))
        box.setToolTip(tip)
        return box

    def _scale(self, name: str, value: float, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setObjectName(name)
        box.setRange(EVERYDAY_MIN_SCALE, MAX_FONT_SCALE)
        box.setSingleStep(0.1)
        box.setDecimals(2)
        box.setSuffix("×")
        box.setValue(value)
        box.setToolTip(tip)
        return box

    def _check(self, name: str, text: str, checked: bool) -> QCheckBox:
        box = QCheckBox(text, self)
        box.setObjectName(name)
        box.setChecked(checked)
        box.setToolTip(text)
        return box

    def preferences(self) -> Preferences:
        """The preferences as the dialog shows them."""
        return replace(
            self._start,
            theme=str(self.theme_box.currentData()),
            font_scale=round(self.font_scale_box.value(), 2),
            presenter_font_scale=max(MIN_FONT_SCALE, round(self.presenter_scale_box.value(), 2)),
            presenter_panels=self.chosen_presenter_panels() or self._start.presenter_panels,
            default_cell=str(self.cell_box.currentData()),
            default_hidden_size=self.hidden_box.value(),
            animation_speed=int(self.speed_box.currentData()),
            new_cards_per_day=self.cards_box.value(),
            remember_layout=self.layout_box.isChecked(),
            restore_session=self.restore_box.isChecked(),
        )

    def chosen_presenter_panels(self) -> str:
        """The ticked presenter panels, as stored ("" if none is ticked)."""
        chosen = []
        for row in range(self.presenter_panels_list.count()):
            item = self.presenter_panels_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return ",".join(chosen)


def preference_names() -> tuple[str, ...]:
    """Field names of :class:`Preferences`."""
    return tuple(f.name for f in fields(Preferences))
