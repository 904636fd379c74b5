"""The Progress page: due counts, streak, accuracy, reviews per day, the review log, Reset.

Reset asks first (a :class:`QMessageBox`), and the store keeps a copy of the file as it was
(``progress.json.before-reset-<time>``); the page says where. When the store had to move an
unreadable file aside on opening, its warning is shown at the top.
Preview on its own: ``python -m rnn_studio.ui.learn.progress_view``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rnn_studio.learn.progress import ProgressError, ProgressStore
from rnn_studio.learn.review import local_now
from rnn_studio.learn.scheduler import Grade
from rnn_studio.ui.learn.flashcards_view import GRADE_NAMES, format_wait
from rnn_studio.ui.learn.typography import scaled_font
from rnn_studio.ui.theme import OKABE_ITO, set_role_style

#: How many of the latest reviews the log table lists.
LOG_ROWS = 200
#: Days shown in the reviews-per-day chart.
CHART_DAYS = 30


def percent(value: float | None) -> str:
    """A share as a whole percentage, "–" when there is nothing to count yet."""
    return "–" if value is None else f"{100 * value:.0f} %"


class ProgressView(QWidget):
    """What the learner has done, and the way to start again.

    Parameters
    ----------
    store : ProgressStore
    card_ids : iterable of str
        The cards whose due count is shown.
    clock : callable returning an aware datetime, optional
    parent : QWidget, optional
    """

    #: Emitted after a reset (the flashcards page starts over).
    progress_reset = Signal()

    def __init__(
        self,
        store: ProgressStore,
        card_ids: Iterable[str],
        clock: Callable[[], datetime] = local_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("progress_view")
        self.setAccessibleName("Progress")
        self.store = store
        self.card_ids = tuple(card_ids)
        self._clock = clock
        self.last_backup: Path | None = None

        self.warning = QLabel(self)
        self.warning.setObjectName("progress_warning")
        self.warning.setTextFormat(Qt.TextFormat.PlainText)  # text from data
        self.warning.setAccessibleName("Progress file warning")
        self.warning.setWordWrap(True)
        set_role_style(
            self.warning, "background: $warning_background; color: $warning_text; padding: 6px;"
        )
        self.warning.setVisible(False)

        self.stat_labels: dict[str, QLabel] = {}
        grid = QGridLayout()
        names = (
            ("due", "Due now"),
            ("new_today", "New today"),
            ("reviews_today", "Reviews today"),
            ("streak", "Streak"),
            ("review_accuracy", "Recall (not “Again”)"),
            ("quiz_accuracy", "Quiz accuracy"),
            ("cards_seen", "Cards seen"),
            ("total_reviews", "Reviews in all"),
        )
        for number, (key, title) in enumerate(names):
            value = QLabel("–", self)
            value.setObjectName(f"progress_{key}")
            value.setAccessibleName(title)
            scaled_font(value, 1.6, bold=True)
            caption = QLabel(title, self)
            caption.setObjectName(f"progress_{key}_caption")
            row, column = divmod(number, 4)
            grid.addWidget(value, row * 2, column, Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(caption, row * 2 + 1, column, Qt.AlignmentFlag.AlignLeft)
            self.stat_labels[key] = value
        self.by_kind = QLabel(self)
        self.by_kind.setObjectName("progress_quiz_by_kind")
        self.by_kind.setAccessibleName("Quiz accuracy by kind")
        self.by_kind.setWordWrap(True)

        self.chart = pg.PlotWidget(self)
        self.chart.setObjectName("progress_reviews_per_day")
        self.chart.setAccessibleName(f"Reviews per day, last {CHART_DAYS} days")
        self.chart.setBackground("w")
        self.chart.setLabel("left", "reviews")
        self.chart.setLabel("bottom", "days ago")
        self.chart.setTitle(f"Reviews per day (last {CHART_DAYS} days)")
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.setMinimumHeight(150)

        self.log = QTableWidget(0, 5, self)
        self.log.setObjectName("progress_review_log")
        self.log.setAccessibleName("Review log, newest first")
        self.log.setToolTip(f"Your latest {LOG_ROWS} reviews, newest first")
        self.log.setHorizontalHeaderLabels(["When", "Card", "Grade", "Next in", "Scheduler"])
        self.log.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.log.verticalHeader().setVisible(False)
        self.log.horizontalHeader().setStretchLastSection(True)

        self.reset_button = QPushButton("Reset progress…", self)
        self.reset_button.setObjectName("progress_reset")
        self.reset_button.setAccessibleName("Reset progress")
        self.reset_button.setToolTip(
            "Forget every review and quiz answer (asks first; a backup is kept)"
        )
        self.reset_button.clicked.connect(self.ask_reset)
        self.status = QLabel(self)
        self.status.setObjectName("progress_status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # text from data
        self.status.setAccessibleName("Progress status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.reset_button)

        lower = QHBoxLayout()
        lower.addWidget(self.chart, 1)
        lower.addWidget(self.log, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.warning)
        layout.addLayout(grid)
        layout.addWidget(self.by_kind)
        layout.addLayout(lower, 1)
        layout.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        """Redraw every number, the chart and the log from the store."""
        store = self.store
        now = self._clock()
        if store.warning:
            self.warning.setText(f"⚠ {store.warning}")
        self.warning.setVisible(bool(store.warning))
        stats = store.stats(now, self.card_ids)
        streak = f"{stats.streak_days} day{'s' if stats.streak_days != 1 else ''}"
        values = {
            "due": str(stats.due_count),
            "new_today": str(stats.new_today),
            "reviews_today": str(stats.reviews_today),
            "streak": streak,
            "review_accuracy": percent(stats.review_accuracy),
            "quiz_accuracy": percent(stats.quiz_accuracy),
            "cards_seen": f"{stats.cards_seen} of {len(self.card_ids)}",
            "total_reviews": str(stats.total_reviews),
        }
        for key, text in values.items():
            self.stat_labels[key].setText(text)
        if stats.streak_days and not stats.reviewed_today:
            self.stat_labels["streak"].setToolTip("Review a card today to keep the streak going")
        kinds = ", ".join(
            f"{kind.replace('_', ' ')} {percent(share)}"
            for kind, share in sorted(stats.quiz_accuracy_by_kind.items())
        )
        self.by_kind.setText(f"Quiz accuracy by kind: {kinds}" if kinds else "No quiz answers yet.")
        self._draw_chart(now)
        self._fill_log()

    def ask_reset(self) -> bool:
        """Ask, then reset the store (keeping a backup); return whether it was reset."""
        answer = QMessageBox.question(
            self,
            "Reset progress?",
            "Forget every card review and quiz answer and start again?\n\n"
            "A copy of your progress file is kept next to it.",
            QMessageBox.StandardButton.Reset | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Reset:
            self.status.setText("Reset cancelled: nothing was changed.")
            return False
        try:
            self.last_backup = self.store.reset(confirm=True)
        except ProgressError as error:
            self.status.setText(f"Reset failed: {error}")
            return False
        if self.last_backup is not None:
            self.status.setText(f"Progress reset. The old record was kept as {self.last_backup}.")
        else:
            self.status.setText("Progress reset (there was nothing saved yet).")
        self.refresh()
        self.progress_reset.emit()
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _draw_chart(self, now: datetime) -> None:
        per_day = self.store.reviews_per_day(now, CHART_DAYS)
        counts = np.array([count for _, count in per_day], dtype=float)
        days_ago = np.arange(len(counts) - 1, -1, -1, dtype=float)
        self.chart.clear()
        bars = pg.BarGraphItem(x=-days_ago, height=counts, width=0.8, brush=OKABE_ITO["blue"])
        self.chart.addItem(bars)
        self.chart.setXRange(-CHART_DAYS + 0.5, 0.5, padding=0)
        ticks = [
            (-float(days), "today" if days == 0 else str(days)) for days in range(0, CHART_DAYS, 5)
        ]
        self.chart.getAxis("bottom").setTicks([ticks])
        self.chart.setYRange(0, max(float(counts.max(initial=0)), 5.0) * 1.1, padding=0)

    def _fill_log(self) -> None:
        entries = list(reversed(self.store.review_log))[:LOG_ROWS]
        self.log.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            when = entry.reviewed_at.astimezone(self._clock().tzinfo).strftime("%Y-%m-%d %H:%M")
            wait = entry.due - entry.reviewed_at
            cells = (
                when,
                entry.card_id,
                f"{entry.grade} {GRADE_NAMES[Grade(entry.grade)]}",
                format_wait(wait),
                entry.scheduler,
            )
            for column, text in enumerate(cells):
                self.log.setItem(row, column, QTableWidgetItem(text))
        self.log.resizeColumnsToContents()


if __name__ == "__main__":
    from rnn_studio.ui.learn.preview import preview_page

    raise SystemExit(preview_page("progress"))
