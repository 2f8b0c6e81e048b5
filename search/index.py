"""BM25 index: term postings in numpy arrays, scored at query time with Lucene's formula.

    idf(t)   = ln(1 + (N - df + 0.5) / (df + 0.5))          (never negative)
    s(t, d)  = idf(t) * tf / (tf + k1 * (1 - b + b * |d| / avgdl))

This is exactly ``bm25s``'s "lucene" method for the body. Title and heading words are indexed as a second
field: the same terms behind ``FIELD_PREFIX`` (a character the analyzer never produces), left out of the
document length. A query term also scores its field term, saturated without length normalisation (fields
are short) and added with ``field_weight``:

    s_f(t, d) = field_weight * idf(FIELD_PREFIX + t) * tf_f / (tf_f + k1)

 Unlike bm25s, which stores finished scores (and so has to
rebuild everything when one document is added, because N, df and avgdl change), this index stores raw term
frequencies per segment and applies the global N, df and avgdl at query time. New documents go into a small
extra segment (``extended``) and are searchable at once with exact statistics; ``merged`` folds segments
together. Both return a new index and leave the old one untouched, so a search never sees half an update.

Each segment also keeps every term's largest term frequency (``max_tf``), so a term's score has an upper
bound without reading its postings: ``search.pruning`` uses it to skip documents that cannot reach the top k.

On disk an index is a directory: ``manifest.json`` (format, parameters, analyzer settings, counts,
fingerprint) and plain ``.npy`` arrays plus JSON lists, never pickles. ``save`` writes to a temporary
directory and renames it into place, so a reader sees the old index or the new one, never half of one, also
in another process sharing the data directory (the locks in ``search.index_files``).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.index_files import (
    ARRAYS,
    LazyStrings,
    PinnedFile,
    check_segment,
    read_manifest,
    read_strings,
    reading,
    saving,
    stamped,
    swapping,
    term_maxima,
    write_stamp,
)

FORMAT = "briefbot-bm25"
FORMAT_VERSION = 3  # 2: title and heading field terms; 3: max_tf per term
FIELD_PREFIX = "\u00a7"  # "§": marks a field term; never part of an analyzer's term
DEFAULT_FIELD_WEIGHT = 0.35  # tuned on half of Cranfield's queries (docs/ranking.md)
_BUILD_CHUNK_TOKENS = 8_000_000
MAX_SEGMENTS = 8
DAMAGED = "The saved index is damaged; it is checked and rebuilt at the next start (or run `briefbot index`)."


class IndexFormatError(RuntimeError):
    """The directory does not hold an index this code can read."""


class Segment:
    """An immutable set of documents: CSR postings (term -> doc ids, term frequencies), doc lengths and each
    term's largest term frequency (computed when not given)."""

    def __init__(
        self,
        vocab: list[str],
        indptr: np.ndarray,
        doc_ids: np.ndarray,
        tfs: np.ndarray,
        doc_len: np.ndarray,
        max_tf: np.ndarray | None = None,
    ) -> None:
        self.vocab = vocab
        self.term_ids = {term: i for i, term in enumerate(vocab)}
        # plain views of memory-mapped arrays: slicing a np.memmap costs microseconds a time in Python
        self.indptr, self.doc_ids, self.tfs = np.asarray(indptr), np.asarray(doc_ids), np.asarray(tfs)
        self.doc_len = doc_len
        self.max_tf = np.asarray(max_tf) if max_tf is not None else term_maxima(self.indptr, self.tfs)
        self._in_range: set[int] = set()  # terms whose postings were checked (once per term, not per query)

    @property
    def n_docs(self) -> int:
        return len(self.doc_len)

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]]) -> Segment:
        """Build from each document's terms, in chunks: memory stays near the size of the final arrays."""
        term_ids: dict[str, int] = {}
        lengths = array("i")
        parts: list[_Part] = []
        flat = array("i")
        chunk_first_doc = 0
        for tokens in token_lists:
            flat.extend([term_ids.setdefault(t, len(term_ids)) for t in tokens])
            lengths.append(len(tokens))
            if len(flat) >= _BUILD_CHUNK_TOKENS:
                parts.append(_count_pairs(flat, lengths[chunk_first_doc:], chunk_first_doc))
                flat, chunk_first_doc = array("i"), len(lengths)
        parts.append(_count_pairs(flat, lengths[chunk_first_doc:], chunk_first_doc))
        doc_len = np.frombuffer(lengths, dtype=np.int32).copy()
        segment = cls._from_parts(list(term_ids), parts, doc_len)
        segment._exclude_fields_from_length()
        return segment

    def _exclude_fields_from_length(self) -> None:
        """Subtract each document's field terms from its length: only the body is length-normalised."""
        fields = [i for i, term in enumerate(self.vocab) if term.startswith(FIELD_PREFIX)]
        if not fields:
            return
        spans = [np.arange(self.indptr[i], self.indptr[i + 1]) for i in fields]
        at = np.concatenate(spans)
        self.doc_len -= np.bincount(self.doc_ids[at], weights=self.tfs[at], minlength=self.n_docs).astype(np.int32)

    @classmethod
    def _from_parts(cls, vocab: list[str], parts: list[_Part], doc_len: np.ndarray) -> Segment:
        """CSR postings from parts in document order, each sorted by (term, doc). Consumes ``parts``:
        each is scattered into the preallocated arrays and freed, so no global sort or copy is needed."""
        counts = np.zeros(len(vocab), dtype=np.int64)
        for part in parts:
            counts[: len(part.counts)] += part.counts
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        doc_ids = np.empty(int(indptr[-1]), dtype=np.int32)
        tfs = np.empty(int(indptr[-1]), dtype=np.uint16)
        cursor = indptr[:-1].copy()  # where each term's next posting goes
        while parts:
            part = parts.pop(0)
            n = len(part.counts)
            starts = np.cumsum(part.counts) - part.counts  # where each term's block starts in the part
            destination = np.repeat(cursor[:n] - starts, part.counts) + np.arange(len(part.docs))
            doc_ids[destination] = part.docs
            tfs[destination] = part.tfs
            cursor[:n] += part.counts
        return cls(vocab, indptr, doc_ids, tfs, doc_len)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The term's (doc ids, term frequencies), doc ids ascending, or None."""
        i = self.term_ids.get(term)
        if i is None:
            return None
        lo, hi = self.indptr[i], self.indptr[i + 1]
        ids = self.doc_ids[lo:hi]
        if i not in self._in_range:  # a saved index damaged after its check
            if len(ids) and (ids.min() < 0 or ids.max() >= self.n_docs):
                raise IndexFormatError(DAMAGED)
            self._in_range.add(i)
        return ids, self.tfs[lo:hi]

    def doc_freq(self, term: str) -> int:
        i = self.term_ids.get(term)
        return 0 if i is None else int(self.indptr[i + 1] - self.indptr[i])

    def as_part(self, term_map: np.ndarray, base: int) -> _Part:
        """This segment's postings under another vocabulary's term ids, docs shifted by ``base``."""
        counts = np.diff(self.indptr)
        docs = np.asarray(self.doc_ids) + np.int32(base)
        if np.array_equal(term_map, np.arange(len(term_map))):  # same ids: already in (term, doc) order
            return _Part(counts, docs, np.asarray(self.tfs))
        terms = np.repeat(term_map, counts)
        order = np.argsort(terms.astype(np.int64) << 32 | docs, kind="stable")
        return _Part(np.bincount(terms, minlength=len(term_map)), docs[order], np.asarray(self.tfs)[order])


@dataclass(frozen=True)
class Clause:
    """One scored term of a query: a body or field term, its weight (query weight times idf) and whether its
    term frequencies are normalised by the document's length (body terms)."""

    term: str
    weight: np.float32
    normalise: bool


@dataclass
class _Part:
    """Postings of some documents sorted by (term, doc): per-term counts, doc ids, term frequencies."""

    counts: np.ndarray
    docs: np.ndarray
    tfs: np.ndarray


def _count_pairs(flat: array, lengths: Sequence[int], first_doc: int) -> _Part:
    """Count term frequencies in one chunk of documents."""
    terms = np.frombuffer(flat, dtype=np.int32) if len(flat) else np.zeros(0, np.int32)
    keys = terms.astype(np.int64) << 32
    keys |= np.repeat(np.arange(first_doc, first_doc + len(lengths), dtype=np.int64), lengths)
    keys, counts = np.unique(keys, return_counts=True)
    return _Part(
        np.bincount((keys >> 32).astype(np.int64)),
        (keys & 0xFFFFFFFF).astype(np.int32),
        np.minimum(counts, np.iinfo(np.uint16).max).astype(np.uint16),
    )


class BM25Index:
    """Documents identified by string keys, searched by term lists. See the module docstring."""

    def __init__(
        self,
        keys: Sequence[str],
        segments: list[Segment],
        *,
        k1: float = 1.2,
        b: float = 0.75,
        analyzer: dict | None = None,
        fingerprint: str | None = None,
    ) -> None:
        if not (k1 >= 0 and 0 <= b <= 1):
            raise ValueError("BM25 needs k1 >= 0 and 0 <= b <= 1")
        self.keys = keys
        self.segments = segments
        self.k1 = k1
        self.b = b
        self.analyzer = analyzer or {}
        self.fingerprint = fingerprint
        self._refresh()

    @classmethod
    def build(cls, docs: Iterable[tuple[str, Sequence[str]]], *, k1: float = 1.2, b: float = 0.75, **meta) -> BM25Index:
        """Build from ``(key, terms)`` pairs."""
        keys: list[str] = []
        segment = Segment.build(_unzip_keys(docs, keys))
        return cls(keys, [segment], k1=k1, b=b, **meta)

    def _refresh(self) -> None:
        self._bases = np.cumsum([0] + [s.n_docs for s in self.segments])[:-1].tolist()
        doc_len = np.concatenate([s.doc_len for s in self.segments]) if self.segments else np.zeros(0)
        self.n_docs = len(doc_len)
        if self.n_docs != len(self.keys):
            raise IndexFormatError(f"{len(self.keys)} keys for {self.n_docs} documents")
        self.avgdl = float(doc_len.mean()) if self.n_docs else 0.0
        denominator = self.avgdl or 1.0
        self._length_norm = (self.k1 * (1 - self.b + self.b * doc_len / denominator)).astype(np.float32)
        self._shortest_norm = float(self._length_norm.min()) if self.n_docs else self.k1

    # -- growing (copy-on-write: the index a search holds never changes under it) ------------------------
    def extended(self, docs: Iterable[tuple[str, Sequence[str]]]) -> BM25Index:
        """A new index with these documents appended as a segment; statistics (N, df, avgdl) stay exact.
        The existing segments are shared, not copied; past ``MAX_SEGMENTS`` the result is merged."""
        keys: list[str] = []
        segment = Segment.build(_unzip_keys(docs, keys))
        if not segment.n_docs:
            return self
        grown = BM25Index(
            self.keys + keys,
            [*self.segments, segment],
            k1=self.k1,
            b=self.b,
            analyzer=self.analyzer,
            fingerprint=self.fingerprint,
        )
        return grown.merged() if len(grown.segments) > MAX_SEGMENTS else grown

    def merged(self) -> BM25Index:
        """The same documents in one segment (same order, same scores)."""
        if len(self.segments) <= 1:
            return self
        vocab: dict[str, int] = {}
        parts = []
        for segment, base in zip(self.segments, self._bases, strict=True):
            term_map = np.array([vocab.setdefault(t, len(vocab)) for t in segment.vocab], dtype=np.int64)
            parts.append(segment.as_part(term_map, base))
        doc_len = np.concatenate([s.doc_len for s in self.segments])
        segment = Segment._from_parts(list(vocab), parts, doc_len)
        return BM25Index(
            self.keys, [segment], k1=self.k1, b=self.b, analyzer=self.analyzer, fingerprint=self.fingerprint
        )

    # -- querying ---------------------------------------------------------------------------------------
    def doc_freq(self, term: str) -> int:
        return sum(s.doc_freq(term) for s in self.segments)

    def length_norm(self, doc: int) -> float:
        """BM25's k1 scaled by the document's length: K in tf / (tf + K)."""
        return float(self._length_norm[doc])

    def idf(self, term: str) -> float:
        df = self.doc_freq(term)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def clauses(
        self, terms: Sequence[str] | Mapping[str, float], *, field_weight: float = DEFAULT_FIELD_WEIGHT
    ) -> list[Clause]:
        """The scored terms of a query, in scoring order: each query term in the body, then in the title/heading
        field (times ``field_weight``); a repeated term counts again, a mapping gives each term a weight.
        Terms no document holds are left out."""
        weights = terms if isinstance(terms, Mapping) else Counter(terms)
        clauses = []
        for term, weight in weights.items():
            for scored, w, normalise in ((term, weight, True), (FIELD_PREFIX + term, weight * field_weight, False)):
                df = self.doc_freq(scored) if w else 0
                if df:
                    idf = math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))
                    clauses.append(Clause(scored, np.float32(w * idf), normalise))
        return clauses

    def scores(
        self, terms: Sequence[str] | Mapping[str, float], *, field_weight: float = DEFAULT_FIELD_WEIGHT
    ) -> np.ndarray:
        """BM25 score of every document for the query terms (a repeated term counts again; a mapping gives
        each term a weight), plus ``field_weight`` times the score of the same terms in the title/heading field."""
        scores = np.zeros(self.n_docs, dtype=np.float32)
        for clause in self.clauses(terms, field_weight=field_weight):
            for ids, tfs in self.postings(clause.term):
                np.add.at(scores, ids, self.impacts(clause, ids, tfs))  # ufunc.at: 2-4x faster than scores[ids] +=
        return scores

    def postings(self, term: str) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The term's (doc numbers, term frequencies) in each segment that holds it, doc numbers ascending."""
        for segment, base in zip(self.segments, self._bases, strict=True):
            found = segment.postings(term)
            if found is not None:
                yield (found[0] + base if base else found[0]), found[1]

    def impacts(self, clause: Clause, ids: np.ndarray, tfs: np.ndarray) -> np.ndarray:
        """The clause's score in documents ``ids`` with term frequencies ``tfs``: ``weight * tf / (tf + norm)``,
        ``norm`` being k1 scaled by the document's length (body terms) or k1 alone (field terms). Every
        scoring path computes through here, so pruned and exhaustive scores agree to the bit."""
        tf = tfs.astype(np.float32)
        if clause.normalise:
            norm = np.take(self._length_norm, ids)  # faster than fancy indexing
            denominator = np.add(tf, norm, out=norm)
        else:
            denominator = tf + np.float32(self.k1)
        return np.divide(np.multiply(tf, clause.weight, out=tf), denominator, out=tf)

    def upper_bound(self, clause: Clause) -> float:
        """No document scores more than this on the clause: its largest tf in the shortest document."""
        bound = 0.0
        for segment in self.segments:
            i = segment.term_ids.get(clause.term)
            if i is not None and segment.max_tf[i]:
                tf = float(segment.max_tf[i])
                bound = max(bound, tf / (tf + (self._shortest_norm if clause.normalise else self.k1)))
        return float(clause.weight) * bound

    def search(
        self,
        terms: Sequence[str] | Mapping[str, float],
        k: int = 10,
        *,
        mask: np.ndarray | None = None,
        accept: Callable[[int], bool] | None = None,
        field_weight: float = DEFAULT_FIELD_WEIGHT,
    ) -> list[tuple[int, float]]:
        """Top ``k`` (doc number, score), best first, ties in document order; zero scores never returned.

        ``mask`` (bool per document) restricts the candidates; ``accept(doc)`` is a slower check applied
        in rank order (phrase matching), so it runs only until ``k`` documents pass.
        """
        if k <= 0 or not self.n_docs:
            return []
        return self.top(self.scores(terms, field_weight=field_weight), k, mask=mask, accept=accept)

    def top(
        self,
        scores: np.ndarray,
        k: int,
        *,
        mask: np.ndarray | None = None,
        accept: Callable[[int], bool] | None = None,
    ) -> list[tuple[int, float]]:
        """``search``'s selection from a score per document (masked documents' scores become 0)."""
        if k <= 0:
            return []
        if mask is not None:
            scores[~mask] = 0
        floor = _floor(scores, k) if accept is None else 0.0
        candidates = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores > 0)
        values = scores[candidates]
        if accept is None and len(candidates) > k:
            kth = np.partition(values, len(values) - k)[len(values) - k]
            above = values > kth
            ties = np.flatnonzero(values == kth)[: k - int(above.sum())]
            keep = np.sort(np.concatenate([np.flatnonzero(above), ties]))
            candidates, values = candidates[keep], values[keep]
        order = np.lexsort((candidates, -values))
        results = []
        for i in order:
            doc = int(candidates[i])
            if accept is None or accept(doc):
                results.append((doc, float(values[i])))
                if len(results) == k:
                    break
        return results

    # -- persistence ------------------------------------------------------------------------------------
    def manifest(self) -> dict:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "k1": self.k1,
            "b": self.b,
            "analyzer": self.analyzer,
            "fingerprint": self.fingerprint,
            "documents": self.n_docs,
            "terms": sum(len(s.vocab) for s in self.segments),
            "postings": sum(len(s.doc_ids) for s in self.segments),
            "avgdl": self.avgdl,
        }

    def save(self, path: Path) -> None:
        """Write atomically: a temporary sibling directory, then renames (one merged segment on disk). Raises
        IndexFormatError if this index's keys, read from the file it was loaded from, are damaged."""
        with saving(Path(path)):
            self._save(Path(path))

    def _save(self, path: Path) -> None:
        merged = self.merged()
        try:
            keys = list(merged.keys)  # a loaded index's keys are read now, from the files it was loaded from
        except (OSError, ValueError) as error:
            raise IndexFormatError(f"cannot save the index: {_first_line(error)}") from None
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
        try:
            segment = merged.segments[0] if merged.segments else Segment.build([])
            for name in ARRAYS:  # the segment's arrays, by the names a load reads them back by
                with open(tmp / f"{name}.npy", "wb") as f:
                    np.save(f, np.asarray(getattr(segment, name)), allow_pickle=False)
                    _sync(f)
            _write_json(tmp / "vocab.json", segment.vocab)
            _write_json(tmp / "keys.json", keys)
            _write_json(tmp / "manifest.json", merged.manifest())  # its presence marks a whole index
            write_stamp(tmp)  # built here, so valid: the next load need not read every posting
            old = path.with_name(f".{path.name}.old-{uuid.uuid4().hex}")
            with swapping(path):  # no load in another process opens files between the two renames
                if path.exists():
                    os.rename(path, old)
                os.rename(tmp, path)
            shutil.rmtree(old, ignore_errors=True)  # a loaded copy keeps its open files
            _sync_dir(path.parent)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, path: Path, *, mmap: bool = True) -> BM25Index:
        """Open a saved index, validated (search/index_files.py: in full once per written index, then cheaply);
        arrays are memory-mapped unless ``mmap`` is False. Any inconsistency raises IndexFormatError."""
        path = Path(path)
        with reading(path):  # all files from one save, even while another process saves
            return cls._load(path, mmap=mmap)

    @classmethod
    def _load(cls, path: Path, *, mmap: bool) -> BM25Index:
        try:
            manifest = read_manifest(path / "manifest.json")
        except (OSError, ValueError) as error:
            raise IndexFormatError(f"no readable index at {path}: {_first_line(error)}") from None
        if manifest.format != FORMAT or manifest.version != FORMAT_VERSION:
            raise IndexFormatError(f"unsupported index format at {path}")
        mode = "r" if mmap else None
        try:
            arrays = {name: np.load(path / f"{name}.npy", mmap_mode=mode, allow_pickle=False) for name in ARRAYS}
            vocab = read_strings(path / "vocab.json")
            if stamped(path):
                check_segment(manifest, vocab, None, **arrays)
                keys = LazyStrings(PinnedFile(path / "keys.json"), manifest.documents)
            else:
                keys = read_strings(path / "keys.json")
                check_segment(manifest, vocab, keys, **arrays)
                write_stamp(path)
        except (OSError, ValueError, EOFError) as error:
            raise IndexFormatError(f"damaged index at {path}: {_first_line(error)}") from None
        segment = Segment(vocab, **arrays)
        return cls(
            keys, [segment], k1=manifest.k1, b=manifest.b, analyzer=manifest.analyzer, fingerprint=manifest.fingerprint
        )


SAMPLE_STEP = 32


def _floor(scores: np.ndarray, k: int) -> float:
    """A positive score no higher than the k-th best: the k-th best of every ``SAMPLE_STEP``-th document (a
    subset's k-th best is never above the whole's), so the top k is chosen among about ``k * SAMPLE_STEP``
    documents, not every one that scored. 0 when the sample has fewer than k."""
    sample = scores[::SAMPLE_STEP]
    sample = sample[sample > 0]
    if len(sample) < k:
        return 0.0
    return np.partition(sample, len(sample) - k)[len(sample) - k]


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def field_terms(terms: Iterable[str]) -> list[str]:
    """Index terms for the title/heading field: each distinct term behind ``FIELD_PREFIX``, first seen first."""
    return [FIELD_PREFIX + t for t in dict.fromkeys(terms)]


def _unzip_keys(docs: Iterable[tuple[str, Sequence[str]]], keys: list[str]):
    """Yield each document's terms, appending its key to ``keys`` on the way."""
    for key, tokens in docs:
        keys.append(key)
        yield tokens


def _write_json(path: Path, value: object) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False)
        _sync(f)


def _sync(f) -> None:
    f.flush()
    os.fsync(f.fileno())


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
