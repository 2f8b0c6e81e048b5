"""Shared fixtures: the real seed corpus and a library built from it in a temporary data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from search.analyze import Analyzer
from search.corpus import Corpus, load_directory
from search.library import Library

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CRANFIELD = Path(os.environ.get("BRIEFBOT_CRANFIELD_DIR", ROOT.parent / "shared" / "data" / "cranfield"))


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_directory(SEEDS)


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> Library:
    return Library(SEEDS, tmp_path_factory.mktemp("data")).open()


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


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
