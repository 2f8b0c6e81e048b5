"""The CLI facing hostile files, settings and arguments: one clear line, the right exit code, nothing lost."""

import argparse
import asyncio
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import discord
import pytest

from bot.cli import build_parser
from search.library import Library
from tests.conftest import SEEDS


@pytest.fixture
def seeds(data_dir):
    return data_dir / "seeds"  # a copy the tests may change


@pytest.fixture
def cli_seeds(seeds):
    return seeds


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


def test_shared_options_work_before_or_after_the_command(cli, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    code, out, _ = cli("feed", "--data", str(elsewhere), "--json", "list")
    assert code == 0 and json.loads(out) == {"feeds": []}
    assert (elsewhere / "briefbot.sqlite3").exists()
    code, out, _ = cli("--json", "--data", str(elsewhere), "search", "alliance", "--limit", "1")
    assert code == 0 and len(json.loads(out)["hits"]) == 1
    code, out, _ = cli("feed", "list", "--data", str(elsewhere), "--json")
    assert code == 0 and json.loads(out) == {"feeds": []}
    assert not (tmp_path / ".briefbot").exists() and not (tmp_path / "data").exists()


def _parsers(parser: argparse.ArgumentParser, path: str = "briefbot"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                assert helps.get(name), f"{path} {name} has no help"
                yield from _parsers(sub, f"{path} {name}")


def test_every_command_and_option_has_help():
    missing = [
        f"{path} {action.option_strings or action.dest}"
        for path, parser in _parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not action.help
    ]
    assert missing == []


def test_a_bad_log_level_is_one_clear_line(cli, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "foo")
    code, out, err = cli("sources")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "LOG_LEVEL" in err and "DEBUG, INFO" in err


async def test_discord_unreachable_at_start_is_one_line(make_settings, monkeypatch, capsys):
    from bot.__main__ import UNREACHABLE, run
    from bot.app import BriefBot
    from bot.settings import open_services

    monkeypatch.setattr(discord.http.Route, "BASE", "http://127.0.0.1:9/api/v10")  # nothing listens there
    settings = make_settings()
    services = await asyncio.to_thread(open_services, settings)
    code = await run(BriefBot(settings, services), "token")
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and err.startswith(UNREACHABLE)


@pytest.fixture
def collection(tmp_path):
    (tmp_path / "docs").write_text(".I 1\n.W\nwing lift\n.I 2\n.W\nengine drag\n.I 3\n.W\nwing drag\n")
    (tmp_path / "qry").write_text(".I 7\n.W\nwing\n.I 9\n.W\ndrag\n")
    (tmp_path / "qrels").write_text("1 1 1\n1 3 2\n2 2 1\n2 3 -1\n")
    return tmp_path


def test_eval_counts_qrels_that_mark_relevance_with_zero(cli, collection):
    (collection / "cisi").write_text(
        "     1     1  0  0.000000\n     1     3  0  0.000000\n     2     2  0  0.000000\n"
    )
    code, out, _ = cli("eval", "--docs", "docs", "--queries", "qry", "--qrels", "cisi", "--json")
    assert code == 0 and json.loads(out)["queries"] == 2 and json.loads(out)["map"] == 1.0


def test_eval_reads_utf16_files(cli, collection):
    (collection / "docs16").write_bytes((collection / "docs").read_text().encode("utf-16"))
    code, out, err = cli("eval", "--docs", "docs16", "--queries", "qry", "--qrels", "qrels", "--json")
    assert code == 0 and json.loads(out)["map"] == 1.0 and "binary" not in err


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--docs", "image"], "argument --docs: image: binary file, not text"),
        (["--k1", "-1"], "argument --k1: must be a number from 0 to 10"),
        (["--k1", "nan"], "argument --k1: must be a number from 0 to 10"),
        (["--b", "1.5"], "argument --b: must be a number from 0 to 1"),
    ],
)
def test_eval_bad_files_and_parameters_exit_2_with_one_error_line(cli, collection, argv, problem):
    (collection / "image").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    files = {"--docs": "docs", "--queries": "qry", "--qrels": "qrels"}
    files.update(dict(zip(argv[::2], argv[1::2], strict=True)))
    code, _, err = cli("eval", *[part for pair in files.items() for part in pair])
    lines = err.strip().splitlines()
    assert code == 2 and lines[-1].endswith(problem) and "Traceback" not in err


def test_digest_since_is_shown_in_its_own_offset(cli):
    code, out, _ = cli("digest", "--since", "2025-06-01T09:00+09:00")
    assert code == 0 and "since 2025-06-01 09:00 +09:00" in out
    code, out, _ = cli("digest", "--since", "2025-06-01T09:00")
    assert code == 0 and "since 2025-06-01 09:00 UTC" in out


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"--docs": "qrels"}, "qrels: no documents (SMART format: .I id, then .T and .W lines)"),
        ({"--queries": "empty"}, "empty: no queries (SMART format: .I number, then .W lines)"),
        ({"--qrels": "docs"}, "docs: no judgments (lines of: query document code)"),
        ({"--qrels": "other"}, "no query in qry is judged in other"),
        ({"--docs": "."}, "not a file: ."),
    ],
)
def test_eval_on_files_that_hold_nothing_to_score_fails_in_one_line(cli, collection, files, problem):
    (collection / "empty").write_text("\n")
    (collection / "other").write_text("5 1 1\n")
    argv = {"--docs": "docs", "--queries": "qry", "--qrels": "qrels", **files}
    code, out, err = cli("eval", *[part for pair in argv.items() for part in pair], "--json")
    assert (code, json.loads(out), err.strip()) == (1, {"error": problem}, f"briefbot: {problem}")


@pytest.mark.parametrize("option", ["--data", "--seeds"])
def test_an_empty_directory_option_is_a_bad_argument_not_the_current_directory(cli, tmp_path, option):
    code, out, err = cli("search", "THAAD", option, "")
    assert code == 2 and "must not be empty" in err and out == ""
    assert not (tmp_path / "corpus.sqlite3").exists() and not (tmp_path / "index").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_is_one_line_on_stderr(tmp_path):
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "sources", "--json", "--seeds", str(SEEDS), "--data", str(tmp_path)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == "briefbot: No space left on device"
