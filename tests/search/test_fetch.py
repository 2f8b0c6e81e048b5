"""The fetcher against a local server: pages, and every failure it must report clearly."""

import ipaddress
import re

import pytest
from aiohttp import web

from search.fetch import FetchError, FetchPolicy, fetch
from tests.conftest import add_failure_routes, start_site

LOCAL = FetchPolicy(allowed_networks=[ipaddress.ip_network("127.0.0.1/32")], read_timeout=1, total_timeout=3)
PAGE = "<html><head><title>T</title></head><body><article><p>Hello allies.</p></article></body></html>"


def html(text=PAGE, **headers):
    async def handler(request):
        return web.Response(text=text, content_type="text/html", headers=headers)

    return handler


def redirect(location):
    async def handler(request):
        raise web.HTTPFound(location)

    return handler


@pytest.fixture
async def server(site):
    async def conditional(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(text=PAGE, content_type="text/html", headers={"ETag": '"v1"'})

    add_failure_routes(site, PAGE)
    site.route("/page", html())
    site.route("/etag", conditional)
    site.route("/hop", redirect("/page"))
    site.route("/to-ftp", redirect("ftp://example.org/file"))
    return await start_site(site)


async def test_a_page_is_fetched(server):
    page = await fetch(server.url("/page"), LOCAL)
    assert page.status == 200 and page.content_type == "text/html" and "Hello allies" in page.text


async def test_redirects_are_followed_and_the_final_url_kept(server):
    page = await fetch(server.url("/hop"), LOCAL)
    assert page.url == server.url("/page") and "Hello" in page.text


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/slow", "took too long"),
        ("/error", "HTTP 500"),
        ("/image", "content type image/png"),
        ("/huge", "too large"),
        ("/loop", "too many redirects"),
        ("/to-private", "10.1.2.3 is a private address"),
        ("/to-metadata", "169.254.169.254 is a link-local (metadata) address"),
        ("/to-ftp", "only http and https"),
        ("/missing", "HTTP 404"),
    ],
)
async def test_failures_are_reported_in_a_few_words(server, path, reason):
    with pytest.raises(FetchError, match=re.escape(reason)):
        await fetch(server.url(path), LOCAL)


async def test_a_huge_body_is_abandoned_early(server):
    with pytest.raises(FetchError, match="too large"):
        await fetch(server.url("/huge"), FetchPolicy(allowed_networks=LOCAL.allowed_networks, max_bytes=2**20))


async def test_loopback_is_refused_unless_allowed(server):
    with pytest.raises(FetchError, match="127.0.0.1 is a loopback address"):
        await fetch(server.url("/page"))
    with pytest.raises(FetchError, match="loopback"):
        await fetch(server.url("/page").replace("127.0.0.1", "localhost"))
    with pytest.raises(FetchError, match="127.0.0.2 is a loopback"):
        await fetch(server.url("/page").replace("127.0.0.1", "127.0.0.2"), LOCAL)
    assert server.hits.get("/to-private") is None


@pytest.mark.parametrize(
    "url", ["http://[::1]/", "http://0.0.0.0/", "http://192.168.1.1/", "http://[::ffff:10.0.0.1]/"]
)
async def test_other_refused_addresses(url):
    with pytest.raises(FetchError, match="refused"):
        await fetch(url)


async def test_conditional_get_gives_not_modified(server):
    first = await fetch(server.url("/etag"), LOCAL)
    assert first.etag == '"v1"' and not first.not_modified
    again = await fetch(server.url("/etag"), LOCAL, etag=first.etag)
    assert again.not_modified and again.status == 304


async def test_bad_urls(server):
    for url, reason in (
        ("notaurl", "only http"),
        ("http://", "no host"),
        ("http://no-such-host.invalid/", "host"),
        ("http://[bad/page", "not a valid link"),
        ("http://127.0.0.1:99999/page", "not a valid link"),
        ("http://exa\udcffmple.org/page", "not a valid link"),  # a byte the terminal could not decode
        (server.url("/page").replace("//", "//alice:hunter2@"), "leave the user name and password out"),
        (server.url("/page").replace("//", "//token@"), "leave the user name and password out"),
    ):
        with pytest.raises(FetchError, match=reason) as refused:
            await fetch(url, LOCAL)
        assert "hunter2" not in str(refused.value)
    assert server.hits.get("/page") is None


@pytest.mark.parametrize(
    ("address", "carried"),
    [
        ("2002:a00:1::", "10.0.0.1"),  # 6to4
        ("2002:7f00:1::1", "127.0.0.1"),
        ("2002:a9fe:a9fe::", "169.254.169.254"),
        ("::ffff:a9fe:a9fe", "169.254.169.254"),  # IPv4-mapped
        ("64:ff9b::a00:1", "10.0.0.1"),  # NAT64
        ("64:ff9b:1::c0a8:101", "192.168.1.1"),  # local-use NAT64
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1"),  # Teredo (client address inverted)
        ("::a00:1", "10.0.0.1"),  # IPv4-compatible
        ("::ffff:0:a00:1", "10.0.0.1"),  # IPv4-translated
    ],
)
def test_ipv6_forms_carrying_a_private_ipv4_address_are_refused(address, carried):
    reason = FetchPolicy().refusal(ipaddress.ip_address(address))
    assert reason and f"carries {carried}, a " in reason


@pytest.mark.parametrize("address", ["2002:808:808::", "64:ff9b::808:808", "::ffff:808:808", "2606:4700::1111"])
def test_public_addresses_in_those_forms_are_allowed(address):
    assert FetchPolicy().refusal(ipaddress.ip_address(address)) is None


async def test_a_6to4_literal_url_is_refused():
    with pytest.raises(FetchError, match="carries 10.0.0.1"):
        await fetch("http://[2002:a00:1::]/")
