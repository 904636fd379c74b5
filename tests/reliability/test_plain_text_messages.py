"""Issue 12 item 9: messages built from data are plain text, never HTML with live links.

A session whose fields hold ``<h1>`` and ``<a href=…>`` (and whose file name holds HTML too)
is opened through the window's real error dialog; the dialog must show the tags as text.
The Train area's load message and the sequence panel's error label are checked the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from rnn_studio.ui.menus import _show_warning
from tests.reliability.hostile_files import HTML, manifest_changed

#: Set RELIABILITY_SHOTS to a folder to keep a picture of the dialog.
SHOTS = Path(os.environ["RELIABILITY_SHOTS"]) if "RELIABILITY_SHOTS" in os.environ else None


def test_error_dialog_shows_html_from_the_file_as_text(classroom, tmp_path):
    window, features = classroom()
    features.report_error = _show_warning(window)  # the real dialog, not the test recorder
    before = window.session.to_setup()
    bad = tmp_path / "<h2>lesson.rnnsession"
    bad.write_bytes(manifest_changed(lambda m: m["setup"].update(cell=HTML)))
    seen = {}

    def read_dialog() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, read_dialog)
            return
        seen["format"] = box.textFormat()
        seen["text"] = box.text()
        label = box.findChild(QLabel, "qt_msgbox_label")
        seen["label_format"] = label.textFormat() if label is not None else None
        if SHOTS is not None:
            box.adjustSize()
            box.grab().save(str(SHOTS / "reliability-refusal-dialog.png"))
        box.accept()

    QTimer.singleShot(0, read_dialog)
    assert not features.open_session(bad)
    assert seen["format"] == Qt.TextFormat.PlainText
    assert seen["label_format"] == Qt.TextFormat.PlainText
    assert "<h1>Repair</h1>" in seen["text"] and "<a href=" in seen["text"]  # shown, not obeyed
    assert "<h2>lesson.rnnsession" in seen["text"]
    assert window.session.to_setup() == before  # a refused open changes nothing


def test_train_load_message_and_sequence_error_are_plain_text(classroom, tmp_path):
    window, _features = classroom()
    train = window.train
    bad = tmp_path / "<h1>model.npz"
    bad.write_bytes(b"<a href='https://example.invalid'>Click here</a>")
    assert not train.load_model_from(bad)
    assert train.message_label.textFormat() == Qt.TextFormat.PlainText
    assert "<h1>model.npz" in train.message_label.text()
    panel = window.studio.findChild(QLabel, "sequence_error")
    assert panel is not None and panel.textFormat() == Qt.TextFormat.PlainText
    for name in ("sequence_info", "studio_warning"):
        label = window.findChild(QLabel, name)
        assert label is not None and label.textFormat() == Qt.TextFormat.PlainText


def test_the_red_sequence_error_fits_at_1280x720(classroom):
    """Issue 12 item 10: the whole message is on screen, not cut at the top and bottom."""
    window, _features = classroom()
    window.resize(1280, 720)
    window.show()
    window.session.set_sequence("1 2 3 4 5 6 7 8 9 10 11 12 13 1e400 15 16", "numbers")
    for _ in range(10):
        QApplication.processEvents()
    label = window.findChild(QLabel, "sequence_error")
    assert label.isVisible() and "too large" in label.text()
    assert label.height() >= label.heightForWidth(label.width())  # every line shown
    assert not window.findChild(QLabel, "sequence_info").isVisible()  # its place is taken
    window.session.set_sequence("1 2 3", "numbers")
    QApplication.processEvents()
    assert not label.isVisible() and window.findChild(QLabel, "sequence_info").isVisible()
