"""Attached files (``/ingest file:``): PDF, HTML, Markdown and text through the page loaders and caps."""

import ipaddress
import shutil

import pytest
from aiohttp import web

from search.fetch import FetchError, FetchPolicy
from search.ingest import IngestError
from search.library import Library
from search.pages import PageService
from search.store import DuplicateError
from tests.conftest import SEEDS, start_site
from tests.search.pdf_fixture import report_pdf

A, B = 111, 222
LOCAL = FetchPolicy(allowed_networks=[ipaddress.ip_network("127.0.0.1/32")], max_bytes=200_000)
PARAGRAPH = "The quokka convoy reached the northern port on Tuesday, according to the logistics office. " * 3
FILES = {
    "report.pdf": (report_pdf(), "application/pdf"),
    "page.html": (f"<html><body><article><h1>Quokka page</h1><p>{PARAGRAPH}</p></article></body></html>", "text/html"),
    "notes.md": (f"# Quokka notes\n\n{PARAGRAPH}", "application/octet-stream"),
    "memo.txt": (f"Quokka memo\n\n{PARAGRAPH}", "text/plain"),
}


@pytest.fixture
def pages(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    return PageService(Library(tmp_path / "seeds", tmp_path / "data").open(), LOCAL)


@pytest.fixture
async def cdn(site):
    for name, (body, content_type) in FILES.items():

        async def serve(request, body=body, content_type=content_type):
            data = body if isinstance(body, bytes) else body.encode()
            return web.Response(body=data, headers={"Content-Type": content_type})

        site.route(f"/{name}", serve)
    return await start_site(site)


@pytest.mark.parametrize(
    ("name", "title", "word"),
    [
        ("report.pdf", "Trilateral Security Outlook", "jeju"),
        ("page.html", "Quokka page", "quokka"),
        ("notes.md", "Quokka notes", "quokka"),
        ("memo.txt", "Quokka memo", "quokka"),
    ],
)
async def test_each_format_becomes_a_source_of_the_server_that_attached_it(pages, cdn, name, title, word):
    info = await pages.ingest_file(cdn.url(f"/{name}"), name, len(FILES[name][0]), A)
    assert info.title == title and info.source_id.startswith("file-")
    assert [h.source_id for h in pages.library.search(word, scope=A, sources=[info.source_id]).hits]
    assert info.source_id not in {s.source_id for s in pages.library.sources(scope=B)}
    with pytest.raises(DuplicateError):
        await pages.ingest_file(cdn.url(f"/{name}"), f"copy-{name}", len(FILES[name][0]), A)
    again = await pages.ingest_file(cdn.url(f"/{name}"), name, len(FILES[name][0]), B)  # B's own copy
    assert again.source_id != info.source_id


async def test_other_files_and_large_ones_are_refused_before_downloading(pages, cdn):
    with pytest.raises(IngestError, match="not a PDF, HTML, Markdown or text file"):
        await pages.ingest_file(cdn.url("/memo.txt"), "slides.pptx", 10, A)
    with pytest.raises(FetchError, match="too large"):
        await pages.ingest_file(cdn.url("/memo.txt"), "memo.txt", LOCAL.max_bytes + 1, A)
    assert cdn.hits.get("/memo.txt", 0) == 0
