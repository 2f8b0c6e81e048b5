"""What each command and button does: parse, check, call the library off the event loop, render, reply.

User errors get an ephemeral one-line answer; anything unexpected gets an ephemeral apology with an error
id, and the full traceback goes to the log under that id.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import math
import uuid
import zoneinfo
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot import embeds
from bot.autocomplete import rank_sources
from bot.cooldown import Cooldown
from bot.views import library_view, search_view
from search.digest import scheduled_at
from search.feeds import FeedError, follow_feed
from search.fetch import FetchError
from search.ingest import IngestError
from search.language import language_name
from search.library import MAX_LIMIT, UnknownSourceError
from search.query import parse_query
from search.store import DuplicateError
from search.web import ingest_url

if TYPE_CHECKING:
    from bot.app import BriefBot

log = logging.getLogger(__name__)
Interaction = discord.Interaction["BriefBot"]


class UserError(Exception):
    """Something the user can fix; the message is shown to them as is."""


# Failures whose message is a short answer for the user (they say what went wrong and are not bugs).
USER_ERRORS = (UserError, UnknownSourceError, FetchError, IngestError, DuplicateError, FeedError)
MAX_TOPICS = 5


class Handlers:
    def __init__(self, bot: BriefBot, search_cooldown: Cooldown, brief_cooldown: Cooldown) -> None:
        self.bot = bot
        self.library = bot.library
        self.search_cooldown = search_cooldown
        self.brief_cooldown = brief_cooldown

    # -- plumbing ---------------------------------------------------------------------------------------
    async def guarded(self, interaction: Interaction, action: Callable[[], Awaitable[None]]) -> None:
        """Run ``action``; turn failures into an ephemeral answer the user can act on."""
        try:
            await action()
        except USER_ERRORS as error:
            await self.reply(interaction, str(error.args[0]) if error.args else type(error).__name__, ephemeral=True)
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("error %s while handling %s", error_id, _describe(interaction))
            await self.reply(
                interaction,
                f"Sorry, something went wrong on our side (error id `{error_id}`). It has been logged.",
                ephemeral=True,
            )

    async def reply(self, interaction: Interaction, content: str | None = None, **kwargs) -> None:
        """Respond, or follow up if the interaction was already acknowledged."""
        if content is not None:
            kwargs["content"] = embeds.clip(content, embeds.CONTENT)
        kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
        if interaction.response.is_done():
            await interaction.followup.send(**kwargs)
        else:
            await interaction.response.send_message(**kwargs)

    @staticmethod
    def _check_cooldown(cooldown: Cooldown, interaction: Interaction, what: str) -> None:
        wait = cooldown.retry_after(interaction.user.id)
        if wait is not None:
            raise UserError(f"You can {what} again in {math.ceil(wait)} s.")

    # -- /search ----------------------------------------------------------------------------------------
    async def search(
        self, interaction: Interaction, query: str, source: str | None, limit: int, language: str | None = None
    ) -> None:
        self._check_cooldown(self.search_cooldown, interaction, "search")
        params = {"query": query, "source": source, "limit": limit, "language": language}
        result = await asyncio.to_thread(self._run_search, params)
        if not result.hits:
            raise UserError(result.message or "No results.")
        key = await asyncio.to_thread(self.bot.saved_searches.save, params)
        await interaction.response.send_message(**self._search_message(result, key, interaction.user.id, 1, params))

    def _run_search(self, params: dict):
        sources = [params["source"]] if params.get("source") else None
        return self.library.search(params["query"], limit=MAX_LIMIT, sources=sources, language=params.get("language"))

    def _search_message(self, result, key: str, owner: int, page: int, params: dict) -> dict:
        per_page = params["limit"]
        pages = max(1, math.ceil(len(result.hits) / per_page))
        page = min(max(page, 1), pages)
        filters = f" · source `{params['source']}`" if params.get("source") else ""
        filters += f" · {language_name(params['language'])}" if params.get("language") else ""
        ranks = [hit.rank for hit in result.hits[(page - 1) * per_page : page * per_page]]
        return {
            "embed": embeds.search_page(result, page, per_page, filters),
            "view": search_view(key, owner, page, pages, ranks),
            "allowed_mentions": discord.AllowedMentions.none(),
        }

    async def _saved(self, key: str) -> dict:
        params = await asyncio.to_thread(self.bot.saved_searches.load, key)
        if params is None:
            raise UserError("This result has expired. Run /search again.")
        return params

    async def turn_search_page(self, interaction: Interaction, key: str, owner: int, page: int) -> None:
        async def action():
            if interaction.user.id != owner:
                raise UserError("Only the person who ran this search can turn its pages; run /search yourself.")
            params = await self._saved(key)
            result = await asyncio.to_thread(self._run_search, params)
            await interaction.response.edit_message(**self._search_message(result, key, owner, page, params))

        await self.guarded(interaction, action)

    async def show_passage(self, interaction: Interaction, key: str, rank: int) -> None:
        async def action():
            params = await self._saved(key)
            result = await asyncio.to_thread(self._run_search, params)
            hit = next((h for h in result.hits if h.rank == rank), None)
            if hit is None:
                raise UserError("That passage is no longer in the results. Run /search again.")
            passage = self.library.get_passage(hit.passage_id)
            info = self.library.source_info(hit.source_id)
            await self.reply(interaction, embed=embeds.passage_embed(passage, info), ephemeral=True)

        await self.guarded(interaction, action)

    async def autocomplete_source(self, current: str) -> list[tuple[str, str]]:
        return rank_sources(current, self.library.sources())

    # -- /brief -----------------------------------------------------------------------------------------
    async def brief(self, interaction: Interaction, topic: str) -> None:
        problem = parse_query(topic, self.library.analyzer).problem
        if problem:
            raise UserError(problem)
        self._check_cooldown(self.brief_cooldown, interaction, "ask for a brief")
        probe = await asyncio.to_thread(self.library.search, topic, limit=1)
        if not probe.hits:  # nothing to brief: answer at once, privately, with suggestions
            brief = await asyncio.to_thread(self.library.brief, topic)
            await self.reply(interaction, embed=embeds.brief_embed(brief), ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        brief = await asyncio.to_thread(self.library.brief, topic)
        await self.reply(interaction, embed=embeds.brief_embed(brief))

    # -- /sources, /source, /help -------------------------------------------------------------------------
    async def sources(self, interaction: Interaction, status: bool = False) -> None:
        if status:
            feeds = await asyncio.to_thread(self.library.store.feeds.all)
            await self.reply(
                interaction, embed=embeds.health_embed(self.library.sources(), feeds, self.library.corpus.skipped)
            )
            return
        await interaction.response.send_message(**self._library_message(interaction.user.id, 1))

    def _library_message(self, owner: int, page: int) -> dict:
        sources = self.library.sources()
        pages = max(1, math.ceil(len(sources) / embeds.SOURCES_PER_PAGE))
        page = min(max(page, 1), pages)
        message = {"embed": embeds.sources_page(sources, page), "allowed_mentions": discord.AllowedMentions.none()}
        view = library_view(owner, page, pages)
        if view is not None:
            message["view"] = view
        return message

    async def turn_library_page(self, interaction: Interaction, owner: int, page: int) -> None:
        async def action():
            if interaction.user.id != owner:
                raise UserError("Only the person who listed the library can turn its pages; run /sources yourself.")
            await interaction.response.edit_message(**self._library_message(owner, page))

        await self.guarded(interaction, action)

    async def source(self, interaction: Interaction, source_id: str) -> None:
        info = self.library.source_info(source_id.strip())
        summary = await asyncio.to_thread(self.library.summary, info.source_id)
        await self.reply(interaction, embed=embeds.source_embed(info, summary))

    async def help(self, interaction: Interaction) -> None:
        await self.reply(interaction, embed=embeds.help_embed(), ephemeral=True)

    # -- growing the library: /ingest, /feed ------------------------------------------------------------
    @staticmethod
    def _require_manage_server(interaction: Interaction) -> None:
        if interaction.guild_id is None:
            raise UserError("That command works in a server, not in direct messages.")
        if not interaction.permissions.manage_guild:
            raise UserError("You need the Manage Server permission for that.")

    async def ingest(self, interaction: Interaction, url: str) -> None:
        self._require_manage_server(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        source = await ingest_url(self.library, url.strip(), self.bot.settings.fetch_policy())
        passages = len(self.library.passages_of(source.source_id))
        title = embeds.clip(embeds.escape_markdown(source.display_title), 200)
        await self.reply(
            interaction,
            f"Added “{title}” ({passages} passages) as `{source.source_id}`; it is searchable now.",
            ephemeral=True,
        )

    async def feed_add(self, interaction: Interaction, url: str) -> None:
        self._require_manage_server(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        settings = self.bot.settings
        result = await follow_feed(
            self.library,
            url.strip(),
            settings.fetch_policy(),
            str(interaction.user.id),
            settings.feed_interval,
            self.bot.scheduler.clock(),
        )
        await self.reply(
            interaction, f"Following feed #{result.feed.id}: {result.new} new item(s) added.", ephemeral=True
        )

    async def feed_list(self, interaction: Interaction) -> None:
        feeds = await asyncio.to_thread(self.library.store.feeds.all)
        await self.reply(interaction, embed=embeds.feeds_embed(feeds), ephemeral=True)

    async def feed_remove(self, interaction: Interaction, feed_id: int) -> None:
        self._require_manage_server(interaction)
        if not await asyncio.to_thread(self.library.store.feeds.remove, feed_id):
            raise UserError(f"There is no feed #{feed_id}. See /feed list.")
        await self.reply(
            interaction, f"Stopped following feed #{feed_id}; its sources stay in the library.", ephemeral=True
        )

    # -- /digest --------------------------------------------------------------------------------------
    async def digest_subscribe(
        self,
        interaction: Interaction,
        time: str,
        timezone: str,
        channel_id: int | None,
        topics: str | None,
        quiet: bool,
    ) -> None:
        self._require_manage_server(interaction)
        at = _parse_time(time)
        zone = _parse_zone(timezone)
        topic_list = _parse_topics(topics, self.library)
        now = self.bot.scheduler.clock()
        subscription = await asyncio.to_thread(
            self.library.store.digests.subscribe,
            guild_id=interaction.guild_id,
            channel_id=channel_id or interaction.channel_id,
            time=at,
            timezone=zone,
            topics=topic_list,
            quiet=quiet,
            created_by=interaction.user.id,
            now=now,
        )
        first = _next_time(at, zone, now)
        await self.reply(
            interaction,
            f"Digest #{subscription.id} will be posted in <#{subscription.channel_id}> every day at {at:%H:%M} "
            f"{zone}; the first <t:{int(first.timestamp())}:R>.",
            ephemeral=True,
        )

    async def digest_list(self, interaction: Interaction) -> None:
        subscriptions = await asyncio.to_thread(self.library.store.digests.subscriptions, interaction.guild_id)
        await self.reply(interaction, embed=embeds.subscriptions_embed(subscriptions), ephemeral=True)

    async def digest_unsubscribe(self, interaction: Interaction, subscription_id: int) -> None:
        self._require_manage_server(interaction)
        removed = await asyncio.to_thread(self.library.store.digests.remove, subscription_id, interaction.guild_id or 0)
        if not removed:
            raise UserError(f"There is no digest #{subscription_id} in this server. See /digest list.")
        await self.reply(interaction, f"Digest #{subscription_id} is cancelled.", ephemeral=True)

    async def digest_preview(self, interaction: Interaction, topics: str | None) -> None:
        """What this channel's digest would post now (privately)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        scheduler, store = self.bot.scheduler, self.library.store
        now = scheduler.clock()
        mine = [
            s
            for s in await asyncio.to_thread(store.digests.subscriptions, interaction.guild_id)
            if s.channel_id == interaction.channel_id
        ]
        if mine:
            since = await asyncio.to_thread(store.digests.last_covered, mine[0].id) or mine[0].created
            topic_list = _parse_topics(topics, self.library) if topics else mine[0].topics
        else:
            since, topic_list = now - dt.timedelta(days=1), _parse_topics(topics, self.library)
        digest = await scheduler.preview(topic_list, since, now)
        for message in embeds.digest_messages(digest, "Digest preview (only you see this)"):
            await interaction.followup.send(
                embeds=message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )

    @staticmethod
    def autocomplete_timezone(current: str) -> list[str]:
        needle = current.casefold().replace(" ", "_")
        zones = _zones()
        starts = [z for z in zones if z.casefold().startswith(needle) or z.casefold().split("/")[-1].startswith(needle)]
        within = [z for z in zones if needle in z.casefold() and z not in starts]
        return (starts + within)[:25]

    async def autocomplete_subscription(self, interaction: Interaction) -> list[tuple[str, int]]:
        subscriptions = await asyncio.to_thread(self.library.store.digests.subscriptions, interaction.guild_id)
        return [(f"#{s.id} daily at {s.time:%H:%M} {s.timezone}"[:100], s.id) for s in subscriptions][:25]


@functools.cache
def _zones() -> tuple[str, ...]:
    """The IANA time zone names, sorted (listing them scans the tz database, so it is done once)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def _parse_time(text: str) -> dt.time:
    try:
        hours, minutes = text.strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise UserError(f"Give the time as HH:MM in 24-hour form, e.g. 09:00 (not {text!r}).") from None


def _parse_zone(name: str) -> str:
    name = name.strip()
    if name not in _zones():
        raise UserError(f"Unknown time zone {name!r}: pick one from the list, e.g. Asia/Seoul or Europe/London.")
    return name


def _parse_topics(text: str | None, library) -> list[str]:
    topics = [t.strip() for t in (text or "").split(",") if t.strip()]
    if len(topics) > MAX_TOPICS:
        raise UserError(f"At most {MAX_TOPICS} topics, separated by commas.")
    for topic in topics:
        problem = parse_query(topic, library.analyzer).problem
        if problem:
            raise UserError(f"Topic {topic!r}: {problem}")
    return topics


def _next_time(at: dt.time, zone: str, now: dt.datetime) -> dt.datetime:
    tz = zoneinfo.ZoneInfo(zone)
    today = now.astimezone(tz).date()
    moment = scheduled_at(today, at, tz)
    return moment if moment > now else scheduled_at(today + dt.timedelta(days=1), at, tz)


def _describe(interaction: Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    custom_id = (interaction.data or {}).get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction type {interaction.type}"
