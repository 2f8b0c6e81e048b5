"""DATABASE_URL: the CLI and the bot keep their state in PostgreSQL; a database that cannot be used is one line
on stderr, with the password masked, and never a traceback."""

import datetime as dt
import json
import subprocess
import sys

from bot.__main__ import main as bot_main
from search.store import Store
from tests.bot.fake_discord import TOKEN
from tests.conftest import ROOT, SEEDS
from tests.postgres import free_port

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def test_the_cli_keeps_its_state_in_postgres(cli, monkeypatch, postgres_url, tmp_path):
    store = Store(postgres_url)
    feed = store.feeds.add("https://news.example/feed", "operator", NOW)
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    code, out, _ = cli("feed", "list", "--json")
    assert code == 0 and [f["url"] for f in json.loads(out)["feeds"]] == [feed.url]
    code, _, _ = cli("feed", "remove", str(feed.id))
    assert code == 0 and store.feeds.all() == []
    assert not (tmp_path / "data" / "briefbot.sqlite3").exists()  # nothing went to SQLite
    store.close()


def test_an_unreachable_database_is_one_line_with_the_password_masked(cli, monkeypatch, capsys):
    url = f"postgresql://briefbot:s3cret-pw@127.0.0.1:{free_port()}/briefbot"
    monkeypatch.setenv("DATABASE_URL", url)
    code, out, err = cli("search", "THAAD")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("briefbot: cannot connect to the state database postgresql://briefbot:***@127.0.0.1:")
    assert "s3cret" not in err and "Traceback" not in err
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)  # the bot says the same before it connects to Discord
    assert bot_main() == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "cannot connect to the state database" in err and "s3cret" not in err


def test_a_database_url_that_is_not_postgresql_is_a_bad_setting(cli, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root:hunter2@db/briefbot")
    code, _, err = cli("search", "THAAD")
    assert code == 2 and "DATABASE_URL" in err and "hunter2" not in err


def test_without_the_postgres_extra_the_message_says_what_to_install(tmp_path, postgres_url):
    hide_driver = "import sys; sys.modules['psycopg'] = None; from bot.cli import main; sys.exit(main(['sources']))"
    env = {"DATABASE_URL": postgres_url, "SEEDS_DIR": str(SEEDS), "DATA_DIR": str(tmp_path), "PATH": ""}
    done = subprocess.run([sys.executable, "-c", hide_driver], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "briefbot: DATABASE_URL names a PostgreSQL database, but its driver is not installed: "
        "pip install 'briefbot[postgres]'"
    )
