"""Typed settings from the environment and ``.env`` (pydantic-settings, which reads ``.env`` with python-dotenv).

Built inside ``main()``, never at import time. The token is a ``SecretStr``: it prints as ``**********``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(default=None, description="bot token (Developer Portal → Bot)")
    discord_guild_id: int | None = Field(default=None, description="sync commands to this guild only (dev)")
    seeds_dir: Path = Field(default=Path("seeds"), description="directory of source documents")
    data_dir: Path = Field(default=Path(".briefbot"), description="index and state")
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING or ERROR")
    search_cooldown_seconds: float = Field(default=5.0, ge=0, description="per-user cooldown on /search")
    brief_cooldown_seconds: float = Field(default=20.0, ge=0, description="per-user cooldown on /brief")
