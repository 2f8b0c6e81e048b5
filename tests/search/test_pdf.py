"""PDF reports: metadata, running headers and page numbers, hyphenation, the page cap, files and /ingest."""

import ipaddress
import logging

import pytest
from aiohttp import web

from search.corpus import load_directory
from search.fetch import FetchPolicy
from search.ingest import IngestError
from search.library import Library
from search.pdf import from_pdf, join_lines
from search.web import ingest_url
from tests.conftest import start_site
from tests.search.pdf_fixture import HEADER, report_pdf


def test_metadata_paragraphs_and_no_running_header_or_page_numbers():
    raw = from_pdf(report_pdf(3))
    assert (raw.title, raw.author, raw.format) == ("Trilateral Security Outlook", "Jane Roe", "pdf")
    text = "\n".join(raw.lines)
    assert HEADER not in text and "Quarterly Report" not in text
    assert not any(line.strip().isdigit() for line in raw.lines)
    assert "deep cooperation rather than a formal alliance." in text and "coop-" not in text
    assert "Costs and burden sharing" in raw.lines and "What comes next" in raw.lines


def test_a_pdf_in_the_sources_folder_becomes_a_source_with_headings(tmp_path):
    (tmp_path / "report.pdf").write_bytes(report_pdf(2, title=None))
    corpus = load_directory(tmp_path)
    (source,) = corpus.sources.values()
    assert source.format == "pdf" and source.title == "Drills and warning data"  # no metadata: the first line
    assert "deep cooperation" in source.text
    assert {p.heading for p in corpus.passages} >= {"Costs and burden sharing"}


def test_pages_past_the_cap_are_not_read_and_the_cut_is_logged(caplog):
    with caplog.at_level(logging.WARNING):
        raw = from_pdf(report_pdf(4), pages=2)
    assert "Budget planners" in " ".join(raw.lines) and "Negotiators" not in " ".join(raw.lines)
    assert any("first 2 of 4 pages" in r.getMessage() for r in caplog.records)


def test_broken_pdfs_get_a_short_reason():
    with pytest.raises(IngestError, match="PDF"):
        from_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 50)


def test_hard_wrapped_lines_join_but_short_lines_stay_apart():
    lines = ["A heading", "a long line of text that goes on and on across the whole width of the page", "and ends."]
    assert join_lines(lines) == ["A heading", lines[1] + " and ends."]


async def test_a_pdf_link_can_be_ingested(site, tmp_path):
    async def report(request):
        return web.Response(body=report_pdf(2), content_type="application/pdf")

    site.route("/report.pdf", report)
    await start_site(site)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    library = Library(seeds, tmp_path / "data").open()
    policy = FetchPolicy(allowed_networks=[ipaddress.ip_network("127.0.0.1/32")])
    source = await ingest_url(library, site.url("/report.pdf"), policy)
    assert source.title == "Trilateral Security Outlook" and source.format == "pdf"
    assert library.search("hotline capitals").hits
