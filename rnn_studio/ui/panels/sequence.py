"""Sequence panel: type or paste a sequence, choose how to read it, pick a preset."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from rnn_studio.learn.presets import Preset, load_presets, preset_labels
from rnn_studio.state.sequence import MAX_SEQUENCE_LENGTH, MODE_LABELS
from rnn_studio.state.zoo_studio import describe_setup
from rnn_studio.ui.panels.base import StudioPanel
from rnn_studio.ui.qt_bridge import SessionBridge, blocked
from rnn_studio.ui.theme import set_role_style

#: Typing pauses this long before the run is recomputed, so a fast typist is not slowed.
TYPING_DELAY_MS = 150


class SequencePanel(StudioPanel):
    """The text box, the reading mode, the presets and the inline error message."""

    panel_id = "sequence"
    title = "Sequence"
    wrap_at_least_width = True  # the preset list folds its long names

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(bridge, parent)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("sequence_text")
        self.text_edit.setAccessibleName("Sequence text")
        self.text_edit.setToolTip(
            "Type or paste a sequence. Characters or words become one-hot inputs; numbers "
            f"(separated by commas or spaces) become values. At most {MAX_SEQUENCE_LENGTH} steps."
        )
        self.text_edit.setTabChangesFocus(True)
        self._fit_text_box()
        self.body.addWidget(self.text_edit)

        # Side by side while the panel's room fits both boxes, stacked when not (text size
        # 3.0: the row was 469 px in a 447 px column and the panel scrolled sideways).
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.mode_box = QComboBox(self)
        self.mode_box.setObjectName("sequence_mode")
        self.mode_box.setAccessibleName("Read the sequence as")
        self.mode_box.setToolTip("How to split the text into time steps")
        for mode, label in MODE_LABELS.items():
            self.mode_box.addItem(label.capitalize(), mode)
        self.preset_box = QComboBox(self)
        self.preset_box.setObjectName("sequence_presets")
        self.preset_box.setAccessibleName("Presets")
        self.preset_box.setToolTip("Set up one of the classic demos")
        self.preset_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.preset_box.setMinimumContentsLength(8)
        self.preset_box.addItem("Presets…", None)
        # The labels now (the box is sized to them when first shown); the presets, parsed
        # with the learn content modules (~25 ms of a start), once the panel has painted
        # (paintEvent), or when first read (presets).
        for label in preset_labels():
            self.preset_box.addItem(label, None)
        self._presets: tuple[Preset, ...] | None = None
        self._presets_queued = False
        row.addWidget(self.mode_box)
        row.addWidget(self.preset_box, 1)
        self.body.addLayout(row)
        self.wrapping_rows = [row]

        self.info_label = QLabel(self)
        self.info_label.setObjectName("sequence_info")
        self.info_label.setTextFormat(Qt.TextFormat.PlainText)  # text from data
        self.info_label.setAccessibleName("Sequence length")
        self.info_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("sequence_error")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)  # text from data
        self.error_label.setAccessibleName("Sequence error")
        self.error_label.setWordWrap(True)
        set_role_style(self.error_label, "color: $error; font-weight: 600;")
        self.body.addWidget(self.info_label)
        self.body.addWidget(self.error_label)
        self.body.addStretch(1)

        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.setInterval(TYPING_DELAY_MS)
        self._typing_timer.timeout.connect(self.commit_text)
        self.text_edit.textChanged.connect(self._typing_timer.start)
        self.mode_box.currentIndexChanged.connect(self._mode_chosen)
        self.preset_box.activated.connect(self._preset_chosen)
        bridge.controls_changed.connect(self.sync_from_session)
        bridge.error_changed.connect(self.show_error)
        bridge.trace_changed.connect(self._show_info)
        self.sync_from_session()
        self.show_error(self.session.error)
        self._show_info()

    def _fit_text_box(self) -> None:
        """Two lines of the text box's font (and a little room): a text size changed after
        start-up left it two lines of the old font (at 3.0 one line, cut at the bottom)."""
        # The panel's font: the box may not have taken the new one yet.
        line = self.fontMetrics().lineSpacing()
        self.text_edit.setFixedHeight(int(line * 2.2) + 10)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_text_box()

    def commit_text(self) -> None:
        """Send the typed text to the session now (the typing delay calls this)."""
        self._typing_timer.stop()
        if self.text_edit.toPlainText() != self.session.text:
            self.session.set_text(self.text_edit.toPlainText())

    def sync_from_session(self) -> None:
        """Show the session's text and mode without echoing them back."""
        with blocked(self.text_edit, self.mode_box):
            if self.text_edit.toPlainText() != self.session.text:
                self.text_edit.setPlainText(self.session.text)
            self.mode_box.setCurrentIndex(self.mode_box.findData(self.session.mode))

    def show_error(self, message: str) -> None:
        """Show (or clear) the inline error; the last valid run stays on screen."""
        if message:
            # The error takes the info line's place (the info describes the last valid run),
            # so that it fits the panel at 1280x720; the rest is in the tooltip.
            self.error_label.setText(f"{message} Still showing the last valid one.")
            self.error_label.setToolTip(f"{message}\nThe views still show the last valid sequence.")
        else:
            self.error_label.clear()
            self.error_label.setToolTip("")
        self.error_label.setVisible(bool(message))
        self.info_label.setVisible(not message)
        width = max(self.error_label.width(), self.width() - 12, 120)
        self.error_label.setMinimumHeight(self.error_label.heightForWidth(width) if message else 0)

    def _show_info(self, *_: object) -> None:
        run = self.session.run
        if run is None:
            self.info_label.clear()
            return
        mode = MODE_LABELS[run.sequence.mode]
        detail = f"{len(run)} steps ({mode})"
        if not run.sequence.is_numeric:
            detail += f", vocabulary of {len(run.sequence.vocabulary)}: input size"
            detail += f" {run.sequence.input_size}"
        self.info_label.setText(detail)

    def _mode_chosen(self, index: int) -> None:
        self.commit_text()
        self.session.set_mode(self.mode_box.itemData(index))

    @property
    def presets(self) -> tuple[Preset, ...]:
        """The presets in the list, in order (loaded into it the first time this is read)."""
        if self._presets is None:
            self._presets = self._fill_presets()
        return self._presets

    def _fill_presets(self) -> tuple[Preset, ...]:
        presets = load_presets()
        box = self.preset_box
        with blocked(box):
            while box.count() > len(presets) + 1:
                box.removeItem(box.count() - 1)
            for index, preset in enumerate(presets, start=1):
                if index < box.count():
                    if box.itemText(index) != preset.label:  # examples.json was not usable
                        box.setItemText(index, preset.label)
                    box.setItemData(index, preset.preset_id)
                else:
                    box.addItem(preset.label, preset.preset_id)
                # Every preset names the model it uses (issue 10).
                tip = f"{preset.description} {describe_setup(preset.setup)}"
                box.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        return presets

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._presets is None and not self._presets_queued:
            self._presets_queued = True  # just after this frame, before anything can be chosen
            QTimer.singleShot(0, self, self._load_presets)

    def _load_presets(self) -> None:
        if self._presets is None:
            self._presets = self._fill_presets()

    def _preset_chosen(self, index: int) -> None:
        presets = self.presets  # loaded, if this came before the panel painted
        preset_id = self.preset_box.itemData(index)
        with blocked(self.preset_box):
            self.preset_box.setCurrentIndex(0)
        for preset in presets:
            if preset.preset_id == preset_id:
                self._typing_timer.stop()
                self.session.apply_demo(preset.setup)
                return


if __name__ == "__main__":
    from rnn_studio.ui.panels.preview import preview

    sys.exit(preview(SequencePanel))
