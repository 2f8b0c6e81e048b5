"""Real ``python -m bot`` processes against the local Discord stand-in (tests.bot.bot_process), for tests of
several processes sharing the gateway and the state database."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.bot.fake_discord import TOKEN, FakeDiscord
from tests.conftest import ROOT


async def eventually(check: Callable[[], object], timeout: float, what: str, interval: float = 0.05):
    """Poll ``check`` until it returns something true (returned), or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(interval)


class BotProcess:
    """One bot process running some shards, with its own data directory and log file."""

    def __init__(self, discord_api: FakeDiscord, workdir: Path, seeds: Path, shard_ids: str, **env: str) -> None:
        self.discord_api = discord_api
        self.shard_ids = [int(i) for i in shard_ids.split(",")]
        self.workdir = workdir  # also the working directory: no .env is read
        self.log = workdir / "bot.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SHARD_", "DATA", "SEEDS"))},
            "PYTHONPATH": str(ROOT),
            "STAND_IN_URL": f"http://127.0.0.1:{discord_api.port}",
            "DISCORD_TOKEN": TOKEN,
            "SEEDS_DIR": str(seeds),
            "DATA_DIR": str(workdir / "data"),
            "SHARD_IDS": shard_ids,
            "FETCH_ALLOW_NETWORKS": "127.0.0.1/32",
            "RERANK": "off",  # loading the semantic model would add seconds and ~700 MB to every process
            **env,
        }
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 30) -> float:
        """Start the process and wait until the stand-in sees its shards identified; the seconds that took."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        before = len(self.discord_api.connections)
        started = time.monotonic()
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.bot.bot_process", cwd=self.workdir, env=self.env, stderr=log, stdout=log
            )

        def identified() -> bool:
            if self.process.returncode is not None:
                raise AssertionError(f"the bot exited with {self.process.returncode}:\n{self.log.read_text()}")
            new = self.discord_api.connections[before:]
            return {c.shard_id for c in new if not c.ws.closed} >= set(self.shard_ids)

        await eventually(identified, timeout, f"shards {self.shard_ids} identified")
        return time.monotonic() - started

    def logged(self, text: str) -> bool:
        return text in self.log.read_text(errors="replace")

    async def kill(self) -> None:
        """SIGKILL: no clean-up at all, as when a machine dies."""
        self.process.kill()
        await self.process.wait()

    async def stop(self) -> None:
        """Ctrl-C, then a kill if it does not end within 10 s."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(self.process.wait(), 10)
        except TimeoutError:
            await self.kill()
