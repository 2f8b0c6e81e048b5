"""``DigestService``: digest subscriptions (daily, weekly or hourly) and their delivery, what ``/digest`` and
``briefbot digest`` call.

Delivery runs in three steps: ``claim_due`` takes each due period in the store (idempotency key: subscription
and period, ``search.schedule``) before anything is sent, so a restart, a retry or a second process on the
same database never posts a period twice; ``build`` makes the digest (``search.digest``, pure); ``finish``
records how it went. ``run_due`` chains them around a ``send`` callback, so the transport (Discord) stays out
of this module. Every store call and every build runs in a worker thread; the one clock is the library's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import zoneinfo
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from search.digest import Digest, build_digest
from search.errors import InvalidInputError
from search.library import Library
from search.query import parse_query
from search.schedule import FREQUENCIES, WEEKDAYS, Schedule, due_period
from search.scopes import OPERATOR
from search.shards import ShardSet
from search.store import Subscription

log = logging.getLogger(__name__)

MAX_TOPICS = 5


class DeliveryError(Exception):
    """The digest cannot be delivered to its channel again (gone, or no permission): the subscription is
    turned off. ``sent`` lists the messages posted before the failure."""

    def __init__(self, reason: str, sent: list[int]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent


@dataclass(frozen=True)
class DigestClaim:
    """A period's digest taken for delivery: nobody else will send it."""

    subscription: Subscription
    period: str  # the period's key: a local date, or a local date and hour
    since: dt.datetime | None
    until: dt.datetime

    @property
    def heading(self) -> str:
        start = dt.datetime.fromisoformat(self.period)
        frequency = self.subscription.frequency
        return f"{frequency.title()} digest · {start:%a %d %b %Y}" + (
            f" {start:%H:%M}" if frequency == "hourly" else ""
        )


Send = Callable[[Subscription, Digest, str], Awaitable[list[int]]]


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The IANA time zone names, sorted (listing them scans the tz database, so it is done once)."""
    return tuple(sorted(zoneinfo.available_timezones()))


class DigestService:
    def __init__(self, library: Library, grace: dt.timedelta) -> None:
        self.library = library
        self.grace = grace
        self.repository = library.store.digests

    # -- input ------------------------------------------------------------------------------------------
    @staticmethod
    def parse_time(text: str) -> dt.time:
        try:
            hours, minutes = text.strip().split(":")
            return dt.time(int(hours), int(minutes))
        except (ValueError, OverflowError):
            raise InvalidInputError(f"Give the time as HH:MM in 24-hour form, e.g. 09:00 (not {text!r}).") from None

    @staticmethod
    def parse_zone(name: str) -> str:
        name = name.strip()
        if name not in time_zones():
            raise InvalidInputError(
                f"Unknown time zone {name!r}: pick one from the list, e.g. Asia/Seoul or Europe/London."
            )
        return name

    @staticmethod
    def parse_frequency(frequency: str, weekday: str | None) -> tuple[str, int | None]:
        """(frequency, weekday number): a weekly digest needs a weekday; the others take none."""
        frequency = frequency.strip().lower()
        if frequency not in FREQUENCIES:
            raise InvalidInputError(f"The frequency is one of {', '.join(FREQUENCIES)} (not {frequency!r}).")
        days = [day.lower() for day in WEEKDAYS]
        if frequency != "weekly":
            if weekday:
                raise InvalidInputError("Only a weekly digest takes a weekday.")
            return frequency, None
        if not weekday or weekday.strip().lower() not in days:
            raise InvalidInputError("A weekly digest needs a weekday, e.g. weekday:Monday.")
        return frequency, days.index(weekday.strip().lower())

    def parse_topics(self, text: str | None) -> list[str]:
        topics = [t.strip() for t in (text or "").split(",") if t.strip()]
        if len(topics) > MAX_TOPICS:
            raise InvalidInputError(f"At most {MAX_TOPICS} topics, separated by commas.")
        for topic in topics:
            problem = parse_query(topic, self.library.analyzer).problem
            if problem:
                raise InvalidInputError(f"Topic {topic!r}: {problem}")
        return topics

    # -- subscriptions ----------------------------------------------------------------------------------
    async def subscribe(
        self,
        *,
        guild_id: int,
        channel_id: int,
        time: str,
        timezone: str,
        topics: str | None,
        quiet: bool,
        created_by: int | None,
        frequency: str = "daily",
        weekday: str | None = None,
    ) -> tuple[Subscription, dt.datetime]:
        """A new subscription and when its first digest is due (InvalidInputError, DuplicateError)."""
        at, zone = self.parse_time(time), self.parse_zone(timezone)
        topic_list = await asyncio.to_thread(self.parse_topics, topics)  # may load the Korean model: off the loop
        frequency, day = self.parse_frequency(frequency, weekday)
        now = self.library.clock()
        subscription = await asyncio.to_thread(
            self.repository.subscribe,
            guild_id=guild_id,
            channel_id=channel_id,
            time=at,
            timezone=zone,
            topics=topic_list,
            quiet=quiet,
            created_by=created_by,
            now=now,
            frequency=frequency,
            weekday=day,
        )
        return subscription, Schedule(frequency, at, zone, day).next_after(now)

    async def subscriptions(self, guild_id: int | None = None) -> list[Subscription]:
        return await asyncio.to_thread(self.repository.subscriptions, guild_id)

    async def unsubscribe(self, subscription_id: int, guild_id: int) -> bool:
        return await asyncio.to_thread(self.repository.remove, subscription_id, guild_id)

    async def preview(
        self,
        topics: str | None = None,
        *,
        since: dt.datetime | None = None,
        channel: tuple[int | None, int | None] | None = None,
        scope: int | None = OPERATOR,
    ) -> Digest:
        """What a digest would hold now. For a ``(guild, channel)`` with a subscription: what is new since its
        last digest, on its topics unless ``topics`` are given; otherwise what is new since ``since`` (default:
        the last 24 hours). A channel's digest shows what its server sees, otherwise what ``scope`` sees."""
        now = self.library.clock()
        topic_list = await asyncio.to_thread(self.parse_topics, topics)
        mine = []
        if channel is not None:
            guild_id, channel_id = channel
            scope = guild_id or OPERATOR
            mine = [s for s in await self.subscriptions(guild_id) if s.channel_id == channel_id]
        if mine:
            since = await asyncio.to_thread(self.repository.last_covered, mine[0].id) or mine[0].created
            topic_list = topic_list if topics else mine[0].topics
        return await asyncio.to_thread(self._build, topic_list, since or now - dt.timedelta(days=1), now, scope)

    # -- delivery ---------------------------------------------------------------------------------------
    def claim_due(self, shards: ShardSet | None = None) -> list[DigestClaim]:
        """Take every digest due now, given ``shards`` only those of servers on these shards (blocking: call it
        in a worker thread)."""
        now = self.library.clock()
        claims = []
        for subscription in self.repository.subscriptions(enabled_only=True):
            if shards is not None and not shards.owns(subscription.guild_id):
                continue
            period = due_period(
                subscription.schedule,
                now,
                self.grace,
                not_before=subscription.created,
                done=self.repository.periods_done(subscription.id),
            )
            if period is None:
                continue
            since = self.repository.last_covered(subscription.id) or subscription.created
            if self.repository.claim(subscription.id, period, now, now):  # False: another process took it
                claims.append(DigestClaim(subscription, period, since, now))
        return claims

    def build(self, claim: DigestClaim) -> Digest:
        return self._build(claim.subscription.topics, claim.since, claim.until, claim.subscription.guild_id)

    def finish(self, claim: DigestClaim, status: str, messages: list[int]) -> None:
        self.repository.finish(claim.subscription.id, claim.period, status, self.library.clock(), messages)

    async def run_due(self, send: Send, shards: ShardSet | None = None) -> list[int]:
        """Claim, build, send and finish every digest due now (given ``shards``: of the servers on them); returns
        the ids of the subscriptions posted to.
        One subscription's failure is logged and does not stop the others. Nothing is sent while the data
        directory is read-only (a digest that cannot be recorded as sent would be sent again)."""
        if self.library.read_only:
            return []
        posted = []
        for claim in await asyncio.to_thread(self.claim_due, shards):
            try:
                if await self._deliver(claim, send):
                    posted.append(claim.subscription.id)
            except Exception:
                log.exception("digest for subscription %s failed", claim.subscription.id)
        return posted

    async def _deliver(self, claim: DigestClaim, send: Send) -> bool:
        subscription = claim.subscription
        digest = await asyncio.to_thread(self.build, claim)
        if digest.empty and subscription.quiet:
            await asyncio.to_thread(self.finish, claim, "empty", [])
            return False
        try:
            sent = await send(subscription, digest, claim.heading)
        except DeliveryError as error:
            await asyncio.to_thread(self.finish, claim, "failed", error.sent)
            await asyncio.to_thread(self.repository.disable, subscription.id, error.reason)
            log.warning("digest subscription %s disabled: %s", subscription.id, error.reason)
            return False
        await asyncio.to_thread(self.finish, claim, "empty" if digest.empty else "sent", sent)
        log.info("posted digest %s for %s to channel %s", subscription.id, claim.period, subscription.channel_id)
        return True

    def _build(self, topics: list[str], since: dt.datetime | None, until: dt.datetime, scope: int | None) -> Digest:
        first_seen = self.library.store.sources.first_seen()
        return build_digest(self.library, since=since, until=until, topics=topics, first_seen=first_seen, scope=scope)
