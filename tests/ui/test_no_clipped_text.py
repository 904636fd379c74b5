"""No clipped text at 1280×720: every label, button and hint shows its whole text (or a
folded hint ends in "… ?" and the "?" opens the rest), plot labels fit their axes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from rnn_studio.state.session import StudioSession
from rnn_studio.studio_core.demo import DemoSetup
from rnn_studio.ui.widgets.hint import ELLIPSIS, MORE_HREF, MORE_TEXT, HintLabel, plain_text
from tests.ui.conftest import drawn, refitted
from tests.ui.text_heights import colour_bar_labels_outside, on_screen


def plain(rich: str) -> str:
    document = QTextDocument()
    document.setHtml(rich)
    return document.toPlainText()


def clipped_texts(root: QWidget) -> list[tuple[str, str, int, int]]:
    """(name, text, needed, available) of every label or button on screen whose text is
    wider (or, wrapped, taller) than the room it has."""
    found = []
    for widget in root.findChildren(QWidget):
        if not on_screen(widget):
            continue
        if isinstance(widget, QLabel) and widget.text().strip() and widget.pixmap().isNull():
            text = widget.text()
            rich = widget.textFormat() == Qt.TextFormat.RichText or (
                widget.textFormat() == Qt.TextFormat.AutoText and "<" in text
            )
            shown = plain(text) if rich else text
            room = widget.contentsRect()
            if widget.wordWrap():
                # (A label's height for width counts its margins: a style sheet's padding.)
                needed = widget.heightForWidth(widget.width())
                if needed > widget.height() + 1:
                    found.append((widget.objectName(), shown[:40], needed, widget.height()))
            else:
                needed = max(
                    widget.fontMetrics().horizontalAdvance(line) for line in shown.split("\n")
                )
                if needed > room.width() + 1:
                    found.append((widget.objectName(), shown[:40], needed, room.width()))
        elif isinstance(widget, QAbstractButton) and widget.text().strip():
            text = widget.text().replace("&", "")
            needed = widget.fontMetrics().horizontalAdvance(text)
            if needed > widget.width() - 4:
                found.append((widget.objectName(), text, needed, widget.width()))
    return found


@pytest.mark.parametrize("cell", ["lstm", "compare"])
def test_no_label_or_button_is_cut_in_the_studio_at_1280_by_720(classroom, qtbot, cell) -> None:
    setup = DemoSetup(text="hi there, this is long", mode="chars", cell=cell, cursor=3)
    window, _ = classroom(StudioSession(setup))
    window.session.backprop()
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    assert not clipped_texts(window)


def test_a_sequence_error_is_shown_whole(classroom, qtbot) -> None:
    window, _ = classroom()
    window.session.set_text("a " * 1200)  # more words than the studio takes
    window.executor.wait_idle()
    qtbot.waitUntil(lambda: bool(window.session.error), timeout=3000)
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    error = window.studio.sequence.error_label
    assert error.isVisible()
    assert not clipped_texts(window.studio.sequence)


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_a_folded_hint_ends_in_a_question_mark_that_opens_the_rest(classroom, qtbot, scale):
    from rnn_studio.ui.theme import apply_font_scale

    window, _ = classroom(StudioSession(DemoSetup(text="not bad", mode="words", cell="lstm")))
    apply_font_scale(QApplication.instance(), scale)
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    folded = [h for h in window.findChildren(HintLabel) if on_screen(h) and h.folded]
    assert folded  # at 1280×720 some hints have no room for their whole text
    for hint in folded:
        shown = plain(hint.text())
        assert shown.endswith(f"{ELLIPSIS} {MORE_TEXT}"), shown
        assert hint.fontMetrics().horizontalAdvance(shown) <= hint.contentsRect().width()
        assert MORE_HREF in hint.text()
    hint = folded[0]
    hint.linkActivated.emit(MORE_HREF)  # what a click or Enter on the "?" does
    balloons = [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and type(w).__name__ != "MainWindow" and w.inherits("QWidget")
    ]
    assert balloons  # the whole hint, in a balloon
    QApplication.sendPostedEvents()
    for balloon in balloons:
        balloon.close()
    assert plain_text(hint.source).split()[-1]  # sanity: the source has text


def test_the_tour_shows_its_buttons_whole(classroom, qtbot) -> None:
    _window, features = classroom()
    tour = features.show_tour()
    qtbot.waitExposed(tour)
    for _ in range(tour.pages.count()):
        assert not clipped_texts(tour)
        tour.next_button.click() if tour.next_button.text() != "Done" else None
    assert tour.next_button.text() == "Done"
    assert not clipped_texts(tour)
    tour.close()


def test_a_two_line_show_me_title_is_shown_whole_at_a_projector_font(classroom, qtbot) -> None:
    from rnn_studio.ui.theme import apply_font_scale
    from rnn_studio.ui.widgets.showme_banner import ShowMe

    window, _ = classroom(StudioSession(DemoSetup(text="not bad", mode="words", cell="lstm")))
    apply_font_scale(QApplication.instance(), 1.5)
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    show = ShowMe(
        title="Why the gradient vanishes over a hundred steps of a vanilla RNN with tanh",
        description="Watch the gradient curve fall to the left: each step back multiplies it.",
        panel_id="gradients",
        back_label="the lesson",
    )
    window.studio.show_me(show)
    qtbot.waitUntil(lambda: refitted(window), timeout=8000)
    banner = window.studio.showme_banner
    title = banner.title
    assert title.heightForWidth(title.width()) > title.fontMetrics().lineSpacing() * 1.5  # 2 lines
    assert not clipped_texts(banner)


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_the_colour_bar_ends_are_labelled_whole(classroom, qtbot, scale) -> None:
    from rnn_studio.ui.theme import apply_font_scale

    window, _ = classroom(StudioSession(DemoSetup(text="not bad", mode="words", cell="lstm")))
    apply_font_scale(QApplication.instance(), scale)
    qtbot.waitUntil(lambda: drawn(window), timeout=8000)
    assert not colour_bar_labels_outside(window.studio.memory)
