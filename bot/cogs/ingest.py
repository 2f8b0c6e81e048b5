"""/ingest: add a web page or an attached file to this server's library now (Manage Server)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.replies import UserError, reply, require_manage_server, scope_of
from search.pages import PageService


class IngestCog(commands.Cog, name="Ingest"):
    def __init__(self, pages: PageService) -> None:
        self.pages = pages

    @app_commands.command(
        name="ingest", description="Add a web page or a file to this server's library (Manage Server)"
    )
    @app_commands.describe(url="The page's link (http or https)", file="A PDF, HTML, Markdown or text file")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    async def ingest(
        self, interaction: discord.Interaction, url: str | None = None, file: discord.Attachment | None = None
    ) -> None:
        require_manage_server(interaction)
        if (url is None) == (file is None):
            raise UserError("Give either a link (url) or a file, not both.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        scope = scope_of(interaction)
        if file is None:
            info = await self.pages.ingest(url, scope)
        else:
            info = await self.pages.ingest_file(file.url, file.filename, file.size, scope)
        title = embeds.clip(embeds.escape_markdown(info.title), 200)
        await reply(
            interaction,
            f"Added “{title}” ({info.passages} passages) as {embeds.inline_code(info.source_id)}; "
            "it is searchable here now.",
            ephemeral=True,
        )
