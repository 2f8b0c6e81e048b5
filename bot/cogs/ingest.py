"""/ingest: add a web page to the library now (Manage Server)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.replies import reply, require_manage_server, scope_of
from search.pages import PageService


class IngestCog(commands.Cog, name="Ingest"):
    def __init__(self, pages: PageService) -> None:
        self.pages = pages

    @app_commands.command(name="ingest", description="Add a web page to the library now (Manage Server)")
    @app_commands.describe(url="The page's link (http or https)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def ingest(self, interaction: discord.Interaction, url: str) -> None:
        require_manage_server(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        info = await self.pages.ingest(url, scope_of(interaction))
        title = embeds.clip(embeds.escape_markdown(info.title), 200)
        await reply(
            interaction,
            f"Added “{title}” ({info.passages} passages) as `{info.source_id}`; it is searchable now.",
            ephemeral=True,
        )
