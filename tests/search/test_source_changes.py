"""The source change log: every add and remove in commit order, read back by other processes."""

import datetime as dt
import sqlite3
import threading

import pytest

from search.models import Passage, Source
from search.store import MIGRATIONS, DuplicateError, Store

NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


def _source(n: int) -> tuple[Source, list[Passage]]:
    text = f"Article {n} on alliances."
    source = Source(source_id=f"web-{n}", origin=f"https://x.org/{n}", format="html", text=text)
    return source, [Passage(passage_id=f"web-{n}:p1", source_id=source.source_id, ordinal=1, text=text, start=0,
                            end=len(text))]  # fmt: skip


def _add(store, n: int, scope: int = 0) -> None:
    source, passages = _source(n)
    store.sources.add(source, passages, content_hash=f"h{n}", canonical_url=source.origin, added_at=NOW, scope=scope)


def test_adds_and_removes_are_logged_in_order_with_what_was_added(store):
    assert store.sources.latest_change() == 0 and store.sources.changes_since(0) == []
    _add(store, 1)
    _add(store, 2, scope=42)
    assert store.sources.remove("web-1", NOW) and not store.sources.remove("web-1", NOW)  # logged once
    _add(store, 3)
    changes = store.sources.changes_since(0)
    assert [(c.op, c.source_id, c.scope) for c in changes] == [("add", "web-2", 42), ("remove", "web-1", 0),
                                                               ("add", "web-3", 0)]  # fmt: skip
    assert store.sources.latest_change() == changes[-1].seq == 4  # the add of web-1 is left out: removed since
    assert (changes[0].source, changes[0].passages) == _source(2)
    assert changes[1].source is None and changes[1].passages is None
    assert [c.source_id for c in store.sources.changes_since(changes[0].seq)] == ["web-1", "web-3"]
    assert store.sources.changes_since(store.sources.latest_change()) == []


def test_a_duplicate_logs_nothing(store):
    _add(store, 1)
    source, passages = _source(9)
    with pytest.raises(DuplicateError):
        store.sources.add(source, passages, content_hash="h1", canonical_url=None, added_at=NOW)
    assert [c.source_id for c in store.sources.changes_since(0)] == ["web-1"]


def test_sources_stored_before_the_log_are_logged_as_added(tmp_path):
    path = tmp_path / "s.sqlite3"
    with sqlite3.connect(path) as db:  # a database of the release before the log
        db.executescript("".join(MIGRATIONS[:5]) + "PRAGMA user_version = 5;")
        for n, added in ((2, "2025-01-02T00:00:00+00:00"), (1, "2025-01-01T00:00:00+00:00")):
            source, passages = _source(n)
            db.execute(
                "INSERT INTO sources (source_id, scope, content_hash, source_json, passages_json, added_at) "
                "VALUES (?, 7, ?, ?, ?, ?)",
                (source.source_id, f"h{n}", source.model_dump_json(), f"[{passages[0].model_dump_json()}]", added),
            )
    store = Store(path)
    changes = store.sources.changes_since(0)
    assert [(c.seq, c.op, c.source_id, c.scope) for c in changes] == [(1, "add", "web-1", 7), (2, "add", "web-2", 7)]
    assert changes[0].passages == _source(1)[1]


def test_a_follower_reading_while_others_add_misses_nothing(state_target):
    """Writers in threads, each with its own store; a follower reading the log meanwhile sees every change
    exactly once: a change never commits after one numbered higher was read."""
    writers = [Store(state_target) for _ in range(4)]
    follower = Store(state_target)
    seen, last = [], 0

    def write(w):
        for n in range(w, 120, 4):
            _add(writers[w], n)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    while True:
        finished = not any(thread.is_alive() for thread in threads)
        for change in follower.sources.changes_since(last):
            seen.append(change.source_id)
            last = change.seq
        if finished:
            break
    assert sorted(seen) == sorted(f"web-{n}" for n in range(120))
    for opened in (*writers, follower):
        opened.close()
