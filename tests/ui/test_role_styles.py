"""Style sheets name their colours by palette role and follow every theme switch exactly."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import QLabel

from rnn_studio.ui.theme import PALETTES, apply_theme, current_palette, set_role_style

UI = Path(__file__).resolve().parents[2] / "rnn_studio" / "ui"


def test_a_role_style_is_filled_for_each_theme_and_back(qapp) -> None:
    before = current_palette().name
    label = QLabel("Numerical warning")
    try:
        set_role_style(label, "background: $warning_background; color: $warning_text;")
        for name in ("dark", "high_contrast", "light", "dark"):
            apply_theme(name, qapp)
            palette = PALETTES[name]
            expected = f"background: {palette.warning_background}; color: {palette.warning_text};"
            assert label.styleSheet() == expected
        set_role_style(label, "")  # cleared: a later theme leaves it alone
        apply_theme("light", qapp)
        assert label.styleSheet() == ""
    finally:
        apply_theme(before, qapp)
        label.deleteLater()


def test_no_light_constant_is_left_for_sheets_to_write_and_nothing_rewrites_hex() -> None:
    # Widgets once wrote these light-theme colours into style sheets and the theme code found
    # and rewrote them with regexes; a sheet now names the role (set_role_style).
    theme = (UI / "theme.py").read_text(encoding="utf-8")
    for name in ("MUTED", "ERROR", "WARNING_BACKGROUND", "HIGHLIGHT", "HIGHLIGHT_FILL"):
        assert not re.search(rf"^{name} = ", theme, re.MULTILINE), name
    assert "import re\n" not in theme and "#6B6B6B" not in theme.upper()
    # One theme module: the old second one is gone.
    assert not (UI / "themes.py").exists()
