"""``PageService``: add a web page to the library now (``/ingest``, ``briefbot ingest``).

Fetching is asynchronous; extraction and indexing run in a worker thread (``search.web``).
"""

from __future__ import annotations

import asyncio

from search.fetch import FetchPolicy
from search.library import Library
from search.models import SourceInfo
from search.web import ingest_url


class PageService:
    def __init__(self, library: Library, policy: FetchPolicy) -> None:
        self.library = library
        self.policy = policy

    async def ingest(self, url: str) -> SourceInfo:
        """Fetch, extract, dedupe and index ``url``; FetchError, IngestError or DuplicateError otherwise."""
        source = await ingest_url(self.library, url.strip(), self.policy)
        return await asyncio.to_thread(self.library.source_info, source.source_id)
