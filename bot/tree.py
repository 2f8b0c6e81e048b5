"""The command tree and the one place errors become answers.

``report_error`` turns a user error (``UserError`` or a service's user-facing failure) into a private one-line
answer and anything else into a private apology with an error id (the traceback goes to the log under it).
It never raises: when the interaction has expired (10062 Unknown interaction) or the answer cannot be sent,
one line is logged and that is all. The tree's ``on_error`` and every button use it.
"""

from __future__ import annotations

import logging
import uuid

import discord
from discord import app_commands

from bot.replies import UserError, reply
from search.errors import USER_ERRORS
from search.markup import escape_markdown

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # Discord's code for an interaction not acknowledged within 3 s
ANSWERABLE = (UserError, app_commands.CheckFailure, *USER_ERRORS)


class BriefTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await report_error(interaction, error)


def _cause(error: BaseException) -> BaseException:
    """The failure itself, not discord.py's wrapper around it."""
    while isinstance(error, app_commands.CommandInvokeError) and error.original is not None:
        error = error.original
    return error


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    error = _cause(error)
    where = describe(interaction)
    if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
        log.warning("%s expired before it was answered", where)  # nobody is waiting for an answer any more
        return
    if isinstance(error, app_commands.TransformerError | app_commands.CommandSignatureMismatch):
        log.warning("could not read %s: %r", where, error)
        error = UserError("That command could not be read. Try /help.")
    if isinstance(error, ANSWERABLE):  # its message may echo what the user typed
        text = escape_markdown(str(error.args[0])) if error.args else type(error).__name__
    else:
        error_id = uuid.uuid4().hex[:8]
        log.error("error %s while handling %s", error_id, where, exc_info=error)
        text = f"Sorry, something went wrong on our side (error id `{error_id}`). It has been logged."
    if interaction.type is discord.InteractionType.autocomplete:
        return  # an autocomplete cannot be answered with a message
    try:
        await reply(interaction, text, ephemeral=True)
    except discord.HTTPException as failure:  # expired (10062), or Discord refused: nothing more to do
        log.warning("could not answer %s: %s", where, failure)


def describe(interaction: discord.Interaction) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    custom_id = (interaction.data or {}).get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction type {interaction.type}"
