"""The Glossary page: search as you type, the matching terms, and the chosen definition.

The definition pane shows the one-sentence definition, the longer explanation, related terms
as links and, when the entry has one, a "Show me" link and button that set up the studio.
Preview on its own: ``python -m rnn_studio.ui.learn.glossary_view``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn import lesson_html
from rnn_studio.learn.content import Content, GlossaryEntry, search_glossary
from rnn_studio.learn.markup import plain_text
from rnn_studio.learn.speech import spoken
from rnn_studio.ui.learn.browser import LearnBrowser
from rnn_studio.ui.learn.read_aloud import ReadAloudButton, SpeechEngine


class _SearchBox(QLineEdit):
    """A search field whose ↓ key moves into the result list."""

    def __init__(self, results: QListWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._results = results

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and self._results.count():
            self._results.setFocus()
            if self._results.currentRow() < 0:
                self._results.setCurrentRow(0)
            return
        super().keyPressEvent(event)


class GlossaryView(QWidget):
    """Search and read the glossary.

    Parameters
    ----------
    content : Content
    speech : SpeechEngine
    parent : QWidget, optional
    """

    demo_clicked = Signal(str)

    def __init__(self, content: Content, speech: SpeechEngine, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("glossary_view")
        self.setAccessibleName("Glossary")
        self.content = content
        self.glossary = content.glossary
        self._entry: GlossaryEntry | None = None

        self.results = QListWidget(self)
        self.results.setObjectName("glossary_results")
        self.results.setAccessibleName("Matching terms")
        self.results.setToolTip("Terms matching the search; ↑/↓ to choose")
        self.results.setWordWrap(True)  # long terms wrap at projector font sizes
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.currentItemChanged.connect(self._result_chosen)
        self.search = _SearchBox(self.results, self)
        self.search.setObjectName("glossary_search")
        self.search.setAccessibleName("Search the glossary")
        self.search.setPlaceholderText("Search terms…")
        self.search.setToolTip("Type part of a term, an alias or a word from a definition")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.filter)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("glossary_count")
        self.count_label.setAccessibleName("Number of matching terms")

        self.definition = LearnBrowser("glossary_definition", "Definition", self)
        self.definition.term_clicked.connect(self.show_entry)
        self.definition.demo_clicked.connect(self.demo_clicked)
        self.show_me = QPushButton("▶ Show me in the studio", self)
        self.show_me.setObjectName("glossary_show_me")
        self.show_me.setAccessibleName("Show me in the studio")
        self.show_me.clicked.connect(self._show_me)
        self.read_aloud = ReadAloudButton(speech, self.read_aloud_text, "glossary_read_aloud", self)
        self.back_button = QPushButton("← Back", self)
        self.back_button.setObjectName("glossary_back")
        self.back_button.setAccessibleName("Back to where you were reading")
        self.back_button.setToolTip("Return to the page the link came from (Alt+Left)")
        self.back_button.setShortcut("Alt+Left")
        self.back_button.setVisible(False)

        left = QWidget(self)
        left.setObjectName("glossary_search_pane")
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.search)
        left_column.addWidget(self.results, 1)
        left_column.addWidget(self.count_label)
        right = QWidget(self)
        right.setObjectName("glossary_entry_pane")
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.show_me)
        buttons.addStretch(1)
        buttons.addWidget(self.read_aloud)
        right_column.addLayout(buttons)
        right_column.addWidget(self.definition, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("glossary_splitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 870])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setFocusProxy(self.search)
        self.filter("")

    # --- public -------------------------------------------------------------------------
    def filter(self, query: str) -> None:
        """List the entries matching ``query`` (best first) and show the first one."""
        matches = search_glossary(query, self.glossary)
        self.results.blockSignals(True)
        self.results.clear()
        for entry in matches:
            item = QListWidgetItem(entry.term)
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setToolTip(plain_text(entry.definition))
            self.results.addItem(item)
        self.results.blockSignals(False)
        total = len(self.glossary)
        self.count_label.setText(
            f"{len(matches)} of {total} terms" if query.strip() else f"{total} terms"
        )
        if matches:
            self.show_entry(matches[0].id)
        else:
            self._entry = None
            self.definition.set_body(f"<p>No term matches “{_escape(query)}”.</p>")
            self.show_me.setEnabled(False)

    def matching_terms(self) -> list[str]:
        """The ids listed under the search box, in order."""
        return [
            str(self.results.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.results.count())
        ]

    def current_entry(self) -> GlossaryEntry | None:
        """The entry in the definition pane."""
        return self._entry

    def show_entry(self, term: str) -> None:
        """Show the entry called ``term`` (id, term or alias); unknown names are ignored."""
        entry = self.glossary.get(term)
        if entry is None:
            return
        if entry.id not in self.matching_terms():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.filter("")
        self._entry = entry
        row = self.matching_terms().index(entry.id)
        self.results.blockSignals(True)
        self.results.setCurrentRow(row)
        self.results.blockSignals(False)
        self.definition.set_body(
            lesson_html.glossary_entry_html(entry, self.glossary, self.content.demos)
        )
        has_demo = entry.demo is not None
        self.show_me.setEnabled(has_demo)
        self.show_me.setToolTip(
            f"Set up the studio: {plain_text(self.content.demos[entry.demo].title)}"
            if entry.demo is not None
            else "This term has no studio demo"
        )

    def read_aloud_text(self) -> str:
        """The term, its definition and explanation, as the speech engine should say them."""
        entry = self._entry
        if entry is None:
            return ""
        parts = [entry.term, entry.definition, entry.explanation]
        return "\n\n".join(spoken(part) for part in parts)

    # --- internals ----------------------------------------------------------------------
    def _result_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        if item is not None:
            self.show_entry(str(item.data(Qt.ItemDataRole.UserRole)))

    def _show_me(self) -> None:
        if self._entry is not None and self._entry.demo is not None:
            self.demo_clicked.emit(self._entry.demo)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    from rnn_studio.ui.learn.preview import preview_page

    raise SystemExit(preview_page("glossary"))
