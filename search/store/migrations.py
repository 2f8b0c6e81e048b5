"""The state database's schema, one migration per version, for each backend.

- ``MIGRATIONS``: SQLite, the version in ``PRAGMA user_version``.
- ``POSTGRES_MIGRATIONS``: PostgreSQL, the version in the table ``schema_version``. The same tables, columns
  and constraints as the SQLite list reaches, so the repositories share their SQL: ids are identity columns
  (never reused, like AUTOINCREMENT), server, channel and user ids are BIGINT, and moments stay ISO 8601 text
  in UTC as in SQLite. Every text column compares byte by byte (``COLLATE "C"``), as SQLite's do, so ordering
  and comparing moments and ids does not depend on the server's locale.

Both lists are append only: never edit a released entry (databases in the field have run it); add a new one,
to both lists when the change is to a shared table.
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
    # 3: scopes. Each feed and each added source belongs to a scope: 0, the operator's shared library (every
    # existing row), or the Discord server (guild id) that added it. A feed is unique per scope, a source's URL
    # and content too; feed ids are never reused (AUTOINCREMENT). Tables are rebuilt the way SQLite documents
    # (foreign keys are off while migrating), keeping every row and id.
    """
    CREATE TABLE feeds_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        scope INTEGER NOT NULL DEFAULT 0,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_poll TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll TEXT,
        items INTEGER NOT NULL DEFAULT 0,
        added_by TEXT,
        created TEXT NOT NULL,
        UNIQUE (scope, url)
    );
    INSERT INTO feeds_new (id, url, etag, last_modified, last_poll, last_error, failures, next_poll, items,
        added_by, created)
        SELECT id, url, etag, last_modified, last_poll, last_error, failures, next_poll, items, added_by, created
        FROM feeds;
    DROP TABLE feeds;
    ALTER TABLE feeds_new RENAME TO feeds;
    CREATE TABLE sources_new (
        source_id TEXT PRIMARY KEY,
        scope INTEGER NOT NULL DEFAULT 0,
        canonical_url TEXT,
        content_hash TEXT NOT NULL,
        feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
        source_json TEXT NOT NULL,
        passages_json TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (scope, canonical_url),
        UNIQUE (scope, content_hash)
    );
    INSERT INTO sources_new (source_id, canonical_url, content_hash, feed_id, source_json, passages_json, added_at)
        SELECT source_id, canonical_url, content_hash, feed_id, source_json, passages_json, added_at FROM sources;
    DROP TABLE sources;
    ALTER TABLE sources_new RENAME TO sources;
    """,
    # 4: digest frequencies. A subscription is daily (every existing one), weekly on a weekday, or hourly; the
    # digest log's key becomes (subscription, period): a local date, or a local date and hour.
    """
    ALTER TABLE subscriptions ADD COLUMN frequency TEXT NOT NULL DEFAULT 'daily';
    ALTER TABLE subscriptions ADD COLUMN weekday INTEGER;
    ALTER TABLE digest_log RENAME COLUMN local_date TO period;
    """,
    # 5: a channel may get several digests at one time if their frequency or weekday differ (a daily and a
    # weekly one at 08:00). The table is rebuilt without its old uniqueness, keeping every row and id; a unique
    # index takes its place (an expression for the weekday: NULLs would never collide).
    """
    CREATE TABLE subscriptions_new (
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
        frequency TEXT NOT NULL DEFAULT 'daily',
        weekday INTEGER
    );
    INSERT INTO subscriptions_new SELECT id, guild_id, channel_id, time, timezone, topics, quiet, enabled,
        disabled_reason, created_by, created, frequency, weekday FROM subscriptions;
    DROP TABLE subscriptions;
    ALTER TABLE subscriptions_new RENAME TO subscriptions;
    CREATE UNIQUE INDEX subscriptions_unique
        ON subscriptions (channel_id, time, timezone, frequency, ifnull(weekday, -1));
    """,
    # 6: the source change log (search/store/sources.py): one row per source added or removed, numbered in
    # the order the changes were committed, so other processes can follow them. Sources already stored are
    # logged as added.
    """
    CREATE TABLE source_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id TEXT NOT NULL,
        scope INTEGER NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('add', 'remove')),
        at TEXT NOT NULL
    );
    INSERT INTO source_changes (source_id, scope, op, at)
        SELECT source_id, scope, 'add', added_at FROM sources ORDER BY added_at, source_id;
    """,
]

TEXT = 'TEXT COLLATE "C"'

POSTGRES_MIGRATIONS: list[str] = [
    # 1: the schema of SQLite's migrations 1-5.
    f"""
    CREATE TABLE saved_queries (
        key {TEXT} PRIMARY KEY,
        params {TEXT} NOT NULL,
        created {TEXT} NOT NULL DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))
    );
    CREATE TABLE feeds (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        scope BIGINT NOT NULL DEFAULT 0,
        url {TEXT} NOT NULL,
        etag {TEXT},
        last_modified {TEXT},
        last_poll {TEXT},
        last_error {TEXT},
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll {TEXT},
        items INTEGER NOT NULL DEFAULT 0,
        added_by {TEXT},
        created {TEXT} NOT NULL,
        UNIQUE (scope, url)
    );
    CREATE TABLE feed_items (
        feed_id BIGINT NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        item_key {TEXT} NOT NULL,
        source_id {TEXT},
        PRIMARY KEY (feed_id, item_key)
    );
    CREATE TABLE sources (
        source_id {TEXT} PRIMARY KEY,
        scope BIGINT NOT NULL DEFAULT 0,
        canonical_url {TEXT},
        content_hash {TEXT} NOT NULL,
        feed_id BIGINT REFERENCES feeds(id) ON DELETE SET NULL,
        source_json {TEXT} NOT NULL,
        passages_json {TEXT} NOT NULL,
        added_at {TEXT} NOT NULL,
        UNIQUE (scope, canonical_url),
        UNIQUE (scope, content_hash)
    );
    CREATE TABLE source_seen (
        source_id {TEXT} PRIMARY KEY,
        first_seen {TEXT} NOT NULL
    );
    CREATE TABLE subscriptions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        guild_id BIGINT NOT NULL,
        channel_id BIGINT NOT NULL,
        time {TEXT} NOT NULL,
        timezone {TEXT} NOT NULL,
        topics {TEXT} NOT NULL DEFAULT '[]',
        quiet INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        disabled_reason {TEXT},
        created_by BIGINT,
        created {TEXT} NOT NULL,
        frequency {TEXT} NOT NULL DEFAULT 'daily',
        weekday INTEGER
    );
    CREATE UNIQUE INDEX subscriptions_unique
        ON subscriptions (channel_id, time, timezone, frequency, COALESCE(weekday, -1));
    CREATE TABLE digest_log (
        subscription_id BIGINT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        period {TEXT} NOT NULL,
        claimed_at {TEXT} NOT NULL,
        covered_until {TEXT} NOT NULL,
        status {TEXT} NOT NULL,
        sent_at {TEXT},
        messages {TEXT},
        PRIMARY KEY (subscription_id, period)
    );
    """,
    # 2: the source change log, as SQLite's migration 6.
    f"""
    CREATE TABLE source_changes (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        source_id {TEXT} NOT NULL,
        scope BIGINT NOT NULL,
        op {TEXT} NOT NULL CHECK (op IN ('add', 'remove')),
        at {TEXT} NOT NULL
    );
    INSERT INTO source_changes (source_id, scope, op, at)
        SELECT source_id, scope, 'add', added_at FROM sources ORDER BY added_at, source_id;
    """,
]
