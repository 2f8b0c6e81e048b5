"""The service layer: the corpus, its index and the store, called by the bot and the CLI alike.

``Library(seeds_dir, data_dir).open()`` loads the seed files and the sources added since (from the store),
opens the saved index if it matches them (corpus fingerprint, analyzer settings, k1, b) and rebuilds it
otherwise. The library grows while it serves: ``add_source`` (a fetched page or feed item) and
``refresh_seeds`` (files added to or changed in the seeds directory) build the next snapshot of corpus, index
and filter arrays beside the current one and swap a single reference. Every query reads that reference once,
so it sees the old library or the new one, never half of an update. Methods return pydantic models; nothing
here reads the environment.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from search import suggest
from search.analyze import Analyzer, Token
from search.brief import DEFAULT_SENTENCES, MAX_SENTENCES, Brief, Retrieved, make_brief, summarize
from search.corpus import SUPPORTED_SUFFIXES, Corpus, load_directory, load_file
from search.index import BM25Index, IndexFormatError
from search.models import Hit, Passage, SearchResult, Source, SourceInfo
from search.query import ParsedQuery, contains_phrase, parse_query
from search.ranking import diversified, passage_terms, rank
from search.snippet import make_snippet, matched_words
from search.store import DuplicateError, Store

log = logging.getLogger(__name__)

MAX_LIMIT = 50
BRIEF_PASSAGES = 12  # passages a brief draws its sentences from


class UnknownSourceError(LookupError):
    def __init__(self, source_id: str) -> None:
        super().__init__(f"No source with id {source_id!r}. List them with `sources`.")
        self.source_id = source_id


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class _State:
    """One consistent library: never changed once built (the caches fill lazily)."""

    corpus: Corpus
    index: BM25Index
    ranges: dict[str, tuple[int, int]]  # source id -> its passages' [start, end) in corpus.passages
    passage_source: np.ndarray  # source number per passage (numbers follow corpus.sources order)
    passage_day: np.ndarray  # published date's ordinal per passage, -1 if undated
    source_number: dict[str, int]
    cache: dict = field(default_factory=dict)

    @classmethod
    def of(cls, corpus: Corpus, index: BM25Index) -> _State:
        ranges: dict[str, tuple[int, int]] = {}
        for i, passage in enumerate(corpus.passages):  # a source's passages are contiguous
            ranges[passage.source_id] = (ranges.get(passage.source_id, (i, i))[0], i + 1)
        numbers = {source_id: n for n, source_id in enumerate(corpus.sources)}
        source_of = np.zeros(len(corpus.passages), np.int32)
        day_of = np.full(len(corpus.passages), -1, np.int32)
        for source_id, (start, end) in ranges.items():
            source_of[start:end] = numbers[source_id]
            day_of[start:end] = _day(corpus.sources[source_id].published)
        return cls(corpus, index, ranges, source_of, day_of, numbers)

    def with_source(self, source: Source, passages: list[Passage], index: BM25Index) -> _State:
        """The next state: this one plus a source (arrays extended, not recomputed)."""
        start, count, number = len(self.corpus.passages), len(passages), len(self.source_number)
        return _State(
            self.corpus.with_source(source, passages),
            index,
            {**self.ranges, source.source_id: (start, start + count)},
            np.concatenate([self.passage_source, np.full(count, number, np.int32)]),
            np.concatenate([self.passage_day, np.full(count, _day(source.published), np.int32)]),
            {**self.source_number, source.source_id: number},
        )


def _day(published: dt.date | None) -> int:
    return published.toordinal() if published else -1


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
    ) -> None:
        self.seeds_dir = Path(seeds_dir)
        self.data_dir = Path(data_dir)
        self.k1 = k1
        self.b = b
        self.progress = progress
        self.clock = clock
        self.analyzer = Analyzer()
        self.store: Store | None = None
        self.rebuilt = False
        self._state = _State.of(Corpus(), BM25Index([], [], k1=k1, b=b))
        self._write_lock = threading.Lock()
        self._seed_files: dict[str, tuple[int, int]] = {}
        self._unsaved = False  # the index has grown since it was last saved

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def corpus(self) -> Corpus:
        return self._state.corpus

    @property
    def index(self) -> BM25Index:
        return self._state.index

    # -- opening and growing ----------------------------------------------------------------------------
    def open(self, *, force_rebuild: bool = False) -> Library:
        """Load the sources, the state and the index, rebuilding the index if it is missing or stale."""
        self.store = Store(self.data_dir / "briefbot.sqlite3")
        with self._write_lock:
            self._seed_files = self._scan_seeds()
            self._reload(force_rebuild=force_rebuild)
        return self

    def _reload(self, *, force_rebuild: bool) -> None:
        """Under the write lock: load every source, reuse the saved index if it matches (else build and
        save one), swap in the new state and record when each source was first seen."""
        corpus = self._load_corpus()
        fingerprint = corpus.fingerprint()
        index = None if force_rebuild else self._load_matching(fingerprint)
        self.rebuilt = index is None
        if index is None:
            index = self._build(corpus, fingerprint)
            index.save(self.index_dir)
        self._state = _State.of(corpus, index)
        self._unsaved = False
        self.store.mark_seen(list(corpus.sources), self.clock())

    def _load_corpus(self) -> Corpus:
        corpus = load_directory(self.seeds_dir)
        for source, passages in self.store.stored_sources():
            if source.source_id not in corpus.sources:
                corpus.add(source, passages)
        return corpus

    def _load_matching(self, fingerprint: str) -> BM25Index | None:
        if not (self.index_dir / "manifest.json").exists():
            return None
        try:
            index = BM25Index.load(self.index_dir)
        except IndexFormatError as error:
            log.warning("rebuilding the index: %s", error)
            return None
        wanted = (fingerprint, self.analyzer.settings(), self.k1, self.b)
        if (index.fingerprint, index.analyzer, index.k1, index.b) != wanted:
            log.info("the saved index is stale; rebuilding it")
            return None
        return index

    def _build(self, corpus: Corpus, fingerprint: str) -> BM25Index:
        passages = tqdm(corpus.passages, desc="indexing", unit="passage", disable=not self.progress)
        return BM25Index.build(
            ((p.passage_id, passage_terms(self.analyzer, p, corpus.sources[p.source_id])) for p in passages),
            k1=self.k1,
            b=self.b,
            analyzer=self.analyzer.settings(),
            fingerprint=fingerprint,
        )

    def add_source(
        self,
        source: Source,
        passages: list[Passage],
        *,
        content_hash: str,
        canonical_url: str | None = None,
        feed_id: int | None = None,
    ) -> Source:
        """Store a new source and make it searchable at once (DuplicateError if it is already stored)."""
        with self._write_lock:
            if source.source_id in self._state.corpus.sources:
                raise DuplicateError(f"already in the library as {source.source_id}", source.source_id)
            self.store.add_source(
                source,
                passages,
                content_hash=content_hash,
                canonical_url=canonical_url,
                added_at=self.clock(),
                feed_id=feed_id,
            )
            self._append(source, passages)
        return source

    def _append(self, source: Source, passages: list[Passage]) -> None:
        """Under the write lock: index the passages as a delta segment and swap in the next state."""
        state = self._state
        index = state.index.extended((p.passage_id, passage_terms(self.analyzer, p, source)) for p in passages)
        self._state = state.with_source(source, passages, index)
        self._unsaved = True

    def save_index(self) -> bool:
        """Save the index if it grew since the last save, so the next start need not rebuild it. Sources are
        durable in the store as soon as they are added; the saved index is only a start-up cache."""
        with self._write_lock:
            if not self._unsaved:
                return False
            state = self._state
            state.index.fingerprint = state.corpus.fingerprint()
            try:
                state.index.save(self.index_dir)
            except OSError as error:
                log.warning("could not save the index (it will be rebuilt at the next start): %s", error)
                return False
            self._unsaved = False
            return True

    def _scan_seeds(self) -> dict[str, tuple[int, int]]:
        if not self.seeds_dir.is_dir():
            return {}
        return {
            p.name: (p.stat().st_size, p.stat().st_mtime_ns)
            for p in self.seeds_dir.iterdir()
            if p.is_file() and (p.suffix.lower() in SUPPORTED_SUFFIXES or p.name == "sources.toml")
        }

    def refresh_seeds(self) -> str | None:
        """Pick up files added to or changed in the seeds directory. New files are indexed as a delta;
        a changed or removed file means a full rebuild (in this thread; searches go on meanwhile).
        Returns what happened, or None if nothing changed."""
        with self._write_lock:
            now = self._scan_seeds()
            if now == self._seed_files:
                return None
            before, self._seed_files = self._seed_files, now
            added = sorted(set(now) - set(before))
            changed = [name for name in before if now.get(name) != before[name] and name not in added]
            if changed or "sources.toml" in added:
                self._reload(force_rebuild=True)
                return f"rebuilt the index: {len(changed)} file(s) changed or removed, {len(added)} added"
            count = 0
            for name in added:
                try:
                    loaded = load_file(self.seeds_dir / name)
                except (OSError, ValueError) as error:
                    log.warning("skipped %s: %s", name, error)
                    continue
                for source, passages in loaded:
                    if source.source_id not in self._state.corpus.sources:
                        self._append(source, passages)
                        self.store.mark_seen([source.source_id], self.clock())
                        count += 1
            return f"added {count} source(s) from {len(added)} new file(s)"

    # -- queries ----------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        limit: int = 5,
        sources: list[str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        page_size: int | None = None,
    ) -> SearchResult:
        """Ranked passages. Bad input gives an empty result with a one-line ``message``, never an error,
        except an unknown source id (UnknownSourceError) and a limit out of range (ValueError).

        Unless filtered to sources, results are shown in pages of ``page_size`` (default: ``limit``) with
        at most two passages of one source on a page (``diversified``); a source filter gets the rest."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        state = self._state
        parsed, ranked, message = self._rank(state, query, limit if sources else MAX_LIMIT, sources, since, until)
        if not sources:
            groups = [state.corpus.passages[doc].source_id for doc, _ in ranked]
            ranked = [ranked[i] for i in diversified(groups, page_size or limit)][:limit]
        terms = set(parsed.terms)
        hits = [self._hit(state, rank, doc, score, terms) for rank, (doc, score) in enumerate(ranked, 1)]
        return SearchResult(query=parsed.text, hits=hits, message=message)

    def brief(
        self,
        topic: str,
        *,
        sentences: int = DEFAULT_SENTENCES,
        sources: list[str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Brief:
        """A briefing of verbatim, cited sentences; with suggestions when the topic finds nothing."""
        if not 1 <= sentences <= MAX_SENTENCES:
            raise ValueError(f"sentences must be between 1 and {MAX_SENTENCES}")
        state = self._state
        parsed, ranked, message = self._rank(state, topic, BRIEF_PASSAGES, sources, since, until)
        if not ranked:
            close = [] if parsed.problem else self.did_you_mean(parsed.text)
            if close:
                message = f"{message} Did you mean: {', '.join(close)}?"
            return Brief(
                topic=parsed.text, sentences=[], citations=[], message=message, suggestions=close + self.topics()
            )
        passages, sources_by_id = state.corpus.passages, state.corpus.sources
        retrieved = [Retrieved(passages[d], sources_by_id[passages[d].source_id], score) for d, score in ranked]
        return make_brief(parsed.text, parsed.terms, retrieved, self.analyzer, state.index.idf, sentences=sentences)

    def summary(self, source_id: str, *, sentences: int = 3) -> Brief:
        """The source's most central sentences, verbatim and cited, in document order."""
        state = self._state
        source = self.get_source(source_id, state)
        passages = self.passages_of(source_id, state)
        return summarize(source, passages, self.analyzer, state.index.idf, sentences=sentences)

    def _rank(
        self, state: _State, query, limit, sources, since, until
    ) -> tuple[ParsedQuery, list[tuple[int, float]], str | None]:
        """Parse, filter and rank: (parsed query, [(passage number, score)], why nothing was found)."""
        for source_id in sources or []:
            self.get_source(source_id, state)
        parsed = parse_query(query, self.analyzer)
        if parsed.problem:
            return parsed, [], parsed.problem
        if since and until and since > until:
            return parsed, [], "The start date is after the end date."
        mask = self._filter_mask(state, sources, since, until)

        def accept(doc: int) -> bool:
            tokens = self.analyzer.tokens(state.corpus.passages[doc].text)
            return all(contains_phrase(tokens, phrase) for phrase in parsed.phrases)

        def tokens(doc: int) -> list[Token]:
            return self.analyzer.tokens(state.corpus.passages[doc].text)

        accept = accept if parsed.phrases else None
        ranked = rank(state.index, parsed.terms, limit, tokens, mask=mask, accept=accept)
        if ranked:
            return parsed, ranked, None
        filtered = " with those filters" if mask is not None else ""
        shown = parsed.text if len(parsed.text) <= 60 else parsed.text[:59] + "…"
        return parsed, [], f"Nothing in the library matches “{shown}”{filtered}."

    @staticmethod
    def _filter_mask(state: _State, sources, since, until) -> np.ndarray | None:
        if not (sources or since or until):
            return None
        mask = np.ones(len(state.corpus.passages), dtype=bool)
        if sources:
            mask &= np.isin(state.passage_source, [state.source_number[s] for s in sources])
        if since:
            mask &= state.passage_day >= since.toordinal()
        if until:
            mask &= (state.passage_day >= 0) & (state.passage_day <= until.toordinal())
        return mask

    def _hit(self, state: _State, rank: int, doc: int, score: float, terms: set[str]) -> Hit:
        passage = state.corpus.passages[doc]
        source = state.corpus.sources[passage.source_id]
        tokens = self.analyzer.tokens(passage.text)
        return Hit.cite(
            passage,
            source,
            rank=rank,
            score=round(score, 4),
            heading=passage.heading,
            snippet=make_snippet(passage.text, tokens, terms),
            matched_terms=matched_words(passage.text, tokens, terms),
        )

    # -- suggestions ------------------------------------------------------------------------------------
    def did_you_mean(self, text: str) -> list[str]:
        state = self._state
        if "words" not in state.cache:
            state.cache["words"] = suggest.surface_words(state.corpus.passages, self.analyzer)
        return suggest.did_you_mean(text, state.cache["words"], self.analyzer, state.index.doc_freq)

    def topics(self) -> list[str]:
        state = self._state
        if "topics" not in state.cache:
            state.cache["topics"] = suggest.topics(state.corpus.passages, self.analyzer)
        return list(state.cache["topics"])

    # -- the library ------------------------------------------------------------------------------------
    def get_source(self, source_id: str, state: _State | None = None) -> Source:
        try:
            return (state or self._state).corpus.sources[source_id]
        except KeyError:
            raise UnknownSourceError(source_id) from None

    def passages_of(self, source_id: str, state: _State | None = None) -> list[Passage]:
        state = state or self._state
        self.get_source(source_id, state)
        start, end = state.ranges[source_id]
        return state.corpus.passages[start:end]

    def get_passage(self, passage_id: str) -> Passage:
        source_id = passage_id.rsplit(":", 1)[0]
        for passage in self.passages_of(source_id):
            if passage.passage_id == passage_id:
                return passage
        raise UnknownSourceError(passage_id)

    def source_info(self, source_id: str, state: _State | None = None) -> SourceInfo:
        state = state or self._state
        source = self.get_source(source_id, state)
        passages = self.passages_of(source_id, state)
        return SourceInfo(
            source_id=source.source_id,
            title=source.display_title,
            title_stated=source.title is not None,
            url=source.url,
            author=source.author,
            outlet=source.outlet,
            published=source.published,
            format=source.format,
            passages=len(passages),
            words=sum(p.words for p in passages),
            dropped=source.dropped,
        )

    def sources(self) -> list[SourceInfo]:
        """Every source's info; computed once per snapshot (autocomplete asks on every keystroke)."""
        state = self._state
        if "sources" not in state.cache:
            state.cache["sources"] = [self.source_info(source_id, state) for source_id in state.corpus.sources]
        return list(state.cache["sources"])
