"""The Discord client: slash commands registered on a command tree, synced on start-up, wired to handlers.

Settings and the library are injected (built in ``bot.__main__.main``). Commands sync to one guild when
``DISCORD_GUILD_ID`` is set (instant, for development), else globally and only when the command set changed
(its hash is kept in the data directory).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable

import discord
from discord import app_commands

from bot.cooldown import Cooldown
from bot.handlers import Handlers, UserError
from bot.settings import Settings
from bot.views import DYNAMIC_ITEMS
from search.library import Library

log = logging.getLogger(__name__)


class BriefBot(discord.Client):
    def __init__(
        self,
        settings: Settings,
        library: Library,
        *,
        clock: Callable[[], float] = time.monotonic,
        **client_options,
    ) -> None:
        """``client_options`` go to ``discord.Client`` (e.g. ``guild_ready_timeout``)."""
        # No gateway intents: interactions arrive regardless, and nothing here needs the guild cache.
        super().__init__(
            intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none(), **client_options
        )
        self.settings = settings
        self.library = library
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error
        self.handlers = Handlers(
            self,
            Cooldown(settings.search_cooldown_seconds, clock),
            Cooldown(settings.brief_cooldown_seconds, clock),
        )
        for command in build_commands(self.handlers):
            self.tree.add_command(command)
        self.synced: str | None = None  # "guild", "global" or "unchanged", once setup_hook ran

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.sync_commands()

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

        async def fail():
            raise UserError("That command could not be read. Try /help.") from error

        await self.handlers.guarded(interaction, fail)


def build_commands(handlers: Handlers) -> list[app_commands.Command]:
    """The slash commands; names and option names are a contract other tools drive."""

    @app_commands.command(name="search", description="Ranked excerpts from the library, with citations")
    @app_commands.describe(
        query='Words to look for; put a phrase in "quotes" to match it exactly',
        source="Only this source",
        limit="Results per page (1-10)",
    )
    async def search(
        interaction: discord.Interaction,
        query: str,
        source: str | None = None,
        limit: app_commands.Range[int, 1, 10] = 5,
    ) -> None:
        await handlers.guarded(interaction, lambda: handlers.search(interaction, query, source, limit))

    @app_commands.command(name="brief", description="A short briefing; every sentence is a cited quote")
    @app_commands.describe(topic="What the briefing is about, e.g. trilateral")
    async def brief(interaction: discord.Interaction, topic: str) -> None:
        await handlers.guarded(interaction, lambda: handlers.brief(interaction, topic))

    @app_commands.command(name="sources", description="The library: every source with outlet, date and size")
    async def sources(interaction: discord.Interaction) -> None:
        await handlers.guarded(interaction, lambda: handlers.sources(interaction))

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
    return [search, brief, sources, source, help_]
