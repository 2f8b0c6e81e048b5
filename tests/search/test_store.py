import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time

import psycopg
import pytest

from bot.saved_searches import SavedSearches
from search.models import Passage, Source
from search.store import MIGRATIONS, POSTGRES_MIGRATIONS, DuplicateError, Store, StoreUnavailableError

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


def test_a_new_store_is_migrated_to_the_latest_version_in_wal_mode(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    assert store.db.schema_version == len(MIGRATIONS)
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert Store(tmp_path / "s.sqlite3").db.schema_version == len(MIGRATIONS)  # reopening changes nothing


def test_a_database_at_an_older_version_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "s.sqlite3"
    with sqlite3.connect(path) as db:  # what the first release left on disk
        db.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
        db.execute("INSERT INTO saved_queries (key, params) VALUES ('abc', '{\"query\": \"THAAD\"}')")
    store = Store(path)
    assert store.db.schema_version == len(MIGRATIONS)
    assert SavedSearches(store.db).load("abc") == {"query": "THAAD"}
    assert store.feeds.all() == []


def test_saved_searches_round_trip_with_stable_keys(store, state_target):
    saved = SavedSearches(store.db)
    params = {"query": "THAAD", "limit": 5, "source": None}
    key = saved.save(params)
    assert key == saved.save(dict(reversed(params.items()))) and len(key) == 16
    reopened = Store(state_target)
    assert SavedSearches(reopened.db).load(key) == params
    assert saved.load("missing") is None
    reopened.close()


def test_a_failed_transaction_leaves_nothing_behind(store):
    with pytest.raises(RuntimeError), store.db.transaction() as db:
        db.execute("INSERT INTO saved_queries (key, params) VALUES ('k', '{}')")
        raise RuntimeError("power cut")
    assert SavedSearches(store.db).load("k") is None


def test_rows_map_to_models_by_column_name(store):
    feed = store.feeds.add("https://example.org/feed", "cli", NOW)
    assert (feed.url, feed.next_poll, feed.failures, feed.items) == ("https://example.org/feed", NOW, 0, 0)
    store.feeds.record_poll(feed.id, NOW, NOW + dt.timedelta(hours=1), etag='"v1"', new_items=3)
    (polled,) = store.feeds.all()
    assert (polled.last_poll, polled.etag, polled.items) == (NOW, '"v1"', 3)
    subscription = store.digests.subscribe(
        guild_id=1, channel_id=2, time=dt.time(9, 30), timezone="Asia/Seoul", topics=["THAAD"], quiet=True,
        created_by=7, now=NOW,
    )  # fmt: skip
    assert subscription.time == dt.time(9, 30) and subscription.topics == ["THAAD"] and subscription.quiet
    assert subscription.enabled and subscription.created == NOW and subscription.created_by == 7
    with pytest.raises(DuplicateError):
        store.feeds.add("https://example.org/feed", None, NOW)


def test_discord_ids_beyond_32_bits_are_kept(store):
    guild, channel = 1_234_567_890_123_456_789, 987_654_321_098_765_432
    subscription = _subscribe(store, guild_id=guild, channel_id=channel)
    assert (subscription.guild_id, subscription.channel_id) == (guild, channel)
    assert store.feeds.add("https://example.org/feed", None, NOW, scope=guild).scope == guild


def test_a_stored_source_comes_back_with_its_passages_and_is_never_stored_twice(store):
    source = Source(source_id="web-1", origin="https://x.org/a", format="html", text="Alpha beta.")
    passages = [Passage(passage_id="web-1:p1", source_id="web-1", ordinal=1, text="Alpha beta.", start=0, end=11)]
    store.sources.add(source, passages, content_hash="h", canonical_url="https://x.org/a", added_at=NOW)
    assert store.sources.stored() == [(source, passages, 0)]
    assert store.sources.first_seen() == {"web-1": NOW}
    with pytest.raises(DuplicateError) as error:
        store.sources.add(source, passages, content_hash="other", canonical_url="https://x.org/a", added_at=NOW)
    assert error.value.existing == "web-1"


def _subscribe(store, frequency="daily", weekday=None, channel_id=2, guild_id=1):
    return store.digests.subscribe(
        guild_id=guild_id, channel_id=channel_id, time=dt.time(8), timezone="UTC", topics=[], quiet=False,
        created_by=None, now=NOW, frequency=frequency, weekday=weekday,
    )  # fmt: skip


def test_one_channel_gets_a_daily_and_weekly_digests_at_one_time_but_never_the_same_one_twice(store):
    daily, monday, friday = _subscribe(store), _subscribe(store, "weekly", 0), _subscribe(store, "weekly", 4)
    assert [(s.frequency, s.weekday) for s in (daily, monday, friday)] == [
        ("daily", None),
        ("weekly", 0),
        ("weekly", 4),
    ]
    for frequency, weekday in [("daily", None), ("weekly", 0)]:
        with pytest.raises(DuplicateError):
            _subscribe(store, frequency, weekday)
    assert len(store.digests.subscriptions()) == 3


def test_a_database_of_version_4_keeps_its_subscriptions_and_their_digest_log(tmp_path):
    path = tmp_path / "s.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript("".join(MIGRATIONS[:4]) + "PRAGMA user_version = 4;")
        db.execute(
            "INSERT INTO subscriptions (id, guild_id, channel_id, time, timezone, topics, created, frequency, weekday)"
            " VALUES (7, 1, 2, '08:00', 'UTC', '[\"THAAD\"]', '2026-01-01T00:00:00+00:00', 'weekly', 0)"
        )
        db.execute("INSERT INTO digest_log VALUES (7, '2026-01-05', 'c', 'u', 'sent', NULL, '[]')")
    store = Store(path)
    (kept,) = store.digests.subscriptions()
    assert (kept.id, kept.topics, kept.frequency, kept.weekday) == (7, ["THAAD"], "weekly", 0)
    assert store.digests.periods_done(7) == {"2026-01-05"}
    assert _subscribe(store).frequency == "daily"  # the old uniqueness (channel, time, timezone) is gone
    with pytest.raises(DuplicateError):
        _subscribe(store, "weekly", 0)
    assert store.digests.remove(7, 1) and store.digests.periods_done(7) == set()  # the log still follows its row


WRITER = """
import datetime as dt
import sys

from search.store import Store

store = Store(sys.argv[1])
now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
for i in range(100_000):
    store.digests.subscribe(guild_id=1, channel_id=i, time=dt.time(9), timezone="UTC", topics=["x"] * 50,
                            quiet=False, created_by=None, now=now)
"""


def test_a_killed_writer_loses_nothing_committed_and_corrupts_nothing(tmp_path):
    path = tmp_path / "s.sqlite3"
    Store(path)
    (tmp_path / "writer.py").write_text(WRITER)
    writer = subprocess.Popen([sys.executable, str(tmp_path / "writer.py"), str(path)], cwd=os.getcwd())
    seen = 0
    deadline = time.monotonic() + 30
    while seen < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
        with sqlite3.connect(path, timeout=10) as db:
            seen = db.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0]
    os.kill(writer.pid, signal.SIGKILL)  # the power goes off, mid-write
    writer.wait()
    assert seen >= 40
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    survivors = Store(path).digests.subscriptions()
    assert len(survivors) >= seen and all(s.topics == ["x"] * 50 for s in survivors)
    assert sorted(s.channel_id for s in survivors) == list(range(len(survivors)))  # no gaps, no half rows


def _sqlite_schema(path) -> dict[str, set[str]]:
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: {row[1] for row in db.execute(f"PRAGMA table_info({t})")} for t in tables if t != "sqlite_sequence"}


def _postgres_schema(url) -> dict[str, set[str]]:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name <> 'schema_version'"
        ).fetchall()
    schema: dict[str, set[str]] = {}
    for table, column in rows:
        schema.setdefault(table, set()).add(column)
    return schema


def test_a_fresh_postgres_database_gets_the_same_tables_and_columns_as_sqlite(tmp_path, postgres_url):
    Store(tmp_path / "s.sqlite3").close()
    store = Store(postgres_url)
    assert store.db.schema_version == len(POSTGRES_MIGRATIONS)
    assert _postgres_schema(postgres_url) == _sqlite_schema(tmp_path / "s.sqlite3")
    store.close()
    reopened = Store(postgres_url)  # migrating again changes nothing
    assert reopened.db.schema_version == len(POSTGRES_MIGRATIONS) and reopened.feeds.all() == []
    reopened.close()


MIGRATE = "import sys; from search.store import Store; Store(sys.argv[1]).close(); print('migrated')"


def test_processes_starting_together_migrate_a_postgres_database_once(postgres_url):
    """Both processes wait on the migration lock (held here meanwhile), then one migrates and the other finds
    the schema up to date; neither fails."""
    from search.store.postgres import lock_key

    with psycopg.connect(postgres_url, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (lock_key("migrations"),))
        starters = [
            subprocess.Popen([sys.executable, "-c", MIGRATE, postgres_url], stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        deadline = time.monotonic() + 30
        waiting = 0
        while waiting < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            waiting = holder.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).fetchone()[0]
        holder.execute("SELECT pg_advisory_unlock(%s)", (lock_key("migrations"),))
    outputs = [starter.communicate(timeout=60)[0] for starter in starters]
    assert waiting == 2
    assert [starter.returncode for starter in starters] == [0, 0] and outputs == ["migrated\n"] * 2
    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(len(POSTGRES_MIGRATIONS),)]


def test_a_database_url_is_shown_with_its_passwords_masked():
    from search.store.postgres import mask_url

    assert mask_url("postgresql://bot:s3cret@db:5432/x?sslmode=require&password=p2") == (
        "postgresql://bot:***@db:5432/x?sslmode=require&password=***"
    )
    assert mask_url("postgresql://db.example/briefbot") == "postgresql://db.example/briefbot"


def test_a_database_url_postgresql_cannot_use_is_one_masked_line():
    with pytest.raises(StoreUnavailableError) as error:
        Store("postgresql://bot:s3cret@127.0.0.1:notaport/briefbot")
    message = str(error.value)
    assert message.startswith("cannot connect to the state database postgresql://bot:***@127.0.0.1:notaport/")
    assert "s3cret" not in message and "\n" not in message
