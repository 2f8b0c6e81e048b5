"""The Discord client: slash commands registered on a command tree, synced on start-up, wired to handlers;
background loops for digests, feeds, new seed files and saving the index.

Settings and the library are injected (built in ``bot.__main__.main``). Commands sync to one guild when
``DISCORD_GUILD_ID`` is set (instant, for development), else globally and only when the command set changed
(its hash is kept in the data directory).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import tasks

from bot.cooldown import Cooldown
from bot.handlers import Handlers, UserError
from bot.saved_searches import SavedSearches
from bot.scheduler import DigestScheduler
from bot.settings import Settings
from bot.views import DYNAMIC_ITEMS
from search.language import LANGUAGES
from search.library import Library, utc_now
from search.query import MAX_QUERY_CHARS

log = logging.getLogger(__name__)


class _NotApplicable(logging.Filter):
    """Drops discord.py's warning about the Guilds intent: briefbot keeps no guild cache on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Guilds intent" not in record.getMessage()


logging.getLogger("discord.state").addFilter(_NotApplicable())
# briefbot never joins voice: the warnings about voice libraries (PyNaCl, davey) do not apply.
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False


class BriefBot(discord.Client):
    def __init__(
        self,
        settings: Settings,
        library: Library,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], dt.datetime] = utc_now,
        background: bool = True,
        **client_options,
    ) -> None:
        """``clock`` drives cooldowns, ``wall_clock`` the digests; ``background`` starts the loops (tests drive
        ``scheduler`` by hand instead); ``client_options`` go to ``discord.Client`` (e.g. guild_ready_timeout)."""
        # No gateway intents: interactions arrive regardless, and nothing here needs the guild cache.
        super().__init__(
            intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none(), **client_options
        )
        self.settings = settings
        self.library = library
        self.saved_searches = SavedSearches(library.store.db)
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error
        self.handlers = Handlers(
            self,
            Cooldown(settings.search_cooldown_seconds, clock),
            Cooldown(settings.brief_cooldown_seconds, clock),
        )
        for command in build_commands(self.handlers):
            self.tree.add_command(command)
        self.scheduler = DigestScheduler(self, wall_clock)
        self.loops = []
        if background:
            self.loops = [
                self._every(60, self.scheduler.tick),
                self._every(60, self.scheduler.poll_feeds),
                self._every(settings.seeds_poll_seconds, self.scheduler.refresh_seeds),
                self._every(300, self.scheduler.save_index),
            ]
        self.synced: str | None = None  # "guild", "global" or "unchanged", once setup_hook ran

    def _every(self, seconds: float, work: Callable[[], Awaitable[object]]) -> tasks.Loop:
        """A loop that waits for the gateway, then runs ``work``; a failure is logged and the loop goes on."""

        async def iteration() -> None:
            try:
                await work()
            except Exception:
                log.exception("background task %s failed", work.__name__)

        loop = tasks.loop(seconds=seconds)(iteration)
        loop.before_loop(self.wait_until_ready)
        return loop

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.sync_commands()
        for loop in self.loops:
            loop.start()

    async def close(self) -> None:
        for loop in self.loops:
            loop.cancel()
        await super().close()

    async def sync_commands(self) -> None:
        if self.settings.discord_guild_id:
            guild = discord.Object(id=self.settings.discord_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            self.synced = "guild"
            log.info("synced %d commands to guild %s", len(self.tree.get_commands()), guild.id)
            return
        payload = json.dumps([c.to_dict(self.tree) for c in self.tree.get_commands()], sort_keys=True)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        marker = self.library.data_dir / "commands.sha256"
        if marker.exists() and marker.read_text().strip() == digest:
            self.synced = "unchanged"
            log.info("command set unchanged; not syncing")
            return
        await self.tree.sync()
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(digest)
        self.synced = "global"
        log.info("synced %d commands globally", len(self.tree.get_commands()))

    async def on_ready(self) -> None:
        log.info("logged in as %s (%s)", self.user, getattr(self.user, "id", "?"))

    async def _on_tree_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Errors raised before a handler ran (e.g. a failed transform); handlers guard their own."""
        log.warning("could not run %s: %r", interaction.data and interaction.data.get("name"), error)

        async def fail():
            raise UserError("That command could not be read. Try /help.") from error

        await self.handlers.guarded(interaction, fail)


class PostableChannel(app_commands.Transformer):
    """A text or announcement channel option, taken from the interaction's resolved data: the bot keeps no
    guild cache (no gateway intents), so discord.TextChannel, which looks the channel up there, would fail."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction, value: app_commands.AppCommandChannel):
        return value


def build_commands(handlers: Handlers) -> list[app_commands.Command]:
    """The slash commands; names and option names are a contract other tools drive."""

    @app_commands.command(name="search", description="Ranked excerpts from the library, with citations")
    @app_commands.describe(
        query='Words to look for; put a phrase in "quotes" to match it exactly',
        source="Only this source",
        limit="Results per page (1-10)",
        language="Only sources in this language",
    )
    @app_commands.choices(language=[app_commands.Choice(name=name, value=code) for code, name in LANGUAGES.items()])
    async def search(
        interaction: discord.Interaction,
        query: app_commands.Range[str, None, MAX_QUERY_CHARS],
        source: str | None = None,
        limit: app_commands.Range[int, 1, 10] = 5,
        language: str | None = None,
    ) -> None:
        await handlers.guarded(interaction, lambda: handlers.search(interaction, query, source, limit, language))

    @app_commands.command(name="brief", description="A short briefing; every sentence is a cited quote")
    @app_commands.describe(topic="What the briefing is about, e.g. trilateral")
    async def brief(interaction: discord.Interaction, topic: str) -> None:
        await handlers.guarded(interaction, lambda: handlers.brief(interaction, topic))

    @app_commands.command(name="sources", description="The library: every source with outlet, date and size")
    @app_commands.describe(status="Show library health instead: what cleaning dropped, feeds' last polls")
    async def sources(interaction: discord.Interaction, status: bool = False) -> None:
        await handlers.guarded(interaction, lambda: handlers.sources(interaction, status))

    @app_commands.command(name="source", description="One source: metadata, summary and link")
    @app_commands.describe(id="The source (start typing its title or id)")
    async def source(interaction: discord.Interaction, id: str) -> None:  # noqa: A002 (the option is named id)
        await handlers.guarded(interaction, lambda: handlers.source(interaction, id))

    @app_commands.command(name="help", description="What briefbot can do, with examples")
    async def help_(interaction: discord.Interaction) -> None:
        await handlers.guarded(interaction, lambda: handlers.help(interaction))

    async def complete_source(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=v) for n, v in await handlers.autocomplete_source(current)]

    search.autocomplete("source")(complete_source)
    source.autocomplete("id")(complete_source)
    return [search, brief, sources, source, help_, *_growth_commands(handlers)]


def _growth_commands(handlers: Handlers) -> list[app_commands.Command | app_commands.Group]:
    """/ingest, /feed and /digest: the library growing, and posting to channels (Manage Server to change)."""
    manage = discord.Permissions(manage_guild=True)

    @app_commands.command(name="ingest", description="Add a web page to the library now (Manage Server)")
    @app_commands.describe(url="The page's link (http or https)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def ingest(interaction: discord.Interaction, url: str) -> None:
        await handlers.guarded(interaction, lambda: handlers.ingest(interaction, url))

    feed = app_commands.Group(
        name="feed", description="Feeds the library follows", guild_only=True, default_permissions=manage
    )

    @feed.command(name="add", description="Follow an RSS, Atom or WordPress feed")
    @app_commands.describe(url="The feed's link, e.g. https://example.org/feed or …/wp-json/wp/v2/posts")
    async def feed_add(interaction: discord.Interaction, url: str) -> None:
        await handlers.guarded(interaction, lambda: handlers.feed_add(interaction, url))

    @feed.command(name="list", description="The feeds followed, with their last poll")
    async def feed_list(interaction: discord.Interaction) -> None:
        await handlers.guarded(interaction, lambda: handlers.feed_list(interaction))

    @feed.command(name="remove", description="Stop following a feed (its sources stay)")
    @app_commands.describe(id="The feed number from /feed list")
    async def feed_remove(interaction: discord.Interaction, id: int) -> None:  # noqa: A002
        await handlers.guarded(interaction, lambda: handlers.feed_remove(interaction, id))

    digest = app_commands.Group(name="digest", description="A daily digest of new sources", guild_only=True)

    @digest.command(name="subscribe", description="Post a digest here every day (Manage Server)")
    @app_commands.describe(
        time="Local time, HH:MM (24-hour)",
        timezone="Time zone, e.g. Asia/Seoul",
        channel="Where to post (default: this channel)",
        topics="Topics to follow, separated by commas",
        quiet="Post nothing on days with nothing new",
    )
    async def subscribe(
        interaction: discord.Interaction,
        time: str,
        timezone: str,
        channel: app_commands.Transform[app_commands.AppCommandChannel, PostableChannel] | None = None,
        topics: str | None = None,
        quiet: bool = False,
    ) -> None:
        channel_id = channel.id if channel else None
        await handlers.guarded(
            interaction, lambda: handlers.digest_subscribe(interaction, time, timezone, channel_id, topics, quiet)
        )

    @digest.command(name="list", description="This server's digest subscriptions")
    async def digest_list(interaction: discord.Interaction) -> None:
        await handlers.guarded(interaction, lambda: handlers.digest_list(interaction))

    @digest.command(name="unsubscribe", description="Cancel a digest (Manage Server)")
    @app_commands.describe(id="The digest number from /digest list")
    async def unsubscribe(interaction: discord.Interaction, id: int) -> None:  # noqa: A002
        await handlers.guarded(interaction, lambda: handlers.digest_unsubscribe(interaction, id))

    @digest.command(name="preview", description="What this channel's digest would post now (only you see it)")
    @app_commands.describe(topics="Topics to try, separated by commas")
    async def preview(interaction: discord.Interaction, topics: str | None = None) -> None:
        await handlers.guarded(interaction, lambda: handlers.digest_preview(interaction, topics))

    @subscribe.autocomplete("timezone")
    async def complete_zone(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in handlers.autocomplete_timezone(current)]

    @unsubscribe.autocomplete("id")
    async def complete_subscription(interaction: discord.Interaction, current: str):
        return [app_commands.Choice(name=n, value=v) for n, v in await handlers.autocomplete_subscription(interaction)]

    return [ingest, feed, digest]
