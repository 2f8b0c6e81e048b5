"""Failures whose message is a short answer for the user: they say what went wrong and are not bugs.

The bot answers them privately in one line, the CLI prints them and exits with 1; anything else is a bug.
"""

from __future__ import annotations

from search.datadir import DataDirError
from search.fetch import FetchError
from search.index import IndexFormatError
from search.ingest import IngestError
from search.library import SourceRemovalError, UnknownSourceError
from search.store import DuplicateError, StoreUnavailableError


class InvalidInputError(ValueError):
    """Input a service cannot take (a time, a time zone, topics); the message says how to fix it."""


class FeedError(ValueError):
    """Not a feed briefbot can read; the message says why."""


USER_ERRORS: tuple[type[Exception], ...] = (
    DataDirError,
    InvalidInputError,
    UnknownSourceError,
    SourceRemovalError,
    FetchError,
    IngestError,
    DuplicateError,
    FeedError,
    IndexFormatError,  # a saved index found damaged while answering (a start rebuilds it)
    StoreUnavailableError,  # the state database cannot be reached (its message masks any password)
)
