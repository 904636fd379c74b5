"""Help: keyboard shortcuts, the first-run tour (dismissible for good), About and licences."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

from rnn_studio import __version__
from rnn_studio.ui.help import (
    TOUR_PAGES,
    AboutDialog,
    ShortcutsDialog,
    TourDialog,
    about_html,
    tour_dismissed,
)
from rnn_studio.ui.settings import open_settings


def test_shortcuts_dialog_shows_the_rows_it_is_given(qtbot):
    rows = [("F5", "Presenter mode"), ("B / .", "Blank the screen")]
    dialog = ShortcutsDialog(rows)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(rows)
    shown = [
        (dialog.table.item(row, 0).text(), dialog.table.item(row, 1).text())
        for row in range(dialog.table.rowCount())
    ]
    assert shown == rows


def test_listed_menu_shortcuts_exist(classroom):
    window, _features = classroom()
    bound = {action.shortcut().toString() for action in window.actions()}
    for keys in ("F5", "F1", "Ctrl+S", "Ctrl+Shift+S", "Ctrl+O", "Ctrl+,"):
        assert QKeySequence(keys).toString() in bound, keys


def test_tour_pages_and_dismissal_for_good(classroom, qtbot):
    window, features = classroom()
    tour = features.maybe_show_tour()
    assert tour is not None and tour.isVisible()
    assert tour.pages.count() == len(TOUR_PAGES)
    tour.next_button.click()
    assert tour.pages.currentIndex() == 1 and tour.back_button.isEnabled()
    for _ in range(len(TOUR_PAGES)):
        tour.next_button.click()
    assert not tour.isVisible()  # "Done" on the last page closes it
    assert not tour_dismissed(open_settings())  # not ticked: shown again next time
    again = features.maybe_show_tour()
    again.dismiss_box.setChecked(True)
    again.close_button.click()
    assert tour_dismissed(open_settings())
    assert features.maybe_show_tour() is None
    window.close()
    _second, features2 = classroom()
    assert features2.maybe_show_tour() is None


def test_tour_can_be_reopened_from_the_menu(classroom):
    _window, features = classroom()
    dialog = TourDialog(_window.settings)
    dialog.dismiss_box.setChecked(True)
    dialog.accept()
    features.actions["action_tour"].trigger()
    tours = [w for w in _window.findChildren(TourDialog) if w.isVisible()]
    assert tours


def test_about_names_version_and_licences(qtbot):
    html = about_html()
    assert __version__ in html
    for name, licence in (
        ("PySide6", "LGPL-3.0"),
        ("pyqtgraph", "MIT"),
        ("numpy", "BSD-3-Clause"),
        ("platformdirs", "MIT"),
        ("pillow", "MIT-CMU"),  # missing before: the GIF export's library
    ):
        assert name.lower() in html.lower() and licence in html
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert "LGPLv3" in dialog.text.toPlainText()
