"""``python -m tests.bot.bot_process``: ``python -m bot`` against the local Discord stand-in whose address is
in ``STAND_IN_URL``, pointed at it the way the in-process tests are (discord.py's REST base and gateway)."""

from __future__ import annotations

import os
import sys

import discord
import yarl

from bot.__main__ import main


def point_at(url: str) -> None:
    """Send discord.py's REST calls and gateway connections to the stand-in at ``url`` (http://host:port)."""
    discord.http.Route.BASE = f"{url}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"{url.replace('http', 'ws', 1)}/gateway")


if __name__ == "__main__":
    point_at(os.environ["STAND_IN_URL"])
    sys.exit(main())
