"""Query-time ranking over a BM25 index: fields, then pseudo-relevance feedback and term proximity.

1. BM25 over the body plus the title/heading field (``search.index``), ``depth`` candidates deep.
2. Pseudo-relevance feedback (RM3, Lavrenko & Croft 2001; Abdul-Jaleel et al. 2004): the
   top ``feedback_docs`` candidates vote for ``feedback_terms`` expansion terms in proportion to their score
   and the term's share of their text; the query becomes ``(1 - λ) · original + λ · expansion`` and is run
   again. Never for a query of one distinct term: a rare term's few passages are already the answer.
3. Term proximity (BM25TP, Rasolofo & Savoy 2003), off by default, on the candidates: query terms that occur
   close together (consecutive query-term occurrences at most ``WINDOW`` words apart) add

       tp(d) = Σ_t min(1, idf(t)) · acc(t) · (k1 + 1) / (acc(t) + K(d)),   acc(t) = Σ idf(t') / dist(t, t')²

   times ``proximity_weight``, K(d) being BM25's length-normalised k1. Multi-word concepts ("cost sharing",
   "regime survival") then beat passages that mention each word apart.
4. Acronyms the library defines (``search.acronyms``) and capitals (``search.capitals``): each occurrence of
   an acronym's long form or a capital's country, word for word, counts as an occurrence of the query term,
   so "U.S. Forces Korea" answers ``USFK`` and "South Korea" answers ``Seoul``. The candidates are the
   ranking's plus the ``depth`` passages where all the long form's words weigh most; its words alone score
   nothing. A long form written out in the query brings its acronym into the query as one more term.

Only the ``depth`` best candidates are re-scored, so the cost is proportional to the answer, not the
library. What helped and what did not, on which data, is in docs/ranking.md.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from search import pruning
from search.acronyms import Expansion, written_out
from search.analyze import Analyzer, Token
from search.index import DEFAULT_FIELD_WEIGHT, BM25Index, field_terms
from search.models import Passage, Source

WINDOW = 5


@dataclass(frozen=True)
class RankingSettings:
    field_weight: float = DEFAULT_FIELD_WEIGHT
    proximity_weight: float = 0.0  # off: it did not help on held-out data (docs/ranking.md)
    depth: int = 50  # candidates re-scored by proximity (and feedback's second pass)
    feedback_docs: int = 5  # 0: no pseudo-relevance feedback
    feedback_terms: int = 25
    feedback_share: float = 0.3  # λ: the expansion's share of the query
    # An index of at least this many documents is large: only there are feedback's expansion terms capped and
    # the second search pruned. In a smaller one the cap costs quality and both cost more time than they save
    # (docs/ranking.md).
    large_index: int = 250_000
    # in a large index, expansion terms only among those in at most this share of documents (None: no cap):
    # the terms above it are near-stopwords there, whose long posting lists slowed the second search
    feedback_max_df: float | None = 0.1
    # in a large index, the expanded query's top k by pruned scoring (search.pruning) when it reads more
    # postings than this; None: never, the default: with the cap, pruning saved nothing at 1M passages and
    # doubled the product path's p99 (docs/ranking.md). The results are the same either way.
    prune_above_postings: int | None = None


DEFAULT_SETTINGS = RankingSettings()


def passage_terms(analyzer: Analyzer, passage: Passage, source: Source) -> list[str]:
    """A passage's index terms: its body, then its source's stated title and its heading as field terms."""
    fields = analyzer.terms(" ".join(t for t in (source.title, passage.heading) if t))
    return analyzer.terms(passage.text) + field_terms(fields)


def rank(
    index: BM25Index,
    terms: Sequence[str],
    k: int,
    tokens: Callable[[int], list[Token]],
    *,
    mask: np.ndarray | None = None,
    accept: Callable[[int], bool] | None = None,
    settings: RankingSettings = DEFAULT_SETTINGS,
    expansions: Sequence[Expansion] = (),
) -> list[tuple[int, float]]:
    """Top ``k`` (doc number, score), best first. ``tokens(doc)`` gives a document's analyzed tokens;
    ``expansions``: what the query's terms are also written as (an acronym's long form, a capital's country),
    or the acronym a long form in the query stands for, which joins the query."""
    depth = max(k, settings.depth)
    query: Counter | dict[str, float] = Counter(terms)
    query.update({expansion.term: 1 for expansion in expansions if expansion.term not in query})
    scores = index.scores(query, field_weight=settings.field_weight)
    ranked = index.top(scores, depth, mask=mask, accept=accept)
    if settings.feedback_docs and len(query) > 1 and ranked:
        expanded = _expanded(index, query, ranked[: settings.feedback_docs], tokens, settings)
        if accept is None and not expansions and _worth_pruning(index, expanded, settings):
            wanted = depth if settings.proximity_weight else k  # without proximity only the top k counts
            seeds = [doc for doc, _ in ranked]
            prior = (scores, query)
            ranked = pruning.search(
                index, expanded, wanted, mask=mask, field_weight=settings.field_weight, seeds=seeds, prior=prior
            )
        else:
            scores = index.scores(expanded, field_weight=settings.field_weight)
            ranked = index.top(scores, depth, mask=mask, accept=accept)
        query = expanded
    if expansions:
        holding = [_holding(index, expansion.long_form) for expansion in expansions]
        candidates = dict(ranked)
        for words in holding:  # the passages where the long form's words weigh most may hold it written out
            for doc, _ in index.top(words.copy(), depth, mask=mask, accept=accept):
                candidates.setdefault(doc, float(scores[doc]))
        ranked = _long_forms_counted(index, candidates.items(), query, expansions, holding, tokens)
    if settings.proximity_weight and len(query) > 1:
        idf = {t: index.idf(t) for t in set(terms)}
        rescored = [
            (doc, score + settings.proximity_weight * proximity(tokens(doc), idf, index.k1, index.length_norm(doc)))
            for doc, score in ranked
        ]
        ranked = sorted(rescored, key=lambda pair: (-pair[1], pair[0]))
    return ranked[:k]


def _worth_pruning(index: BM25Index, query: dict[str, float], settings: RankingSettings) -> bool:
    limit = settings.prune_above_postings
    if limit is None or index.n_docs < settings.large_index:
        return False
    return sum(index.doc_freq(t) for t in query) > limit


def proximity(tokens: list[Token], idf: dict[str, float], k1: float, length_norm: float) -> float:
    """BM25TP's proximity score of one document (see the module docstring)."""
    hits = [t for t in tokens if t.term in idf]
    acc: dict[str, float] = defaultdict(float)
    for a, b in zip(hits, hits[1:], strict=False):
        distance = b.position - a.position
        if a.term != b.term and distance <= WINDOW:
            acc[a.term] += idf[b.term] / distance**2
            acc[b.term] += idf[a.term] / distance**2
    return sum(min(1.0, idf[t]) * value * (k1 + 1) / (value + length_norm) for t, value in acc.items())


def _holding(index: BM25Index, long_form: Sequence[str]) -> np.ndarray:
    """Per document, the BM25 score of the long form's words (each weighing ``1/n`` of a query term) where its
    body holds them all, else 0: only there can the long form be written out."""
    scores = [index.scores({term: 1 / len(long_form)}, field_weight=0.0) for term in set(long_form)]
    return np.sum(scores, axis=0) * np.logical_and.reduce([s > 0 for s in scores])


def _long_forms_counted(
    index: BM25Index,
    candidates: Iterable[tuple[int, float]],
    query: Mapping[str, float],
    expansions: Sequence[Expansion],
    holding: list[np.ndarray],
    tokens: Callable[[int], list[Token]],
) -> list[tuple[int, float]]:
    """The candidates re-scored so that each occurrence of a long form, word for word, counts as one of the
    term it stands for: the term's BM25 score at its own term frequency plus the long form's, instead of its
    own alone. Only the passages ``holding`` all a long form's words are read. Best first; candidates that still
    score nothing are left out."""
    rescored = []
    for doc, score in candidates:
        forms = [expansion for expansion, words in zip(expansions, holding, strict=True) if words[doc]]
        terms = [token.term for token in tokens(doc)] if forms else []
        extra = Counter()
        for expansion in forms:
            extra[expansion.term] += written_out(terms, expansion.long_form)
        norm = index.length_norm(doc)
        for term, more in extra.items():
            own = terms.count(term)
            weight = query.get(term, 0.0) * index.idf(term)
            score += weight * ((own + more) / (own + more + norm) - own / (own + norm))
        if score > 0:
            rescored.append((doc, score))
    return sorted(rescored, key=lambda pair: (-pair[1], pair[0]))


def _expanded(
    index: BM25Index,
    query: dict[str, float],
    top: list[tuple[int, float]],
    tokens: Callable[[int], list[Token]],
    settings: RankingSettings,
) -> dict[str, float]:
    """RM3: the original query interpolated with the terms the top documents weigh most."""
    total_score = sum(score for _, score in top) or 1.0
    relevance: Counter = Counter()
    for doc, score in top:
        counts = Counter(t.term for t in tokens(doc))
        length = sum(counts.values()) or 1
        for term, count in counts.items():
            relevance[term] += score / total_score * count / length
    cap = settings.feedback_max_df if index.n_docs >= settings.large_index else None
    max_df = index.n_docs if cap is None else cap * index.n_docs
    candidates = ((t, v) for t, v in relevance.most_common() if t in query or index.doc_freq(t) <= max_df)
    expansion = dict(itertools.islice(candidates, settings.feedback_terms))
    mass = sum(expansion.values()) or 1.0
    size = sum(query.values())
    weights = {t: (1 - settings.feedback_share) * c for t, c in query.items()}
    for term, value in expansion.items():
        weights[term] = weights.get(term, 0.0) + settings.feedback_share * size * value / mass
    return weights


def distinct(
    ranked: list[tuple[int, float]], length_norm: Callable[[int], float], text: Callable[[int], str]
) -> list[tuple[int, float]]:
    """The ranking without the passages whose text repeats a better-ranked one's: one page in the shared
    library and in a server's, or one article under two links. Only passages of equal indexed length can be
    copies, so only those are read and compared."""
    by_length: defaultdict[float, list[int]] = defaultdict(list)
    for doc, _ in ranked:
        by_length[length_norm(doc)].append(doc)
    copies = set()
    for docs in by_length.values():
        seen: set[str] = set()
        for doc in docs if len(docs) > 1 else ():
            words = " ".join(text(doc).split())
            if words in seen:
                copies.add(doc)
            seen.add(words)
    return [pair for pair in ranked if pair[0] not in copies]


def diversified(groups: Sequence[str], page_size: int, per_group: int = 2) -> list[int]:
    """An order of ``range(len(groups))`` in pages of ``page_size`` where no group (source) has more than
    ``per_group`` items on a page; the rest keeps its order and moves to later pages. A page that only
    one group could fill (everything left is from it) takes that group's items after all."""
    waiting = list(range(len(groups)))
    order: list[int] = []
    while waiting:
        page: list[int] = []
        on_page: Counter = Counter()
        for i in waiting:
            if len(page) < page_size and on_page[groups[i]] < per_group:
                page.append(i)
                on_page[groups[i]] += 1
        chosen = set(page)
        rest = [i for i in waiting if i not in chosen]
        page += rest[: page_size - len(page)]
        order += sorted(page)
        waiting = [i for i in waiting if i not in set(page)]
    return order
