"""Benchmarks: briefbot's BM25 engine beside rank-bm25, bm25s, SQLite FTS5 and tantivy (``python -m bench``)."""
