"""Progress store: persistence, stats, corrupt-file recovery and a guarded reset."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from rnn_studio.learn.progress import SCHEMA_VERSION, ProgressError, ProgressStore, is_due
from rnn_studio.learn.scheduler import CardState, SchedulerError

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("RNN_STUDIO_HOME", str(tmp_path))
    return tmp_path


def test_store_lives_in_the_user_data_folder_and_survives_a_restart(home):
    store = ProgressStore()
    assert store.path == home / "data" / "progress.sqlite3"
    store.review("rnn", 3, T0)
    store.review("rnn", 3, T0 + timedelta(minutes=10))
    store.record_quiz("typed", "lstm", True, T0)
    store.set_new_cards_per_day(7)
    reopened = ProgressStore()
    assert reopened.card_state("rnn") == store.card_state("rnn")
    assert reopened.review_log == store.review_log and len(reopened.review_log) == 2
    assert reopened.quiz_results == store.quiz_results
    assert reopened.new_cards_per_day == 7
    assert reopened.recovered_from is None and reopened.warning is None
    assert store.to_json_data()["schema_version"] == SCHEMA_VERSION


def test_stats_by_hand():
    store = ProgressStore()
    # Day 1 (Mon): two new cards; "a" Good twice (graduates, due in 2 days), "b" Again.
    store.review("a", 3, T0)
    store.review("a", 3, T0 + timedelta(minutes=10))
    store.review("b", 1, T0 + timedelta(minutes=1))
    # Day 2 (Tue): nothing. Day 3 (Wed): "b" again, Good.
    store.review("b", 3, T0 + 2 * DAY)
    # Day 4 (Thu): "a" Good.
    store.review("a", 3, T0 + 3 * DAY)
    now = T0 + 3 * DAY + timedelta(hours=2)
    stats = store.stats(now)
    assert stats.total_reviews == 5
    # 4 of the 5 reviews were not Again.
    assert stats.review_accuracy == pytest.approx(4 / 5)
    assert stats.quiz_accuracy is None
    # Reviews on Wed and Thu, none on Tue: the streak is 2 days.
    assert stats.streak_days == 2 and stats.reviewed_today
    assert stats.reviews_today == 1 and stats.new_today == 0 and stats.cards_seen == 2
    per_day = dict(store.reviews_per_day(now, days=4))
    assert per_day == {
        date(2026, 3, 2): 3,
        date(2026, 3, 3): 0,
        date(2026, 3, 4): 1,
        date(2026, 3, 5): 1,
    }
    # Next morning nothing is reviewed yet: the streak still stands, not counting today.
    tomorrow = store.stats(T0 + 4 * DAY)
    assert tomorrow.streak_days == 2 and not tomorrow.reviewed_today
    # A day missed breaks it.
    assert store.stats(T0 + 5 * DAY).streak_days == 0


def test_quiz_accuracy_and_due_count():
    store = ProgressStore()
    for correct in (True, True, False, True):
        store.record_quiz("multiple_choice", "q", correct, T0)
    store.review("a", 4, T0)  # Easy on a new card: review in round(8.2956) = 8 days
    store.review("b", 1, T0)  # Again: learning step, due in 1 minute
    store.record_quiz("predict", "clipping:3", False, T0)
    stats = store.stats(T0 + timedelta(minutes=2))
    assert stats.quiz_accuracy == pytest.approx(3 / 5)
    assert stats.quiz_accuracy_by_kind == {"multiple_choice": 0.75, "predict": 0.0}
    assert stats.due_count == 1  # only "b"
    assert store.stats(T0 + 8 * DAY).due_count == 2
    assert store.stats(T0 + 8 * DAY, card_ids=["a"]).due_count == 1


def test_review_due_from_the_start_of_its_day():
    state = CardState(card_id="x", phase="review", due=T0 + DAY, last_review=T0)
    assert not is_due(state, T0 + timedelta(hours=14))  # 23:00 the same day
    assert is_due(state, T0 + timedelta(hours=15, minutes=1))  # 00:01 the next day
    learning = CardState(card_id="y", phase="learning", due=T0 + timedelta(minutes=10))
    assert not is_due(learning, T0 + timedelta(minutes=9))
    assert is_due(learning, T0 + timedelta(minutes=10))


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        json.dumps({"schema_version": 99}).encode(),
        b"[" * 50_000,
        b'{"schema_version": 1, "cards": {}, "review_log": [' + b"1" * 5000 + b"]}",
    ],
    ids=["bad-json", "not-utf8", "not-object", "unknown-version", "deep", "huge-int"],
)
def test_unreadable_file_is_backed_up_and_reported(home, content):
    path = home / "data" / "progress.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    store = ProgressStore()
    assert store.recovered_from is not None
    assert store.recovered_from.read_bytes() == content  # kept byte for byte
    assert store.recovered_from.name.startswith("progress.json.corrupt-")
    assert "could not be read" in store.warning and store.recovered_from.name in store.warning
    assert not path.exists()
    assert store.review_log == () and store.card_states == {}
    store.review("a", 3, T0)  # carries on with a fresh file
    assert ProgressStore().recovered_from is None


def test_unknown_version_message_names_the_version(home):
    path = home / "data" / "progress.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"schema_version": 2}), encoding="utf-8")
    assert "schema_version 2" in ProgressStore().warning


def test_reset_requires_confirmation_and_keeps_a_backup():
    store = ProgressStore()
    store.set_scheduler("leitner")
    store.review("a", 3, T0)
    with pytest.raises(ProgressError, match="confirm"):
        store.reset()
    with pytest.raises(ProgressError, match="confirm"):
        store.reset(confirm="yes")
    assert len(store.review_log) == 1
    backup = store.reset(confirm=True)
    assert backup is not None and len(json.loads(backup.read_text())["review_log"]) == 1
    assert store.review_log == () and store.card_states == {}
    reopened = ProgressStore()
    assert reopened.review_log == () and reopened.scheduler_name == "leitner"


def test_switching_scheduler_replays_the_log():
    store = ProgressStore()
    store.review("a", 3, T0)
    store.review("a", 3, T0 + timedelta(minutes=10))
    store.review("a", 4, T0 + 2 * DAY)
    store.set_scheduler("leitner")
    # Leitner: Good -> box 1, Good -> box 2, Easy -> box 4 (8 days after the last review).
    state = store.card_state("a")
    assert state.box == 4 and state.due == T0 + 10 * DAY
    assert ProgressStore().scheduler_name == "leitner"
    store.set_scheduler("sm2")
    # SM-2: Good -> I(1) = 1, Good -> I(2) = 6, Easy: EF 2.6, ceil(6 * 2.6) = ceil(15.6) = 16.
    assert store.card_state("a").interval_days == 16
    with pytest.raises(SchedulerError, match="anki"):
        store.set_scheduler("anki")


def test_bad_settings_are_refused():
    store = ProgressStore()
    with pytest.raises(ProgressError, match="new cards per day"):
        store.set_new_cards_per_day(-1)
    with pytest.raises(ProgressError, match="new cards per day"):
        store.set_new_cards_per_day(2.5)


def test_save_failure_names_the_file(home):
    (home / "data").mkdir(parents=True, exist_ok=True)
    (home / "data" / "missing-dir-is-a-file").write_text("I am a file")
    store = ProgressStore(home / "data" / "missing-dir-is-a-file" / "progress.json")
    assert "cannot be saved" in store.warning  # the app still starts, and says so
    with pytest.raises(ProgressError, match="could not save progress"):
        store.review("a", 3, T0)


def test_one_bad_record_is_set_aside_alone(home):
    """Issue 12 item 4: keep every valid record, set aside only the bad ones, say how many."""
    store = ProgressStore()
    for minute in range(12):
        store.review(f"card{minute % 3}", 3, T0 + timedelta(minutes=minute))
    store.record_quiz("typed", "lstm", True, T0)
    data = store.to_json_data()
    store.close()
    store.path.unlink()
    data["review_log"][4]["grade"] = 7  # one bad review
    data["cards"]["card1"]["phase"] = "flying"  # one bad card state
    legacy = home / "data" / "progress.json"
    legacy.write_text(json.dumps(data), encoding="utf-8")
    reopened = ProgressStore()
    assert len(reopened.review_log) == 11 and set(reopened.card_states) == {"card0", "card2"}
    assert len(reopened.quiz_results) == 1
    assert "2 progress records could not be read" in reopened.warning
    kept = json.loads(reopened.set_aside.read_text(encoding="utf-8"))["set_aside"]
    assert sorted(row["table"] for row in kept) == ["cards", "reviews"]
    assert not legacy.exists() and list(legacy.parent.glob("progress.json.migrated-*"))
    assert ProgressStore().warning is None  # migrated once
