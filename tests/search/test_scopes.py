"""Scopes: the shared library (seeds, the operator's additions) and each server's own sources and feeds."""

import datetime as dt
import shutil
import sqlite3

import pytest

from search.corpus_store import CorpusStore
from search.digest import build_digest
from search.ingest import read_documents
from search.library import Library, SourceRemovalError, UnknownSourceError
from search.scopes import ALL_SERVERS, OPERATOR
from search.store import MIGRATIONS, Store
from search.web import add_raw
from tests.conftest import SEEDS, ManualClock

A, B = 111, 222
NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def about(animal: str) -> str:
    return (
        f"{animal.title()} accord\n\n" + f"The allies signed the {animal} accord on maritime data, officials said. " * 5
    )


TEXT = about("quokka")


@pytest.fixture
def library(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return Library(tmp_path / "seeds", tmp_path / "data", clock=ManualClock(NOW)).open()


def add(library: Library, scope: int, url: str = "https://example.org/quokka", text: str = TEXT):
    (raw, *_) = read_documents(text, suffix=".txt", url=url)
    return add_raw(library, raw, url, scope=scope)


def found(library: Library, query: str, scope, **filters) -> list[str]:
    return [hit.source_id for hit in library.search(query, scope=scope, **filters).hits]


def test_a_servers_source_is_seen_only_there_and_the_shared_library_everywhere(library):
    mine = add(library, A).source_id
    assert found(library, "quokka", A) == [mine]
    assert found(library, "quokka", B) == [] and found(library, "quokka", OPERATOR) == []
    assert found(library, "quokka", ALL_SERVERS) == [mine]
    assert found(library, "missile", A) == found(library, "missile", B) == found(library, "missile", OPERATOR)
    assert library.brief("quokka", scope=A).sentences and not library.brief("quokka", scope=B).sentences
    assert mine in {s.source_id for s in library.sources(scope=A)}
    assert mine not in {s.source_id for s in library.sources(scope=B)}
    assert len(library.sources(scope=B)) == len(library.sources(scope=OPERATOR)) == len(library.sources()) > 0
    assert "quokka" not in " ".join(library.topics(scope=B) + library.did_you_mean("quoka", scope=B))
    for lookup in (library.source_info, library.summary, library.passages_of, library.get_source):
        with pytest.raises(UnknownSourceError):
            lookup(mine, scope=B)
    with pytest.raises(UnknownSourceError):
        library.get_passage(f"{mine}:p1", scope=B)
    with pytest.raises(UnknownSourceError):
        library.search("accord", sources=[mine], scope=B)


def test_the_shared_library_is_added_to_by_the_operator_and_seen_by_every_server(library):
    shared = add(library, OPERATOR).source_id
    assert found(library, "quokka", A) == found(library, "quokka", B) == [shared]


def test_a_page_in_a_servers_library_and_then_in_the_shared_one_is_found_once_there(library):
    mine = add(library, A).source_id
    shared = add(library, OPERATOR).source_id
    assert found(library, "quokka", A) == [mine]
    assert found(library, "quokka", B) == [shared]
    assert found(library, "quokka", A, sources=[shared]) == [shared]


def test_two_servers_may_add_the_same_page_but_one_server_not_twice(library):
    first, second = add(library, A), add(library, B)
    assert first.source_id != second.source_id
    with pytest.raises(Exception, match="already in the library"):
        add(library, A, url="https://example.org/quokka?copy=1")


def test_a_removed_source_is_gone_at_once_and_after_a_restart(library, tmp_path):
    mine = add(library, A).source_id
    with pytest.raises(UnknownSourceError):
        library.remove_source(mine, B)
    seed = library.sources()[0].source_id
    with pytest.raises(SourceRemovalError, match="seed folder"):
        library.remove_source(seed, A)
    shared = add(library, OPERATOR, url="https://example.org/other", text=about("wombat")).source_id
    with pytest.raises(SourceRemovalError, match="only the operator"):
        library.remove_source(shared, A)

    library.remove_source(mine, A)
    assert found(library, "quokka", A) == [] and found(library, "missile", A)
    reopened = Library(tmp_path / "seeds", tmp_path / "data").open()
    assert found(reopened, "quokka", ALL_SERVERS) == [] and found(reopened, "wombat", A) == [shared]
    assert not reopened.rebuilt  # the index saved at the removal is current
    assert add(reopened, A).source_id == mine  # removed from the store too: it may be added again


def test_a_digest_covers_the_servers_new_sources_and_the_shared_ones(library):
    quokka = add(library, A).source_id
    wombat = add(library, B, url="https://example.org/wombat", text=about("wombat")).source_id
    kestrel = add(library, OPERATOR, url="https://example.org/kestrel", text=about("kestrel")).source_id
    first_seen = library.store.sources.first_seen()

    def covered(scope) -> set[str]:
        since = NOW - dt.timedelta(hours=1)
        digest = build_digest(library, since=since, until=NOW, topics=["accord"], first_seen=first_seen, scope=scope)
        items = {ref.source_id for item in digest.items for ref in [item, *item.also]}
        return items | {p.source_id for topic in digest.topics for p in topic.passages}

    seeds = {s.source_id for s in library.sources()} - {kestrel}
    assert covered(A) == {quokka, kestrel} | seeds  # the seeds are new too: first seen at the open, just now
    assert covered(B) == {wombat, kestrel} | seeds
    assert covered(OPERATOR) == {kestrel} | seeds


def test_a_state_database_of_version_2_keeps_its_feeds_and_sources_as_the_operators(tmp_path):
    path = tmp_path / "s.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "PRAGMA user_version = 2;")
        db.execute("INSERT INTO feeds (id, url, created) VALUES (4, 'https://x.org/feed', '2026-01-01')")
        db.execute("INSERT INTO feed_items VALUES (4, 'item-1', 'web-1')")
        db.execute(
            "INSERT INTO sources VALUES ('web-1', 'https://x.org/a', 'h', 4, '{}', '[]', '2026-01-01T00:00:00+00:00')"
        )
    store = Store(path)
    assert store.db.schema_version == len(MIGRATIONS)
    (feed,) = store.feeds.all()
    assert (feed.id, feed.scope) == (4, OPERATOR) and store.feeds.item_known(4, "item-1")
    with store.db.connect() as db:
        assert [tuple(row) for row in db.execute("SELECT scope, feed_id FROM sources")] == [(0, 4)]
    assert store.feeds.remove(4) and store.feeds.add("https://y.org/feed", None, NOW, A).id == 5
    assert store.feeds.add("https://x.org/feed", None, NOW, A).id == 6  # a feed is unique per scope
    assert not store.feeds.remove(6, B) and [f.id for f in store.feeds.all(A)] == [5, 6]


def test_a_corpus_store_of_version_3_gains_scopes_and_keeps_its_rows(library, tmp_path):
    add(library, A)
    path = tmp_path / "data" / "corpus.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("DROP INDEX sources_layout")  # added in version 5
        db.execute("ALTER TABLE sources DROP COLUMN scope")
        db.execute("UPDATE meta SET value = '3' WHERE key = 'schema'")
    store = CorpusStore(path)
    assert not store.created
    rows = store.rows()
    assert rows and {row.scope for row in rows} == {OPERATOR}
