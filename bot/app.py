"""The Discord bot: a ``commands.Bot`` with no gateway intents, one cog per feature, injected with the
services (built in ``bot.__main__``, as in discord.py's ``examples/advanced_startup.py``).

``setup_hook`` adds the cogs and their restart-proof buttons, syncs the commands and starts the cogs' background loops.
With ``SHARD_COUNT`` it is a ``ShardedBriefBot`` (``make_bot``); a process that runs only some shards (``SHARD_IDS``)
posts the digests and polls the feeds of their servers only. Commands sync to one guild when ``DISCORD_GUILD_ID`` is set
(instant, for development), else globally and only when the command set changed (its hash is kept in the data
directory). When the library holds Korean sources, the Korean model is loaded meanwhile in a worker thread, before the
gateway connects: loading holds the GIL for parts of a second (``python -m bench.korean_load``). A first Korean text met
while running (a new source, a topic) is analysed in a worker thread too, but that one load still pauses the event loop
once, as long; Kiwi offers no way around it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable

import discord
from discord.ext import commands, tasks

from bot.cogs.brief import BriefCog
from bot.cogs.digest import DigestCog
from bot.cogs.feeds import FeedCog
from bot.cogs.help import HelpCog
from bot.cogs.ingest import IngestCog
from bot.cogs.library import LibraryCog
from bot.cogs.search import SearchCog
from bot.cooldown import Cooldown
from bot.loops import logged
from bot.replies import NO_MENTIONS
from bot.saved_searches import SavedSearches
from bot.settings import Settings
from bot.tree import BriefTree
from search.analyze import warm_korean
from search.corpus_store import language_number
from search.library import Library
from search.services import Services
from search.workers import prepare_workers

log = logging.getLogger(__name__)
WARM_SECONDS = 60  # how often the reranker's embeddings are brought up to date with a changed library


class _NotApplicable(logging.Filter):
    """Drops discord.py's warning about the Guilds intent: briefbot keeps no guild cache on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Guilds intent" not in record.getMessage()


logging.getLogger("discord.state").addFilter(_NotApplicable())
# briefbot never joins voice: the warnings about voice libraries (PyNaCl, davey) do not apply.
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False


def holds_korean(library: Library) -> bool:
    """Whether the library holds Korean passages (one array comparison; nothing is loaded)."""
    return bool((library.corpus.passage_language == language_number("ko")).any())


class BriefBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        services: Services,
        *,
        cooldown_clock: Callable[[], float] = time.monotonic,
        background: bool = True,
        **client_options,
    ) -> None:
        """``cooldown_clock`` drives the per-user cooldowns (monotonic seconds); ``background`` starts the cogs'
        loops (tests run a round by hand instead); ``client_options`` go to discord.py (e.g.
        guild_ready_timeout)."""
        # No gateway intents: interactions arrive regardless, and nothing here needs the guild cache. Without the
        # Guilds intent Discord sends no GUILD_CREATE, so waiting for them after READY (discord.py waits 2 s by
        # default) would only hold back the background loops, which start once the bot is ready.
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.none(),
            allowed_mentions=NO_MENTIONS,
            tree_cls=BriefTree,
            help_command=None,
            **{"guild_ready_timeout": 0, **client_options},
        )
        self.settings = settings
        self.services = services
        self.background = background
        self.cooldown_clock = cooldown_clock
        self.synced: str | None = None  # "guild", "global" or "unchanged", once setup_hook ran
        self._stop_warming = threading.Event()
        self._warming: asyncio.Task | None = None  # embedding the library's passages for the reranker

    def _cogs(self) -> list[commands.Cog]:
        settings, services = self.settings, self.services
        library = services.library
        return [
            SearchCog(
                library,
                SavedSearches(services.database),
                Cooldown(settings.search_cooldown_seconds, self.cooldown_clock),
            ),
            BriefCog(library, Cooldown(settings.brief_cooldown_seconds, self.cooldown_clock)),
            LibraryCog(self, library, services.feeds, services.pages, settings.seeds_poll_seconds),
            IngestCog(services.pages),
            FeedCog(self, services.feeds, settings.shards),
            DigestCog(self, services.digests, settings.shards),
            HelpCog(),
        ]

    async def setup_hook(self) -> None:
        # What start-up loaded (the library) lives as long as the process: keep it out of the garbage
        # collector's full passes, which otherwise stop every thread, the event loop's too, for 100 ms or more.
        gc.freeze()
        warm = asyncio.create_task(asyncio.to_thread(warm_korean)) if holds_korean(self.services.library) else None
        pool = asyncio.create_task(asyncio.to_thread(prepare_workers))  # before the gateway connects
        reranker = self.services.library.reranker
        encoder = asyncio.create_task(asyncio.to_thread(reranker.ready)) if reranker else None
        for cog in self._cogs():
            await self.add_cog(cog)
            self.add_dynamic_items(*getattr(cog, "dynamic_items", ()))
        await self.sync_commands()
        if warm:  # loaded before the gateway connects, while nothing waits on the event loop
            await warm
        await pool
        if encoder:  # the semantic model (seconds to load), before the first /search needs it; its many
            await encoder  # objects, too, are kept out of the collector's full passes
            gc.freeze()
        if self.background:
            for loop in self.loops:
                loop.start()
            if encoder and encoder.result():  # then a small library's passages embedded, so searches needn't
                self._warming = asyncio.create_task(self._keep_warm())

    async def _keep_warm(self) -> None:
        """Embed the library's passages for the reranker (``Library.warm``) after start-up, and again whenever
        the library has changed, so that new passages are embedded before a search needs them."""
        library = self.services.library
        warmed = None
        while not self._stop_warming.is_set():
            if library.corpus is not warmed:
                warmed = library.corpus
                await logged("warm", asyncio.to_thread(library.warm, self._stop_warming))
            await asyncio.sleep(WARM_SECONDS)

    async def close(self) -> None:
        self._stop_warming.set()  # the embedding thread stops after its current batch
        if self._warming:
            self._warming.cancel()
        await super().close()

    @property
    def loops(self) -> list[tasks.Loop]:
        """The cogs' background loops."""
        return [loop for cog in self.cogs.values() for loop in getattr(cog, "loops", ())]

    async def sync_commands(self) -> None:
        if self.settings.discord_guild_id:
            guild = discord.Object(id=self.settings.discord_guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
            self.synced = "guild"
            log.info("synced %d commands to guild %s", len(self.tree.get_commands()), guild.id)
            return
        payload = json.dumps([c.to_dict(self.tree) for c in self.tree.get_commands()], sort_keys=True)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        marker = self.services.library.data_dir / "commands.sha256"
        if marker.exists() and marker.read_text().strip() == digest:
            self.synced = "unchanged"
            log.info("command set unchanged; not syncing")
            return
        await self.tree.sync()
        with contextlib.suppress(OSError):  # a read-only data directory: sync again at the next start
            marker.write_text(digest)
        self.synced = "global"
        log.info("synced %d commands globally", len(self.tree.get_commands()))

    async def on_ready(self) -> None:
        log.info("logged in as %s (%s)", self.user, getattr(self.user, "id", "?"))


class ShardedBriefBot(BriefBot, commands.AutoShardedBot):
    """BriefBot on discord.py's AutoShardedClient: one gateway connection per shard, in this process."""


def make_bot(settings: Settings, services: Services, **options) -> BriefBot:
    """The bot the settings ask for: unsharded without SHARD_COUNT; with it, sharded over every shard (as many
    as Discord recommends for ``auto``) or, given SHARD_IDS, over those shards only. ``options`` go to
    ``BriefBot``."""
    if settings.shard_count is None:
        return BriefBot(settings, services, **options)
    count = None if settings.shard_count == "auto" else settings.shard_count
    return ShardedBriefBot(settings, services, shard_count=count, shard_ids=settings.shard_ids, **options)
