"""The Progress page: statistics, Reset (asks first, keeps a backup), recovery warning."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtWidgets import QMessageBox

from rnn_studio.learn import quiz
from rnn_studio.learn.progress import LEGACY_FILE_NAME, ProgressStore
from rnn_studio.state.session import StudioSession
from rnn_studio.storage import user_data_dir
from rnn_studio.ui.learn.learn_area import LearnArea
from rnn_studio.ui.learn.read_aloud import NoSpeechEngine

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    return tmp_path


def make_area(qtbot, now: datetime = T0) -> LearnArea:
    area = LearnArea(
        StudioSession(), ProgressStore(), speech=NoSpeechEngine(), clock=lambda: now, seed=0
    )
    qtbot.addWidget(area)
    area.resize(1100, 700)
    area.show()
    qtbot.waitExposed(area)
    return area


def review_two_days(area: LearnArea) -> None:
    store = area.store
    cards = [card.id for card in area.content.cards]
    store.review(cards[0], 3, T0 - timedelta(days=1))
    store.review(cards[1], 1, T0)
    store.review(cards[2], 4, T0)
    store.record_quiz("typed", "lstm", True, T0)
    store.record_quiz("typed", "gru", False, T0)


def test_statistics_log_and_chart(qtbot):
    area = make_area(qtbot)
    review_two_days(area)
    area.show_page("progress")
    view = area.progress
    labels = {key: label.text() for key, label in view.stat_labels.items()}
    assert labels["streak"] == "2 days"
    assert labels["reviews_today"] == "2"
    assert labels["total_reviews"] == "3"
    assert labels["review_accuracy"] == "67 %"  # one Again in three
    assert labels["quiz_accuracy"] == "50 %"
    assert labels["cards_seen"] == f"3 of {len(area.content.cards)}"
    assert "typed 50 %" in view.by_kind.text()
    assert view.log.rowCount() == 3
    assert view.log.item(0, 1).text() == area.store.review_log[-1].card_id  # newest first
    assert view.log.item(0, 2).text() == "4 Easy"
    bars = view.chart.getPlotItem().items[0]
    heights = bars.opts["height"]
    assert list(heights[-2:]) == [1, 2] and heights.sum() == 3


def test_reset_asks_first_and_cancel_changes_nothing(qtbot, monkeypatch):
    area = make_area(qtbot)
    review_two_days(area)
    asked = []

    def cancel(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", cancel)
    area.show_page("progress")
    area.progress.reset_button.click()
    assert asked == ["Reset progress?"]
    assert len(area.store.review_log) == 3
    assert len(ProgressStore().review_log) == 3
    assert "cancelled" in area.progress.status.text()


def test_reset_after_yes_keeps_a_backup_and_starts_over(qtbot, monkeypatch):
    area = make_area(qtbot)
    review_two_days(area)
    before = json.dumps(area.store.to_json_data(), indent=2, ensure_ascii=False) + "\n"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Reset)
    area.show_page("progress")
    area.progress.reset_button.click()
    backup = area.progress.last_backup
    assert backup is not None and backup.exists()
    assert backup.read_text(encoding="utf-8") == before
    assert str(backup) in area.progress.status.text()
    assert area.store.review_log == () and area.store.quiz_results == ()
    assert ProgressStore().review_log == ()
    assert area.progress.stat_labels["total_reviews"].text() == "0"
    assert area.flashcards.session.counts().new == area.store.new_cards_per_day


def test_a_corrupt_store_is_reported_not_lost(qtbot):
    path = user_data_dir() / LEGACY_FILE_NAME
    path.write_text('{"schema_version": 1, "cards": [oops', encoding="utf-8")
    area = make_area(qtbot)
    assert area.store.recovered_from is not None
    assert area.store.recovered_from.read_text(encoding="utf-8").endswith("[oops")
    assert area.warning.isVisible()
    assert area.store.recovered_from.name in area.warning.text()
    area.show_page("progress")
    assert area.progress.warning.isVisible()
    assert area.store.recovered_from.name in area.progress.warning.text()
    area.store.record_quiz("typed", "lstm", True, T0)  # the fresh store saves normally
    assert ProgressStore().quiz_results[0].item_id == "lstm"


def test_a_failed_save_is_reported_and_the_review_goes_on(qtbot, monkeypatch):
    area = make_area(qtbot)
    area.show_page("flashcards")

    def disk_full(db):
        raise sqlite3.OperationalError("database or disk is full")  # SQLITE_FULL's message

    with monkeypatch.context() as patch:
        patch.setattr(ProgressStore, "_begin", staticmethod(disk_full))
        first = area.flashcards.current_card()
        area.flashcards.reveal()
        area.flashcards.grade(3)
        assert area.warning.isVisible()
        assert "could not save progress" in area.warning.text()
        assert "disk is full" in area.warning.text()
        assert area.flashcards.current_card().id != first.id  # the session carries on
        area.show_page("quiz")
        area.quiz.start([quiz.typed_term(area.content.glossary.entries, "lstm")])
        area.quiz.typed.setText("LSTM")
        area.quiz.check()
        assert "✓ Right" in area.quiz.feedback.toPlainText()
    area.store.save()  # once the disk has room, everything kept in memory is written
    saved = ProgressStore()
    assert [e.card_id for e in saved.review_log] == [first.id]
    assert [r.item_id for r in saved.quiz_results] == ["lstm"]
