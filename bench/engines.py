"""The engines compared, behind one small interface; each is fed the same analyzed terms.

``build(passages)``, ``search(terms, k)`` -> doc numbers, ``save(dir)`` / ``load(dir)`` where the engine
persists, and ``add(terms)`` -> the new doc's number, searchable when it returns. Engines with no
incremental add (rank-bm25, bm25s) rebuild; ``incremental`` says which kind an engine is.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from search.index import BM25Index


class Briefbot:
    name = "briefbot"
    incremental = True
    persists = True

    def build(self, passages: Iterable[list[str]]) -> None:
        self.index = BM25Index.build((str(i), terms) for i, terms in enumerate(passages))

    def search(self, terms: list[str], k: int = 10) -> list[int]:
        return [doc for doc, _ in self.index.search(terms, k)]

    def save(self, path: Path) -> None:
        self.index.save(path)

    @classmethod
    def load(cls, path: Path) -> Briefbot:
        engine = cls()
        engine.index = BM25Index.load(path)
        return engine

    def add(self, terms: list[str]) -> int:
        self.index = self.index.extended([(str(self.index.n_docs), terms)])
        return self.index.n_docs - 1


class RankBM25:
    """rank-bm25's BM25Okapi: scores every document in Python for every query."""

    name = "rank-bm25"
    incremental = False
    persists = False

    def build(self, passages: Iterable[list[str]]) -> None:
        from rank_bm25 import BM25Okapi

        self.docs = list(passages)
        self.model = BM25Okapi(self.docs)

    def search(self, terms: list[str], k: int = 10) -> list[int]:
        scores = self.model.get_scores(terms)
        top = np.argpartition(-scores, min(k, len(scores) - 1))[:k]
        return [int(d) for d in top[np.argsort(-scores[top])] if scores[d] > 0]

    def add(self, terms: list[str]) -> int:
        self.build([*self.docs, terms])
        return len(self.docs) - 1


class BM25S:
    """bm25s with its default settings (method "lucene", k1 1.5, b 0.75): finished scores, no incremental add."""

    name = "bm25s"
    incremental = False
    persists = True

    def build(self, passages: Iterable[list[str]]) -> None:
        import bm25s

        self.docs = list(passages)
        self.model = bm25s.BM25()
        self.model.index(self.docs, show_progress=False)

    def search(self, terms: list[str], k: int = 10) -> list[int]:
        known = [t for t in terms if t in self.model.vocab_dict]
        if not known:
            return []
        docs, scores = self.model.retrieve([known], k=k, show_progress=False, n_threads=1)
        return [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def save(self, path: Path) -> None:
        self.model.save(path)

    @classmethod
    def load(cls, path: Path) -> BM25S:
        import bm25s

        engine = cls()
        engine.model = bm25s.BM25.load(path, mmap=True)
        return engine

    def add(self, terms: list[str]) -> int:
        self.build([*self.docs, terms])
        return len(self.docs) - 1


class SQLiteFTS5:
    """SQLite's FTS5 full-text index with its built-in ``bm25()`` ranking (stdlib, on disk)."""

    name = "sqlite-fts5"
    incremental = True
    persists = True

    def __init__(self, path: Path | None = None) -> None:
        self.path = path

    def build(self, passages: Iterable[list[str]]) -> None:
        self.db = sqlite3.connect(self.path or ":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61')")
        with self.db:
            self.db.executemany(
                "INSERT INTO docs (rowid, body) VALUES (?, ?)", ((i, " ".join(t)) for i, t in enumerate(passages))
            )

    def search(self, terms: list[str], k: int = 10) -> list[int]:
        match = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
        rows = self.db.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, k))
        return [row[0] for row in rows]

    def save(self, path: Path) -> None:
        if self.path is None:
            target = sqlite3.connect(path / "fts.sqlite3")
            self.db.backup(target)
            target.close()
        else:
            shutil.copy(self.path, path / "fts.sqlite3")

    @classmethod
    def load(cls, path: Path) -> SQLiteFTS5:
        engine = cls(path / "fts.sqlite3")
        engine.db = sqlite3.connect(engine.path)
        return engine

    def add(self, terms: list[str]) -> int:
        with self.db:
            cursor = self.db.execute("INSERT INTO docs (body) VALUES (?)", (" ".join(terms),))
        return cursor.lastrowid


class Tantivy:
    """tantivy (Rust, via tantivy-py) with a whitespace tokenizer over the analyzed terms."""

    name = "tantivy"
    incremental = True
    persists = True

    def __init__(self, path: Path | None = None) -> None:
        self.path = path

    @staticmethod
    def _schema():
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
        return builder.build()

    def build(self, passages: Iterable[list[str]]) -> None:
        import tantivy

        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self._schema(), path=str(self.path) if self.path else None)
        writer = self.index.writer(heap_size=256 * 1024 * 1024, num_threads=1)
        self.count = 0
        for terms in passages:
            writer.add_document(tantivy.Document(body=" ".join(terms)))
            self.count += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def search(self, terms: list[str], k: int = 10) -> list[int]:
        query = self.index.parse_query(" ".join(dict.fromkeys(terms)), ["body"])
        return [address.doc for _, address in self.searcher.search(query, k).hits]

    def save(self, path: Path) -> None:
        shutil.copytree(self.path, path, dirs_exist_ok=True)

    @classmethod
    def load(cls, path: Path) -> Tantivy:
        import tantivy

        engine = cls(path)
        engine.index = tantivy.Index.open(str(path))
        engine.searcher = engine.index.searcher()
        return engine

    def add(self, terms: list[str]) -> int:
        import tantivy

        writer = self.index.writer(heap_size=64 * 1024 * 1024, num_threads=1)
        writer.add_document(tantivy.Document(body=" ".join(terms)))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.count += 1
        return self.count - 1


ENGINES = {cls.name: cls for cls in (Briefbot, RankBM25, BM25S, SQLiteFTS5, Tantivy)}
