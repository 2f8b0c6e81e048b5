"""``PageService``: add a web page to the library now (``/ingest``, ``briefbot ingest``), or remove an added
source (``/source remove``, ``briefbot source remove``).

Fetching is asynchronous; extraction and indexing run in a worker thread (``search.web``).
"""

from __future__ import annotations

import asyncio

from search.fetch import FetchError, FetchPolicy
from search.library import Library
from search.models import Source, SourceInfo
from search.scopes import OPERATOR
from search.web import ingest_file, ingest_url


class PageService:
    def __init__(self, library: Library, policy: FetchPolicy) -> None:
        self.library = library
        self.policy = policy

    async def ingest(self, url: str, scope: int = OPERATOR) -> SourceInfo:
        """Fetch, extract, dedupe and index ``url`` into ``scope``'s library (search.scopes); FetchError,
        IngestError or DuplicateError otherwise."""
        source = await ingest_url(self.library, url.strip(), self.policy, scope=scope)
        return await asyncio.to_thread(self.library.source_info, source.source_id, scope=scope)

    async def ingest_file(self, url: str, filename: str, size: int, scope: int) -> SourceInfo:
        """Download and add an attached file (``/ingest file:``) to ``scope``'s library, within the same size
        cap as pages; FetchError, IngestError or DuplicateError otherwise."""
        if size > self.policy.max_bytes:
            raise FetchError(f"too large (over {self.policy.max_bytes // 2**20} MB)")
        source = await ingest_file(self.library, url, filename, self.policy, scope=scope)
        return await asyncio.to_thread(self.library.source_info, source.source_id, scope=scope)

    async def remove(self, source_id: str, scope: int) -> Source:
        """Remove a source ``scope`` added, from the store and the index at once (UnknownSourceError,
        SourceRemovalError)."""
        return await asyncio.to_thread(self.library.remove_source, source_id.strip(), scope)
