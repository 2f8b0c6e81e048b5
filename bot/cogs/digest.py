"""/digest subscribe|list|unsubscribe|preview, and posting the digests that are due in the background.

``post_due`` is one round (the loop runs it every minute; tests call it with a clock they move). Claiming,
building and recording are the ``DigestService``'s; this cog only sends the messages, and when a channel is
gone or closed to the bot, tells the subscriber privately.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import embeds
from bot.loops import logged
from bot.replies import NO_MENTIONS, UserError, in_time, reply, require_manage_server
from search.digest import Digest
from search.digests import DeliveryError, DigestService, time_zones
from search.schedule import FREQUENCIES, WEEKDAYS
from search.shards import ShardSet
from search.store import Subscription

log = logging.getLogger(__name__)
TICK_SECONDS = 60


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


@app_commands.guild_only()
class DigestCog(commands.GroupCog, name="Digest", group_name="digest", group_description="A digest of new sources"):
    def __init__(self, bot: commands.Bot, digests: DigestService, shards: ShardSet | None = None) -> None:
        """``shards``: post only the digests of servers on these shards (the process runs only them)."""
        super().__init__()
        self.bot = bot
        self.digests = digests
        self.shards = shards
        self.loops = (self.tick,)

    @app_commands.command(name="subscribe", description="Post a digest here daily, weekly or hourly (Manage Server)")
    @app_commands.describe(
        time="Local time, HH:MM (24-hour); hourly digests post at its minutes past each hour",
        timezone="Time zone, e.g. Asia/Seoul",
        channel="Where to post (default: this channel)",
        topics="Topics to follow, separated by commas",
        quiet="Post nothing when nothing is new",
        frequency="How often (default: daily)",
        weekday="The day of a weekly digest",
    )
    @app_commands.choices(
        frequency=[app_commands.Choice(name=f, value=f) for f in FREQUENCIES],
        weekday=[app_commands.Choice(name=d, value=d) for d in WEEKDAYS],
    )
    async def subscribe(
        self,
        interaction: discord.Interaction,
        time: str,
        timezone: str,
        channel: app_commands.Transform[app_commands.AppCommandChannel, PostableChannel] | None = None,
        topics: str | None = None,
        quiet: bool = False,
        frequency: str = "daily",
        weekday: str | None = None,
    ) -> None:
        require_manage_server(interaction)
        work = self.digests.subscribe(
            guild_id=interaction.guild_id,
            channel_id=channel.id if channel else interaction.channel_id,
            time=time,
            timezone=timezone,
            topics=topics,
            quiet=quiet,
            created_by=interaction.user.id,
            frequency=frequency,
            weekday=weekday,
        )
        subscription, first = await in_time(interaction, work, ephemeral=True)
        await reply(
            interaction,
            f"Digest #{subscription.id} will be posted in <#{subscription.channel_id}> "
            f"{embeds.when(subscription)}; the first <t:{int(first.timestamp())}:R>.",
            ephemeral=True,
        )

    @subscribe.autocomplete("timezone")
    async def _complete_zone(self, interaction: discord.Interaction, current: str):
        needle = current.casefold().replace(" ", "_")
        zones = time_zones()
        starts = [z for z in zones if z.casefold().startswith(needle) or z.casefold().split("/")[-1].startswith(needle)]
        within = [z for z in zones if needle in z.casefold() and z not in starts]
        return [app_commands.Choice(name=z, value=z) for z in (starts + within)[:25]]

    @app_commands.command(name="list", description="This server's digest subscriptions")
    async def list_(self, interaction: discord.Interaction) -> None:
        subscriptions = await in_time(interaction, self.digests.subscriptions(interaction.guild_id), ephemeral=True)
        await reply(interaction, embed=embeds.subscriptions_embed(subscriptions), ephemeral=True)

    @app_commands.command(name="unsubscribe", description="Cancel a digest (Manage Server)")
    @app_commands.describe(id="The digest number from /digest list")
    async def unsubscribe(self, interaction: discord.Interaction, id: int) -> None:  # noqa: A002
        require_manage_server(interaction)
        removed = await in_time(interaction, self.digests.unsubscribe(id, interaction.guild_id or 0), ephemeral=True)
        if not removed:
            raise UserError(f"There is no digest #{id} in this server. See /digest list.")
        await reply(interaction, f"Digest #{id} is cancelled.", ephemeral=True)

    @unsubscribe.autocomplete("id")
    async def _complete_subscription(self, interaction: discord.Interaction, current: str):
        subscriptions = await self.digests.subscriptions(interaction.guild_id)
        return [app_commands.Choice(name=f"#{s.id} {embeds.when(s)}"[:100], value=s.id) for s in subscriptions][:25]

    @app_commands.command(name="preview", description="What this channel's digest would post now (only you see it)")
    @app_commands.describe(topics="Topics to try, separated by commas")
    async def preview(self, interaction: discord.Interaction, topics: str | None = None) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        digest = await self.digests.preview(topics, channel=(interaction.guild_id, interaction.channel_id))
        for message in embeds.digest_messages(digest, "Digest preview (only you see this)"):
            await interaction.followup.send(embeds=message, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # -- background ---------------------------------------------------------------------------------------
    async def post_due(self) -> list[int]:
        """Post every digest due now; the ids of the subscriptions posted to."""
        return await self.digests.run_due(self._send, self.shards)

    async def _send(self, subscription: Subscription, digest: Digest, heading: str) -> list[int]:
        channel = self.bot.get_partial_messageable(subscription.channel_id)
        sent: list[int] = []
        try:
            for message in embeds.digest_messages(digest, heading):
                sent.append((await channel.send(embeds=message, allowed_mentions=NO_MENTIONS)).id)
        except (discord.NotFound, discord.Forbidden) as error:
            reason = (
                "the channel no longer exists"
                if isinstance(error, discord.NotFound)
                else "briefbot is not allowed to post in the channel"
            )
            await self._tell_subscriber(subscription, reason)
            raise DeliveryError(reason, sent) from error
        return sent

    async def _tell_subscriber(self, subscription: Subscription, reason: str) -> None:
        if not subscription.created_by:
            return
        note = (
            f"Your {subscription.frequency} digest #{subscription.id} (channel <#{subscription.channel_id}>) "
            f"was turned off: {reason}. Subscribe again with /digest subscribe once that is fixed."
        )
        try:
            dm = await self.bot.create_dm(discord.Object(id=subscription.created_by))
            await dm.send(note, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.warning("could not tell user %s about digest %s: %s", subscription.created_by, subscription.id, error)

    async def cog_unload(self) -> None:
        self.tick.cancel()

    @tasks.loop(seconds=TICK_SECONDS)
    async def tick(self) -> None:
        await logged("post digests", self.post_due())

    @tick.before_loop
    async def _wait_for_gateway(self) -> None:
        await self.bot.wait_until_ready()
