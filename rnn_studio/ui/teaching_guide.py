"""Help → How to teach with RNN Studio: the 10-minute lesson plan of
:mod:`rnn_studio.learn.teaching`, with a button that saves its scenes to the library."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn.teaching import GuideItem, TeachingGuide, load_teaching_guide


def guide_html(guide: TeachingGuide) -> str:
    """The guide as rich text: plan, steps with minutes, menus and keys in bold."""

    def item(entry: GuideItem) -> str:
        extra = []
        if entry.menus:
            extra.append(" · ".join(f"<b>{escape(' → '.join(path))}</b>" for path in entry.menus))
        if entry.keys:
            extra.append("keys " + ", ".join(f"<b>{escape(key)}</b>" for key in entry.keys))
        tail = f"<br><small>{' — '.join(extra)}</small>" if extra else ""
        return f"{escape(entry.text)}{tail}"

    before = "".join(f"<li>{item(entry)}</li>" for entry in guide.before_class)
    steps = "".join(
        f"<li><b>{step.start}–{step.end} min · {escape(step.title)}</b>"
        + (f" <i>(scene “{escape(step.scene)}”)</i>" if step.scene else "")
        + f"<br>{item(step)}</li>"
        for step in guide.steps
    )
    scenes = "".join(
        f"<li><b>{escape(scene.name)}</b>: preset “{escape(scene.preset)}”, panels "
        f"{escape(', '.join(scene.panels))}.<br><i>{escape(scene.notes)}</i></li>"
        for scene in guide.scenes
    )
    return (
        f"<h2>{escape(guide.title)}</h2><p>{escape(guide.intro)}</p>"
        f"<h3>Before class</h3><ol>{before}</ol>"
        f"<h3>In class</h3><ol>{steps}</ol>"
        f"<h3>The scenes</h3><ul>{scenes}</ul>"
        f"<h3>After class</h3><p>{item(guide.after_class)}</p>"
    )


class TeachingGuideDialog(QDialog):
    """The guide, and "Add these scenes to my library" (calls ``add_scenes``)."""

    def __init__(
        self,
        add_scenes: Callable[[TeachingGuide], str],
        parent: QWidget | None = None,
        guide: TeachingGuide | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teaching_guide")
        self.setWindowTitle("How to teach with RNN Studio")
        self.guide = guide or load_teaching_guide()
        self.text = QTextBrowser(self)
        self.text.setObjectName("teaching_guide_text")
        self.text.setAccessibleName("How to teach with RNN Studio")
        self.text.setHtml(guide_html(self.guide))
        self.add_button = QPushButton("Add these scenes to my library", self)
        self.add_button.setObjectName("teaching_guide_add_scenes")
        self.add_button.setToolTip("Save the plan's four scenes under File → Scenes")
        self.status = QLabel(self)
        self.status.setObjectName("teaching_guide_status")
        self.status.setWordWrap(True)
        self.add_button.clicked.connect(lambda: self.status.setText(add_scenes(self.guide)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.add_button)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(760, 620)
