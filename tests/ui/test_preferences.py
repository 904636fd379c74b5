"""Preferences persist across a restart (settings in tmp_path) and apply to the running app."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QApplication

from rnn_studio.learn.progress import ProgressStore
from rnn_studio.ui.preferences import (
    Preferences,
    PreferencesDialog,
    read_preferences,
    write_preferences,
)
from rnn_studio.ui.settings import open_settings
from rnn_studio.ui.theme import current_palette


def test_preferences_persist_across_a_restart(classroom, tmp_path):
    window, features = classroom()
    chosen = Preferences(
        theme="dark",
        font_scale=1.25,
        presenter_font_scale=2.2,
        default_cell="gru",
        default_hidden_size=16,
        animation_speed=10,
        new_cards_per_day=3,
        remember_layout=True,
        restore_session=False,
    )
    features.save_preferences(chosen)
    assert window.learn.store.new_cards_per_day == 3  # the Learn area's own store, not a copy
    window.close()
    assert (tmp_path / "config" / "settings.ini").exists()

    second, again = classroom()
    assert again.preferences == chosen
    assert read_preferences(open_settings()) == chosen
    assert ProgressStore().new_cards_per_day == 3  # written through the Learn store's API
    assert current_palette().name == "dark"
    assert second.studio.stepper.speed_box.currentData() == 10
    assert again.presenter.font_scale == pytest.approx(2.2)
    base = QApplication.instance().property("rnn_studio_base_point_size")
    assert QApplication.instance().font().pointSizeF() == pytest.approx(base * 1.25)
    again.new_session()
    assert second.session.cell_kind == "gru" and second.session.hidden_size == 16


def test_defaults_when_nothing_is_stored(classroom):
    _window, features = classroom()
    assert features.preferences == Preferences()


def test_a_bad_stored_value_falls_back_but_keeps_the_others(tmp_path, monkeypatch, qapp):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    settings = open_settings()
    write_preferences(settings, Preferences(default_hidden_size=32, theme="light"))
    settings.setValue("appearance/theme", "neon")
    settings.setValue("appearance/font_scale", "huge")
    settings.sync()
    prefs = read_preferences(open_settings())
    assert prefs.theme == "system" and prefs.font_scale == 1.0
    assert prefs.default_hidden_size == 32


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("theme", "neon"),
        ("font_scale", 9.0),
        ("presenter_font_scale", 0.5),
        ("default_cell", "transformer"),
        ("default_hidden_size", 0),
        ("animation_speed", 7),
        ("new_cards_per_day", -1),
    ],
)
def test_invalid_preferences_are_refused(field, value):
    with pytest.raises(ValueError):
        replace(Preferences(), **{field: value})


def test_dialog_returns_what_it_shows(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    dialog = PreferencesDialog(Preferences())
    qtbot.addWidget(dialog)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("high_contrast"))
    dialog.font_scale_box.setValue(1.5)
    dialog.cell_box.setCurrentIndex(dialog.cell_box.findData("lstm"))
    dialog.hidden_box.setValue(24)
    dialog.speed_box.setCurrentIndex(dialog.speed_box.findData("30"))
    dialog.cards_box.setValue(7)
    dialog.layout_box.setChecked(False)
    prefs = dialog.preferences()
    assert prefs == replace(
        Preferences(),
        theme="high_contrast",
        font_scale=1.5,
        default_cell="lstm",
        default_hidden_size=24,
        animation_speed=30,
        new_cards_per_day=7,
        remember_layout=False,
    )
    for box in (dialog.theme_box, dialog.hidden_box, dialog.cards_box):
        assert box.accessibleName() and box.toolTip()


def test_forgetting_the_layout_starts_at_the_default_size(classroom):
    window, features = classroom()
    window.resize(900, 600)
    features.save_preferences(replace(features.preferences, remember_layout=False))
    window.close()
    second, _again = classroom()
    assert (second.width(), second.height()) == (1280, 720)


def test_a_new_text_size_restyles_only_when_the_theme_changes(classroom, qtbot, monkeypatch):
    """Saving preferences applies the theme only when it changes: a text size alone went
    through apply_theme first (every widget restyled to the same colours, ~0.5 s CPU with a
    window open). The size is applied either way, the colours stay or change as asked."""
    from rnn_studio.ui import menus
    from rnn_studio.ui.theme import theme_in_place
    from tests.ui.conftest import refitted

    window, features = classroom()
    app = QApplication.instance()
    applied: list[str] = []
    real = menus.apply_theme
    monkeypatch.setattr(menus, "apply_theme", lambda name: (applied.append(name), real(name))[1])
    theme = features.preferences.theme
    assert theme_in_place(theme)
    look = (app.palette(), app.styleSheet(), current_palette().name)
    base = app.property("rnn_studio_base_point_size")
    features.save_preferences(replace(features.preferences, font_scale=1.5))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    assert applied == []
    assert app.font().pointSizeF() == pytest.approx(base * 1.5)
    assert window.studio.font().pointSizeF() == pytest.approx(base * 1.5)
    assert (app.palette(), app.styleSheet(), current_palette().name) == look
    other = "dark" if current_palette().name != "dark" else "light"
    features.save_preferences(replace(features.preferences, theme=other, font_scale=1.0))
    assert applied == [other] and current_palette().name == other and theme_in_place(other)
    assert not theme_in_place(theme)
    features.save_preferences(replace(features.preferences, font_scale=2.0))
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    assert applied == [other] and current_palette().name == other
    assert app.font().pointSizeF() == pytest.approx(base * 2.0)
