"""The data directory and its SQLite files, opened defensively: degraded but working, and never silent.

- A path that is a file, or a directory that cannot be created, is a ``DataDirError`` (one line).
- A read-only directory is served as it is: the databases are opened read-only (``immutable``), nothing is
  scanned, migrated or saved, and every change is refused with ``ReadOnlyError``.
- A database file that SQLite cannot read (garbage, a truncated file) is moved aside next to itself,
  never deleted, and a fresh one is made; this is logged as an error naming both files.
"""

from __future__ import annotations

import logging
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"


class DataDirError(RuntimeError):
    """The data directory cannot be used; the message says why and where."""


class ReadOnlyError(DataDirError):
    """A change was asked of a read-only data directory."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The data directory {path} is read-only: searching works, but nothing can be added or changed. "
            "Make it writable and try again."
        )


def prepare(data_dir: Path) -> bool:
    """Make sure ``data_dir`` is a usable directory; return whether it can be written."""
    if data_dir.exists() and not data_dir.is_dir():
        raise DataDirError(f"the data directory {data_dir} is a file, not a directory (set DATA_DIR or --data)")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(f"cannot create the data directory {data_dir}: {error.strerror}") from None
    try:
        with tempfile.TemporaryFile(dir=data_dir):
            return True
    except OSError:
        return False


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` without writing anything. With a write-ahead log beside it, the log
    must be read too (``mode=ro``); without one, ``immutable`` also spares SQLite its lock file."""
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    return f"{path.resolve().as_uri()}?mode=ro" + ("" if pending else "&immutable=1")


def damage(path: Path) -> str | None:
    """Why ``path`` is no SQLite database (judged from its header, without opening it), or None."""
    try:
        size = path.stat().st_size
        if size == 0:
            return None
        with open(path, "rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return "not an SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages, counter, valid_for = (int.from_bytes(header[i : i + 4], "big") for i in (28, 24, 92))
    if counter == valid_for and pages * page_size > size:
        return f"truncated ({size} of {pages * page_size} bytes)"
    return None


def move_aside(path: Path, reason: str) -> Path:
    """Rename the database (and its -wal and -shm files) to ``<name>.unreadable-<time>``; log it loudly."""
    aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            part.rename(aside.with_name(aside.name + suffix))
    log.error("the database %s could not be read (%s): moved to %s and started a new one", path, reason, aside.name)
    return aside


def open_checked(path: Path, initialise: Callable[[], None], close: Callable[[], None] = lambda: None) -> Path | None:
    """Run ``initialise()`` (which opens and migrates the database at ``path``); if the file is damaged or
    SQLite cannot read it, ``close()`` what is open, move the file aside and initialise a fresh one.
    Returns where the damaged file went, or None."""
    reason = damage(path)
    if reason is None:
        try:
            initialise()
            return None
        except sqlite3.DatabaseError as error:
            if type(error) is not sqlite3.DatabaseError:  # locked, busy, cannot open: not damage
                raise
            reason = str(error)
    close()
    aside = move_aside(path, reason)
    initialise()
    return aside
