"""The service layer: the corpus, its index and the store, called by the bot and the CLI alike.

``Library(seeds_dir, data_dir).open()`` brings the persisted corpus (``search.corpus_store``) up to date with
the sources folder (only new or changed files are parsed: by name, size and mtime, confirmed by a content
hash; on every core when there are many) and opens the saved, memory-mapped index: sources appended since it
was saved are indexed as a delta; a removed or replaced source means a rebuild from the stored texts. So a
start parses nothing that was parsed before, and builds no passage objects: they are loaded per query.

The library grows while it serves: ``add_source`` (a fetched page or feed item) and ``refresh_seeds`` (files
added to, changed in or removed from the seeds directory) build the next snapshot of corpus view and index
beside the current one and swap a single reference. Every query reads that reference once, so it sees the
old library or the new one, never half of an update. Processes sharing the state database (PostgreSQL) each
keep their own corpus store and index; ``sync_shared`` applies the sources the others added or removed,
from the store's change log. Methods return pydantic models; nothing here reads the environment.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from search import datadir, suggest
from search.acronyms import LOOKUP_PASSAGES, Expansion, define, spellings, written_out
from search.analyze import Analyzer, Token
from search.brief import DEFAULT_SENTENCES, MAX_SENTENCES, Brief, Retrieved, make_brief, summarize
from search.capitals import capital_expansions
from search.corpus import PIPELINE_VERSION, SIDECAR, apply_sidecar, parse_files, read_sidecar, source_files
from search.corpus_store import CorpusStore, CorpusView, Row, language_number
from search.index import BM25Index, IndexFormatError
from search.index_files import STAMP, remove_orphans
from search.language import LANGUAGES
from search.models import Hit, Passage, SearchResult, Source, SourceInfo
from search.query import ParsedQuery, contains_phrase, parse_query
from search.ranking import distinct, diversified, passage_terms, rank
from search.rerank import Reranker, VectorStore, embedded_text
from search.scopes import OPERATOR, visible, visible_mask
from search.snippet import make_snippet, matched_words
from search.store import DuplicateError, Store

log = logging.getLogger(__name__)

MAX_LIMIT = 50
BRIEF_PASSAGES = 12  # passages a brief draws its sentences from
SUMMARY_PASSAGES = 30  # a source summary reads at most this many passages, evenly spread over the source
SUGGEST_PASSAGES = 2000  # "did you mean" and topics look at most at this many passages, evenly spread
WRITE_BATCH_FILES = 500  # parsed files committed per transaction during a large import
COMPACT_FRACTION = 0.25  # the index is rebuilt without tombstones when they reach this share of it
WARM_PASSAGES = 20_000  # libraries up to this size have every passage embedded after start-up (Library.warm)
SHARED_SEQ = "shared_seq"  # corpus store meta: the last change of the shared state applied (sync_shared)


class UnknownSourceError(LookupError):
    def __init__(self, source_id: str) -> None:
        super().__init__(f"No source with id {source_id!r}; the sources command lists them.")
        self.source_id = source_id


class SourceRemovalError(ValueError):
    """A source the asker may see but not remove (a seed-folder file, or the shared library's)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class _State:
    """One consistent library. ``corpus`` and ``index`` never change once built; ``cache`` is the one mutable
    part: what is derived from them (suggestion words, topics, samples, source lists), filled on first use.
    Threads racing to fill a key compute the same value, so the last write wins harmlessly."""

    corpus: CorpusView
    index: BM25Index
    cache: dict = field(default_factory=dict)


@dataclass
class _Scan:
    """What one scan of the sources folder changed in the persisted corpus."""

    added: int = 0  # new files
    changed: int = 0  # files changed or removed
    appended: list[Row] = field(default_factory=list)
    retired: bool = False  # a source was removed or replaced: the index must be rebuilt
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _stat_signature(path: Path) -> str:
    """ "size/mtime_ns" of a file or folder, or "" if it is missing."""
    try:
        stat = path.stat()
    except OSError:
        return ""
    return f"{stat.st_size}/{stat.st_mtime_ns}"


def evenly_spread(count: int, most: int) -> list[int]:
    """At most ``most`` of 0..count-1, first and last included, evenly spread."""
    if count <= most:
        return list(range(count))
    return sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})


class Library:
    def __init__(
        self,
        seeds_dir: Path | str,
        data_dir: Path | str,
        *,
        k1: float = 1.2,
        b: float = 0.75,
        progress: bool = False,
        clock: Callable[[], dt.datetime] = utc_now,
        database_url: str | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        """``database_url``: keep the state in that PostgreSQL database (shared by several processes) instead
        of the SQLite file in ``data_dir``."""
        self.seeds_dir = Path(seeds_dir)
        self.database_url = database_url
        self.data_dir = Path(data_dir)
        self.k1 = k1
        self.b = b
        self.progress = progress
        self.clock = clock
        self.reranker = reranker  # semantic reranking of search results (search.rerank), or None: lexical only
        self.analyzer = Analyzer()
        self.store: Store | None = None
        self.corpus_store: CorpusStore | None = None
        self.rebuilt = False
        self.read_only = False
        self._state = _State(CorpusView(None, []), BM25Index([], [], k1=k1, b=b))
        self._write_lock = threading.Lock()
        self._unsaved = False  # the index has grown since it was last saved
        self._shared_seq = 0  # the last change of the shared state applied here (sync_shared)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def corpus(self) -> CorpusView:
        return self._state.corpus

    @property
    def index(self) -> BM25Index:
        return self._state.index

    # -- opening and growing ----------------------------------------------------------------------------
    def open(self, *, force_rebuild: bool = False, quick_scan: bool = False) -> Library:
        """Bring the persisted corpus up to date with the sources folder and open the index (rebuilt from
        the stored texts if it is missing, stale or ``force_rebuild``). ``quick_scan``: skip the per-file scan
        while the folder's mtime is unchanged (see ``_scan``; for commands that only read)."""
        if not self.seeds_dir.is_dir():
            raise FileNotFoundError(f"sources directory not found: {self.seeds_dir}")
        self.read_only = not datadir.prepare(self.data_dir)
        if self.database_url:
            state_lost, self.store = False, Store(self.database_url)
        else:
            state_lost = not self.state_path.exists() and (self.data_dir / "corpus.sqlite3").exists()
            self.store = Store(self.state_path, read_only=self.read_only)
        self.corpus_store = CorpusStore(self.data_dir / "corpus.sqlite3", read_only=self.read_only)
        embeddings = self.data_dir / "embeddings.sqlite3"
        if self.reranker and self.reranker.store is None and (embeddings.exists() or not self.read_only):
            self.reranker.store = VectorStore(embeddings, read_only=self.read_only)
        if (state_lost or self.store.db.moved_aside) and not self.read_only and not self.corpus_store.created:
            self._recover_state()
        if self.read_only:
            log.warning("the data directory %s is read-only: serving what is stored, refusing changes", self.data_dir)
            view = CorpusView(self.corpus_store, self.corpus_store.rows(), [])
            self._state = _State(*self._index_for(view, self._load_saved()))
            return self
        with self._write_lock:
            self.corpus_store.purge_dropped()
            if self.corpus_store.created:  # what is imported now need not be synced later
                self.corpus_store.set_meta(SHARED_SEQ, str(self.store.sources.latest_change()))
            self._shared_seq = int(self.corpus_store.get_meta(SHARED_SEQ) or 0)  # (read before the rows)
            imported = self._import_stored() if self.corpus_store.created else []
            scan = self._scan(quick=quick_scan)
            view = CorpusView(self.corpus_store, self.corpus_store.rows(), scan.skipped)
            self._state = _State(*self._index_for(view, None if force_rebuild else self._load_saved()))
            self.store.sources.mark_seen([row.source_id for row in imported + scan.appended], self.clock())
        return self

    def _recover_state(self) -> None:
        """The state database is gone but the corpus store is not: say so loudly, and put the added sources
        (pages, feed items) back into the new state database, so they survive a rebuild of the corpus store
        and duplicates of them are still recognised. Feeds, subscriptions and saved searches cannot be
        recovered."""
        from search.web import canonical_url, content_hash  # search.web imports this module

        recovered = 0
        for source, passages, scope in self.corpus_store.added():
            canonical = canonical_url(source.url) if source.url else None
            try:
                self.store.sources.add(
                    source,
                    passages,
                    content_hash=content_hash(source.text),
                    canonical_url=canonical,
                    added_at=self.clock(),
                    scope=scope,
                )
                recovered += 1
            except DuplicateError:
                continue
        log.error(
            "the state database %s was missing or unreadable: started a new one and recovered %d added source(s) "
            "from the corpus store; followed feeds, digest subscriptions and saved searches were lost "
            "(follow and subscribe again)",
            self.state_path,
            recovered,
        )

    @property
    def state_path(self) -> Path:
        """The SQLite state database (without a ``database_url``)."""
        return self.data_dir / "briefbot.sqlite3"

    def _import_stored(self) -> list[Row]:
        """A new corpus store: copy in the sources added after start-up (kept in the state database)."""
        return [
            self.corpus_store.add(source, passages, pipeline=PIPELINE_VERSION, scope=scope)
            for source, passages, scope in self.store.sources.stored()
        ]

    def _index_for(self, view: CorpusView, index: BM25Index | None) -> tuple[CorpusView, BM25Index]:
        """``index`` (the saved one, or the current one) extended by the sources appended since it was made;
        else, or when tombstones reach COMPACT_FRACTION, a new index of the live sources, saved."""
        if view.retired and not self.read_only and (index is None or view.retired >= COMPACT_FRACTION * view.documents):
            self.corpus_store.compact()
            view, index = CorpusView(self.corpus_store, self.corpus_store.rows(), view.skipped), None
        epoch = self.corpus_store.epoch()
        if index is not None:
            saved_epoch, _, last = (index.fingerprint or "").partition("/")
            numbers = [row.number for row in view.rows]
            covered = bisect.bisect_right(numbers, int(last)) if last.isdigit() else -1
            if saved_epoch == epoch and covered >= 0 and index.n_docs == view.first[covered]:
                self.rebuilt = False
                delta = view.rows[covered:]
                if delta:
                    index = index.extended(self._terms(delta))
                    self._unsaved = True
                index.fingerprint = f"{epoch}/{view.last_number}"
                return view, index
            log.info("the saved index is stale; rebuilding it")
        self.rebuilt = True
        index = self._build(view)
        if not self.read_only:
            index.save(self.index_dir)
        self._unsaved = False
        return view, index

    def _load_saved(self) -> BM25Index | None:
        removed = remove_orphans(self.index_dir)
        if removed:
            log.warning("removed %d folder(s) left by an interrupted index save", len(removed))
        if not (self.index_dir / "manifest.json").exists():
            return None
        try:
            index = BM25Index.load(self.index_dir)
        except IndexFormatError as error:
            log.warning("rebuilding the index: %s", error)
            return None
        if (index.analyzer, index.k1, index.b) != (self.analyzer.settings(), self.k1, self.b):
            return None
        return index

    def _terms(self, rows: list[Row]):
        """(index key, terms) of these sources' passages, in index order."""
        stream = self.corpus_store.passages_for_index(row.number for row in rows)
        total = sum(row.passages for row in rows)
        bar = tqdm(stream, total=total, desc="indexing", unit="passage", disable=not self.progress or total < 10_000)
        return ((key, passage_terms(self.analyzer, p, source)) for key, p, source in bar)

    def _build(self, view: CorpusView) -> BM25Index:
        return BM25Index.build(
            self._terms(view.rows),
            k1=self.k1,
            b=self.b,
            analyzer=self.analyzer.settings(),
            fingerprint=f"{self.corpus_store.epoch()}/{view.last_number}",
        )

    def _scan(self, *, quick: bool = False) -> _Scan:
        """Under the write lock: parse the new and changed files of the sources folder into the persisted
        corpus and retire the sources of removed ones.

        ``quick`` (read-only commands: search, brief, source, sources, export) trusts the folder's own mtime
        and the sidecar's size and mtime: unchanged since the last full scan, no file is listed or stat'ed
        (100k ``stat`` calls are most of a cold search at 100k files). Adding, removing or renaming a file
        changes the folder's mtime; editing a file in place does not, so such an edit is picked up by the
        next full scan (``briefbot index``, the bot's start and its periodic poll), not by a quick one."""
        folder = f"{PIPELINE_VERSION}/{_stat_signature(self.seeds_dir)}/{_stat_signature(self.seeds_dir / SIDECAR)}"
        if quick and folder == self.corpus_store.get_meta("folder"):
            scan = _Scan(skipped=list(self.corpus_store.file_errors()))
            self._sidecar_changes(scan)  # unchanged, so only its stored problems
            return scan
        scan = self._full_scan()
        self.corpus_store.set_meta("folder", folder)
        return scan

    def _full_scan(self) -> _Scan:
        store, scan = self.corpus_store, _Scan()
        stats = store.file_stats()
        present = source_files(self.seeds_dir)
        forced = self._sidecar_changes(scan)
        changed = sorted(name for name, stat in present.items() if stats.get(name) != (*stat, PIPELINE_VERSION))
        removed = [name for name in stats if name not in present]
        errors = store.file_errors()
        retried = {name for name, _ in errors} if removed else set()  # a removed file may free a taken id
        changed = sorted({*changed, *((forced | retried) & present.keys())})
        known = store.file_states(changed)
        todo: list[tuple[Path, str | None]] = []
        for name in changed:
            old = known.get(name)
            current = old is not None and old.pipeline == PIPELINE_VERSION and name not in forced
            todo.append((self.seeds_dir / name, old.sha256 if current and not old.error else None))
            scan.added += old is None
            scan.changed += old is not None
        scan.skipped += [(name, error) for name, error in errors if name in present and name not in known]
        scan.changed += len(removed)
        if not todo and not removed:
            return scan
        sidecar, _ = read_sidecar(self.seeds_dir / SIDECAR)
        replaced = store.file_sources(removed + [path.name for path, _ in todo if path.name in known])
        taken = {row.source_id for row in store.rows() if row.live} - {sid for ids in replaced.values() for sid in ids}
        batch: dict = {}
        written: set[str] = set()
        for parsed in parse_files(todo, progress=self.progress):
            if parsed.sources is None:  # same content, new mtime
                store.touch(parsed.name, parsed.state)
                continue
            if parsed.state.error:
                log.warning("skipped %s: %s", parsed.name, parsed.state.error)
                scan.skipped.append((parsed.name, parsed.state.error))
            sources, state = [], parsed.state
            for source, passages in parsed.sources:
                if source.source_id in taken:
                    log.warning("skipped %s: source id %s is already taken", parsed.name, source.source_id)
                    continue
                taken.add(source.source_id)
                sources.append((apply_sidecar(source, sidecar.get(source.source_id)), passages))
            if parsed.sources and not sources:  # note.txt beside note.md: reported like a file that can't be read
                state = state._replace(error=f"another file already gives the id {parsed.sources[0][0].source_id}")
                scan.skipped.append((parsed.name, state.error))
            batch[parsed.name] = (state, sources)
            written.add(parsed.name)
            if len(batch) >= WRITE_BATCH_FILES:
                scan.appended += store.write(batch, pipeline=PIPELINE_VERSION)
                batch = {}
        scan.appended += store.write(batch, removed, pipeline=PIPELINE_VERSION)
        scan.retired = any(replaced[name] for name in replaced if name in removed or name in written)
        return scan

    def _sidecar_changes(self, scan: _Scan) -> set[str]:
        """Files to parse again because the sidecar changed their sources' entries (or is new or gone).
        The sidecar is read only when its size or mtime changed; its problems are kept and reported."""
        path = self.seeds_dir / SIDECAR
        signature = _stat_signature(path)
        saved = json.loads(self.corpus_store.get_meta("sidecar") or '{"signature": "", "entries": {}, "problems": []}')
        touched: list[str] = []
        if saved["signature"] != signature:
            entries, problems = read_sidecar(path)
            for problem in problems:
                log.warning("%s: %s", SIDECAR, problem)
            entries = json.loads(json.dumps(entries, default=str))
            old = saved["entries"]
            touched = [sid for sid in set(old) | set(entries) if old.get(sid) != entries.get(sid)]
            saved = {"signature": signature, "entries": entries, "problems": problems}
            self.corpus_store.set_meta("sidecar", json.dumps(saved))
        scan.skipped += [(SIDECAR, problem) for problem in saved["problems"]]
        return self.corpus_store.files_of(touched)

    def add_source(
        self,
        source: Source,
        passages: list[Passage],
        *,
        content_hash: str,
        canonical_url: str | None = None,
        feed_id: int | None = None,
        scope: int = OPERATOR,
    ) -> Source:
        """Store a new source of ``scope`` (search.scopes) and make it searchable at once (DuplicateError if
        it is already stored)."""
        with self._write_lock:
            if source.source_id in self._state.corpus.sources:
                raise DuplicateError(f"already in the library as {source.source_id}", source.source_id)
            self.store.sources.add(
                source,
                passages,
                content_hash=content_hash,
                canonical_url=canonical_url,
                added_at=self.clock(),
                feed_id=feed_id,
                scope=scope,
            )
            self._append([self.corpus_store.add(source, passages, pipeline=PIPELINE_VERSION, scope=scope)])
        return source

    def remove_source(self, source_id: str, scope: int) -> Source:
        """Remove a source ``scope`` added (a page, a feed item or an attachment) from the store and, as a
        tombstone, from the index at once. A seed-folder file is refused (SourceRemovalError): it is removed
        by deleting the file; so is the shared library's source when asked by a server."""
        with self._write_lock:
            state = self._state
            source = self.get_source(source_id, state, scope=scope)
            row = state.corpus.row(source_id)
            if self.corpus_store.from_file(row.number):
                raise SourceRemovalError(
                    f"`{source_id}` comes from the shared seed folder; the operator removes it by deleting its file."
                )
            if row.scope != scope:
                raise SourceRemovalError(
                    f"`{source_id}` belongs to the shared library; only the operator can remove it."
                )
            self.store.sources.remove(source_id, self.clock())
            self.corpus_store.retire(row.number)
            view = CorpusView(self.corpus_store, self.corpus_store.rows(), state.corpus.skipped)
            self._state = _State(*self._index_for(view, state.index))
        return source

    def _append(self, rows: list[Row]) -> None:
        """Under the write lock: index the sources' passages as a delta segment and swap in the next state."""
        state = self._state
        view = state.corpus.appended(rows)
        index = state.index.extended(self._terms(rows))
        index.fingerprint = f"{self.corpus_store.epoch()}/{view.last_number}"
        cache = {}
        if "sources" in state.cache:  # extended, not read again (10k sources take half a second)
            new = list(zip(self.corpus_store.infos([row.number for row in rows]), rows, strict=True))
            cache["sources"] = state.cache["sources"] + new
        self._state = _State(view, index, cache)
        self._unsaved = True

    def sync_shared(self) -> str | None:
        """Apply what other processes sharing the state database added or removed since the last call (the
        store's change log) to this process's corpus store and index: additions as a delta, removals as
        tombstones, as if made here. Changes already applied (this process's own) are skipped, so applying one
        twice is harmless. Cheap when nothing changed: one ``max(seq)``. Blocking (call it in a thread); returns
        what happened, or None."""
        if self.read_only:
            return None
        seen = self._shared_seq
        latest = self.store.sources.latest_change()
        if latest == seen:
            return None
        with self._write_lock:
            state = self._state
            applied: dict[str, int | None] = {}  # source id -> its live row's number (None: removed), this round

            def live_number(source_id: str) -> int | None:
                if source_id in applied:
                    return applied[source_id]
                position = state.corpus.position.get(source_id)
                return None if position is None else state.corpus.rows[position].number

            appended: list[Row] = []
            retired = 0
            changes = self.store.sources.changes_since(seen if latest > seen else 0)  # a new database: from 0
            for change in changes:
                number = live_number(change.source_id)
                if change.op == "add" and number is None:
                    row = self.corpus_store.live_row(change.source_id) or self.corpus_store.add(
                        change.source, change.passages, pipeline=PIPELINE_VERSION, scope=change.scope
                    )  # already there when a process sharing this data directory added it
                    appended.append(row)
                    applied[row.source_id] = row.number
                elif change.op == "remove" and number is not None:
                    self.corpus_store.retire(number)  # False: a process sharing it did
                    applied[change.source_id] = None
                    retired += 1
            if retired:
                view = CorpusView(self.corpus_store, self.corpus_store.rows(), state.corpus.skipped)
                self._state = _State(*self._index_for(view, state.index))
            elif appended:
                self._append(appended)
            self._shared_seq = changes[-1].seq if changes else latest
            self.corpus_store.set_meta(SHARED_SEQ, str(self._shared_seq))  # where the next start goes on from
        if not (appended or retired):
            return None
        return f"{len(appended)} source(s) added and {retired} removed by other processes"

    def save_index(self) -> bool:
        """Save the index if it grew since the last save, so the next start need not index the new sources
        again. Sources are durable in the corpus store as soon as they are added; the index is a cache: an
        index whose keys, read from the saved index it was loaded from, prove damaged is rebuilt and saved."""
        with self._write_lock:
            if not self._unsaved or self.read_only:
                return False
            try:
                try:
                    self._state.index.save(self.index_dir)
                except IndexFormatError as error:  # the saved index it was loaded from has damaged keys
                    log.warning("rebuilding the index: %s", error)
                    self._state = _State(*self._index_for(self._state.corpus, None))  # built and saved
            except OSError as error:
                log.warning("could not save the index (it will be rebuilt at the next start): %s", error)
                return False
            self._unsaved = False
            return True

    def refresh_seeds(self) -> str | None:
        """Pick up files added to, changed in or removed from the seeds directory. Only those files are
        parsed; their new sources are indexed as a delta and their old ones masked as tombstones (compacted
        by a rebuild from the stored texts when they pile up, in this thread; searches go on meanwhile).
        Returns what happened, or None."""
        if self.read_only:
            return None
        with self._write_lock:
            scan = self._scan()
            if not (scan.appended or scan.retired):
                return None
            self.store.sources.mark_seen([row.source_id for row in scan.appended], self.clock())
            if not scan.retired:
                self._append(scan.appended)
                return f"added {len(scan.appended)} source(s) from {scan.added} new file(s)"
            view = CorpusView(self.corpus_store, self.corpus_store.rows(), scan.skipped)
            self._state = _State(*self._index_for(view, self._state.index))
            return f"updated the index: {scan.changed} file(s) changed or removed, {scan.added} added"

    # -- queries ---------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        limit: int = 5,
        sources: list[str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        language: str | None = None,
        page_size: int | None = None,
        scope: int | None = OPERATOR,
    ) -> SearchResult:
        """Ranked passages among the sources ``scope`` sees (search.scopes). Bad input gives an empty result
        with a one-line ``message``, never an error, except an unknown source id (UnknownSourceError) and a
        limit or language out of range (ValueError).

        Unless filtered to sources, results are shown in pages of ``page_size`` (default: ``limit``) with
        at most two passages of one source on a page (``diversified``); a source filter gets the rest. A
        passage that repeats a better one word for word (the same page in two libraries ``scope`` sees) is
        left out."""
        if not 1 <= limit <= MAX_LIMIT or page_size is not None and not 1 <= page_size <= MAX_LIMIT:
            raise ValueError(f"limit and page size must be between 1 and {MAX_LIMIT}")
        if language is not None and language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        state = self._state
        depth = limit if sources else MAX_LIMIT
        if self.reranker:
            depth = max(depth, self.reranker.settings.depth)
        parsed, ranked, message = self._rank(state, query, depth, sources, since, until, language, scope)
        if self.reranker:
            ranked = self.reranker.rerank(parsed.text, ranked, lambda doc: embedded_text(state.corpus.passage(doc)))
        ranked = distinct(ranked, state.index.length_norm, lambda doc: state.corpus.passage(doc).text)
        if not sources:
            groups = [int(state.corpus.passage_source[doc]) for doc, _ in ranked]
            ranked = [ranked[i] for i in diversified(groups, page_size or limit)]
        ranked = ranked[:limit]
        hits = [self._hit(state, rank, doc, score, parsed) for rank, (doc, score) in enumerate(ranked, 1)]
        return SearchResult(query=parsed.text, hits=hits, message=message)

    def brief(
        self,
        topic: str,
        *,
        sentences: int = DEFAULT_SENTENCES,
        sources: list[str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        scope: int | None = OPERATOR,
    ) -> Brief:
        """A briefing of verbatim, cited sentences from the sources ``scope`` sees; with suggestions when the
        topic finds nothing."""
        if not 1 <= sentences <= MAX_SENTENCES:
            raise ValueError(f"sentences must be between 1 and {MAX_SENTENCES}")
        state = self._state
        parsed, ranked, message = self._rank(state, topic, BRIEF_PASSAGES, sources, since, until, scope=scope)
        if not ranked:
            close = [] if parsed.problem else self.did_you_mean(parsed.text, scope=scope)
            if close:
                message = f"{message} Did you mean: {', '.join(close)}?"
            return Brief(
                topic=parsed.text,
                sentences=[],
                citations=[],
                message=message,
                suggestions=close + self.topics(scope=scope),
            )
        corpus = state.corpus
        retrieved = []
        for doc, score in ranked:
            passage = corpus.passage(doc)
            retrieved.append(Retrieved(passage, corpus.sources[passage.source_id], score))
        unused = list(
            dict.fromkeys(
                parsed.text[token.start : token.end]
                for token in self.analyzer.tokens(parsed.text, query=True)
                if not state.index.doc_freq(token.term)
            )
        )
        return make_brief(
            parsed.text,
            parsed.terms,
            retrieved,
            self.analyzer,
            state.index.idf,
            sentences=sentences,
            unused=unused,
            expansions=parsed.expansions,
        )

    def summary(self, source_id: str, *, sentences: int = 3, scope: int | None = OPERATOR) -> Brief:
        """The most central sentences of (at most SUMMARY_PASSAGES of) the source's passages, verbatim and
        cited, in document order: bounded work however long the source is."""
        state = self._state
        source = self.get_source(source_id, state, scope=scope)
        passages = self.sample_passages(source_id, state=state)
        return summarize(source, passages, self.analyzer, state.index.idf, sentences=sentences)

    def sample_passages(self, source_id: str, most: int = SUMMARY_PASSAGES, *, state: _State | None = None):
        """At most ``most`` of the source's passages, evenly spread, in reading order (bounded work for
        summaries and digests, however long the source); callers check who may see the source."""
        row = self._row(source_id, state or self._state, None)
        ordinals = [i + 1 for i in evenly_spread(row.passages, most)]
        return self.corpus_store.passages(row.number, source_id, ordinals)

    def _rank(
        self, state: _State, query, limit, sources, since, until, language=None, scope=OPERATOR
    ) -> tuple[ParsedQuery, list[tuple[int, float]], str | None]:
        """Parse, filter and rank: (parsed query, [(passage number, score)], why nothing was found)."""
        for source_id in sources or []:
            self.get_source(source_id, state, scope=scope)
        parsed = parse_query(query, self.analyzer)
        if parsed.problem:
            return parsed, [], parsed.problem
        if since and until and since > until:
            return parsed, [], "The start date is after the end date."
        mask = self._filter_mask(state, sources, since, until, language)
        candidates = self._candidates(state, scope, mask)

        def accept(doc: int) -> bool:
            tokens = self.analyzer.tokens(state.corpus.passage(doc).text)
            return all(contains_phrase(tokens, phrase) for phrase in parsed.phrases)

        def tokens(doc: int) -> list[Token]:
            return self.analyzer.tokens(state.corpus.passage(doc).text)

        accept = accept if parsed.phrases else None
        try:
            parsed.expansions = self._expansions(state, parsed, scope)
            ranked = rank(
                state.index, parsed.terms, limit, tokens, mask=candidates, accept=accept, expansions=parsed.expansions
            )
        except IndexFormatError:  # found damaged at query time: the next open checks it in full and rebuilds
            (self.index_dir / STAMP).unlink(missing_ok=True)
            raise
        if ranked:
            return parsed, ranked, None
        filtered = " with those filters" if mask is not None else ""
        shown = parsed.text if len(parsed.text) <= 60 else parsed.text[:59] + "…"
        return parsed, [], f"Nothing in the library matches “{shown}”{filtered}."

    def _expansions(self, state: _State, parsed: ParsedQuery, scope: int | None) -> list[Expansion]:
        """What else the query's terms are written as: a capital's country (search.capitals), and the long
        forms that the sources ``scope`` sees define for an acronym (search.acronyms); and the acronyms they
        define for a long form the query writes out. Each term is looked up once per snapshot and scope, among
        its first ``LOOKUP_PASSAGES`` visible passages."""
        terms = parsed.terms
        spelled = {term for spelling in spellings(parsed.text) for term in self.analyzer.terms(spelling)[:1]}
        lookups = list(dict.fromkeys(terms + sorted(t for t in spelled - set(terms) if state.index.doc_freq(t))))
        keys = {term: ("acronym", self._owner_key(state, scope), term) for term in lookups}
        missing = [term for term, key in keys.items() if key not in state.cache]
        visible = self._candidates(state, scope) if missing else None
        for term in missing:
            docs: list[int] = []
            for ids, _ in state.index.postings(term):
                ids = ids if visible is None else ids[visible[ids]]
                docs += ids[: LOOKUP_PASSAGES - len(docs)].tolist()
            texts = (state.corpus.passage(doc).text for doc in docs)
            state.cache[keys[term]] = define(term, texts, self.analyzer)
        defined = [state.cache[keys[term]] for term in lookups]
        found = [e for e in defined if e and (e.term in terms or written_out(terms, e.long_form))]
        return capital_expansions(terms, self.analyzer) + found

    @staticmethod
    def _filter_mask(state: _State, sources, since, until, language=None) -> np.ndarray | None:
        if not (sources or since or until or language):
            return None
        corpus = state.corpus
        mask = np.ones(len(corpus.passage_source), dtype=bool)
        if sources:
            mask &= np.isin(corpus.passage_source, [corpus.position[s] for s in sources])
        if since:
            mask &= corpus.passage_day >= since.toordinal()
        if until:
            mask &= (corpus.passage_day >= 0) & (corpus.passage_day <= until.toordinal())
        if language:
            mask &= corpus.passage_language == language_number(language)
        return mask

    @staticmethod
    def _candidates(state: _State, scope: int | None, mask: np.ndarray | None = None) -> np.ndarray | None:
        """Per passage: live, visible to ``scope`` (an array lookup, like the filters) and in ``mask``;
        None if every passage is."""
        corpus = state.corpus
        allowed = visible_mask(corpus.source_scope, scope)
        for part in (corpus.live, None if allowed is None else allowed[corpus.passage_source]):
            if part is not None:
                mask = part if mask is None else mask & part
        return mask

    def warm(self, stop: threading.Event | None = None, most: int = WARM_PASSAGES) -> int:
        """Embed every live passage for the reranker ahead of the searches (minutes of one core for thousands of
        passages; blocking: call it in a thread), when the library has at most ``most``; what the store already
        holds is not encoded again, and what it holds of passages no longer live is dropped. Returns how many
        passages were embedded or found (0: no reranker, or too many passages; fewer than all once ``stop`` is
        set)."""
        state = self._state
        corpus = state.corpus
        if not self.reranker or not 0 < corpus.documents - corpus.retired <= most or not self.reranker.ready():
            return 0
        start = time.perf_counter()
        done = self.reranker.warm(map(embedded_text, corpus.passages), stop, prune=True)  # a source at a time
        log.info("semantic reranking: %d passages embedded or found in %.1f s", done, time.perf_counter() - start)
        return done

    def _hit(self, state: _State, rank: int, doc: int, score: float, parsed: ParsedQuery) -> Hit:
        """The passage as a result; an acronym the query's long form stands for is shown as matched, and the
        words of an acronym's long form where it is written out in full."""
        passage = state.corpus.passage(doc)
        source = state.corpus.sources[passage.source_id]
        tokens = self.analyzer.tokens(passage.text)
        terms = set(parsed.terms) | {expansion.term for expansion in parsed.expansions}
        written = [token.term for token in tokens] if parsed.expansions else []
        for expansion in parsed.expansions:
            if written_out(written, expansion.long_form):
                terms.update(expansion.long_form)
        return Hit.cite(
            passage,
            source,
            rank=rank,
            score=round(score, 4),
            heading=passage.heading,
            snippet=make_snippet(passage.text, tokens, terms),
            matched_terms=matched_words(passage.text, tokens, terms),
        )

    # -- suggestions (from a bounded sample of passages, computed once per snapshot) ----------------------
    # (per scope: a server is never offered words or topics from another server's sources)
    def did_you_mean(self, text: str, *, scope: int | None = OPERATOR) -> list[str]:
        state = self._state
        key = ("words", self._owner_key(state, scope))
        if key not in state.cache:
            state.cache[key] = suggest.surface_words(self._sample(state, scope), self.analyzer)
        return suggest.did_you_mean(text, state.cache[key], self.analyzer, state.index.doc_freq)

    def topics(self, *, scope: int | None = OPERATOR) -> list[str]:
        state = self._state
        key = ("topics", self._owner_key(state, scope))
        if key not in state.cache:
            state.cache[key] = suggest.topics(self._sample(state, scope), self.analyzer)
        return list(state.cache[key])

    @staticmethod
    def _owner_key(state: _State, scope: int | None) -> int | None:
        """The scope whose suggestions ``scope`` shares: a server that added nothing sees what the operator sees
        (so the caches grow with the servers that add sources, not with every server that asks)."""
        if "owners" not in state.cache:
            state.cache["owners"] = set(np.unique(state.corpus.source_scope).tolist())
        return scope if scope is None or scope in state.cache["owners"] else OPERATOR

    def _sample(self, state: _State, scope: int | None) -> list[Passage]:
        key = ("sample", self._owner_key(state, scope))
        if key not in state.cache:
            candidates = self._candidates(state, scope)
            docs = np.arange(state.corpus.documents) if candidates is None else np.flatnonzero(candidates)
            state.cache[key] = [state.corpus.passage(int(docs[i])) for i in evenly_spread(len(docs), SUGGEST_PASSAGES)]
        return state.cache[key]

    # -- the library ------------------------------------------------------------------------------------
    def get_source(self, source_id: str, state: _State | None = None, *, scope: int | None = OPERATOR) -> Source:
        state = state or self._state
        self._row(source_id, state, scope)
        return state.corpus.sources[source_id]

    def passages_of(
        self, source_id: str, state: _State | None = None, *, scope: int | None = OPERATOR
    ) -> list[Passage]:
        """Every passage of one source, in reading order."""
        state = state or self._state
        row = self._row(source_id, state, scope)
        return self.corpus_store.passages(row.number, source_id)

    def get_passage(self, passage_id: str, *, scope: int | None = OPERATOR) -> Passage:
        source_id, _, ordinal = passage_id.rpartition(":p")
        state = self._state
        if self.can_see(source_id, scope, state) and ordinal.isdigit():
            row = state.corpus.row(source_id)
            found = self.corpus_store.passages(row.number, source_id, [int(ordinal)])
            if found:
                return found[0]
        raise UnknownSourceError(passage_id)

    def source_info(self, source_id: str, state: _State | None = None, *, scope: int | None = OPERATOR) -> SourceInfo:
        (info,) = self.corpus_store.infos([self._row(source_id, state or self._state, scope).number])
        return info

    def sources(self, *, scope: int | None = OPERATOR) -> list[SourceInfo]:
        """The info of every source ``scope`` sees (metadata only, no texts); read once per snapshot and scope
        (autocomplete asks on every keystroke)."""
        state = self._state
        if "sources" not in state.cache:  # every live source's info and owner, once per snapshot
            rows = [row for row in state.corpus.rows if row.live]
            state.cache["sources"] = list(zip(self.corpus_store.infos([row.number for row in rows]), rows, strict=True))
        return [info for info, row in state.cache["sources"] if visible(row.scope, scope)]

    def can_see(self, source_id: str, scope: int | None, state: _State | None = None) -> bool:
        corpus = (state or self._state).corpus
        return source_id in corpus.position and visible(corpus.row(source_id).scope, scope)

    @staticmethod
    def _row(source_id: str, state: _State, scope: int | None = OPERATOR) -> Row:
        """The live source's row; UnknownSourceError if there is none that ``scope`` sees."""
        position = state.corpus.position.get(source_id)
        row = None if position is None else state.corpus.rows[position]
        if row is None or not visible(row.scope, scope):
            raise UnknownSourceError(source_id)
        return row
