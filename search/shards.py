"""Which process does a Discord server's work when the bot's gateway is split into shards.

Discord puts a server (guild) on shard ``(guild_id >> 22) % shard_count``. A process that runs some of the
shards answers those servers' interactions, and so should run their digests and poll their feeds; the
operator's shared feeds (scope 0) belong to no shard, so any process may take them (the store's claims make
each poll happen once).
"""

from __future__ import annotations

from dataclasses import dataclass

from search.scopes import OPERATOR


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord puts ``guild_id`` on."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True)
class ShardSet:
    """The shards one process runs, out of ``count``."""

    count: int
    ids: frozenset[int]

    def owns(self, scope: int) -> bool:
        """Whether this process does the work of ``scope``: a server on one of its shards, or the operator."""
        return scope == OPERATOR or shard_of(scope, self.count) in self.ids
