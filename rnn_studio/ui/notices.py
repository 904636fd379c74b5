"""Messages built from data, shown as plain text: error dialogs and the start-up notice.

Text that comes from a file (a field, a file name, an error about either) may hold HTML; a
``QMessageBox`` or ``QLabel`` would render it, links included ("Click here to download the
repair tool" inside RNN Studio's own dialog). Every message here is set with
``Qt.TextFormat.PlainText``, so what the file says is shown, never obeyed.

The start-up notice is a bar at the top of the window listing what had to be recovered when
the app started (a settings value reset, a progress record set aside, an autosave not
reopened); it stays until the learner closes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QWidget,
)

#: Longest message shown (a message quoting a huge field is cut, with an ellipsis).
MAX_MESSAGE_CHARS = 1200


def plain(text: object) -> str:
    """``text`` as a string cut to :data:`MAX_MESSAGE_CHARS` characters."""
    message = str(text)
    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 1] + "…"
    return message


def plain_message_box(
    parent: QWidget | None,
    title: str,
    message: object,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> QMessageBox:
    """A message box whose text is plain text (never rendered as HTML)."""
    box = QMessageBox(icon, plain(title), plain(message), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("plain_message_box")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box


def show_plain_warning(parent: QWidget | None, title: str, message: object) -> None:
    """Show a modal warning with plain text (the app's error dialog)."""
    plain_message_box(parent, title, message).exec()


def show_plain_information(parent: QWidget | None, title: str, message: object) -> None:
    """Show a modal information message with plain text."""
    plain_message_box(parent, title, message, QMessageBox.Icon.Information).exec()


def plain_label(text: object = "", parent: QWidget | None = None) -> QLabel:
    """A word-wrapped label that never renders its text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(plain(text))
    return label


class StartupNotice(QToolBar):
    """A bar at the top of the window saying what was recovered at start-up.

    Parameters
    ----------
    window : QMainWindow
        The window to show it in.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__("Start-up notice", window)
        self.setObjectName("startup_notice")
        self.setMovable(False)
        self.setFloatable(False)
        self.messages: list[str] = []
        body = QWidget(self)
        row = QHBoxLayout(body)
        row.setContentsMargins(6, 2, 6, 2)
        self.label = plain_label("", body)
        self.label.setObjectName("startup_notice_text")
        self.label.setAccessibleName("Start-up notice")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet("QLabel { background: #fff4ce; color: #3b2f00; padding: 4px; }")
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        close = QPushButton("Close", body)
        close.setObjectName("startup_notice_close")
        close.setToolTip("Hide this notice")
        close.clicked.connect(self.hide)
        row.addWidget(self.label, 1)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.addWidget(body)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)
        self.hide()

    def add(self, message: str) -> None:
        """Add one message (plain text) and show the bar."""
        message = plain(message).strip()
        if not message or message in self.messages:
            return
        self.messages.append(message)
        lines = [f"• {text}" for text in self.messages[-6:]]
        self.label.setText("RNN Studio recovered from a problem:\n" + "\n".join(lines))
        self.show()
        self._fit()

    def _fit(self) -> None:
        """As tall as the text needs at the window's width (a wrapped label asks for more)."""
        owner = self.parentWidget()
        width = max(self.width(), owner.width() if owner is not None else 0)
        text_width = max(width - 140, 200)
        self.label.setFixedHeight(self.label.heightForWidth(text_width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.messages:
            self._fit()

    def offer(self, message: str, button_text: str, action: Callable[[], object]) -> QPushButton:
        """Show ``message`` with a button that runs ``action`` (then hides the button)."""
        self.add(message)
        button = QPushButton(button_text, self)
        button.setObjectName("startup_notice_action")

        def run() -> None:
            button.hide()
            action()

        button.clicked.connect(run)
        self.addWidget(button)
        return button

    def text(self) -> str:
        """What the bar says."""
        return self.label.text()


def startup_notice(window: QMainWindow) -> StartupNotice:
    """The window's start-up notice bar (made on first use)."""
    notice = window.findChild(StartupNotice, "startup_notice")
    return notice if notice is not None else StartupNotice(window)
