"""``python -m bot`` (and ``briefbot run``): settings -> services -> BriefBot, built here and injected."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import aiohttp
import discord

from bot.settings import load_settings
from search.datadir import DataDirError
from search.store import StoreUnavailableError

log = logging.getLogger("briefbot")

MISSING_TOKEN = (
    "briefbot: DISCORD_TOKEN is not set. Create a bot at https://discord.com/developers/applications "
    "(your application → Bot → Reset Token) and put DISCORD_TOKEN=… in .env or the environment."
)
REJECTED_TOKEN = (
    "briefbot: Discord rejected DISCORD_TOKEN. Reset the token in the Developer Portal (Bot → Reset Token) "
    "and update .env."
)

UNREACHABLE = "briefbot: could not reach Discord; check the network and try again"


def main(*, seeds_dir: Path | None = None, data_dir: Path | None = None) -> int:
    """Run the bot until it is stopped; ``seeds_dir`` and ``data_dir`` (``briefbot run --seeds --data``) win
    over the settings."""
    settings = load_settings()
    if settings is None:
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        print(MISSING_TOKEN, file=sys.stderr)
        return 1
    from bot.app import make_bot
    from bot.settings import open_services

    try:
        services = open_services(
            settings, seeds_dir=seeds_dir, data_dir=data_dir, progress=True, reranker=settings.reranker()
        )
    except (FileNotFoundError, DataDirError, StoreUnavailableError) as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return 1
    try:
        return asyncio.run(run(make_bot(settings, services), token))
    except KeyboardInterrupt:
        return 0


async def run(client: discord.Client, token: str) -> int:
    """Log in and serve until closed. A rejected token is one clear line and exit code 1."""
    try:
        async with client:
            await client.start(token)
    except discord.LoginFailure:
        print(REJECTED_TOKEN, file=sys.stderr)
        return 1
    except (OSError, aiohttp.ClientError, discord.GatewayNotFound, discord.HTTPException) as error:
        print(f"{UNREACHABLE} ({_reason(error)})", file=sys.stderr)
        return 1
    return 0


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
