"""The state database's schema, one migration per version (``PRAGMA user_version``).

Append only: never edit a released entry (databases in the field have run it); add a new one.
"""

MIGRATIONS: list[str] = [
    """
    CREATE TABLE saved_queries (
        key TEXT PRIMARY KEY,
        params TEXT NOT NULL,
        created TEXT NOT NULL DEFAULT (datetime('now'))
    );
    """,
    """
    CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        etag TEXT,
        last_modified TEXT,
        last_poll TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll TEXT,
        items INTEGER NOT NULL DEFAULT 0,
        added_by TEXT,
        created TEXT NOT NULL
    );
    CREATE TABLE feed_items (
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        item_key TEXT NOT NULL,
        source_id TEXT,
        PRIMARY KEY (feed_id, item_key)
    );
    CREATE TABLE sources (
        source_id TEXT PRIMARY KEY,
        canonical_url TEXT UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        source_json TEXT NOT NULL,
        passages_json TEXT NOT NULL,
        added_at TEXT NOT NULL
    );
    CREATE TABLE source_seen (
        source_id TEXT PRIMARY KEY,
        first_seen TEXT NOT NULL
    );
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        time TEXT NOT NULL,
        timezone TEXT NOT NULL,
        topics TEXT NOT NULL DEFAULT '[]',
        quiet INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        created_by INTEGER,
        created TEXT NOT NULL,
        UNIQUE (channel_id, time, timezone)
    );
    CREATE TABLE digest_log (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        local_date TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        covered_until TEXT NOT NULL,
        status TEXT NOT NULL,
        sent_at TEXT,
        messages TEXT,
        PRIMARY KEY (subscription_id, local_date)
    );
    """,
]
