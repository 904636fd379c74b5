"""Playing faster than anyone reads, the Equations panel leaves the numbers out (and rewrites
nothing from step to step); paused, or playing slowly, it shows the step's numbers as before;
the highlighted equation stays the one the cell view computes."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.equations_html import (
    PLAYING_NOTE,
    equations_html,
    equations_parts,
    playing_parts,
)
from rnn_studio.ui.panels.cell import FAST_STEP_MS
from rnn_studio.ui.panels.equations import EquationsPanel
from rnn_studio.ui.theme import current_palette, step_text_colour
from tests.ui.conftest import show_panel


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def as_document(panel: EquationsPanel, html: str) -> str:
    """``html`` laid out the way the panel's browser would show it, as rich text."""
    reference = QTextDocument()
    reference.setDefaultFont(panel.browser.document().defaultFont())
    reference.setDefaultStyleSheet(panel.browser.document().defaultStyleSheet())
    reference.setHtml(html)
    return reference.toHtml()


def colours(panel: EquationsPanel) -> dict[str, object]:
    palette = current_palette()
    return {
        "step_colour": step_text_colour(palette),
        "busy_line": panel.busy_line,
        "busy_background": palette.spotlight_background,
        "busy_text": palette.spotlight_text,
    }


def step_document(panel: EquationsPanel, session: StudioSession) -> str:
    """The document with the current step's numbers (what a paused panel shows)."""
    run, t = session.run, session.cursor
    html = equations_html(session.shown, run.sequence, t, "tanh", **colours(panel))
    return as_document(panel, html)


def playing_document(panel: EquationsPanel, session: StudioSession) -> str:
    """The document while playing fast: the same at every step, the highlight kept."""
    run, t = session.run, session.cursor
    parts = equations_parts(session.shown, run.sequence, t, "tanh", **colours(panel))
    return as_document(panel, playing_parts(parts, session.shown.kind).html)


def make_panel(qtbot, cell: str = "lstm", hidden: int = 256):
    text = ", ".join(str(0.1 * i) for i in range(40))
    session = StudioSession(DemoSetup(text=text, mode="numbers", cell=cell, hidden_size=hidden))
    panel = show_panel(qtbot, EquationsPanel, session, 430, 300)
    clock = Clock()
    panel.clock = clock
    edits: list[str] = []
    document = panel.browser.document()
    document.contentsChanged.connect(lambda: edits.append(document.toPlainText()))
    return session, panel, clock, edits


def test_playing_fast_shows_the_equations_without_numbers_and_rewrites_nothing(qtbot) -> None:
    session, panel, clock, edits = make_panel(qtbot)
    panel.set_throttled(True)  # the stepper starts playing
    for t in (1, 2):
        clock.now += FAST_STEP_MS / 1000 / 4
        session.set_cursor(t)
    assert panel.playing_fast
    assert panel.browser.document().toHtml() == playing_document(panel, session)
    text = panel.browser.toPlainText()
    assert "LSTM, playing" in text and PLAYING_NOTE in text
    assert "‖·‖" not in text and "at step t =" not in text  # no step's numbers on show
    assert panel.highlighted_step() is None
    edits.clear()
    for t in range(3, 30):
        clock.now += FAST_STEP_MS / 1000 / 4
        session.set_cursor(t)
    qtbot.wait(2 * 250)  # longer than the throttled refresh: nothing is pending either
    assert edits == []
    # Paused: the step's numbers, the same document as a fresh one.
    panel.set_throttled(False)
    assert not panel.playing_fast
    assert panel.browser.document().toHtml() == step_document(panel, session)
    assert "at step t = 29," in panel.browser.toPlainText()
    assert panel.highlighted_step() == 29


def test_playing_slowly_still_shows_each_steps_numbers(qtbot) -> None:
    session, panel, clock, _edits = make_panel(qtbot, cell="gru", hidden=4)
    panel.set_throttled(True)
    for t in (1, 2, 3):
        clock.now += 2 * FAST_STEP_MS / 1000
        session.set_cursor(t)
        qtbot.waitUntil(lambda t=t: panel.highlighted_step() == t, timeout=2000)
        assert not panel.playing_fast
        assert panel.browser.document().toHtml() == step_document(panel, session)
    # Speeding up leaves the numbers out at once; slowing down again brings them back.
    clock.now += FAST_STEP_MS / 1000 / 4
    session.set_cursor(4)
    assert panel.playing_fast and PLAYING_NOTE in panel.browser.toPlainText()
    clock.now += 2 * FAST_STEP_MS / 1000
    session.set_cursor(5)
    assert not panel.playing_fast
    assert panel.browser.document().toHtml() == step_document(panel, session)


def test_the_highlight_follows_the_cell_view_while_playing_fast(qtbot) -> None:
    session, panel, clock, _edits = make_panel(qtbot)
    panel.set_throttled(True)
    for t in (1, 2):
        clock.now += FAST_STEP_MS / 1000 / 4
        session.set_cursor(t)
    panel.set_highlighted_line(4)  # the cell view computing c_t
    qtbot.waitUntil(lambda: 'class="eq busy"' in panel._parts.html, timeout=2000)
    assert panel.browser.document().toHtml() == playing_document(panel, session)
    busy = [
        block.text()
        for block in _blocks(panel.browser.document())
        if block.blockFormat().background().color() == _busy_colour()
    ]
    assert len(busy) == 1 and busy[0].startswith("ct = ft")
    panel.set_highlighted_line(-1)
    qtbot.waitUntil(lambda: 'class="eq busy"' not in panel._parts.html, timeout=2000)
    assert panel.browser.document().toHtml() == playing_document(panel, session)


def _blocks(document: QTextDocument):
    block = document.firstBlock()
    while block.isValid():
        yield block
        block = block.next()


def _busy_colour():
    from PySide6.QtGui import QColor

    return QColor(current_palette().spotlight_background)
