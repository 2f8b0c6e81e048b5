"""Settings: the shipped .env.example must load as it is and document every setting."""

import re
import shutil

import pytest

from bot.settings import Settings, load_settings
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


def test_shard_settings(clean_env, capsys):
    (clean_env / ".env").write_text("SHARD_COUNT=4\nSHARD_IDS=3, 1\n")
    settings = Settings()
    assert settings.shards.count == 4 and settings.shards.ids == {1, 3}
    (clean_env / ".env").write_text("SHARD_COUNT=auto\n")
    assert Settings().shard_count == "auto" and Settings().shards is None
    (clean_env / ".env").write_text("SHARD_COUNT=\nSHARD_IDS=\n")
    assert Settings().shard_count is None and Settings().shards is None


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("SHARD_COUNT=0", "SHARD_COUNT (must be a number of shards, at least 1, or auto (not '0'))"),
        ("SHARD_COUNT=two", "SHARD_COUNT (must be a number of shards, at least 1, or auto (not 'two'))"),
        ("SHARD_COUNT=2\nSHARD_IDS=0;1", "SHARD_IDS (must be shard numbers separated by commas, e.g. 0,1 (not '0;1'))"),
        ("SHARD_COUNT=2\nSHARD_IDS=1,2,5", "SHARD_IDS 2, 5 outside 0–1 (SHARD_COUNT is 2)"),
        ("SHARD_COUNT=2\nSHARD_IDS=1,1", "SHARD_IDS names a shard twice"),
        ("SHARD_IDS=1", "SHARD_IDS needs SHARD_COUNT as a number: the shards of all processes together"),
        (
            "SHARD_COUNT=auto\nSHARD_IDS=1",
            "SHARD_IDS needs SHARD_COUNT as a number: the shards of all processes together",
        ),
    ],
)
def test_bad_shard_settings_are_one_clear_line(clean_env, capsys, lines, message):
    (clean_env / ".env").write_text(lines + "\n")
    assert load_settings() is None
    assert capsys.readouterr().err == f"briefbot: invalid setting(s) in the environment or .env: {message}\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"# caf\xe9\n", "briefbot: .env is not UTF-8 text (byte 0xe9 at offset 5)"),
        (
            b"DATABASE_URL=postgresql://u:hunter2@[bad/db\n",
            "briefbot: invalid setting(s) in the environment or .env: DATABASE_URL (must be a PostgreSQL URL, "
            "postgresql://user:password@host:5432/database; this one does not parse)",
        ),
        (
            b"BRIEFBOT_SERVER=0\n",
            "briefbot: invalid setting(s) in the environment or .env: BRIEFBOT_SERVER (Input should be greater than 0)",
        ),
        (
            b"DATABASE_URL=postgresql://u:hunter2@db:99999/x\n",
            "briefbot: invalid setting(s) in the environment or .env: DATABASE_URL (must be a PostgreSQL URL, "
            "postgresql://user:password@host:5432/database; this one does not parse)",
        ),
    ],
)
def test_an_unreadable_env_file_or_database_url_is_one_line(clean_env, capsys, content, message):
    (clean_env / ".env").write_bytes(content)
    assert load_settings() is None
    assert capsys.readouterr().err == message + "\n"
