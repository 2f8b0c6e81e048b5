"""Adding web pages to the library: fetch (safely), extract, dedupe by canonical URL and content, index."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from search.brief import normalize_space
from search.corpus import build_source
from search.fetch import TEXT_TYPES, Fetched, FetchPolicy, fetch
from search.ingest import IngestError, RawDocument, read_documents
from search.library import Library
from search.models import Passage, Source
from search.pdf import from_pdf, is_pdf
from search.scopes import OPERATOR
from search.workers import run_cpu

PDF_TYPE = "application/pdf"
FILE_SUFFIXES = (".pdf", ".html", ".htm", ".md", ".markdown", ".txt")
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src")


def canonical_url(url: str) -> str:
    """Lowercased scheme and host, no default port, fragment or tracking parameters, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not k.lower().startswith(_TRACKING)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def web_source_id(canonical: str, scope: int = OPERATOR) -> str:
    """A page's id: from its canonical URL, and its scope's (search.scopes), so servers never share one."""
    key = canonical if scope == OPERATOR else f"{scope} {canonical}"
    return "web-" + hashlib.sha1(key.encode()).hexdigest()[:12]


HASH_CHUNK = 1 << 16  # characters per step of content_hash
_SPACE = re.compile(r"\s")  # the whitespace str.split() splits on


def content_hash(text: str) -> str:
    """The hash of ``text`` with its whitespace normalised and its case folded (what makes two copies of a
    page the same content). Computed a chunk at a time: one ``split`` over a page of several MB holds the GIL
    for tens of milliseconds, stalling the event loop of the process that calls it from a thread."""
    digest, separator = hashlib.sha256(), ""
    for chunk in _whole_words(text, HASH_CHUNK):
        words = chunk.split()
        if words:
            digest.update((separator + " ".join(words)).casefold().encode())
            separator = " "
    return digest.hexdigest()[:32]


def _whole_words(text: str, size: int) -> Iterator[str]:
    """``text`` in pieces of about ``size`` characters, each cut at whitespace, so no word is split."""
    start = 0
    while start < len(text):
        cut = _SPACE.search(text, min(start + size, len(text)))
        end = cut.start() + 1 if cut else len(text)
        yield text[start:end]
        start = end


def build_web_source(raw: RawDocument, url: str, scope: int = OPERATOR) -> tuple[Source, list[Passage], str]:
    """Clean and split one document that came from ``url``: (source, passages, canonical URL). Pure."""
    canonical = canonical_url(raw.url or url)
    raw.url = raw.url or url
    source, passages = build_source(raw, web_source_id(canonical, scope), origin=url)
    return source, passages, canonical


def add_built(
    library: Library,
    source: Source,
    passages: list[Passage],
    canonical: str | None,
    *,
    feed_id: int | None = None,
    scope: int = OPERATOR,
) -> Source:
    """Dedupe and index a built source into ``scope`` (DuplicateError if known); ``canonical``: its page's
    canonical URL (None for an attached file). Blocking: call it in a thread."""
    return library.add_source(
        source,
        passages,
        content_hash=content_hash(source.text),
        canonical_url=canonical,
        feed_id=feed_id,
        scope=scope,
    )


def add_raw(
    library: Library, raw: RawDocument, url: str, *, feed_id: int | None = None, scope: int = OPERATOR
) -> Source:
    """Clean, dedupe and index one document that came from ``url`` into ``scope`` (DuplicateError if known)."""
    return add_built(library, *build_web_source(raw, url, scope), feed_id=feed_id, scope=scope)


def _suffix(content_type: str) -> str:
    if "html" in content_type:
        return ".html"
    if "json" in content_type:
        return ".json"
    return ".md" if "markdown" in content_type else ".txt"


def file_source_id(content: str, scope: int) -> str:
    """An attached file's id: from its content and its scope, so servers never share one."""
    return "file-" + hashlib.sha1(f"{scope} {content}".encode()).hexdigest()[:12]


async def ingest_file(library: Library, url: str, filename: str, policy: FetchPolicy, *, scope: int) -> Source:
    """Download an attached file (PDF, HTML, Markdown or text, by its name) with the same guards and caps as a
    page, and add it to ``scope``. Raises FetchError, IngestError or DuplicateError (short messages)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise IngestError(f"“{filename}” is not a PDF, HTML, Markdown or text file.")
    page = await fetch(url, policy, accept=(*TEXT_TYPES, PDF_TYPE, "application/octet-stream"))
    source, passages = await run_cpu(len(page.body), extract_file, page, filename, suffix, scope)
    return await asyncio.to_thread(add_built, library, source, passages, None, scope=scope)


def extract_file(page: Fetched, filename: str, suffix: str, scope: int) -> tuple[Source, list[Passage]]:
    """An attached file, read, cleaned and split: CPU work (a worker process for a big one)."""
    if suffix == ".pdf" or is_pdf(page.body):
        raw = from_pdf(page.body, name=filename)
    else:
        (raw, *_) = read_documents(page.text, suffix=suffix)
    raw.title = raw.title or Path(filename).stem
    return build_source(raw, file_source_id(normalize_space(page.text), scope), origin=filename)


async def ingest_url(
    library: Library, url: str, policy: FetchPolicy, *, feed_id: int | None = None, scope: int = OPERATOR
) -> Source:
    """Fetch ``url`` and add its article to ``scope``. Raises FetchError, IngestError or DuplicateError (short
    messages). Extraction runs in a thread, or in a worker process for a big page; indexing in a thread."""
    page = await fetch(url, policy, accept=(*TEXT_TYPES, PDF_TYPE))
    built = await run_cpu(len(page.body), extract_page, page, scope)
    return await asyncio.to_thread(add_built, library, *built, feed_id=feed_id, scope=scope)


def extract_page(page: Fetched, scope: int = OPERATOR) -> tuple[Source, list[Passage], str]:
    """A fetched page's article, cleaned and split (trafilatura, pypdf): CPU work, never on the event loop. A
    WordPress list of several posts is refused: it is a feed."""
    if page.content_type == PDF_TYPE or is_pdf(page.body):
        raw = from_pdf(page.body, name=page.url)
    else:
        raw, *more = read_documents(page.text, suffix=_suffix(page.content_type), url=page.url)
        if more:
            raise IngestError(f"that link is a list of {len(more) + 1} posts; follow it as a feed to add them all")
    return build_web_source(raw, page.url, scope)
