"""Help: the keyboard shortcuts, a short first-run tour (dismissible for good), and About."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rnn_studio import __version__
from rnn_studio.ui.licences import bundled_libraries
from rnn_studio.ui.settings import read_setting

#: The first-run tour: (title, text) pages.
TOUR_PAGES = (
    (
        "Welcome to RNN Studio",
        "Watch a recurrent network read a sequence one step at a time. Everything you see "
        "is computed from the numbers, live; nothing is a canned animation.",
    ),
    (
        "Type a sequence, pick a cell",
        "On the left, type any text (or numbers) and choose a vanilla RNN, an LSTM, a GRU, "
        "or compare all three. The same seed always gives the same network.",
    ),
    (
        "Step through time",
        "Use the stepper (Space plays, the arrow keys step). The memory heatmap fills in, "
        "the gates light up, and the equations show the numbers of the current step. The "
        "status line at the bottom says what happens at this step in words.",
    ),
    (
        "Send the gradient back",
        "Press Backprop to see how much gradient reaches each earlier step: this is where "
        "vanishing and exploding gradients become visible.",
    ),
    (
        "Teaching with it",
        "F5 starts presenter mode (large text, clicker keys, B blanks the screen). Save a "
        "setup as a scene to replay it exactly in class; File → Export saves pictures, "
        "animations and the numbers.",
    ),
)

TOUR_DISMISSED_KEY = "help/tour_dismissed"


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts: a two-column table of ``rows`` (keys, what they do).

    The menus pass :func:`rnn_studio.ui.keyboard.shortcut_rows`, read from the shortcuts the
    window really has.
    """

    def __init__(self, rows: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = list(rows)
        self.table = QTableWidget(len(self.rows), 2, self)
        self.table.setObjectName("shortcuts_table")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setToolTip("Every keyboard shortcut of RNN Studio")
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, action) in enumerate(self.rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(action))
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 440)


class TourDialog(QDialog):
    """A short tour, one page at a time; "Don't show this again" dismisses it for good.

    Parameters
    ----------
    settings : QSettings
        Where the dismissal is remembered (:data:`TOUR_DISMISSED_KEY`).
    """

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tour_dialog")
        self.setWindowTitle("Welcome to RNN Studio")
        self.settings = settings
        self.pages = QStackedWidget(self)
        for title, text in TOUR_PAGES:
            page = QLabel(f"<h2>{title}</h2><p>{text}</p>", self)
            page.setWordWrap(True)
            page.setAlignment(Qt.AlignmentFlag.AlignTop)
            page.setAccessibleName(title)
            page.setAccessibleDescription(text)
            self.pages.addWidget(page)
        self.position = QLabel(self)
        self.position.setObjectName("tour_position")
        self.dismiss_box = QCheckBox("Don't show this again", self)
        self.dismiss_box.setObjectName("tour_dismiss")
        self.dismiss_box.setToolTip("The tour stays available in the Help menu")
        self.back_button = QPushButton("Back", self)
        self.back_button.setObjectName("tour_back")
        self.back_button.setToolTip("Previous page")
        self.next_button = QPushButton("Next", self)
        self.next_button.setObjectName("tour_next")
        self.next_button.setToolTip("Next page")
        self.close_button = QPushButton("Close", self)
        self.close_button.setObjectName("tour_close")
        self.close_button.setToolTip("Close the tour")
        self.back_button.clicked.connect(lambda: self.go(self.pages.currentIndex() - 1))
        self.next_button.clicked.connect(self._next)
        self.close_button.clicked.connect(self.accept)
        self.finished.connect(self._remember)
        row = QHBoxLayout()
        row.addWidget(self.dismiss_box)
        row.addStretch(1)
        row.addWidget(self.position)
        for button in (self.back_button, self.next_button, self.close_button):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(row)
        self.resize(560, 300)
        self.go(0)

    def go(self, index: int) -> None:
        """Show page ``index`` (clamped)."""
        index = max(0, min(index, self.pages.count() - 1))
        self.pages.setCurrentIndex(index)
        self.position.setText(f"{index + 1} / {self.pages.count()}")
        self.back_button.setEnabled(index > 0)
        last = index == self.pages.count() - 1
        self.next_button.setText("Done" if last else "Next")

    def _next(self) -> None:
        if self.pages.currentIndex() == self.pages.count() - 1:
            self.accept()
        else:
            self.go(self.pages.currentIndex() + 1)

    def _remember(self, *_: object) -> None:
        if self.dismiss_box.isChecked():
            self.settings.setValue(TOUR_DISMISSED_KEY, True)
            self.settings.sync()


def tour_dismissed(settings: QSettings) -> bool:
    """True once the learner ticked "Don't show this again"."""
    return bool(read_setting(settings, TOUR_DISMISSED_KEY))


def about_html() -> str:
    """The About text: version, what it runs on, and every bundled library's licence.

    The libraries are read from the installed packages (:mod:`rnn_studio.ui.licences`), so
    the list cannot fall behind the requirements.
    """
    rows = "".join(
        f"<tr><td>{escape(library.name)}</td><td>{escape(library.version)}</td>"
        f"<td>{escape(library.licence)}</td>"
        f"<td><a href='{escape(library.url)}'>{escape(library.url)}</a></td></tr>"
        for library in bundled_libraries()
    )
    return (
        f"<h2>RNN Studio {__version__}</h2>"
        "<p>An interactive studio for learning recurrent neural networks.</p>"
        f"<p>Python {platform.python_version()} · PySide6 {pyside_version}</p>"
        "<h3>Built with</h3>"
        "<table cellpadding='3'><tr><th align='left'>Library</th><th align='left'>Version</th>"
        f"<th align='left'>Licence</th><th align='left'>Home page</th></tr>{rows}</table>"
        "<p>PySide6 and shiboken6 (Qt for Python) are used under the GNU Lesser General "
        "Public License v3 (LGPLv3): you may replace the Qt libraries this app uses with "
        "your own build.</p>"
        "<p>imageio-ffmpeg brings the ffmpeg program that writes MP4 videos; that program is "
        "used under the GNU General Public License v3 (GPLv3), and its source is at "
        "<a href='https://ffmpeg.org'>https://ffmpeg.org</a>.</p>"
    )


class AboutDialog(QDialog):
    """Help → About: the version and every bundled library with its licence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("About RNN Studio")
        self.text = QTextBrowser(self)
        self.text.setObjectName("about_text")
        self.text.setAccessibleName("About RNN Studio")
        self.text.setToolTip("Version and licences")
        self.text.setOpenExternalLinks(True)
        self.text.setHtml(about_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(760, 520)
