"""Typed settings from the environment and ``.env`` (pydantic-settings reads ``.env`` with python-dotenv).

Built inside ``main()``, never at import time. The token is a ``SecretStr``: it prints as ``**********``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from search.fetch import FetchPolicy
from search.library import Library, utc_now
from search.rerank import Reranker
from search.rerank import available as rerank_available
from search.services import Services
from search.shards import ShardSet
from search.store.db import POSTGRES_SCHEMES

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    # An empty value (``DISCORD_GUILD_ID=`` as in .env.example) means "not set".
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    discord_token: SecretStr | None = Field(default=None, description="bot token (Developer Portal → Bot)")
    discord_guild_id: int | None = Field(default=None, description="sync commands to this guild only (dev)")
    seeds_dir: Path = Field(default=Path("seeds"), description="directory of source documents")
    data_dir: Path = Field(default=Path(".briefbot"), description="index and state")
    database_url: SecretStr | None = Field(
        default=None, description="keep the state in this PostgreSQL database (postgresql://…) instead of SQLite"
    )
    briefbot_server: int | None = Field(default=None, gt=0, description="the CLI acts as this server (guild id)")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    search_cooldown_seconds: float = Field(default=5.0, ge=0, description="per-user cooldown on /search")
    brief_cooldown_seconds: float = Field(default=20.0, ge=0, description="per-user cooldown on /brief")
    digest_grace_hours: float = Field(default=6.0, ge=0, le=23, description="post a missed digest this late")
    feed_poll_minutes: float = Field(default=30.0, gt=0, description="how often each feed is polled")
    seeds_poll_seconds: float = Field(default=60.0, gt=0, description="how often SEEDS_DIR is checked")
    fetch_max_mb: float = Field(default=5.0, gt=0, description="largest page or feed downloaded")
    fetch_timeout_seconds: float = Field(default=30.0, gt=0, description="longest a download may take")
    pdf_max_pages: int = Field(default=300, gt=0, description="pages read from a PDF; a longer one is cut")
    fetch_allow_networks: str = Field(
        default="", description="comma-separated networks fetching may reach although private (e.g. 10.0.0.0/8)"
    )
    shard_count: int | Literal["auto"] | None = Field(
        default=None, description="split the gateway into this many shards ('auto': as many as Discord recommends)"
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None, description="comma-separated shards this process runs (default: all of SHARD_COUNT)"
    )
    rerank: Literal["auto", "on", "off"] = Field(
        default="auto",
        description='semantic reranking of searches: auto = /search when the "semantic" extra is installed, the CLI '
        "only with --rerank; on = /search and every CLI search (the model loads in seconds); off = only with --rerank",
    )

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        shape = "must be a PostgreSQL URL, postgresql://user:password@host:5432/database"
        if value is not None:
            url = value.get_secret_value()
            try:
                parts = urlsplit(url)
                _ = parts.hostname, parts.port  # a bad host ("[" unclosed) or port raises here
            except ValueError:
                raise ValueError(f"{shape}; this one does not parse") from None
            if not url.startswith(POSTGRES_SCHEMES):
                raise ValueError(shape)
        return value

    @field_validator("fetch_allow_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            ipaddress.ip_network(part, strict=False)  # ValueError names the bad network
        return value

    @field_validator("shard_count", mode="before")
    @classmethod
    def _shard_count(cls, value):
        if value is None:
            return value
        text = str(value).strip().lower()
        if text == "auto":
            return text
        if not text.isdigit() or int(text) < 1:
            raise ValueError(f"must be a number of shards, at least 1, or auto (not {value!r})")
        return int(text)

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value):
        if not isinstance(value, str):
            return value
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"must be shard numbers separated by commas, e.g. 0,1 (not {value!r})")
        return [int(p) for p in parts] or None

    @model_validator(mode="after")
    def _shards_in_range(self) -> Settings:
        if self.shard_ids is None:
            return self
        if not isinstance(self.shard_count, int):
            raise ValueError("SHARD_IDS needs SHARD_COUNT as a number: the shards of all processes together")
        outside = sorted({i for i in self.shard_ids if i >= self.shard_count})
        if outside:
            shown = ", ".join(map(str, outside))
            raise ValueError(f"SHARD_IDS {shown} outside 0–{self.shard_count - 1} (SHARD_COUNT is {self.shard_count})")
        if len(set(self.shard_ids)) != len(self.shard_ids):
            raise ValueError("SHARD_IDS names a shard twice")
        return self

    @property
    def shards(self) -> ShardSet | None:
        """The shards this process runs when it runs only some of them (SHARD_IDS); None when it runs them all."""
        if self.shard_ids is None:
            return None
        return ShardSet(self.shard_count, frozenset(self.shard_ids))

    def fetch_policy(self) -> FetchPolicy:
        networks = [
            ipaddress.ip_network(p.strip(), strict=False) for p in self.fetch_allow_networks.split(",") if p.strip()
        ]
        timeout = self.fetch_timeout_seconds
        return FetchPolicy(
            max_bytes=int(self.fetch_max_mb * 2**20),
            allowed_networks=networks,
            total_timeout=timeout,
            read_timeout=min(15.0, timeout),
            connect_timeout=min(5.0, timeout),
        )

    def reranker(self) -> Reranker | None:
        """The bot's semantic reranker (search.rerank): None when RERANK=off, or =auto without the extra (with
        RERANK=on and no extra, searches warn once and stay lexical)."""
        wanted = self.rerank == "on" or (self.rerank == "auto" and rerank_available())
        return Reranker() if wanted else None

    @property
    def digest_grace(self) -> dt.timedelta:
        return dt.timedelta(hours=self.digest_grace_hours)

    @property
    def feed_interval(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.feed_poll_minutes)


def open_services(
    settings: Settings,
    *,
    seeds_dir: Path | None = None,
    data_dir: Path | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    progress: bool = False,
    force_rebuild: bool = False,
    quick_scan: bool = False,
    reranker: Reranker | None = None,
) -> Services:
    """Open the library (blocking: loads or builds the index) and the services over it, on one clock
    (``quick_scan``: see ``Library.open``; ``reranker``: semantic reranking of searches, or None)."""
    os.environ["PDF_MAX_PAGES"] = str(settings.pdf_max_pages)  # read by search.pdf, in parsing workers too
    library = Library(
        seeds_dir or settings.seeds_dir,
        data_dir or settings.data_dir,
        progress=progress,
        clock=clock,
        database_url=settings.database_url.get_secret_value() if settings.database_url else None,
        reranker=reranker,
    ).open(force_rebuild=force_rebuild, quick_scan=quick_scan)
    return Services.over(
        library,
        policy=settings.fetch_policy(),
        feed_interval=settings.feed_interval,
        digest_grace=settings.digest_grace,
    )


def load_settings() -> Settings | None:
    """Settings from the environment and .env, or None after one line on stderr naming the bad ones."""
    try:
        return Settings()
    except UnicodeDecodeError as error:
        print(
            f"briefbot: .env is not UTF-8 text (byte {error.object[error.start]:#x} at offset {error.start})",
            file=sys.stderr,
        )
        return None
    except OSError as error:
        print(f"briefbot: cannot read .env: {error.strerror or error}", file=sys.stderr)
        return None
    except ValidationError as error:
        fields = "; ".join(
            f"{str(e['loc'][0]).upper()} ({_message(e)})" if e["loc"] else _message(e) for e in error.errors()
        )
        print(f"briefbot: invalid setting(s) in the environment or .env: {fields}", file=sys.stderr)
        return None


def _message(error) -> str:
    return error["msg"].removeprefix("Value error, ")
