"""The CLI facing hostile files, settings and arguments: one clear line, the right exit code, nothing lost."""

import datetime as dt
import shutil

import pytest

from bot.cli import main
from search.library import Library
from tests.conftest import SEEDS


@pytest.fixture
def seeds(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys, seeds):
    """Run the CLI in an empty working directory with SEEDS_DIR/DATA_DIR set; returns (code, out, err)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))

    def run(*argv):
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_sources_status_lists_skipped_files(cli, seeds, tmp_path):
    (seeds / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (seeds / "sources.toml").write_text("[x]\npublished = 12345\n")
    code, out, _ = cli("sources", "--status")
    assert code == 0 and "Skipped 2 file(s):" in out
    assert "deep.json: nested deeper than 200 levels" in out and "sources.toml: [x] published:" in out
    code, out, _ = cli("index")
    assert code == 0 and "skipped 2 file(s)" in out


def test_feed_poll_records_the_real_time(cli, tmp_path):
    library = Library(SEEDS, tmp_path / "data").open()
    library.store.feeds.add("http://127.0.0.1:9/feed", None, dt.datetime.now(dt.UTC))  # loopback: refused
    before = dt.datetime.now(dt.UTC)
    code, out, _ = cli("feed", "poll")
    assert code == 0 and "#1" in out
    (feed,) = Library(SEEDS, tmp_path / "data").open().store.feeds.all()
    assert before <= feed.last_poll <= dt.datetime.now(dt.UTC)
    assert feed.next_poll < before + dt.timedelta(days=2)  # backing off, not switched off for ten years
