"""Background work of a running bot: daily digests, feed polling, picking up new seed files, saving the index.

``DigestScheduler.tick(now)`` does one round and is what the tests call with an injected clock; the bot's
``tasks.loop``s call the same methods once a minute (discord.ext.tasks keeps them alive across gateway
reconnects). A day's digest is claimed in the store (idempotency key: subscription and local date) before
it is sent, so a restart, a retry or a second bot process on the same database never posts it twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot import embeds
from search.digest import build_digest, due_date
from search.feeds import poll_due
from search.store import Subscription

if TYPE_CHECKING:
    from bot.app import BriefBot

log = logging.getLogger(__name__)


class DigestScheduler:
    def __init__(self, bot: BriefBot, clock: Callable[[], dt.datetime]) -> None:
        self.bot = bot
        self.clock = clock

    @property
    def store(self):
        return self.bot.library.store

    async def tick(self, now: dt.datetime | None = None) -> list[int]:
        """Post every digest due at ``now``; returns the ids of the subscriptions posted to."""
        now = now or self.clock()
        posted = []
        for subscription in await asyncio.to_thread(self.store.digests.subscriptions, enabled_only=True):
            try:
                if await self._post_if_due(subscription, now):
                    posted.append(subscription.id)
            except Exception:  # one subscription's failure must not stop the others
                log.exception("digest for subscription %s failed", subscription.id)
        return posted

    async def _post_if_due(self, subscription: Subscription, now: dt.datetime) -> bool:
        store = self.store
        done = await asyncio.to_thread(store.digests.dates_done, subscription.id)
        grace = self.bot.settings.digest_grace
        local_date = due_date(
            subscription.time, subscription.timezone, now, grace, not_before=subscription.created, done=done
        )
        if local_date is None:
            return False
        since = await asyncio.to_thread(store.digests.last_covered, subscription.id) or subscription.created
        if not await asyncio.to_thread(store.digests.claim, subscription.id, local_date, now, now):
            return False  # another process took this day
        digest = await self.preview(subscription.topics, since, now)
        if digest.empty and subscription.quiet:
            await asyncio.to_thread(store.digests.finish, subscription.id, local_date, "empty", now, [])
            return False
        heading = f"Daily digest · {local_date:%a %d %b %Y}"
        channel = self.bot.get_partial_messageable(subscription.channel_id)
        sent: list[int] = []
        try:
            for message in embeds.digest_messages(digest, heading):
                sent.append((await channel.send(embeds=message, allowed_mentions=discord.AllowedMentions.none())).id)
        except (discord.NotFound, discord.Forbidden) as error:
            reason = (
                "the channel no longer exists"
                if isinstance(error, discord.NotFound)
                else ("briefbot is not allowed to post in the channel")
            )
            await asyncio.to_thread(store.digests.finish, subscription.id, local_date, "failed", now, sent)
            await asyncio.to_thread(store.digests.disable, subscription.id, reason)
            log.warning("digest subscription %s disabled: %s", subscription.id, reason)
            await self._tell_subscriber(subscription, reason)
            return False
        status = "empty" if digest.empty else "sent"
        await asyncio.to_thread(store.digests.finish, subscription.id, local_date, status, now, sent)
        log.info("posted digest %s for %s to channel %s", subscription.id, local_date, subscription.channel_id)
        return True

    async def preview(self, topics: list[str], since: dt.datetime | None, until: dt.datetime):
        library = self.bot.library
        first_seen = await asyncio.to_thread(library.store.sources.first_seen)
        return await asyncio.to_thread(
            build_digest, library, since=since, until=until, topics=topics, first_seen=first_seen
        )

    async def _tell_subscriber(self, subscription: Subscription, reason: str) -> None:
        if not subscription.created_by:
            return
        note = (
            f"Your daily digest #{subscription.id} (channel <#{subscription.channel_id}>) was turned off: {reason}. "
            "Subscribe again with /digest subscribe once that is fixed."
        )
        try:
            dm = await self.bot.create_dm(discord.Object(id=subscription.created_by))
            await dm.send(note, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.warning("could not tell user %s about digest %s: %s", subscription.created_by, subscription.id, error)

    async def poll_feeds(self, now: dt.datetime | None = None):
        settings = self.bot.settings
        return await poll_due(self.bot.library, settings.fetch_policy(), settings.feed_interval, now or self.clock())

    async def refresh_seeds(self) -> str | None:
        change = await asyncio.to_thread(self.bot.library.refresh_seeds)
        if change:
            log.info("seeds directory: %s", change)
        return change

    async def save_index(self) -> None:
        await asyncio.to_thread(self.bot.library.save_index)
