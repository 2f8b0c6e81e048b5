"""/help: every command, with examples."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.replies import reply


class HelpCog(commands.Cog, name="Help"):
    @app_commands.command(name="help", description="What briefbot can do, with examples")
    async def help_(self, interaction: discord.Interaction) -> None:
        await reply(interaction, embed=embeds.help_embed(), ephemeral=True)
