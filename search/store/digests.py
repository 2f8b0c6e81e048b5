"""Digest subscriptions and the digest log (one row per subscription and period: the idempotency key)."""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel, ConfigDict, field_validator

from search.schedule import Schedule
from search.store.db import Database, iso
from search.store.errors import DuplicateError


class Subscription(BaseModel):
    """A channel's digest (a row of ``subscriptions``)."""

    model_config = ConfigDict(frozen=True)

    id: int
    guild_id: int
    channel_id: int
    time: dt.time
    timezone: str
    topics: list[str]
    quiet: bool
    enabled: bool
    disabled_reason: str | None
    created_by: int | None
    created: dt.datetime
    frequency: str = "daily"  # search.digest.FREQUENCIES
    weekday: int | None = None  # weekly: 0 is Monday

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.frequency, self.time, self.timezone, self.weekday)

    @field_validator("topics", mode="before")
    @classmethod
    def _stored_as_json(cls, value):
        return json.loads(value) if isinstance(value, str) else value


_COLUMNS = ", ".join(Subscription.model_fields)


class DigestRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- subscriptions ------------------------------------------------------------------------------------
    def subscribe(
        self,
        *,
        guild_id: int,
        channel_id: int,
        time: dt.time,
        timezone: str,
        topics: list[str],
        quiet: bool,
        created_by: int | None,
        now: dt.datetime,
        frequency: str = "daily",
        weekday: int | None = None,
    ) -> Subscription:
        """A new subscription; DuplicateError if the channel already gets such a digest at that time."""
        with self.db.transaction() as db:
            row = db.execute(
                "INSERT INTO subscriptions (guild_id, channel_id, time, timezone, topics, quiet, created_by, created, "
                "frequency, weekday) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (
                    guild_id,
                    channel_id,
                    time.strftime("%H:%M"),
                    timezone,
                    json.dumps(topics),
                    int(quiet),
                    created_by,
                    iso(now),
                    frequency,
                    weekday,
                ),
            ).fetchone()
        if row is None:
            raise DuplicateError("that channel already gets such a digest at that time", str(channel_id))
        return self.get(row["id"])

    def get(self, subscription_id: int) -> Subscription | None:
        with self.db.connect() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM subscriptions WHERE id = ?", (subscription_id,)).fetchone()
        return Subscription.model_validate(dict(row)) if row else None

    def subscriptions(self, guild_id: int | None = None, *, enabled_only: bool = False) -> list[Subscription]:
        query = f"SELECT {_COLUMNS} FROM subscriptions WHERE 1 = 1"
        args: list = []
        if guild_id is not None:
            query += " AND guild_id = ?"
            args.append(guild_id)
        if enabled_only:
            query += " AND enabled = 1"
        with self.db.connect() as db:
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [Subscription.model_validate(dict(row)) for row in rows]

    def remove(self, subscription_id: int, guild_id: int) -> bool:
        with self.db.transaction() as db:
            cursor = db.execute("DELETE FROM subscriptions WHERE id = ? AND guild_id = ?", (subscription_id, guild_id))
            return cursor.rowcount > 0

    def disable(self, subscription_id: int, reason: str) -> None:
        with self.db.transaction() as db:
            db.execute(
                "UPDATE subscriptions SET enabled = 0, disabled_reason = ? WHERE id = ?", (reason, subscription_id)
            )

    # -- the digest log -----------------------------------------------------------------------------------
    def claim(self, subscription_id: int, period: str, now: dt.datetime, covered_until: dt.datetime) -> bool:
        """Take the idempotency key (subscription, period). False if any process already took it: the insert
        does nothing when the key exists (or waits for a concurrent one to commit, then does nothing)."""
        with self.db.transaction() as db:
            cursor = db.execute(
                "INSERT INTO digest_log (subscription_id, period, claimed_at, covered_until, status) "
                "VALUES (?, ?, ?, ?, 'sending') ON CONFLICT DO NOTHING",
                (subscription_id, period, iso(now), iso(covered_until)),
            )
            return cursor.rowcount == 1

    def finish(self, subscription_id: int, period: str, status: str, sent_at: dt.datetime, messages: list[int]) -> None:
        with self.db.transaction() as db:
            db.execute(
                "UPDATE digest_log SET status = ?, sent_at = ?, messages = ? WHERE subscription_id = ? AND period = ?",
                (status, iso(sent_at), json.dumps(messages), subscription_id, period),
            )

    def periods_done(self, subscription_id: int) -> set[str]:
        with self.db.connect() as db:
            rows = db.execute("SELECT period FROM digest_log WHERE subscription_id = ?", (subscription_id,))
            return {row["period"] for row in rows}

    def last_covered(self, subscription_id: int) -> dt.datetime | None:
        """Up to when the previous digest of this subscription covered new sources."""
        with self.db.connect() as db:
            row = db.execute(
                "SELECT MAX(covered_until) AS until FROM digest_log "
                "WHERE subscription_id = ? AND status IN ('sent', 'empty')",
                (subscription_id,),
            ).fetchone()
        return dt.datetime.fromisoformat(row["until"]) if row["until"] else None
