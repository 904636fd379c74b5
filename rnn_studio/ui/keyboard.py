"""Keyboard and clicker operation: focused controls get their keys; one list of every key.

The stepper's Space, ←/→, Home/End are window shortcuts, and a Qt shortcut wins over the
focused widget unless the widget claims the key. :class:`KeyboardOperation` (an event filter
on the application, for one main window) makes the focused control win where a sighted
keyboard user expects it:

* Space on a focused button, check box, combo box, tab bar or list presses / ticks / opens it
  (it used to play the stepper);
* Enter / Return on a focused button or check box presses it (the quiz's "Next question");
* Escape in a text box (the sequence, a spin box) leaves it, and so does a click anywhere
  else in the window (▶, a plot, a panel): the stepper has its keys back.

:func:`shortcut_rows` lists every key of the app for Help → Keyboard shortcuts, read from the
shortcuts themselves (the window's actions and every ``QShortcut`` under it, whose
``whatsThis`` says what it does) plus :data:`FOCUS_KEYS`, the keys this module handles: the
list cannot drift from the keys the app really has.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabBar,
    QTextEdit,
    QWidget,
)

#: Keys the focused widget of these kinds takes for itself instead of the stepper's shortcut.
KEY_TAKERS: dict[int, tuple[type[QWidget], ...]] = {
    Qt.Key.Key_Space: (QAbstractButton, QComboBox, QAbstractItemView),
    # A slider moves, a tab bar changes tab, a list moves its selection.
    Qt.Key.Key_Left: (QAbstractSlider, QTabBar, QAbstractItemView),
    Qt.Key.Key_Right: (QAbstractSlider, QTabBar, QAbstractItemView),
    Qt.Key.Key_Home: (QAbstractSlider, QAbstractItemView),
    Qt.Key.Key_End: (QAbstractSlider, QAbstractItemView),
}
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

#: The keys :class:`KeyboardOperation` and Qt's focus handling give every window.
FOCUS_KEYS = (
    ("Tab / Shift+Tab", "Move the keyboard focus to the next / previous control"),
    ("Space", "Press the focused button, tick the focused box, open the focused list"),
    ("Enter", "Press the focused button (e.g. the quiz's Next question once answered)"),
    ("Esc", "Leave the text box you typed in (the stepper keys work again)"),
    ("← / → on a slider, tab bar or list", "Move the slider, change tab, move in the list"),
    ("Alt+letter", "The control or menu whose name has that letter underlined"),
)


def key_text(sequence: QKeySequence) -> str:
    """``sequence`` as shown to people ("Ctrl+S", "PgDown", "Space")."""
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def _typing_widget(widget: QWidget | None) -> bool:
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, QAbstractSpinBox)


def _text_entry_of(widget: QWidget | None) -> QWidget | None:
    """The text entry ``widget`` is (a spin box for its line edit), None if it is none."""
    if widget is None:
        return None
    parent = widget.parentWidget()
    if isinstance(parent, QAbstractSpinBox):
        return parent
    return widget if _typing_widget(widget) else None


class KeyboardOperation(QObject):
    """Space, Enter and Escape for the focused control of ``window`` (see the module doc).

    Parameters
    ----------
    window : QWidget
        The main window; dialogs and other windows keep Qt's own behaviour.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("keyboard_operation")
        self.window = window
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            return self._override(watched, event)  # type: ignore[arg-type]
        if kind == QEvent.Type.KeyPress:
            return self._key_press(watched, event)  # type: ignore[arg-type]
        if kind == QEvent.Type.MouseButtonPress:
            self._leave_text_on_click(watched)
        return False

    def _in_window(self, widget: QObject) -> bool:
        return isinstance(widget, QWidget) and widget.window() is self.window

    def _override(self, watched: QObject, event: QKeyEvent) -> bool:
        if not self._in_window(watched) or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        takers = KEY_TAKERS.get(event.key())
        if takers and isinstance(watched, takers):
            event.accept()  # the focused control gets the key, not the stepper's shortcut
        return False

    def _key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        if not self._in_window(watched) or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False
        key = event.key()
        if key in ENTER_KEYS and isinstance(watched, QAbstractButton):
            if isinstance(watched, QPushButton) and (watched.autoDefault() or watched.isDefault()):
                return False  # Qt presses it already
            if watched.isEnabled():
                watched.animateClick()
            return True
        if key == Qt.Key.Key_Escape:
            entry = _text_entry_of(watched)  # type: ignore[arg-type]
            if entry is not None:
                entry.clearFocus()
                return True
        return False

    def _leave_text_on_click(self, watched: QObject) -> None:
        if not self._in_window(watched):
            return
        focus = QApplication.focusWidget()
        entry = _text_entry_of(focus)
        if entry is None or entry.window() is not self.window:
            return
        clicked = watched if isinstance(watched, QWidget) else None
        if clicked is entry or (clicked is not None and entry.isAncestorOf(clicked)):
            return
        entry.clearFocus()  # a click elsewhere (▶, a plot, a panel) ends the typing


def shortcut_rows(
    window: QWidget, other_windows: Iterable[tuple[int, str]] = ()
) -> list[tuple[str, str]]:
    """Every key of ``window``: (keys, what they do), for Help → Keyboard shortcuts.

    Read from the window's actions (their shortcut and tooltip) and from each ``QShortcut``
    under the window (its key and ``whatsThis``); shortcuts that do the same thing share a
    row. ``other_windows`` adds the (key, what it does) of windows of their own that may
    not exist yet (the full-size cell diagram). :data:`FOCUS_KEYS` come first.
    """
    rows: dict[str, list[str]] = {}
    for action in window.actions():
        if action.shortcut().isEmpty():
            continue
        what = action.toolTip() or action.text().replace("&", "")
        rows.setdefault(what, []).append(key_text(action.shortcut()))
    for shortcut in window.findChildren(QShortcut):
        what = shortcut.whatsThis()
        if not what or shortcut.key().isEmpty():
            continue
        keys = rows.setdefault(what, [])
        text = key_text(shortcut.key())
        if text not in keys:
            keys.append(text)
    for key, what in other_windows:
        text = key_text(QKeySequence(key))
        keys = rows.setdefault(what, [])
        if text not in keys:
            keys.append(text)
    listed = [(" / ".join(keys), what) for what, keys in rows.items()]
    return [*FOCUS_KEYS, *listed]
