"""Retrieval evaluation on a SMART-format test collection (Cranfield and its kin).

Conventions (see shared/data/cranfield/README.md): documents are indexed as title + text (``.T`` + ``.W``);
queries are numbered by their position in the query file, whatever their ``.I`` says; judgment codes 1-4
are relevant and any other code (Cranfield's -1) is left out, unless every code is 0 (CISI: only relevant
pairs are listed); each query ranks the top 1,000. nDCG@10 uses binary gains.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from tqdm import tqdm

from search.analyze import Analyzer, Token
from search.decode import decode
from search.errors import InvalidInputError
from search.index import BM25Index, field_terms
from search.ranking import DEFAULT_SETTINGS, RankingSettings, rank
from search.rerank import Reranker

_FIELD = re.compile(r"^\.([A-Z])\b\s*(.*)$")
RANK_DEPTH = 1000


class EvalResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    map: float
    ndcg_10: float = Field(alias="ndcg@10")
    p_5: float = Field(alias="p@5")
    recall_100: float = Field(alias="recall@100")
    queries: int


def read_smart(path: Path, fields: str) -> list[tuple[str, str]]:
    """``(id, text)`` per record, text being the named fields (e.g. "TW") joined in file order."""
    records: list[tuple[str, list[str]]] = []
    current = None
    for line in read_text(path).splitlines():
        match = _FIELD.match(line)
        if match and match.group(1) == "I":
            records.append((match.group(2).strip(), []))
            current = None
        elif match:
            current = match.group(1)
        elif records and current in fields:
            records[-1][1].append(line)
    return [(rid, " ".join(lines)) for rid, lines in records]


def read_qrels(path: Path) -> dict[str, set[str]]:
    """Relevant document ids per query number: codes 1-4 count, any other code (Cranfield's -1) does not.
    A file whose codes are all 0 (CISI) lists only the relevant pairs, so there every pair listed counts."""
    pairs: list[tuple[str, str, int]] = []
    for line in read_text(path).splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2].lstrip("-").isdigit():
            pairs.append((parts[0], parts[1], int(parts[2])))
    listed_only = bool(pairs) and all(code == 0 for _, _, code in pairs)
    relevant: dict[str, set[str]] = defaultdict(set)
    for query, doc, code in pairs:
        if listed_only or 1 <= code <= 4:
            relevant[query].add(doc)
    return relevant


def read_text(path: Path) -> str:
    """A collection file as text, in the encoding its byte-order mark or content shows."""
    return decode(Path(path).read_bytes())


def average_precision(ranking: list[str], relevant: set[str]) -> float:
    found, total = 0, 0.0
    for i, doc in enumerate(ranking, 1):
        if doc in relevant:
            found += 1
            total += found / i
    return total / len(relevant) if relevant else 0.0


def ndcg(ranking: list[str], relevant: set[str], k: int) -> float:
    dcg = sum(1 / math.log2(i + 1) for i, doc in enumerate(ranking[:k], 1) if doc in relevant)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(k, len(relevant)) + 1))
    return dcg / ideal if ideal else 0.0


def evaluate_rankings(rankings: Iterable[tuple[list[str], set[str]]]) -> EvalResult:
    rows = [(r, rel) for r, rel in rankings if rel]
    n = len(rows) or 1
    return EvalResult(
        map=round(sum(average_precision(r, rel) for r, rel in rows) / n, 4),
        ndcg_10=round(sum(ndcg(r, rel, 10) for r, rel in rows) / n, 4),
        p_5=round(sum(len(set(r[:5]) & rel) / 5 for r, rel in rows) / n, 4),
        recall_100=round(sum(len(set(r[:100]) & rel) / len(rel) for r, rel in rows) / n, 4),
        queries=len(rows),
    )


@dataclass
class Collection:
    """A SMART collection's documents indexed as the library indexes passages."""

    docs: list[tuple[str, str]]  # (id, title + text)
    index: BM25Index
    tokens: list[list[Token]]


def index_collection(docs_path: Path, analyzer: Analyzer, *, k1: float = 1.2, b: float = 0.75) -> Collection:
    """Title and text as the body, the title also as a field."""
    titles = dict(read_smart(docs_path, "T"))
    docs = read_smart(docs_path, "TW")
    index = BM25Index.build(
        ((doc_id, analyzer.terms(text) + field_terms(analyzer.terms(titles[doc_id]))) for doc_id, text in docs),
        k1=k1,
        b=b,
    )
    return Collection(docs, index, [analyzer.tokens(text) for _, text in docs])


def evaluate_collection(
    docs_path: Path,
    queries_path: Path,
    qrels_path: Path,
    *,
    k1: float = 1.2,
    b: float = 0.75,
    settings: RankingSettings = DEFAULT_SETTINGS,
    queries: Callable[[int], bool] = lambda number: True,
    reranker: Reranker | None = None,
    progress: bool = False,
) -> EvalResult:
    """Index the documents with the English analyzer (title and text as the body, the title also as a
    field) and score every judged query that ``queries(number)`` keeps, ranked as the library ranks (its top
    candidates reranked by meaning, title and text encoded, when a ``reranker`` is given)."""
    analyzer = Analyzer()
    collection = index_collection(docs_path, analyzer, k1=k1, b=b)
    docs, index, tokens = collection.docs, collection.index, collection.tokens
    qrels = read_qrels(qrels_path)
    kept = [(n, text) for n, (_, text) in enumerate(read_smart(queries_path, "W"), 1) if queries(n)]
    for empty, problem in (
        (not docs, f"{docs_path}: no documents (SMART format: .I id, then .T and .W lines)"),
        (not kept, f"{queries_path}: no queries (SMART format: .I number, then .W lines)"),
        (not qrels, f"{qrels_path}: no judgments (lines of: query document code)"),
        (not any(str(n) in qrels for n, _ in kept), f"no query in {queries_path} is judged in {qrels_path}"),
    ):
        if empty:
            raise InvalidInputError(problem)
    rankings = []
    for number, text in tqdm(kept, desc="queries", unit="query", disable=not progress):
        ranked = rank(index, analyzer.terms(text, query=True), RANK_DEPTH, tokens.__getitem__, settings=settings)
        if reranker:
            ranked = reranker.rerank(text, ranked, lambda doc: docs[doc][1])
        rankings.append(([index.keys[doc] for doc, _ in ranked], qrels.get(str(number), set())))
    return evaluate_rankings(rankings)
