"""/brief: a short briefing whose every sentence is a cited quote."""

from __future__ import annotations

import asyncio

import discord
from discord import app_commands
from discord.ext import commands

from bot import embeds
from bot.cooldown import Cooldown
from bot.replies import UserError, check_cooldown, in_time, reply, scope_of
from search.library import Library
from search.query import parse_query


class BriefCog(commands.Cog, name="Brief"):
    def __init__(self, library: Library, cooldown: Cooldown) -> None:
        self.library = library
        self.cooldown = cooldown

    @app_commands.command(name="brief", description="A short briefing; every sentence is a cited quote")
    @app_commands.describe(topic="What the briefing is about, e.g. trilateral")
    async def brief(self, interaction: discord.Interaction, topic: str) -> None:
        scope = scope_of(interaction)

        async def first_hit():
            # In a worker thread: a first Korean topic loads the Korean model, which must not stall the event loop.
            problem = (await asyncio.to_thread(parse_query, topic, self.library.analyzer)).problem
            if problem:
                raise UserError(problem)
            check_cooldown(self.cooldown, interaction, "ask for a brief")
            return await asyncio.to_thread(self.library.search, topic, limit=1, scope=scope)

        probe = await in_time(interaction, first_hit())
        if not probe.hits:  # nothing to brief: answer privately, with suggestions
            work = asyncio.to_thread(self.library.brief, topic, scope=scope)
            brief = await in_time(interaction, work, ephemeral=True)
            await reply(interaction, embed=embeds.brief_embed(brief), ephemeral=True)
            return
        brief = await in_time(interaction, asyncio.to_thread(self.library.brief, topic, scope=scope))
        # no sentence about the topic as a whole: a note for the asker, not the channel
        await reply(interaction, embed=embeds.brief_embed(brief), ephemeral=not brief.sentences)
