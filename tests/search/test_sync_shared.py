"""Library.sync_shared: processes on one state database, each with its own data directory (its corpus store
and index), see the sources the others add and remove; processes sharing one data directory too."""

import sqlite3

import pytest

from search.library import Library
from tests.conftest import ManualClock
from tests.search.test_scopes import NOW, A, about, add, found


def open_library(seeds, data, database_url=None) -> Library:
    return Library(seeds, data, clock=ManualClock(NOW), database_url=database_url).open()


@pytest.fixture
def pair(tmp_path, seeds, postgres_url):
    """Two processes' libraries on one PostgreSQL state database, each with its own data directory."""
    return open_library(seeds, tmp_path / "one", postgres_url), open_library(seeds, tmp_path / "two", postgres_url)


def test_sources_added_and_removed_elsewhere_reach_this_index(pair):
    one, two = pair
    mine = add(one, A).source_id
    assert found(two, "quokka", A) == []
    assert two.sync_shared() == "1 source(s) added and 0 removed by other processes"
    assert (
        found(two, "quokka", A) == [mine] and two.get_source(mine, scope=A).title == one.get_source(mine, scope=A).title
    )
    assert two.sync_shared() is None and one.sync_shared() is None  # nothing new; one's own change
    one.remove_source(mine, A)
    assert two.sync_shared() == "0 source(s) added and 1 removed by other processes"
    assert found(two, "quokka", A) == [] and found(one, "quokka", A) == []


def test_a_restarted_process_catches_up_and_a_new_one_starts_complete(pair, tmp_path, seeds, postgres_url):
    one, two = pair
    add(one, A)  # while two is down
    restarted = open_library(seeds, tmp_path / "two", postgres_url)
    assert found(restarted, "quokka", A) == []
    assert restarted.sync_shared() == "1 source(s) added and 0 removed by other processes"
    assert len(found(restarted, "quokka", A)) == 1
    newcomer = open_library(seeds, tmp_path / "three", postgres_url)  # imports the stored sources at its start
    assert len(found(newcomer, "quokka", A)) == 1 and newcomer.sync_shared() is None


def test_processes_sharing_one_data_directory_store_a_source_once(tmp_path, seeds):
    one, two = open_library(seeds, tmp_path / "data"), open_library(seeds, tmp_path / "data")
    mine = add(one, A, url="https://example.org/numbat", text=about("numbat")).source_id
    assert two.sync_shared() == "1 source(s) added and 0 removed by other processes"
    assert found(two, "numbat", A) == [mine] and one.sync_shared() is None
    with sqlite3.connect(tmp_path / "data" / "corpus.sqlite3") as db:
        query = "SELECT COUNT(*) FROM sources WHERE source_id = ? AND state = 0"
        assert db.execute(query, (mine,)).fetchone()[0] == 1
