"""Hostile files, pages and feeds: deep nesting, links out of the folder, huge and UTF-16/32 files."""

import contextlib
import datetime as dt
import ipaddress
import json
import os
import tracemalloc

import pytest

from search import corpus as corpus_module
from search.corpus import load_directory
from search.feeds import FeedService
from search.fetch import FetchPolicy
from search.files import decode_text, read_bounded
from search.ingest import IngestError, read_documents
from search.library import Library
from search.nesting import nesting_depth
from search.web import ingest_url
from tests.conftest import SEEDS, ManualClock, poll_at, start_site

LOCAL = FetchPolicy(allowed_networks=[ipaddress.ip_network("127.0.0.1/32")], read_timeout=1, total_timeout=3)
DEEP = "[" * 100_000 + "]" * 100_000
NOW = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
ARTICLE = "Defense ministers agreed to expand the kestrel exercise next spring, officials in Seoul said. " * 8


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE)
    return folder


def test_a_deeply_nested_json_file_is_skipped_and_the_rest_load(folder):
    (folder / "deep.json").write_text(DEEP)
    (folder / "deep-object.json").write_text('{"a":' * 100_000 + "1" + "}" * 100_000)
    loaded = load_directory(folder)
    assert list(loaded.sources) == ["good"]
    assert dict(loaded.skipped) == {
        "deep.json": "nested deeper than 200 levels",
        "deep-object.json": "nested deeper than 200 levels",
    }


@pytest.mark.parametrize("suffix", [".json", ".txt", ".html", ".md"])
def test_deep_nesting_never_escapes_as_a_recursion_error(suffix):
    for text in (DEEP, '[{"a":' * 50_000, "<div>" * 100_000 + "x", ">" * 100_000 + " x"):
        with contextlib.suppress(IngestError):
            read_documents(text, suffix=suffix)


def test_nesting_depth_ignores_brackets_in_strings():
    assert nesting_depth('{"a": "[[[{{", "b": ["\\"[["]}') == 2
    assert nesting_depth("]]][[") == 2


def test_a_symlink_out_of_the_folder_is_refused_and_one_inside_is_followed(tmp_path, folder):
    secret = tmp_path / "secret.txt"
    secret.write_text("The launch codes are hidden under the third floorboard of the old lighthouse. " * 5)
    (folder / "leak.txt").symlink_to(secret)
    (folder / "alias.txt").symlink_to(folder / "good.txt")
    loaded = load_directory(folder)
    assert sorted(loaded.sources) == ["alias", "good"]
    assert loaded.skipped == [("leak.txt", "a link to a file outside the sources folder")]


def test_size_is_checked_before_reading(folder, monkeypatch):
    monkeypatch.setattr(corpus_module, "MAX_FILE_BYTES", 1 << 20)
    with open(folder / "sparse.txt", "wb") as f:
        f.truncate(64 << 20)  # 64 MB that take no disk space
    tracemalloc.start()
    try:
        loaded = load_directory(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded.skipped == [("sparse.txt", "larger than 1 MB")]
    assert peak < 8 << 20


def test_a_two_gigabyte_sparse_file_is_refused_without_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as f:
        f.truncate(2 << 30)
    with pytest.raises(IngestError, match="larger than 20 MB"):
        read_bounded(path, 20 << 20)


def test_a_fifo_does_not_hang_the_scan(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(IngestError, match="not a regular file"):
        read_bounded(tmp_path / "pipe.txt", 1024)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be", "utf-8-sig"])
def test_bom_marked_unicode_files_are_read_not_called_binary(folder, encoding):
    data = ARTICLE.replace("kestrel", "käßtrel")
    raw = data.encode(encoding)
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        raw = {"utf-16-be": b"\xfe\xff", "utf-32-be": b"\x00\x00\xfe\xff"}[encoding] + raw
    (folder / "wide.txt").write_bytes(raw)
    loaded = load_directory(folder)
    assert loaded.skipped == [] and "käßtrel" in loaded.sources["wide"].text


def test_binary_and_other_encodings_still_get_a_reason():
    with pytest.raises(IngestError, match="binary"):
        decode_text(b"\x89PNG\r\n\x00\x00")
    latin = "Le café au lait coûte trois euros à Genève, et le thé à peine moins."
    assert decode_text(latin.encode("latin-1")) == latin  # another encoding is detected (search.decode)


@pytest.fixture
def library(tmp_path):
    return Library(SEEDS, tmp_path / "data", clock=ManualClock(NOW)).open()


@pytest.fixture
def service(library):
    return FeedService(library, LOCAL, HOUR)


def rss(word: str) -> str:
    item = (
        f"<item><title>Story {word}</title><link>http://example.invalid/{word}</link><guid>{word}</guid>"
        f"<description><![CDATA[<p>{ARTICLE.replace('kestrel', word)}</p>]]></description></item>"
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{item}</channel></rss>'


@pytest.fixture
async def hostile_site(site):
    site.serve("/deep", DEEP, "application/json")
    site.serve("/good", rss("osprey"), "application/rss+xml")
    return await start_site(site)


async def test_a_deeply_nested_page_is_refused_with_a_reason(library, hostile_site):
    with pytest.raises(IngestError, match="nested deeper"):
        await ingest_url(library, hostile_site.url("/deep"), LOCAL)


async def test_a_deeply_nested_feed_backs_off_and_does_not_starve_the_next(library, hostile_site, service):
    deep = library.store.feeds.add(hostile_site.url("/deep"), None, NOW)
    library.store.feeds.add(hostile_site.url("/good"), None, NOW)
    first, second = await poll_at(service, NOW)
    assert "nested deeper" in first.error and second.new == 1 and second.error is None
    feed = next(f for f in library.store.feeds.all() if f.id == deep.id)
    assert feed.failures == 1 and feed.next_poll == NOW + 2 * HOUR


async def test_an_unforeseen_parse_failure_backs_off_and_the_next_feed_is_polled(
    library, hostile_site, monkeypatch, service
):
    from search import feeds

    real = feeds.parse_feed

    def parse(text):
        if "osprey" not in text:
            raise KeyError("surprise")
        return real(text)

    monkeypatch.setattr(feeds, "parse_feed", parse)
    library.store.feeds.add(hostile_site.url("/deep"), None, NOW)
    library.store.feeds.add(hostile_site.url("/good"), None, NOW)
    first, second = await poll_at(service, NOW)
    assert first.error == "could not be read (KeyError)" and second.new == 1
    assert library.store.feeds.all()[0].next_poll == NOW + 2 * HOUR


def test_sidecar_nested_too_deep_is_skipped_with_a_reason(folder):
    (folder / "sources.toml").write_text('[good]\ntitle = "T"\nx = ' + "[" * 100_000 + "]" * 100_000 + "\n")
    loaded = load_directory(folder)
    assert list(loaded.sources) == ["good"] and loaded.skipped[0][0] == "sources.toml"


def test_a_parser_bug_costs_one_file_not_the_scan(tmp_path, folder, monkeypatch):
    from search import corpus

    real = corpus.parse_bytes

    def parse(data, path):
        if path.name == "bug.txt":
            raise KeyError("a bug in a parser")
        return real(data, path)

    monkeypatch.setattr(corpus, "parse_bytes", parse)
    (folder / "bug.txt").write_text(ARTICLE)
    library = Library(folder, tmp_path / "data").open()
    assert [s.source_id for s in library.sources()] == ["good"]
    assert ("bug.txt", "could not be read (KeyError)") in library.corpus.skipped


def test_two_files_giving_one_source_id_report_the_second_until_the_first_goes(tmp_path, folder):
    (folder / "good.md").write_text("# Good news\n\n" + ARTICLE.replace("Seoul", "Tokyo"))
    library = Library(folder, tmp_path / "data").open()
    assert [s.title for s in library.sources()] == ["Good news"]  # good.md sorts first
    assert library.corpus.skipped == [("good.txt", "another file already gives the id good")]
    again = Library(folder, tmp_path / "data").open(quick_scan=True)  # a later start still reports it
    assert again.corpus.skipped == [("good.txt", "another file already gives the id good")]
    (folder / "good.md").unlink()
    freed = Library(folder, tmp_path / "data").open()
    assert freed.corpus.skipped == [] and [s.source_id for s in freed.sources()] == ["good"]
    assert freed.search("kestrel Seoul").hits[0].source_id == "good"


def test_a_page_of_only_menus_and_links_is_skipped_with_its_reason(folder):
    def listed(*texts: str) -> str:
        return "<ul>" + "".join(f'<li><a href="/{n}">{text}</a></li>' for n, text in enumerate(texts)) + "</ul>\n"

    page = (
        "<html><head><title>Site map</title></head><body>\n"
        + f"<nav>{listed('Home', 'Analysis', 'News', 'Korea', 'Japan', 'Contact us')}</nav>\n"
        + listed(
            "Trilateral security cooperation after Camp David",
            "The alliance and the North Korean threat",
            "Subscribe to our newsletter",
            "Privacy policy",
        )
    )
    (folder / "menu.html").write_text(page + "</body></html>")
    (folder / "article.html").write_text(page + f"<article><p>{ARTICLE}</p></article></body></html>")
    loaded = load_directory(folder)
    assert sorted(loaded.sources) == ["article", "good"] and "kestrel" in loaded.sources["article"].text
    assert loaded.skipped == [("menu.html", "no article text found in the HTML, only menus, links or headlines")]


def test_a_loop_of_symbolic_links_is_skipped_with_its_reason_and_no_path(tmp_path, folder):
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    loaded = load_directory(folder)
    assert list(loaded.sources) == ["good"]
    assert dict(loaded.skipped) == {
        "a.txt": "Too many levels of symbolic links",
        "b.txt": "Too many levels of symbolic links",
    }
    library = Library(folder, tmp_path / "data").open()
    assert library.search("kestrel").hits and {name for name, _ in library.corpus.skipped} == {"a.txt", "b.txt"}
    assert all(str(tmp_path) not in reason for _, reason in library.corpus.skipped)


def test_lone_surrogates_in_a_json_file_are_replaced_and_the_library_serves(tmp_path, folder):
    posts = [
        {"id": f"{n}\ud800", "title": {"rendered": "Bad \ud800"}, "content": {"rendered": f"<p>{ARTICLE}</p>"}}
        for n in range(2)
    ]
    (folder / "wp.json").write_text(json.dumps(posts))
    library = Library(folder, tmp_path / "data").open()
    hit = library.search("kestrel exercise", sources=["wp-0\ufffd"]).hits[0]
    assert hit.title == "Bad \ufffd"
    assert Library(folder, tmp_path / "data").open().search("kestrel").hits  # stored and read back


async def test_a_link_to_a_list_of_posts_is_refused_as_a_feed_and_one_post_is_added(site, tmp_path):
    post = {"title": {"rendered": "Kestrel"}, "content": {"rendered": f"<p>{ARTICLE}</p>"}}
    site.serve("/posts", json.dumps([{**post, "id": n} for n in range(3)]), "application/json")
    site.serve("/posts/1", json.dumps({**post, "id": 1}), "application/json")
    await start_site(site)
    library = Library(tmp_path / "seeds", tmp_path / "data")
    (tmp_path / "seeds").mkdir()
    library.open()
    with pytest.raises(IngestError, match="list of 3 posts; follow it as a feed"):
        await ingest_url(library, site.url("/posts"), LOCAL)
    assert not library.search("kestrel").hits
    assert (await ingest_url(library, site.url("/posts/1"), LOCAL)).title == "Kestrel"
