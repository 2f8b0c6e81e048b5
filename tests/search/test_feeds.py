"""Feeds against a local server: RSS, Atom and WordPress REST, conditional GET, failures and backoff."""

import datetime as dt
import ipaddress
import json
import shutil

import pytest
from aiohttp import web

from search.feeds import FeedError, FeedService, parse_feed
from search.fetch import FetchError, FetchPolicy
from search.library import Library
from search.scopes import OPERATOR
from search.store import DuplicateError, Store
from tests.conftest import SEEDS, ManualClock, poll_at, start_site

LOCAL = FetchPolicy(allowed_networks=[ipaddress.ip_network("127.0.0.1/32")], read_timeout=1, total_timeout=3)
HOUR = dt.timedelta(hours=1)
NOW = dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC)
BODY = (
    "Defense ministers of the three allies agreed to expand the {word} exercise next spring, adding a "
    "maritime phase near Jeju and a tabletop drill on missile warning data, officials in Seoul said. "
) * 4


def rss(words):
    items = "".join(
        f"<item><title>Story {w}</title><link>http://example.invalid/{w}</link><guid>{w}</guid>"
        f"<pubDate>Mon, 02 Jun 2025 07:00:00 GMT</pubDate>"
        f"<description><![CDATA[<p>{BODY.format(word=w)}</p>]]></description></item>"
        for w in words
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Allied Wire</title>{items}</channel></rss>'


@pytest.fixture
def library(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return Library(seeds, tmp_path / "data", clock=ManualClock(NOW)).open()


@pytest.fixture
def service(library):
    return FeedService(library, LOCAL, HOUR)


@pytest.fixture
async def feeds(site):
    state = {"rss": ["kestrel", "osprey"]}

    async def rss_feed(request):
        body = rss(state["rss"])
        etag = f'"{len(state["rss"])}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def atom_feed(request):
        entries = "".join(
            f"<entry><id>urn:{w}</id><title>{w}</title><link href='{site.url('/article/' + w)}'/>"
            f"<updated>2025-06-01T00:00:00Z</updated><summary>Short teaser.</summary></entry>"
            for w in ("harrier", "merlin")
        )
        text = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>{entries}</feed>'
        return web.Response(text=text, content_type="application/atom+xml")

    async def article(request):
        word = request.match_info.get("word") or request.path.rsplit("/", 1)[-1]
        page = (
            f"<html><head><title>{word}</title></head><body><article><h1>{word} drill</h1>"
            f"<p>{BODY.format(word=word)}</p></article></body></html>"
        )
        return web.Response(text=page, content_type="text/html")

    async def wordpress(request):
        posts = [
            {
                "id": n,
                "date": "2025-05-30T10:00:00",
                "link": f"https://blog.example.org/{w}/",
                "title": {"rendered": f"{w} post"},
                "content": {"rendered": f"<p>{BODY.format(word=w)}</p>"},
            }
            for n, w in ((11, "gannet"), (12, "petrel"))
        ]
        return web.Response(text=json.dumps(posts), content_type="application/json")

    async def broken(request):
        return web.Response(status=500, text="down")

    async def not_a_feed(request):
        return web.Response(text="<html><body><p>Just a page.</p></body></html>", content_type="text/html")

    site.route("/rss", rss_feed)
    site.route("/atom", atom_feed)
    for word in ("harrier", "merlin"):
        site.route(f"/article/{word}", article)
    site.route("/wp-json/wp/v2/posts", wordpress)
    site.route("/broken", broken)
    site.route("/page", not_a_feed)
    await start_site(site)
    site.state = state
    return site


async def test_rss_items_with_full_text_are_indexed_and_etag_is_honoured(library, feeds, service):
    result = await service.follow(feeds.url("/rss"), "alice")
    assert result.new == 2 and result.error is None
    hit = library.search("kestrel exercise").hits[0]
    assert hit.title == "Story kestrel" and hit.outlet == "Allied Wire" and hit.published == dt.date(2025, 6, 2)
    (again,) = await poll_at(service, NOW + HOUR)
    assert again.not_modified and again.new == 0
    feeds.state["rss"] = ["kestrel", "osprey", "shrike"]
    (third,) = await poll_at(service, NOW + 2 * HOUR)
    assert third.new == 1 and library.search("shrike").hits  # known items are not added again
    (feed,) = library.store.feeds.all()
    assert feed.items == 3 and feed.etag == '"3"' and feed.last_error is None


async def test_atom_summaries_lead_to_the_article_pages(library, feeds, service):
    result = await service.follow(feeds.url("/atom"), None)
    assert result.new == 2 and feeds.hits["/article/harrier"] == 1
    assert library.search("harrier").hits[0].title == "harrier drill"


async def test_wordpress_rest_posts_are_indexed(library, feeds, service):
    result = await service.follow(feeds.url("/wp-json/wp/v2/posts"), None)
    assert result.new == 2
    hit = library.search("petrel").hits[0]
    assert hit.url == "https://blog.example.org/petrel/" and hit.outlet == "blog.example.org"


async def test_polls_only_when_due(library, feeds, service):
    await service.follow(feeds.url("/rss"), None)
    assert await poll_at(service, NOW + dt.timedelta(minutes=30)) == []
    assert feeds.hits["/rss"] == 1


async def test_a_failing_feed_backs_off_and_keeps_its_error(library, feeds, service):
    feed = library.store.feeds.add(feeds.url("/broken"), None, NOW)
    (first,) = await poll_at(service, NOW)
    assert "HTTP 500" in first.error
    (feed,) = library.store.feeds.all()
    assert feed.failures == 1 and feed.next_poll == NOW + 2 * HOUR and "HTTP 500" in feed.last_error
    assert await poll_at(service, NOW + HOUR) == []  # not yet due again
    await poll_at(service, NOW + 2 * HOUR)
    (feed,) = library.store.feeds.all()
    assert feed.failures == 2 and feed.next_poll == NOW + 2 * HOUR + 4 * HOUR


@pytest.mark.parametrize(("path", "reason"), [("/page", "no RSS or Atom items"), ("/broken", "HTTP 500")])
async def test_following_something_that_is_not_a_working_feed_is_refused(library, feeds, path, reason, service):
    with pytest.raises(FeedError, match=reason):
        await service.follow(feeds.url(path), None)
    assert library.store.feeds.all() == []


async def test_a_feed_link_with_a_password_is_refused_before_it_is_stored_or_fetched(library, feeds, service):
    with pytest.raises(FetchError, match="leave the user name and password out") as refused:
        await service.follow(feeds.url("/rss").replace("//", "//alice:hunter2@"), None)
    assert "hunter2" not in str(refused.value)
    assert library.store.feeds.all() == [] and feeds.hits.get("/rss") is None


def test_parse_feed_rejects_garbage():
    unterminated = "<?xml version='1.0'?><rss><channel><title>x</title><item><title>unterminated"
    linkless = "<rss><channel><item><title>A</title><description>No link.</description></item></channel></rss>"
    with pytest.raises(FeedError, match="empty"):
        parse_feed(" \n")
    for text in ("garbage \x00\x01", "[1, 2, 3]", '{"a": 1}', unterminated, linkless):
        with pytest.raises(FeedError):
            parse_feed(text)


async def test_a_feed_followed_again_finds_its_items_again(library, feeds, service):
    first = await service.follow(feeds.url("/rss"), "alice")
    kestrel = library.search("kestrel exercise").hits[0].source_id
    assert await service.unfollow(first.feed.id)
    again = await service.follow(feeds.url("/rss"), "alice")  # its items are still in the library: none is new
    assert again.feed.id != first.feed.id and again.new == 0
    assert library.store.feeds.item_known(again.feed.id, "kestrel")
    assert library.search("kestrel exercise").hits[0].source_id == kestrel
    assert await service.unfollow(again.feed.id)
    library.remove_source(kestrel, OPERATOR)  # removed from the library too: following once more brings it back
    third = await service.follow(feeds.url("/rss"), "alice")
    assert third.new == 1 and library.search("kestrel exercise").hits[0].title == "Story kestrel"


def test_removing_a_feed_number_no_column_holds_is_no_such_feed(state_target):
    feeds = Store(state_target).feeds
    feed = feeds.add("https://example.org/rss", None, NOW)
    assert [feeds.remove(n) for n in (10**23, 2**63, -(2**63) - 1, 0)] == [False] * 4
    assert [f.id for f in feeds.all()] == [feed.id] and feeds.remove(feed.id)


async def test_lone_surrogates_in_feed_items_are_replaced_not_fatal(library, site, service):
    """JSON may escape a lone surrogate ("\\ud800") and RSS may reference one ("&#xD800;"): no encoding can
    store either, so each becomes U+FFFD and the item is indexed like any other."""
    post = {"id": "1\ud800", "title": {"rendered": "Gannet \ud800"}, "content": {"rendered": f"<p>{BODY}</p>"}}
    site.serve("/wp", json.dumps([post]).replace("kestrel", "gannet"), "application/json")
    site.serve("/rss", rss(["petrel"]).replace("Story petrel", "Story &#xD800; &#55296; petrel"), "application/rss+xml")
    await start_site(site)
    assert (await service.follow(site.url("/wp"), None)).new == 1
    assert (await service.follow(site.url("/rss"), None)).new == 1
    assert library.search("gannet").hits[0].title == "Gannet \ufffd"
    assert library.search("petrel").hits[0].title == "Story \ufffd \ufffd petrel"


async def test_an_item_failing_unexpectedly_does_not_stop_the_items_after_it(library, feeds, service, monkeypatch):
    from search import feeds as feeds_module

    add_raw = feeds_module.add_raw

    def flaky(library, raw, *args, **kwargs):
        if raw.title == "Story kestrel":
            raise RuntimeError("a parser's bug")
        return add_raw(library, raw, *args, **kwargs)

    monkeypatch.setattr(feeds_module, "add_raw", flaky)
    result = await service.follow(feeds.url("/rss"), None)
    assert result.new == 1 and library.search("osprey").hits and not library.search("kestrel").hits
    monkeypatch.setattr(feeds_module, "add_raw", add_raw)
    feeds.state["rss"] = ["kestrel", "osprey", "shrike"]
    (again,) = await poll_at(service, NOW + HOUR)
    assert again.new == 2 and library.search("kestrel").hits  # tried again, not forgotten


async def test_a_feed_written_another_way_is_the_feed_already_followed(library, feeds, service):
    url = feeds.url("/rss")
    await service.follow(url, None)
    for again in (url.replace("http://", "HTTP://"), url + "#latest", url + "/", url + "?utm_source=x"):
        with pytest.raises(DuplicateError, match="already followed"):
            await service.follow(again, None)
    assert [feed.url for feed in library.store.feeds.all()] == [url]
