"""The persisted corpus: every parsed source with its metadata, cleaned text, passages and drop counts.

It lives in ``DATA_DIR/corpus.sqlite3``, beside the index and apart from the bot's state database. SQLite
rather than files: one file with transactions (a crash leaves the previous corpus whole), WAL so searches
read while a scan writes, and random access by key, so a query loads only the passages it returns and
``/source`` only the source it shows. Start-up reads one small row per source (id, passage count, date) and
parses nothing.

Tables::

    files     name -> size, mtime_ns, sha256, pipeline, error     the sources folder as last scanned
    sources   number (ascending = index order), source_id, file, pipeline, state, passages, words, day,
              language, title (as displayed), meta (the Source's fields but text, as JSON), text, scope
              (search.scopes: the operator's, 0, or the server that added it)
    passages  (source_number, ordinal) -> heading, start, end, text
    meta      key -> value: schema version, epoch

The index holds the passages of the sources in ascending ``number``, each source's in reading order.
Adding a source appends (the index is extended). Replacing or removing one only retires its row (``state``
1): its passages stay in the index as tombstones, masked out of every search, as Lucene does with deleted
documents (N, df and avgdl still count them until the next compaction, a small drift). When tombstones pass
a quarter of the index, ``compact`` drops them (``state`` 2, a new ``epoch``) and the index is rebuilt from
the stored texts, never by re-parsing files. Dropped rows stay readable until the next open (a search
holding an older snapshot can still load them), then are purged. Each row carries the ``PIPELINE_VERSION``
that produced it; a file parsed by another version is parsed again.

A store that cannot be read is moved aside (search/datadir.py) and rebuilt from the files.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from search import datadir
from search.language import LANGUAGES
from search.models import Passage, Source, SourceInfo

log = logging.getLogger(__name__)

SCHEMA_VERSION = 5
# What a start reads per source, in index order, without touching the rows' texts (a covering index).
_LAYOUT_INDEX = "CREATE INDEX sources_layout ON sources (number, state, source_id, passages, day, language, scope)"
_UPGRADES = {  # from version: to the next
    3: "ALTER TABLE sources ADD COLUMN scope INTEGER NOT NULL DEFAULT 0",
    4: _LAYOUT_INDEX,
}
LIVE, RETIRED, DROPPED = 0, 1, 2  # sources.state
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL,
    pipeline INTEGER NOT NULL, error TEXT
);
CREATE TABLE IF NOT EXISTS sources (
    number INTEGER PRIMARY KEY AUTOINCREMENT, source_id TEXT NOT NULL, file TEXT, pipeline INTEGER NOT NULL,
    state INTEGER NOT NULL DEFAULT 0, passages INTEGER NOT NULL, words INTEGER NOT NULL, day INTEGER NOT NULL,
    language TEXT, title TEXT NOT NULL, meta TEXT NOT NULL, text TEXT NOT NULL, scope INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sources_file ON sources (file) WHERE state = 0;
CREATE TABLE IF NOT EXISTS passages (
    source_number INTEGER NOT NULL, ordinal INTEGER NOT NULL, heading TEXT, start INTEGER NOT NULL,
    "end" INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (source_number, ordinal)
) WITHOUT ROWID;
"""
_INFO_COLUMNS = "number, source_id, title, meta, passages, words"


class FileState(NamedTuple):
    """One file of the sources folder as last scanned."""

    size: int
    mtime_ns: int
    sha256: str
    pipeline: int
    error: str | None = None


class Row(NamedTuple):
    """What a snapshot keeps in memory per source (a tuple: a start makes one per source)."""

    number: int
    source_id: str
    passages: int
    day: int
    language: str | None
    live: bool = True
    scope: int = 0


_LANGUAGE_CODES = list(LANGUAGES)


def language_number(code: str | None) -> int:
    """A language code's number in the per-passage array (-1: unknown)."""
    return _LANGUAGE_CODES.index(code) if code in _LANGUAGE_CODES else -1


def passage_id(source_id: str, ordinal: int) -> str:
    return f"{source_id}:p{ordinal}"


class CorpusStore:
    """``DATA_DIR/corpus.sqlite3``; see the module docstring. One connection per thread."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """``read_only``: the data directory cannot be written; the store is read as it is (an empty one if
        there is none) and writing raises sqlite3's error (search/datadir.py)."""
        self.path = Path(path)
        self._local = threading.local()
        self.created = False  # True when this open started an empty store (new, or rebuilt)
        self._uri: str | None = None
        if read_only:
            self._uri = datadir.read_only_uri(self.path) if self.path.exists() else None
            if self._uri is None:  # nothing to read: an empty store in memory, kept open by this thread
                self._uri = f"file:corpus-{uuid.uuid4().hex}?mode=memory&cache=shared"
                self._init()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            datadir.open_checked(self.path, self._init, self._close_local)  # unreadable: moved aside, rebuilt
        self.source = lru_cache(maxsize=512)(self._load_source)  # rows never change: safe to cache

    def _init(self) -> None:
        self.created = not self.path.exists() or self.path.stat().st_size == 0
        db = self._db()
        with db:
            db.executescript(_SCHEMA)
            version = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if version is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?), ('epoch', ?)", (SCHEMA_VERSION, uuid.uuid4().hex))
                db.execute(_LAYOUT_INDEX)
                self.created = True
                return
            found = int(version[0])
            while found in _UPGRADES:
                db.execute(_UPGRADES[found])
                found += 1
            if found != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema version {version[0]}, expected {SCHEMA_VERSION}")
            db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None and self._uri:
            db = self._local.db = sqlite3.connect(self._uri, uri=True, isolation_level=None)
        elif db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def _close_local(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- reading --------------------------------------------------------------------------------------------
    def epoch(self) -> str:
        return self._db().execute("SELECT value FROM meta WHERE key = 'epoch'").fetchone()[0]

    def get_meta(self, key: str) -> str | None:
        row = self._db().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def rows(self) -> list[Row]:
        """The rows the index holds (live and retired), in index order."""
        query = (
            "SELECT number, source_id, passages, day, language, state = 0, scope "
            "FROM sources INDEXED BY sources_layout WHERE state < 2 ORDER BY number"
        )
        return [Row._make(row) for row in self._db().execute(query)]

    def file_stats(self) -> dict[str, tuple[int, int, int]]:
        """name -> (size, mtime_ns, pipeline) of every file as last scanned (what a scan compares first)."""
        query = "SELECT name, size, mtime_ns, pipeline FROM files"
        return {name: (size, mtime_ns, pipeline) for name, size, mtime_ns, pipeline in self._db().execute(query)}

    def file_states(self, names: Iterable[str]) -> dict[str, FileState]:
        """The full states of these files, for those that were scanned before."""
        query = "SELECT size, mtime_ns, sha256, pipeline, error FROM files WHERE name = ?"
        found = {name: self._db().execute(query, (name,)).fetchone() for name in names}
        return {name: FileState._make(row) for name, row in found.items() if row}

    def file_errors(self) -> list[tuple[str, str]]:
        """(name, why) of the files that could not be read."""
        return self._db().execute("SELECT name, error FROM files WHERE error IS NOT NULL ORDER BY name").fetchall()

    def file_sources(self, names: Iterable[str]) -> dict[str, list[str]]:
        """Live source ids per file name."""
        found: dict[str, list[str]] = {}
        for name in names:
            query = "SELECT source_id FROM sources WHERE file = ? AND state = 0 ORDER BY number"
            found[name] = [sid for (sid,) in self._db().execute(query, (name,))]
        return found

    def files_of(self, source_ids: list[str]) -> set[str]:
        """The files the live sources with these ids were read from."""
        found: set[str] = set()
        for source_id in source_ids:
            query = "SELECT file FROM sources WHERE source_id = ? AND state = 0 AND file IS NOT NULL"
            found.update(name for (name,) in self._db().execute(query, (source_id,)))
        return found

    def live_row(self, source_id: str) -> Row | None:
        """The live row of a source that comes from no file, if there is one (a process sharing this store may
        have added it)."""
        query = (
            "SELECT number, source_id, passages, day, language, state = 0, scope FROM sources "
            "WHERE source_id = ? AND state = 0 AND file IS NULL"
        )
        row = self._db().execute(query, (source_id,)).fetchone()
        return Row._make(row) if row else None

    def _load_source(self, number: int) -> Source:
        row = self._db().execute("SELECT meta, text FROM sources WHERE number = ?", (number,)).fetchone()
        if row is None:
            raise KeyError(number)
        return Source.model_validate({**json.loads(row[0]), "text": row[1]})

    def added(self) -> Iterator[tuple[Source, list[Passage], int]]:
        """The live sources that come from no file (fetched pages, feed items), with their passages and scope."""
        query = "SELECT number, source_id, scope FROM sources WHERE file IS NULL AND state = 0"
        for number, source_id, scope in self._db().execute(query).fetchall():
            yield self.source(number), self.passages(number, source_id), scope

    def passages(self, number: int, source_id: str, ordinals: Iterable[int] | None = None) -> list[Passage]:
        """A source's passages in reading order (only ``ordinals``, when given)."""
        query = 'SELECT ordinal, heading, start, "end", text FROM passages WHERE source_number = ?'
        if ordinals is None:
            rows = self._db().execute(query + " ORDER BY ordinal", (number,)).fetchall()
        else:
            wanted = sorted(set(ordinals))
            marks = ",".join("?" * len(wanted))
            rows = self._db().execute(f"{query} AND ordinal IN ({marks}) ORDER BY ordinal", (number, *wanted))
        return [
            Passage(
                passage_id=passage_id(source_id, o), source_id=source_id, ordinal=o, heading=h, start=s, end=e, text=t
            )
            for o, h, s, e, t in rows
        ]

    def passages_for_index(self, numbers: Iterable[int]) -> Iterator[tuple[str, Passage, Source]]:
        """These sources' passages in index order, streamed: (index key, passage, the source's metadata with
        its text left empty: indexing needs only the passage and the source's fields). The key is the passage
        id and the row number, unique even when a replaced source's passages are still indexed."""
        db = self._db()
        for number in numbers:
            source_id, meta = db.execute("SELECT source_id, meta FROM sources WHERE number = ?", (number,)).fetchone()
            source = Source.model_validate({**json.loads(meta), "text": ""})
            for passage in self.passages(number, source_id):
                yield f"{passage.passage_id}@{number}", passage, source

    def infos(self, numbers: list[int]) -> list[SourceInfo]:
        """Source infos in the order of ``numbers`` (metadata columns only, never the texts)."""
        found: dict[int, SourceInfo] = {}
        db = self._db()
        for i in range(0, len(numbers), 500):
            chunk = numbers[i : i + 500]
            query = f"SELECT {_INFO_COLUMNS} FROM sources WHERE number IN ({','.join('?' * len(chunk))})"
            for number, source_id, title, meta, passages, words in db.execute(query, chunk):
                fields = json.loads(meta)
                found[number] = SourceInfo(
                    source_id=source_id,
                    title=title,
                    title_stated=fields.get("title") is not None,
                    url=fields.get("url"),
                    author=fields.get("author"),
                    outlet=fields.get("outlet"),
                    published=fields.get("published"),
                    format=fields["format"],
                    passages=passages,
                    words=words,
                    dropped=fields["dropped"],
                    language=fields.get("language"),
                )
        return [found[n] for n in numbers]

    # -- writing (callers serialise writers) ----------------------------------------------------------------
    def write(
        self,
        parsed: dict[str, tuple[FileState, list[tuple[Source, list[Passage]]]]],
        removed: Iterable[str] = (),
        *,
        pipeline: int,
    ) -> list[Row]:
        """One transaction: files removed or replaced retire their sources; parsed files' sources are
        appended. Returns the appended rows."""
        db = self._db()
        appended: list[Row] = []
        with db:
            db.execute("BEGIN IMMEDIATE")
            for name in [*removed, *parsed]:
                db.execute("UPDATE sources SET state = 1 WHERE file = ? AND state = 0", (name,))
            for name in removed:
                db.execute("DELETE FROM files WHERE name = ?", (name,))
            for name, (state, sources) in parsed.items():
                db.execute(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                    (name, state.size, state.mtime_ns, state.sha256, state.pipeline, state.error),
                )
                appended.extend(self._insert(db, source, passages, name, pipeline) for source, passages in sources)
        return appended

    def compact(self) -> str:
        """Drop the retired rows from the index's layout; returns the new epoch (the index must be rebuilt)."""
        epoch = uuid.uuid4().hex
        with self._db() as db:
            db.execute("UPDATE sources SET state = 2 WHERE state = 1")
            db.execute("UPDATE meta SET value = ? WHERE key = 'epoch'", (epoch,))
        return epoch

    def touch(self, name: str, state: FileState) -> None:
        """A file whose content did not change (same hash): remember its new size and mtime."""
        with self._db() as db:
            db.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE name = ?", (state.size, state.mtime_ns, name))

    def add(self, source: Source, passages: list[Passage], *, pipeline: int, scope: int = 0) -> Row:
        """A source that comes from no file (a fetched page or a feed item), owned by ``scope``."""
        db = self._db()
        with db:
            return self._insert(db, source, passages, None, pipeline, scope)

    def retire(self, number: int) -> bool:
        """Retire a live source that came from no file (it is masked, then dropped at the next compaction);
        False if there is none with that number."""
        with self._db() as db:
            query = "UPDATE sources SET state = 1 WHERE number = ? AND file IS NULL AND state = 0"
            return db.execute(query, (number,)).rowcount > 0

    def from_file(self, number: int) -> bool:
        row = self._db().execute("SELECT file FROM sources WHERE number = ?", (number,)).fetchone()
        return row is not None and row[0] is not None

    @staticmethod
    def _insert(db, source: Source, passages: list[Passage], file: str | None, pipeline: int, scope: int = 0) -> Row:
        day = source.published.toordinal() if source.published else -1
        words = sum(p.words for p in passages)
        meta = source.model_dump_json(exclude={"text"})
        number = db.execute(
            "INSERT INTO sources (source_id, file, pipeline, passages, words, day, language, title, meta, text, scope) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source.source_id,
                file,
                pipeline,
                len(passages),
                words,
                day,
                source.language,
                source.display_title,
                meta,
                source.text,
                scope,
            ),
        ).lastrowid
        for expected, p in enumerate(passages, 1):
            if (p.ordinal, p.passage_id) != (expected, passage_id(source.source_id, expected)):
                raise ValueError(f"passage {p.passage_id} is out of order")
        db.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?)",
            [(number, p.ordinal, p.heading, p.start, p.end, p.text) for p in passages],
        )
        return Row(number, source.source_id, len(passages), day, source.language, scope=scope)

    def purge_dropped(self) -> None:
        """Delete dropped rows (at open, before any snapshot can refer to them)."""
        db = self._db()
        with db:
            dropped = [n for (n,) in db.execute("SELECT number FROM sources WHERE state = 2")]
            if dropped:
                db.executemany("DELETE FROM passages WHERE source_number = ?", [(n,) for n in dropped])
                db.execute("DELETE FROM sources WHERE state = 2")


class CorpusView:
    """One snapshot of the corpus, in index order. Holds a few arrays; sources and passages are loaded from
    the store when asked for, so opening a library of a million passages builds no passage objects.

    ``sources`` is a read-only mapping (source id -> Source) and ``passages`` a read-only sequence of the live
    passages, so code written for an in-memory corpus works unchanged; the library reads documents by their
    index number with ``passage(doc)``. ``live`` masks retired sources' passages (None when there are none)."""

    def __init__(self, store: CorpusStore, rows: list[Row], skipped: list[tuple[str, str]] | None = None) -> None:
        self.store = store
        self.rows = rows
        self.skipped = skipped or []
        counts = np.fromiter((r.passages for r in rows), np.int64, len(rows))
        self.first = np.concatenate([[0], np.cumsum(counts)])  # first document of each row, then the total
        self.position = {r.source_id: i for i, r in enumerate(rows) if r.live}
        self.passage_source = np.repeat(np.arange(len(rows), dtype=np.int32), counts)
        self.passage_day = np.repeat(np.fromiter((r.day for r in rows), np.int32, len(rows)), counts)
        languages = np.fromiter((language_number(r.language) for r in rows), np.int8, len(rows))
        self.passage_language = np.repeat(languages, counts)
        self.retired = int(sum(r.passages for r in rows if not r.live))
        self.live = np.repeat(np.fromiter((r.live for r in rows), bool, len(rows)), counts) if self.retired else None
        self.source_scope = np.fromiter((r.scope for r in rows), np.int64, len(rows))  # per row: its owner
        self.sources = _Sources(self)
        self.passages = _Passages(self)

    def appended(self, rows: list[Row]) -> CorpusView:
        return CorpusView(self.store, self.rows + rows, self.skipped)

    @property
    def last_number(self) -> int:
        return self.rows[-1].number if self.rows else 0

    @property
    def documents(self) -> int:
        return int(self.first[-1])

    def row(self, source_id: str) -> Row:
        return self.rows[self.position[source_id]]

    def passage(self, doc: int) -> Passage:
        i = int(self.passage_source[doc])
        row = self.rows[i]
        (passage,) = self.store.passages(row.number, row.source_id, [doc - int(self.first[i]) + 1])
        return passage


class _Sources:
    """source id -> Source, loaded on access (a Mapping's read-only methods)."""

    def __init__(self, view: CorpusView) -> None:
        self._view = view

    def __getitem__(self, source_id: str) -> Source:
        try:
            return self._view.store.source(self._view.row(source_id).number)
        except KeyError:
            raise KeyError(source_id) from None

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._view.position

    def __iter__(self) -> Iterator[str]:
        return (row.source_id for row in self._view.rows if row.live)

    def __len__(self) -> int:
        return len(self._view.position)

    def get(self, source_id: str, default=None):
        try:
            return self[source_id]
        except KeyError:
            return default

    def values(self) -> Iterator[Source]:
        return (self[source_id] for source_id in self)

    def items(self) -> Iterator[tuple[str, Source]]:
        return ((source_id, self[source_id]) for source_id in self)


class _Passages:
    """The live passages in index order, loaded on access; iterating streams them source by source."""

    def __init__(self, view: CorpusView) -> None:
        self._view = view
        self._docs = None if view.live is None else np.flatnonzero(view.live)

    def __len__(self) -> int:
        return self._view.documents if self._docs is None else len(self._docs)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i %= len(self)
        return self._view.passage(i if self._docs is None else int(self._docs[i]))

    def __iter__(self) -> Iterator[Passage]:
        for row in self._view.rows:
            if row.live:
                yield from self._view.store.passages(row.number, row.source_id)
