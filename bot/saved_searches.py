"""The parameters behind a search's paging buttons, kept in the state database so buttons survive a restart.

A button's ``custom_id`` carries only a short key; the same parameters always give the same key.
"""

from __future__ import annotations

import hashlib
import json

from search.store import Database


class SavedSearches:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._unsaved: dict[str, dict] = {}  # a read-only data directory: buttons work until a restart

    def save(self, params: dict) -> str:
        """Store search parameters under a short stable key."""
        text = json.dumps(params, sort_keys=True, ensure_ascii=False)
        key = hashlib.sha256(text.encode()).hexdigest()[:16]
        if self.db.read_only:
            self._unsaved[key] = params
            return key
        with self.db.transaction() as db:
            db.execute("INSERT INTO saved_queries (key, params) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, text))
        return key

    def load(self, key: str) -> dict | None:
        if key in self._unsaved:
            return self._unsaved[key]
        with self.db.connect() as db:
            row = db.execute("SELECT params FROM saved_queries WHERE key = ?", (key,)).fetchone()
        return json.loads(row["params"]) if row else None
