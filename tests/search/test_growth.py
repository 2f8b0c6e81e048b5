"""The library grows without a restart: web pages, new and changed seed files, concurrent searches."""

import datetime as dt
import ipaddress
import threading

import pytest
from aiohttp import web

from search.fetch import FetchError, FetchPolicy
from search.ingest import IngestError
from search.library import Library
from search.store import DuplicateError
from search.web import canonical_url, ingest_url
from tests.conftest import start_site

LOCAL = FetchPolicy(allowed_networks=[ipaddress.ip_network("127.0.0.1/32")])
ARTICLE = """<!doctype html><html><head><title>Hotline | The Daily</title>
<meta name="author" content="Jane Roe"><meta property="article:published_time" content="2025-06-02">
</head><body><nav>Home | World</nav><article><h1>Allies open a missile warning hotline</h1>
<p>The three allies switched on a real-time missile warning hotline on Monday, linking radars in Japan and
South Korea with American command centers so that launches from the North are tracked within seconds.</p>
<p>Officials said the zephyrine protocol had been tested for months before the announcement, and that the
data sharing would continue whatever happens in the next elections in Washington, Seoul or Tokyo.</p>
</article><footer>Copyright 2025</footer></body></html>"""


@pytest.fixture
def library(seeds, tmp_path):
    return Library(seeds, tmp_path / "data").open()


@pytest.fixture
async def pages(site):
    async def article(request):
        return web.Response(text=ARTICLE, content_type="text/html")

    async def empty(request):
        return web.Response(text="<html><body><nav>Home</nav></body></html>", content_type="text/html")

    site.route("/news/hotline", article)
    site.route("/copy/hotline", article)
    site.route("/empty", empty)
    return await start_site(site)


async def test_a_fetched_page_becomes_searchable_at_once(library, pages):
    assert library.search("zephyrine").hits == []
    source = await ingest_url(library, pages.url("/news/hotline?utm_source=x#top"), LOCAL)
    assert source.title == "Allies open a missile warning hotline" and source.author == "Jane Roe"
    assert source.published == dt.date(2025, 6, 2) and source.source_id.startswith("web-")
    hits = library.search("zephyrine protocol").hits
    assert hits and hits[0].source_id == source.source_id
    assert "Home" not in source.text and "Copyright" not in source.text


async def test_the_same_page_or_the_same_text_is_added_once(library, pages):
    first = await ingest_url(library, pages.url("/news/hotline"), LOCAL)
    with pytest.raises(DuplicateError, match=first.source_id):
        await ingest_url(library, pages.url("/news/hotline?utm_medium=email"), LOCAL)
    with pytest.raises(DuplicateError):  # another URL, same article text
        await ingest_url(library, pages.url("/copy/hotline"), LOCAL)
    assert sum(1 for s in library.corpus.sources if s.startswith("web-")) == 1


async def test_failures_add_nothing(library, pages):
    before = len(library.corpus.passages)
    with pytest.raises(IngestError):
        await ingest_url(library, pages.url("/empty"), LOCAL)
    with pytest.raises(FetchError, match="loopback"):
        await ingest_url(library, pages.url("/news/hotline"), FetchPolicy())
    assert len(library.corpus.passages) == before


async def test_added_sources_survive_a_restart(library, pages, seeds, tmp_path):
    source = await ingest_url(library, pages.url("/news/hotline"), LOCAL)
    unsaved = Library(seeds, tmp_path / "data").open()  # the source is stored; the saved index lacks it
    assert not unsaved.rebuilt and len(unsaved.index.segments) == 2  # so it is indexed as a delta
    assert unsaved.search("zephyrine").hits[0].source_id == source.source_id
    assert library.save_index() and not library.save_index()  # saved once, then nothing new to save
    again = Library(seeds, tmp_path / "data").open()
    assert not again.rebuilt  # the saved index matches the store's sources
    assert again.get_source(source.source_id).title == source.title
    assert again.search("zephyrine").hits[0].source_id == source.source_id


def test_new_seed_files_are_indexed_as_a_delta(library, seeds):
    assert library.refresh_seeds() is None
    (seeds / "005_new.txt").write_text("New analysis\n" + "Trilateral hotline talks resumed in Tokyo today. " * 6)
    assert library.refresh_seeds() == "added 1 source(s) from 1 new file(s)"
    assert library.search("hotline").hits[0].source_id == "005_new"
    assert len(library.index.segments) == 2


def test_a_changed_seed_file_triggers_a_rebuild(library, seeds):
    path = seeds / "003_f09a421a2fc8e471.txt"
    path.write_text(path.read_text() + "\nA new closing paragraph mentions the quokka treaty of the allies today.\n")
    assert library.refresh_seeds().startswith("updated the index: 1 file(s) changed")
    assert library.search("quokka").hits[0].source_id == "003_f09a421a2fc8e471"
    (seeds / "003_f09a421a2fc8e471.txt").unlink()
    library.refresh_seeds()
    assert "003_f09a421a2fc8e471" not in library.corpus.sources and library.search("quokka").hits == []


def test_searches_during_updates_see_a_whole_library(library, seeds):
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher():
        while not stop.is_set():
            try:
                for hit in library.search("trilateral cooperation", limit=50).hits:
                    assert library.get_passage(hit.passage_id).text == hit.text
                library.brief("Taiwan")
            except BaseException as error:  # noqa: BLE001 (any failure is what this test looks for)
                errors.append(error)
                return

    threads = [threading.Thread(target=searcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for i in range(8):
        (seeds / f"9{i:02d}.txt").write_text(f"Note {i}\n" + f"Trilateral cooperation note number {i} here. " * 8)
        library.refresh_seeds()
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(library.search("note", limit=50).hits) == 8


def test_canonical_urls():
    assert canonical_url("HTTPS://Example.org:443/a/b/?utm_source=x&id=3#frag") == "https://example.org/a/b?id=3"
    assert canonical_url("http://example.org") == "http://example.org/"
    assert canonical_url("http://example.org:8080/x") == "http://example.org:8080/x"
