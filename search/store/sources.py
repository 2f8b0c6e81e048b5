"""Sources added after start-up (fetched pages, feed items) and when each source was first seen."""

from __future__ import annotations

import datetime as dt
import json

from search.models import Passage, Source
from search.scopes import OPERATOR
from search.store.db import Database, iso
from search.store.errors import DuplicateError


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
        """Store a source of ``scope``; DuplicateError if its canonical URL or its content is already stored
        in a library that scope sees (its own or the shared one)."""
        with self.db.transaction() as db:
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
            db.execute("INSERT OR IGNORE INTO source_seen VALUES (?, ?)", (source.source_id, iso(added_at)))

    def stored(self) -> list[tuple[Source, list[Passage], int]]:
        """Every stored source with its passages and scope, in the order they were added."""
        with self.db.connect() as db:
            rows = db.execute(
                "SELECT source_json, passages_json, scope FROM sources ORDER BY added_at, source_id"
            ).fetchall()
        return [
            (
                Source.model_validate_json(row["source_json"]),
                [Passage.model_validate(p) for p in json.loads(row["passages_json"])],
                row["scope"],
            )
            for row in rows
        ]

    def remove(self, source_id: str) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM sources WHERE source_id = ?", (source_id,))
            db.execute("DELETE FROM source_seen WHERE source_id = ?", (source_id,))

    def mark_seen(self, source_ids: list[str], now: dt.datetime) -> None:
        """Record when each source was first in the library (what "new since the last digest" means)."""
        with self.db.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO source_seen VALUES (?, ?)", [(s, iso(now)) for s in source_ids])

    def first_seen(self) -> dict[str, dt.datetime]:
        with self.db.connect() as db:
            rows = db.execute("SELECT source_id, first_seen FROM source_seen").fetchall()
        return {row["source_id"]: dt.datetime.fromisoformat(row["first_seen"]) for row in rows}


def _json_list(passages: list[Passage]) -> str:
    """A JSON array of the passages, encoded one by one: a single encoder call over a long source's 10,000
    passages would hold the GIL for about 0.1 s and stall the event loop of the thread's process."""
    return "[" + ",".join(p.model_dump_json() for p in passages) + "]"
