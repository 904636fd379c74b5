"""The unrolled chain keeps its fonts (per font), elided tokens and arrow shapes between paints:
after stepping, or with new tokens, it draws exactly what a chain drawn with nothing kept draws."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QGraphicsRectItem

from rnn_studio.learn.presets import builtin_presets
from rnn_studio.state.session import StudioSession
from rnn_studio.ui.panels.unrolled import UnrolledPanel
from rnn_studio.ui.widgets import chain
from rnn_studio.ui.widgets.chain import BOX_WIDTH, HEIGHT, PITCH, CellItem
from tests.ui.conftest import show_panel


def preset_setup(**changes):
    preset = next(p for p in builtin_presets() if p.preset_id == "vanishing-100")
    return dataclasses.replace(preset.setup, **changes)


def make_panel(qtbot, session: StudioSession) -> UnrolledPanel:
    return show_panel(qtbot, UnrolledPanel, session, 1000, 170)


def pixels(panel: UnrolledPanel) -> np.ndarray:
    image = panel.view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return data[:, : image.width() * 4].copy()


def forget_everything() -> None:
    """Drop what the chain keeps between paints, so the next paint makes it all afresh."""
    chain._CELL_FONTS.clear()
    chain._arrow_shape.cache_clear()


def drawn_afresh(qtbot, session: StudioSession) -> np.ndarray:
    forget_everything()
    panel = make_panel(qtbot, session)
    qtbot.wait(1)  # the panel's layout settles (its first viewport is a placeholder size)
    return pixels(panel)


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_stepping_draws_what_a_fresh_chain_draws(qtbot, cell) -> None:
    session = StudioSession(preset_setup(cell=cell))  # Backprop's gradient arrows shown
    panel = make_panel(qtbot, session)
    for t in range(1, 26):
        session.set_cursor(t)
        qtbot.wait(1)  # paint each step, as playing does
    stepped = pixels(panel)
    assert np.array_equal(stepped, drawn_afresh(qtbot, session))
    half = stepped.shape[1] // 2
    assert not np.array_equal(stepped[:, :half], stepped[:, half : 2 * half])  # drawn at all


def test_new_tokens_draw_what_a_fresh_chain_draws(qtbot) -> None:
    words = "the cat sat on an extraordinarily long mat said nobody at all"
    session = StudioSession(preset_setup(mode="words", text=words))
    panel = make_panel(qtbot, session)
    session.set_cursor(5)
    qtbot.wait(1)
    first = pixels(panel)
    # Same length, other words: the cells are kept, each shows its new token.
    session.set_text(words.replace("cat", "dog").upper())
    session.set_cursor(5)
    qtbot.wait(1)
    renamed = pixels(panel)
    assert not np.array_equal(first, renamed)
    assert np.array_equal(renamed, drawn_afresh(qtbot, session))


def test_cell_fonts_are_kept_per_font() -> None:
    plain = QFont("DejaVu Sans")
    plain.setPointSizeF(13.0)  # any size: a cell draws at its own base size (zooming)
    italic = QFont(plain)
    italic.setItalic(True)
    fonts, slanted = chain.cell_fonts(plain), chain.cell_fonts(italic)
    assert chain.cell_fonts(QFont(plain)) is fonts  # an equal font: the same fonts
    assert slanted is not fonts
    assert not fonts.base.italic() and slanted.base.italic() and slanted.token_bold.italic()
    assert fonts.base.pointSizeF() == chain.BASE_POINT_SIZE
    assert fonts.token_bold.bold() and not fonts.token.bold()
    assert fonts.small.pointSizeF() == pytest.approx(chain.BASE_POINT_SIZE * 0.8)


def test_a_cells_bounds_are_qts_own() -> None:
    """Qt asks for a cell's bounds ~300 times a frame: no Python override answers."""
    assert CellItem.boundingRect is QGraphicsRectItem.boundingRect
    state = chain.ChainState()
    state.tokens = ("a", "b")
    rect = CellItem(0, state, lambda t: None).boundingRect()
    # The box, the arrow to the next cell and the token centred under the box, and a unit
    # round them (what the item cache kept when the cells were cached).
    assert (rect.left(), rect.top()) == ((BOX_WIDTH - PITCH) / 2 - 1, -1.0)
    assert (rect.width(), rect.height()) == (PITCH + (PITCH - BOX_WIDTH) / 2 + 2, HEIGHT + 2)
