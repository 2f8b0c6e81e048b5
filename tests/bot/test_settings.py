"""Settings: the shipped .env.example must load as it is and document every setting."""

import re
import shutil

import pytest

from bot.settings import Settings
from tests.conftest import ROOT


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_copy_of_env_example_is_a_valid_configuration(clean_env):
    shutil.copy(ROOT / ".env.example", clean_env / ".env")
    settings = Settings()
    assert settings.discord_token is None and settings.discord_guild_id is None
    assert settings.digest_grace.total_seconds() == 6 * 3600 and settings.fetch_policy().allowed_networks == []


def test_env_example_documents_every_setting():
    keys = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert keys == {name.upper() for name in Settings.model_fields}


def test_values_from_dot_env_are_typed_and_checked(clean_env):
    (clean_env / ".env").write_text("DISCORD_GUILD_ID=123\nFETCH_ALLOW_NETWORKS=10.0.0.0/8, 127.0.0.1/32\n")
    settings = Settings()
    assert settings.discord_guild_id == 123 and len(settings.fetch_policy().allowed_networks) == 2
    (clean_env / ".env").write_text("FETCH_ALLOW_NETWORKS=not-a-network\n")
    with pytest.raises(ValueError, match="FETCH_ALLOW_NETWORKS|fetch_allow_networks"):
        Settings()


def test_the_token_is_secret(clean_env):
    (clean_env / ".env").write_text("DISCORD_TOKEN=abc.def.ghi\n")
    settings = Settings()
    assert settings.discord_token.get_secret_value() == "abc.def.ghi"
    assert "abc.def.ghi" not in repr(settings) and "abc.def.ghi" not in str(settings.model_dump())
