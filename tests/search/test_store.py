import sqlite3

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
