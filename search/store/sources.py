"""Sources added after start-up (fetched pages, feed items, attachments), when each source was first seen, and
the source change log.

The change log (table ``source_changes``) lets every process that shares the state database follow what the
others added and removed: each ``add`` and ``remove`` writes one change, in the same transaction, numbered by
``seq`` in commit order (the writers take one serial lock, so a change with a higher number never commits
before a lower one: a reader that saw ``seq`` N has seen every change up to N). Sources stored before the log
existed were logged as added by its migration.

    last = store.sources.latest_change()                # cheap: the highest seq, 0 for none
    for change in store.sources.changes_since(seen):    # in seq order
        change.op, change.scope, change.source_id       # "add" carries .source and .passages too

An add whose source was removed since is left out (its ``remove`` follows), so the last change returned may
be older than ``latest_change()``: a follower that reads everything (no ``limit``) may take the latest change
it read before as its new position. A process sees its own changes in the log too. The log is never pruned: a
row is a few dozen bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from search.models import Passage, Source
from search.scopes import OPERATOR
from search.store.db import Database, iso
from search.store.errors import DuplicateError

SERIAL = "sources"  # the lock that orders the change log (see the module docstring)


@dataclass(frozen=True)
class Change:
    """One entry of the change log; an ``add`` carries the source and its passages as stored, parsed when first
    read (a follower skips the changes it made itself, and a long source's passages take tens of ms to parse)."""

    seq: int
    op: Literal["add", "remove"]
    scope: int
    source_id: str
    stored: tuple[str, str] | None = field(default=None, repr=False, compare=False)  # (source, passages) JSON

    @cached_property
    def source(self) -> Source | None:
        return Source.model_validate_json(self.stored[0]) if self.stored else None

    @cached_property
    def passages(self) -> list[Passage] | None:
        return _passages(self.stored[1]) if self.stored else None


class SourceRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        source: Source,
        passages: list[Passage],
        *,
        content_hash: str,
        canonical_url: str | None,
        added_at: dt.datetime,
        feed_id: int | None = None,
        scope: int = OPERATOR,
    ) -> None:
        """Store a source of ``scope`` and log its addition; DuplicateError if its canonical URL or its content
        is already stored in a library that scope sees (its own or the shared one)."""
        with self.db.transaction(serial=SERIAL) as db:
            duplicate = db.execute(
                "SELECT source_id FROM sources WHERE scope IN (?, ?) AND (content_hash = ? "
                "OR (canonical_url IS NOT NULL AND canonical_url = ?))",
                (OPERATOR, scope, content_hash, canonical_url),
            ).fetchone()
            if duplicate:
                raise DuplicateError(f"already in the library as {duplicate['source_id']}", duplicate["source_id"])
            db.execute(
                "INSERT INTO sources (source_id, scope, canonical_url, content_hash, feed_id, source_json, "
                "passages_json, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source.source_id,
                    scope,
                    canonical_url,
                    content_hash,
                    feed_id,
                    source.model_dump_json(),
                    _json_list(passages),
                    iso(added_at),
                ),
            )
            _log(db, source.source_id, scope, "add", added_at)
            db.execute(
                "INSERT INTO source_seen VALUES (?, ?) ON CONFLICT DO NOTHING", (source.source_id, iso(added_at))
            )

    def stored(self) -> list[tuple[Source, list[Passage], int]]:
        """Every stored source with its passages and scope, in the order they were added."""
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT source_json, passages_json, scope FROM sources ORDER BY added_at, source_id"
            ).fetchall()
        return [
            (Source.model_validate_json(row["source_json"]), _passages(row["passages_json"]), row["scope"])
            for row in rows
        ]

    def remove(self, source_id: str, now: dt.datetime) -> bool:
        """Remove a stored source and log its removal; False if it was not stored."""
        with self.db.transaction(serial=SERIAL) as db:
            removed = db.execute("DELETE FROM sources WHERE source_id = ? RETURNING scope", (source_id,)).fetchall()
            db.execute("DELETE FROM source_seen WHERE source_id = ?", (source_id,))
            for row in removed:
                _log(db, source_id, row["scope"], "remove", now)
        return bool(removed)

    def latest_change(self) -> int:
        """The number of the latest change (0 when none): a cheap check for news from other processes."""
        with self.db.connect() as db:
            return db.execute("SELECT COALESCE(MAX(seq), 0) AS seq FROM source_changes").fetchone()["seq"]

    def changes_since(self, seq: int) -> list[Change]:
        """The changes numbered above ``seq``, in order; an add whose source was removed since is left out (its
        removal follows)."""
        query = (
            "SELECT c.seq, c.op, c.scope, c.source_id, s.source_json, s.passages_json FROM source_changes c "
            "LEFT JOIN sources s ON c.op = 'add' AND s.source_id = c.source_id "
            "WHERE c.seq > ? AND (c.op = 'remove' OR s.source_id IS NOT NULL) ORDER BY c.seq"
        )
        with self.db.connect() as db:
            rows = db.execute(query, (seq,)).fetchall()
        return [
            Change(
                row["seq"],
                row["op"],
                row["scope"],
                row["source_id"],
                (row["source_json"], row["passages_json"]) if row["op"] == "add" else None,
            )
            for row in rows
        ]

    def mark_seen(self, source_ids: list[str], now: dt.datetime) -> None:
        """Record when each source was first in the library (what "new since the last digest" means)."""
        with self.db.transaction() as db:
            db.executemany(
                "INSERT INTO source_seen VALUES (?, ?) ON CONFLICT DO NOTHING", [(s, iso(now)) for s in source_ids]
            )

    def first_seen(self) -> dict[str, dt.datetime]:
        with self.db.connect() as db:
            rows = db.execute("SELECT source_id, first_seen FROM source_seen").fetchall()
        return {row["source_id"]: dt.datetime.fromisoformat(row["first_seen"]) for row in rows}


def _log(db, source_id: str, scope: int, op: str, at: dt.datetime) -> None:
    db.execute(
        "INSERT INTO source_changes (source_id, scope, op, at) VALUES (?, ?, ?, ?)", (source_id, scope, op, iso(at))
    )


def _passages(stored: str) -> list[Passage]:
    return [Passage.model_validate(p) for p in json.loads(stored)]


def _json_list(passages: list[Passage]) -> str:
    """A JSON array of the passages, encoded one by one: a single encoder call over a long source's 10,000
    passages would hold the GIL for about 0.1 s and stall the event loop of the thread's process."""
    return "[" + ",".join(p.model_dump_json() for p in passages) + "]"
