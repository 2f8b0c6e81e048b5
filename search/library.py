"""The service layer: one object holding the corpus and its index, called by the bot and the CLI alike.

``Library(seeds_dir, data_dir).open()`` loads the sources, opens the saved index if it matches them (corpus
fingerprint, analyzer settings, k1, b) and rebuilds and saves it otherwise. Methods return pydantic models;
rendering them is the caller's business. Nothing here reads the environment.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import logging
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from search.analyze import Analyzer
from search.brief import DEFAULT_SENTENCES, MAX_SENTENCES, Brief, Retrieved, make_brief, summarize
from search.corpus import Corpus, load_directory
from search.index import BM25Index, IndexFormatError
from search.models import Hit, Passage, SearchResult, Source, SourceInfo
from search.query import ParsedQuery, contains_phrase, parse_query
from search.snippet import make_snippet, matched_words
from search.store import Store

log = logging.getLogger(__name__)

MAX_LIMIT = 50
BRIEF_PASSAGES = 12  # passages a brief draws its sentences from
_NOT_TOPIC_WORDS = frozenset({"will", "would", "can", "could", "may", "might", "must", "shall", "also", "said"})


class UnknownSourceError(LookupError):
    def __init__(self, source_id: str) -> None:
        super().__init__(f"No source with id {source_id!r}. List them with `sources`.")
        self.source_id = source_id


class Library:
    def __init__(
        self,
        seeds_dir: Path | str,
        data_dir: Path | str,
        *,
        k1: float = 1.2,
        b: float = 0.75,
        progress: bool = False,
    ) -> None:
        self.seeds_dir = Path(seeds_dir)
        self.data_dir = Path(data_dir)
        self.k1 = k1
        self.b = b
        self.progress = progress
        self.analyzer = Analyzer()
        self.corpus = Corpus()
        self.index = BM25Index([], [], k1=k1, b=b)
        self.store: Store | None = None
        self.rebuilt = False

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def open(self, *, force_rebuild: bool = False) -> Library:
        """Load the sources, the state and the index, rebuilding the index if it is missing or stale."""
        self.store = Store(self.data_dir / "briefbot.sqlite3")
        self.corpus = load_directory(self.seeds_dir)
        self._passage_arrays()
        fingerprint = self.corpus.fingerprint()
        index = None if force_rebuild else self._load_matching(fingerprint)
        self.rebuilt = index is None
        if index is None:
            index = self._build(fingerprint)
            index.save(self.index_dir)
        self.index = index
        return self

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

    def _build(self, fingerprint: str) -> BM25Index:
        passages = tqdm(self.corpus.passages, desc="indexing", unit="passage", disable=not self.progress)
        return BM25Index.build(
            ((p.passage_id, self.analyzer.terms(p.text)) for p in passages),
            k1=self.k1,
            b=self.b,
            analyzer=self.analyzer.settings(),
            fingerprint=fingerprint,
        )

    def _passage_arrays(self) -> None:
        source_ids = list(self.corpus.sources)
        self._source_number = {sid: i for i, sid in enumerate(source_ids)}
        self._passage_source = np.array(
            [self._source_number[p.source_id] for p in self.corpus.passages], dtype=np.int32
        )
        self._passage_day = np.array(
            [self._day(self.corpus.sources[p.source_id].published) for p in self.corpus.passages],
            dtype=np.int32,
        )

    @staticmethod
    def _day(date: dt.date | None) -> int:
        return date.toordinal() if date else -1

    # -- queries ----------------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        limit: int = 5,
        sources: list[str] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> SearchResult:
        """Ranked passages. Bad input gives an empty result with a one-line ``message``, never an error,
        except an unknown source id (UnknownSourceError) and a limit out of range (ValueError)."""
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
        parsed, ranked, message = self._rank(query, limit, sources, since, until)
        terms = set(parsed.terms)
        hits = [self._hit(rank, doc, score, terms) for rank, (doc, score) in enumerate(ranked, 1)]
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
        parsed, ranked, message = self._rank(topic, BRIEF_PASSAGES, sources, since, until)
        if not ranked:
            close = [] if parsed.problem else self.did_you_mean(parsed.text)
            if close:
                message = f"{message} Did you mean: {', '.join(close)}?"
            return Brief(
                topic=parsed.text, sentences=[], citations=[], message=message, suggestions=close + self.topics()
            )
        retrieved = [
            Retrieved(self.corpus.passages[doc], self.corpus.sources[self.corpus.passages[doc].source_id], score)
            for doc, score in ranked
        ]
        return make_brief(parsed.text, parsed.terms, retrieved, self.analyzer, self.index.idf, sentences=sentences)

    def summary(self, source_id: str, *, sentences: int = 3) -> Brief:
        """The source's most central sentences, verbatim and cited, in document order."""
        source = self.get_source(source_id)
        return summarize(source, self.passages_of(source_id), self.analyzer, self.index.idf, sentences=sentences)

    def _rank(self, query, limit, sources, since, until) -> tuple[ParsedQuery, list[tuple[int, float]], str | None]:
        """Parse, filter and rank: (parsed query, [(passage number, score)], why nothing was found)."""
        for source_id in sources or []:
            self.get_source(source_id)
        parsed = parse_query(query, self.analyzer)
        if parsed.problem:
            return parsed, [], parsed.problem
        if since and until and since > until:
            return parsed, [], "The start date is after the end date."
        mask = self._filter_mask(sources, since, until)

        def accept(doc: int) -> bool:
            tokens = self.analyzer.tokens(self.corpus.passages[doc].text)
            return all(contains_phrase(tokens, phrase) for phrase in parsed.phrases)

        ranked = self.index.search(parsed.terms, limit, mask=mask, accept=accept if parsed.phrases else None)
        if ranked:
            return parsed, ranked, None
        filtered = " with those filters" if mask is not None else ""
        shown = parsed.text if len(parsed.text) <= 60 else parsed.text[:59] + "…"
        return parsed, [], f"Nothing in the library matches “{shown}”{filtered}."

    # -- suggestions ------------------------------------------------------------------------------------
    def did_you_mean(self, text: str) -> list[str]:
        """Indexed words spelled closest to the query's words that are not in the index."""
        words = self._surface_words()
        suggestions: list[str] = []
        for token in self.analyzer.tokens(text, query=True):
            if self.index.doc_freq(token.term):
                continue
            typed = text[token.start : token.end].casefold()
            for match in difflib.get_close_matches(typed, list(words), n=2, cutoff=0.8):
                if words[match] not in suggestions:
                    suggestions.append(words[match])
        return suggestions[:3]

    @functools.cache  # noqa: B019 (one Library per process; the corpus is fixed once opened)
    def _surface_words(self) -> dict[str, str]:
        """Lowercased word -> its most common spelling, for every indexed word."""
        spellings: dict[str, Counter] = defaultdict(Counter)
        for passage in self.corpus.passages:
            for token in self.analyzer.tokens(passage.text):
                word = passage.text[token.start : token.end]
                spellings[word.casefold()][word] += 1
        return {lower: forms.most_common(1)[0][0] for lower, forms in spellings.items()}

    @functools.cache  # noqa: B019
    def topics(self, n: int = 6) -> list[str]:
        """Two-word phrases found in the most sources: what the library covers well."""
        sources: dict[tuple[str, str], set[str]] = defaultdict(set)
        counts: Counter = Counter()
        spellings: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for passage in self.corpus.passages:
            tokens = self.analyzer.tokens(passage.text)
            for first, second in zip(tokens, tokens[1:], strict=False):
                surface = passage.text[first.start : second.end]
                if second.position != first.position + 1 or _NOT_TOPIC_WORDS & set(surface.casefold().split()):
                    continue
                key = (first.term, second.term)
                sources[key].add(passage.source_id)
                counts[key] += 1
                spellings[key][surface] += 1
        ranked = sorted(counts, key=lambda k: (-len(sources[k]), -counts[k], k))
        return [spellings[k].most_common(1)[0][0] for k in ranked[:n]]

    def _filter_mask(self, sources, since, until) -> np.ndarray | None:
        if not (sources or since or until):
            return None
        mask = np.ones(len(self.corpus.passages), dtype=bool)
        if sources:
            mask &= np.isin(self._passage_source, [self._source_number[s] for s in sources])
        if since:
            mask &= self._passage_day >= since.toordinal()
        if until:
            mask &= (self._passage_day >= 0) & (self._passage_day <= until.toordinal())
        return mask

    def _hit(self, rank: int, doc: int, score: float, terms: set[str]) -> Hit:
        passage = self.corpus.passages[doc]
        source = self.corpus.sources[passage.source_id]
        tokens = self.analyzer.tokens(passage.text)
        return Hit(
            rank=rank,
            passage_id=passage.passage_id,
            source_id=source.source_id,
            title=source.display_title,
            url=source.url,
            outlet=source.outlet,
            published=source.published,
            score=round(score, 4),
            heading=passage.heading,
            text=passage.text,
            snippet=make_snippet(passage.text, tokens, terms),
            matched_terms=matched_words(passage.text, tokens, terms),
        )

    # -- the library ------------------------------------------------------------------------------------
    def get_source(self, source_id: str) -> Source:
        try:
            return self.corpus.sources[source_id]
        except KeyError:
            raise UnknownSourceError(source_id) from None

    def passages_of(self, source_id: str) -> list[Passage]:
        self.get_source(source_id)
        return [p for p in self.corpus.passages if p.source_id == source_id]

    def get_passage(self, passage_id: str) -> Passage:
        source_id = passage_id.rsplit(":", 1)[0]
        for passage in self.passages_of(source_id):
            if passage.passage_id == passage_id:
                return passage
        raise UnknownSourceError(passage_id)

    def source_info(self, source_id: str) -> SourceInfo:
        source = self.get_source(source_id)
        passages = self.passages_of(source_id)
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
        return [self.source_info(source_id) for source_id in self.corpus.sources]
