"""/sources (with its page buttons) and /source; in the background, picking up new seed files, the sources
other processes on the same state database added or removed, and saving the grown index."""

from __future__ import annotations

import asyncio
import logging
import math

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import embeds
from bot.autocomplete import source_choices
from bot.buttons import LibraryPageButton, bind, library_view
from bot.loops import logged
from bot.replies import NO_MENTIONS, UserError, edit, in_time, reply, require_manage_server, scope_of
from search.feeds import FeedService
from search.library import Library
from search.pages import PageService

log = logging.getLogger(__name__)
SAVE_INDEX_SECONDS = 300
SYNC_SHARED_SECONDS = 1.5  # how often the shared state's change log is checked (one max(seq) when quiet)


class LibraryCog(commands.Cog, name="Library"):
    def __init__(
        self, bot: commands.Bot, library: Library, feeds: FeedService, pages: PageService, seeds_poll_seconds: float
    ) -> None:
        self.bot = bot
        self.library = library
        self.feeds = feeds
        self.pages = pages
        self.page_button = bind(LibraryPageButton, self.turn_page)
        self.dynamic_items = (self.page_button,)
        self.refresh_seeds.change_interval(seconds=seeds_poll_seconds)
        self.loops = (self.refresh_seeds, self.save_index, self.sync_shared)

    @app_commands.command(name="sources", description="The library: every source with outlet, date and size")
    @app_commands.describe(
        status="Show library health instead (Manage Server; only you see it): what cleaning dropped, feeds' polls"
    )
    async def sources(self, interaction: discord.Interaction, status: bool = False) -> None:
        scope = scope_of(interaction)
        if status:
            require_manage_server(interaction)

            async def health() -> discord.Embed:
                feeds = await self.feeds.followed(scope)
                sources = await asyncio.to_thread(self.library.sources, scope=scope)
                return embeds.health_embed(sources, feeds, self.library.corpus.skipped)

            await reply(interaction, embed=await in_time(interaction, health(), ephemeral=True), ephemeral=True)
            return
        await reply(interaction, **await in_time(interaction, self._page(interaction.user.id, 1, scope)))

    async def _page(self, owner: int, page: int, scope: int) -> dict:
        sources = await asyncio.to_thread(self.library.sources, scope=scope)  # once per snapshot: a while after growth
        pages = max(1, math.ceil(len(sources) / embeds.SOURCES_PER_PAGE))
        page = min(max(page, 1), pages)
        message = {"embed": embeds.sources_page(sources, page)}
        view = library_view(owner, page, pages, page_button=self.page_button)
        if view is not None:
            message["view"] = view
        return message

    async def turn_page(self, interaction: discord.Interaction, button: LibraryPageButton) -> None:
        if interaction.user.id != button.owner:
            raise UserError("Only the person who listed the library can turn its pages; run /sources yourself.")
        page = await in_time(interaction, self._page(button.owner, button.page, scope_of(interaction)))
        await edit(interaction, allowed_mentions=NO_MENTIONS, **page)

    @app_commands.command(name="source", description="One source: metadata, summary and link")
    @app_commands.describe(id="The source (start typing its title or id)")
    async def source(self, interaction: discord.Interaction, id: str) -> None:  # noqa: A002 (the option is named id)
        scope = scope_of(interaction)

        def read() -> discord.Embed:  # an unknown id: a private answer
            info = self.library.source_info(id.strip(), scope=scope)
            return embeds.source_embed(info, self.library.summary(info.source_id, scope=scope))

        await reply(interaction, embed=await in_time(interaction, asyncio.to_thread(read)))  # a long summary: a while

    @app_commands.command(name="source-remove", description="Remove a source this server added (Manage Server)")
    @app_commands.describe(id="The source (start typing its title or id)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def source_remove(self, interaction: discord.Interaction, id: str) -> None:  # noqa: A002
        require_manage_server(interaction)
        source = await in_time(interaction, self.pages.remove(id, scope_of(interaction)), ephemeral=True)
        await reply(
            interaction,
            f"Removed “{embeds.title(source.display_title, 200)}” ({embeds.inline_code(source.source_id)}); "
            "it is no longer searchable.",
            ephemeral=True,
        )

    @source.autocomplete("id")
    @source_remove.autocomplete("id")
    async def _complete_source(self, interaction: discord.Interaction, current: str):
        return await source_choices(self.library, current, scope_of(interaction))

    # -- background ---------------------------------------------------------------------------------------
    async def cog_unload(self) -> None:
        for loop in self.loops:
            loop.cancel()

    @tasks.loop(seconds=60)
    async def refresh_seeds(self) -> None:
        change = await logged("refresh_seeds", asyncio.to_thread(self.library.refresh_seeds))
        if change:
            log.info("seeds directory: %s", change)

    @tasks.loop(seconds=SYNC_SHARED_SECONDS)
    async def sync_shared(self) -> None:
        change = await logged("sync_shared", asyncio.to_thread(self.library.sync_shared))
        if change:
            log.info("shared library: %s", change)

    @tasks.loop(seconds=SAVE_INDEX_SECONDS)
    async def save_index(self) -> None:
        await logged("save_index", asyncio.to_thread(self.library.save_index))

    @refresh_seeds.before_loop
    @save_index.before_loop
    async def _wait_for_gateway(self) -> None:
        await self.bot.wait_until_ready()
