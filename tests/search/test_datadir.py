"""A bad data directory or database: degraded but working, loud, and nothing stored is deleted."""

import logging
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from bot.cli import main
from search.ingest import RawDocument
from search.library import Library
from search.web import add_raw
from tests.conftest import ROOT, SEEDS

ARTICLE = ["Defense ministers agreed to expand the kestrel exercise next spring, officials in Seoul said."] * 6


@pytest.fixture
def data(tmp_path):
    data = tmp_path / "data"
    library = Library(SEEDS, data).open()
    add_raw(library, RawDocument(lines=ARTICLE, format="html", title="Kestrel"), "https://news.example/kestrel")
    library.store.feeds.add("https://news.example/feed", None, library.clock())
    return data


def run_cli(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = exit_.code
    return code, *capsys.readouterr()


def test_a_data_directory_that_is_a_file_is_one_line(tmp_path, capsys):
    (tmp_path / "file").write_text("not a directory")
    code, out, err = run_cli(capsys, "search", "alliance", "--seeds", str(SEEDS), "--data", str(tmp_path / "file"))
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "is a file, not a directory" in err


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty header"])
def test_an_unreadable_state_database_is_moved_aside_and_a_new_one_made(data, caplog, damage):
    path = data / "briefbot.sqlite3"
    with sqlite3.connect(path) as db:  # fold the WAL in, so the file alone holds everything
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    original = path.read_bytes()
    damaged = {
        "garbage": b"this is not a database" * 200,
        "truncated": original[: len(original) // 2],
        "empty header": original[:50],
    }[damage]
    path.write_bytes(damaged)
    with caplog.at_level(logging.ERROR):
        library = Library(SEEDS, data).open()
    (aside,) = [p for p in data.glob("briefbot.sqlite3.unreadable-*") if not p.name.endswith(("-wal", "-shm"))]
    assert aside.read_bytes() == damaged  # kept, never deleted
    assert "could not be read" in caplog.text and aside.name in caplog.text
    assert library.search("kestrel").hits and library.store.feeds.all() == []
    assert [s.source_id for s, *_ in library.store.sources.stored()] == [library.search("kestrel").hits[0].source_id]


def test_a_deleted_state_database_is_said_loudly_and_added_sources_recovered(data, caplog):
    (data / "briefbot.sqlite3").unlink()
    for suffix in ("-wal", "-shm"):
        (data / f"briefbot.sqlite3{suffix}").unlink(missing_ok=True)
    with caplog.at_level(logging.ERROR):
        library = Library(SEEDS, data).open()
    assert "was missing" in caplog.text and "recovered 1 added source" in caplog.text
    (stored, *_), *_ = library.store.sources.stored()
    assert stored.title == "Kestrel" and library.search("kestrel").hits
    # the recovered source survives the loss of the corpus store too
    (data / "corpus.sqlite3").unlink()
    assert Library(SEEDS, data).open().search("kestrel").hits


def _read_only_command(data) -> list[str] | None:
    """A command prefix that runs a program with ``data`` read-only, or None when this machine cannot."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("unshare") or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
        return None
    script = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, str(data)]


def test_a_read_only_data_directory_serves_searches_and_refuses_changes(data):
    prefix = _read_only_command(data)
    if prefix is None:
        pytest.skip("running as root without mount namespaces: a read-only directory cannot be made")
    if os.geteuid() != 0:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
    before = sorted(p.name for p in data.iterdir())

    def briefbot(*argv):
        command = [*prefix, sys.executable, "-m", "bot.cli", *argv, "--seeds", str(SEEDS), "--data", str(data)]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)

    try:
        found = briefbot("search", "kestrel", "--json")
        assert found.returncode == 0 and '"Kestrel"' in found.stdout and "Traceback" not in found.stderr
        assert found.stderr.count("read-only") == 1
        for argv in (["feed", "add", "https://news.example/other"], ["feed", "remove", "1"], ["index"]):
            refused = briefbot(*argv)
            assert refused.returncode == 1 and "Traceback" not in refused.stderr
            assert refused.stderr.strip().splitlines()[-1].startswith("briefbot: The data directory")
        assert sorted(p.name for p in data.iterdir()) == before
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


async def test_background_work_pauses_while_the_data_directory_is_read_only(data):
    import datetime as dt

    from search.fetch import FetchPolicy
    from search.services import Services

    library = Library(SEEDS, data).open()
    hour = dt.timedelta(hours=1)
    services = Services.over(library, policy=FetchPolicy(), feed_interval=hour, digest_grace=hour)
    library.read_only = True
    assert await services.feeds.poll_due(every=True) == []
    assert await services.digests.run_due(send=None) == []
    assert library.store.feeds.all()[0].last_poll is None  # the feed was not polled


def test_saved_searches_live_in_memory_when_nothing_can_be_written(data):
    from bot.saved_searches import SavedSearches
    from search.store import SQLiteDatabase

    saved = SavedSearches(SQLiteDatabase(data / "briefbot.sqlite3", read_only=True))
    key = saved.save({"query": "kestrel", "page": 2})
    assert saved.load(key) == {"query": "kestrel", "page": 2}
