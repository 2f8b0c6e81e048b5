"""briefbot's search library: sources in, cited passages and BM25 rankings out. Pure: no Discord, no env.

Build from a sources directory (the service, with a persisted index)::

    from search import Library
    library = Library("seeds", ".briefbot").open()      # rebuilds the saved index only when stale
    result = library.search('"missile defense" THAAD', limit=3, since=datetime.date(2014, 1, 1))
    for hit in result.hits: print(hit.rank, hit.passage_id, hit.snippet)

Build from ``(id, text)`` pairs (the engine alone)::

    from search import Analyzer, BM25Index
    analyzer = Analyzer()
    index = BM25Index.build((doc_id, analyzer.terms(text)) for doc_id, text in pairs)
    index.search(analyzer.terms("trilateral drills", query=True), k=10)   # [(doc number, score)]
    index.save(path); index = BM25Index.load(path)                        # atomic write, mmap read
"""

from search.analyze import Analyzer
from search.corpus import Corpus, load_directory
from search.index import BM25Index, IndexFormatError
from search.library import Library, UnknownSourceError
from search.models import Hit, Passage, SearchResult, Source, SourceInfo

__all__ = [
    "Analyzer",
    "BM25Index",
    "Corpus",
    "Hit",
    "IndexFormatError",
    "Library",
    "Passage",
    "SearchResult",
    "Source",
    "SourceInfo",
    "UnknownSourceError",
    "load_directory",
]
