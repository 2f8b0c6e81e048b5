"""Answering an interaction: in time (defer when the work takes a while), privately when asked, never with
a mention."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable
from typing import TypeVar

import discord

from bot import embeds
from bot.cooldown import Cooldown
from search.scopes import OPERATOR

T = TypeVar("T")
DEFER_AFTER = 1.0  # seconds of work before the interaction is acknowledged with a "thinking…" state
NO_MENTIONS = discord.AllowedMentions.none()


class UserError(Exception):
    """Something the user can fix; the message is shown to them as is."""


async def in_time(interaction: discord.Interaction, work: Awaitable[T], *, ephemeral: bool = False) -> T:
    """Await ``work`` (run blocking parts in threads); if it is not done within ``DEFER_AFTER`` seconds,
    acknowledge the interaction first, so Discord's 3-second deadline is always met. Quick answers keep
    their own visibility (a private one-liner stays private)."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done and not interaction.response.is_done():
        if interaction.type is discord.InteractionType.component and not ephemeral:
            await interaction.response.defer()  # the message is edited afterwards
        else:
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
            interaction.extras["thinking_in_public"] = not ephemeral
    return await task


async def reply(interaction: discord.Interaction, content: str | None = None, **kwargs) -> None:
    """Respond, or follow up if the interaction was already acknowledged. A private answer after a public
    "thinking…" replaces it (deletes it first): a follow-up would otherwise take the deferral's visibility."""
    if content is not None:
        kwargs["content"] = embeds.clip(content, embeds.CONTENT)
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if kwargs.get("ephemeral") and interaction.extras.pop("thinking_in_public", False):
        await interaction.delete_original_response()
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


async def edit(interaction: discord.Interaction, **message) -> None:
    """Replace the message a button is on (after a deferral too)."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**message)
    else:
        await interaction.response.edit_message(**message)


def check_cooldown(cooldown: Cooldown, interaction: discord.Interaction, what: str) -> None:
    wait = cooldown.retry_after(interaction.user.id)
    if wait is not None:
        raise UserError(f"You can {what} again in {math.ceil(wait)} s.")


def scope_of(interaction: discord.Interaction) -> int:
    """Whose library the interaction works in: its server's (search.scopes); the shared one in direct messages."""
    return interaction.guild_id or OPERATOR


def require_manage_server(interaction: discord.Interaction) -> None:
    if interaction.guild_id is None:
        raise UserError("That command works in a server, not in direct messages.")
    if not interaction.permissions.manage_guild:
        raise UserError("You need the Manage Server permission for that.")
