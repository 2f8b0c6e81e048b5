import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from search.store import MIGRATIONS, Store


def test_a_new_store_is_migrated_to_the_latest_version_in_wal_mode(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    assert store.schema_version == len(MIGRATIONS)
    with sqlite3.connect(tmp_path / "s.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert Store(tmp_path / "s.sqlite3").schema_version == len(MIGRATIONS)  # reopening changes nothing


def test_saved_queries_round_trip_with_stable_keys(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    params = {"query": "THAAD", "limit": 5, "source": None}
    key = store.save_query(params)
    assert key == store.save_query(dict(reversed(params.items()))) and len(key) == 16
    assert Store(tmp_path / "s.sqlite3").load_query(key) == params
    assert store.load_query("missing") is None


def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("INSERT INTO saved_queries (key, params) VALUES ('k', '{}')")
        raise RuntimeError("power cut")
    assert store.load_query("k") is None


WRITER = """
import datetime as dt
import sys

from search.store import Store

store = Store(sys.argv[1])
now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
for i in range(100_000):
    store.add_subscription(guild_id=1, channel_id=i, time=dt.time(9), timezone="UTC", topics=["x"] * 50,
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
    survivors = Store(path).subscriptions()
    assert len(survivors) >= seen and all(s.topics == ["x"] * 50 for s in survivors)
    assert sorted(s.channel_id for s in survivors) == list(range(len(survivors)))  # no gaps, no half rows
