"""The command line as the operator and as a server: what each sees, adds and may remove."""

import asyncio
import json

import pytest

from tests.conftest import start_site

A, B = "111111111111111111", "222222222222222222"
PAGE = (
    "<html><head><title>T</title></head><body><article><h1>Quokka accord</h1><p>"
    + ("The allies signed the quokka accord on maritime data today in Tokyo, officials said. " * 4)
    + "</p></article></body></html>"
)


@pytest.fixture
async def page(site, monkeypatch):
    site.serve("/page", PAGE)
    await start_site(site)
    monkeypatch.setenv("FETCH_ALLOW_NETWORKS", "127.0.0.1/32")
    return site.url("/page")


def hits(out: str) -> list[str]:
    return [hit["source_id"] for hit in json.loads(out)["hits"]]


async def test_a_servers_page_is_its_own_and_the_seeds_are_everyones(cli, page):  # noqa: F811
    run = lambda *argv: asyncio.to_thread(cli, *argv)  # noqa: E731 (main() runs its own event loop)
    code, out, _ = await run("--server", A, "ingest", page, "--json")
    assert code == 0
    added = json.loads(out)["source_id"]

    assert hits((await run("--server", A, "search", "quokka", "--json"))[1]) == [added]
    assert hits((await run("--server", B, "search", "quokka", "--json"))[1]) == []
    assert hits((await run("search", "quokka", "--json"))[1]) == []  # the operator's view: the shared library
    assert hits((await run("search", "quokka", "--all-servers", "--json"))[1]) == [added]
    for who in ((), ("--server", A), ("--server", B)):  # the seeds: everyone's
        assert hits((await run(*who, "search", "missile", "--json"))[1])

    listed = lambda out: {s["source_id"] for s in json.loads(out)["sources"]}  # noqa: E731
    assert added in listed((await run("--server", A, "sources", "--json"))[1])
    assert added not in listed((await run("sources", "--server", B, "--json"))[1])
    code, _, err = await run("--server", B, "source", added)
    assert code == 1 and "No source with id" in err
    exported = lambda out: {json.loads(line)["source"]["source_id"] for line in out.splitlines()}  # noqa: E731
    assert added in exported((await run("--server", A, "export"))[1])
    assert added in exported((await run("export", "--all-servers"))[1])
    assert added not in exported((await run("export"))[1])

    # B may add the same page to its own library; it gets its own copy
    code, out, _ = await run("--server", B, "ingest", page, "--json")
    assert code == 0 and json.loads(out)["source_id"] != added
    code, _, err = await run("--server", A, "ingest", page)
    assert code == 1 and "already in the library" in err


async def test_the_environment_names_the_server(cli, page, monkeypatch):  # noqa: F811
    run = lambda *argv: asyncio.to_thread(cli, *argv)  # noqa: E731
    monkeypatch.setenv("BRIEFBOT_SERVER", A)
    assert (await run("ingest", page))[0] == 0
    assert len(hits((await run("search", "quokka", "--json"))[1])) == 1
    assert hits((await run("search", "quokka", "--server", B, "--json"))[1]) == []
    code, _, err = await run("search", "quokka", "--all-servers", "--server", B)
    assert code == 2 and "not allowed with" in err


async def test_removing_a_source_survives_a_restart_and_seeds_are_refused(cli, page):  # noqa: F811
    run = lambda *argv: asyncio.to_thread(cli, *argv)  # noqa: E731
    added = json.loads((await run("--server", A, "ingest", page, "--json"))[1])["source_id"]
    code, _, err = await run("--server", B, "source", "remove", added)
    assert code == 1 and "No source with id" in err
    code, _, err = await run("--all-servers", "source", "remove", added)
    assert code == 2 and "only reads" in err and "usage:" in err  # a bad combination of arguments
    code, _, err = await run("--all-servers", "search", "x", "--server", A)
    assert code == 2 and "not both" in err
    code, _, err = await run("source", "one", "two")
    assert code == 2 and "source remove ID" in err
    seed = json.loads((await run("sources", "--json"))[1])["sources"][0]["source_id"]
    code, _, err = await run("source", "remove", seed)
    assert code == 1 and "seed folder" in err
    code, _, err = await run("--server", A, "source", "remove", seed)
    assert code == 1 and "seed folder" in err

    code, out, _ = await run("--server", A, "source", "remove", added)
    assert code == 0 and out.startswith(f"Removed {added}")
    assert hits((await run("--server", A, "search", "quokka", "--json"))[1]) == []  # a new process: a restart
    assert hits((await run("--all-servers", "search", "quokka", "--json"))[1]) == []
    assert hits((await run("--server", A, "search", "missile", "--json"))[1])
    code, out, _ = await run("--server", A, "ingest", page)  # gone from the store too: it can come back
    assert code == 0


@pytest.fixture
async def rss(site, monkeypatch):
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>Wombat talks</title>'
        "<link>http://127.0.0.1/w</link><guid>w1</guid><description><![CDATA[<p>"
        + "Wombat talks on alliance logistics. " * 20
        + "</p>]]></description></item></channel></rss>"
    )
    site.serve("/rss", feed, "application/rss+xml")
    await start_site(site)
    monkeypatch.setenv("FETCH_ALLOW_NETWORKS", "127.0.0.1/32")
    return site.url("/rss")


async def test_feeds_are_listed_and_removed_only_by_their_scope(cli, rss):
    run = lambda *argv: asyncio.to_thread(cli, *argv)  # noqa: E731
    assert (await run("--server", A, "feed", "add", rss))[1].startswith("Following feed #1")
    assert (await run("--server", B, "feed", "add", rss))[1].startswith("Following feed #2")
    feeds = lambda out: [f["id"] for f in json.loads(out)["feeds"]]  # noqa: E731
    assert feeds((await run("--server", A, "feed", "list", "--json"))[1]) == [1]
    assert feeds((await run("feed", "list", "--json"))[1]) == []
    assert feeds((await run("--all-servers", "feed", "list", "--json"))[1]) == [1, 2]
    code, _, err = await run("--server", B, "feed", "remove", "1")
    assert code == 1 and "follows no feed #1" in err
    assert (await run("--server", B, "feed", "remove", "2"))[0] == 0
    assert (await run("--server", B, "feed", "add", rss))[1].startswith("Following feed #3")  # never reused
    assert len(hits((await run("--server", B, "search", "wombat", "--json"))[1])) == 1


async def test_feed_poll_polls_only_the_chosen_scopes_feeds(cli, rss):
    run = lambda *argv: asyncio.to_thread(cli, *argv)  # noqa: E731
    for server in (A, B):
        assert (await run("--server", server, "feed", "add", rss))[0] == 0
    polled = lambda *argv: [row["feed"] for row in json.loads(cli(*argv, "feed", "poll", "--json")[1])["polled"]]  # noqa: E731
    assert await asyncio.to_thread(polled) == []  # the operator follows no feed
    assert await asyncio.to_thread(polled, "--server", A) == [1]
    assert await asyncio.to_thread(polled, "--all-servers") == [1, 2]
