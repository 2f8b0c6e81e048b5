"""/feed add|list|remove (Manage Server), and polling the feeds that are due in the background."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import embeds
from bot.loops import logged
from bot.replies import UserError, in_time, reply, require_manage_server, scope_of
from search.feeds import FeedService
from search.shards import ShardSet

POLL_CHECK_SECONDS = 60  # how often due feeds are looked for; each feed's own interval is a setting


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FeedCog(commands.GroupCog, name="Feeds", group_name="feed", group_description="Feeds the library follows"):
    def __init__(self, bot: commands.Bot, feeds: FeedService, shards: ShardSet | None = None) -> None:
        """``shards``: poll only the feeds of servers on these shards, and the operator's."""
        super().__init__()
        self.bot = bot
        self.feeds = feeds
        self.shards = shards
        self.loops = (self.poll,)

    @app_commands.command(name="add", description="Follow an RSS, Atom or WordPress feed")
    @app_commands.describe(url="The feed's link, e.g. https://example.org/feed or …/wp-json/wp/v2/posts")
    async def add(self, interaction: discord.Interaction, url: str) -> None:
        require_manage_server(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.feeds.follow(url, str(interaction.user.id), scope_of(interaction))
        await reply(interaction, f"Following feed #{result.feed.id}: {result.new} new item(s) added.", ephemeral=True)

    @app_commands.command(name="list", description="The feeds this server follows, with their last poll")
    async def list_(self, interaction: discord.Interaction) -> None:
        require_manage_server(interaction)
        feeds = await in_time(interaction, self.feeds.followed(scope_of(interaction)), ephemeral=True)
        await reply(interaction, embed=embeds.feeds_embed(feeds), ephemeral=True)

    @app_commands.command(name="remove", description="Stop following a feed (its sources stay)")
    @app_commands.describe(id="The feed number from /feed list")
    async def remove(self, interaction: discord.Interaction, id: int) -> None:  # noqa: A002
        require_manage_server(interaction)
        if not await in_time(interaction, self.feeds.unfollow(id, scope_of(interaction)), ephemeral=True):
            raise UserError(f"This server follows no feed #{id}. See /feed list.")
        await reply(interaction, f"Stopped following feed #{id}; its sources stay in the library.", ephemeral=True)

    async def cog_unload(self) -> None:
        self.poll.cancel()

    @tasks.loop(seconds=POLL_CHECK_SECONDS)
    async def poll(self) -> None:
        await logged("poll feeds", self.feeds.poll_due(shards=self.shards))

    @poll.before_loop
    async def _wait_for_gateway(self) -> None:
        await self.bot.wait_until_ready()
