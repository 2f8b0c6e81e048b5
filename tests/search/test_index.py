"""The BM25 engine against its references (bm25s, rank-bm25), and its persistence."""

import math

import bm25s
import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from search.index import BM25Index, IndexFormatError

QUERIES = [
    "trilateral military cooperation",
    "THAAD missile defense",
    "comfort women forced labor",
    "US Japan alliance guidelines",
    "Taiwan contingency",
    "cost sharing Special Measures Agreement",
    "North Korea Russia",
    "deterrence regime survival nuclear",
    "CPTPP trade",
    "Camp David summit Biden Kishida Yoon",
    "China economic coercion de-risking",
    "intelligence sharing",
    "USFK Taiwan Strait",
    "Dokdo sovereignty",
    "Trump transactional alliances",
    "Indo-Pacific strategy",
    "offensive posture escalation",
    "One China policy",
    "Alaska natural gas LNG",
    "colonial grievances territorial disputes",
]


class LuceneBM25(BM25Okapi):
    """rank-bm25's scoring loop with Lucene's IDF: the formula this engine implements (up to k1 + 1)."""

    def _calc_idf(self, nd):
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


@pytest.fixture(scope="module")
def docs(seed_corpus, analyzer):
    return [(p.passage_id, analyzer.terms(p.text)) for p in seed_corpus.passages]


@pytest.fixture(scope="module")
def index(docs):
    return BM25Index.build(docs)


def ranking(scores, k=10):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return [i for i in order[:k] if scores[i] > 0]


@pytest.mark.parametrize("query", QUERIES)
def test_rankings_agree_with_rank_bm25_where_the_formulas_agree(index, docs, analyzer, query):
    reference = LuceneBM25([tokens for _, tokens in docs], k1=1.2, b=0.75)
    terms = analyzer.terms(query, query=True)
    ref_scores = reference.get_scores(terms) / (1.2 + 1)  # rank-bm25 keeps Okapi's (k1 + 1) factor
    ours = index.scores(terms)
    np.testing.assert_allclose(ours, ref_scores, rtol=1e-5, atol=1e-6)
    assert [doc for doc, _ in index.search(terms, 10)] == ranking(ref_scores)


def test_plain_bm25okapi_ranks_single_rare_terms_the_same(index, docs, analyzer):
    okapi = BM25Okapi([tokens for _, tokens in docs])
    for word in ("THAAD", "Dokdo", "CPTPP", "Taiwan", "deterrence"):
        terms = analyzer.terms(word, query=True)
        assert [doc for doc, _ in index.search(terms, 10)] == ranking(okapi.get_scores(terms))


def test_rank_bm25_idf_vanishes_for_common_terms_but_ours_stays_positive():
    docs = [["korea", "japan"], ["korea", "china"], ["china", "taiwan"], ["japan", "taiwan"]]
    okapi = BM25Okapi(docs)
    assert okapi.idf["korea"] == 0  # a term in exactly half of the documents scores nothing
    ours = BM25Index.build(enumerate_keys(docs))
    assert ours.idf("korea") > 0 and [d for d, _ in ours.search(["korea"], 10)] == [0, 1]


def enumerate_keys(token_lists):
    return [(str(i), tokens) for i, tokens in enumerate(token_lists)]


def test_scores_equal_bm25s_lucene(index, docs, analyzer):
    vocab = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in tokens] for _, tokens in docs]
    reference = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    reference.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    for query in QUERIES:
        terms = [t for t in analyzer.terms(query, query=True) if t in vocab]
        np.testing.assert_allclose(index.scores(terms), reference.get_scores(terms), rtol=1e-5, atol=1e-6)


def test_zero_scores_are_never_returned_and_ties_keep_document_order():
    index = BM25Index.build(enumerate_keys([["a", "b"], ["c"], ["a", "b"], ["b", "a"]]))
    assert [d for d, _ in index.search(["a"], 10)] == [0, 2, 3]
    assert [d for d, _ in index.search(["a"], 2)] == [0, 2]
    assert index.search(["zzz"], 10) == [] and index.search([], 10) == []


def test_mask_and_accept_filter_candidates(index, analyzer):
    terms = analyzer.terms("trilateral", query=True)
    everything = [d for d, _ in index.search(terms, 50)]
    mask = np.zeros(index.n_docs, dtype=bool)
    mask[everything[1::2]] = True
    assert [d for d, _ in index.search(terms, 50, mask=mask)] == everything[1::2]
    assert [d for d, _ in index.search(terms, 3, accept=lambda d: d % 2 == 0)] == [d for d in everything if d % 2 == 0][
        :3
    ]


def test_added_segments_score_exactly_like_one_fresh_build(docs, index):
    base = BM25Index.build(docs[:20])
    grown = base.extended(docs[20:40]).extended(docs[40:])
    assert len(grown.segments) == 3 and grown.keys == index.keys
    assert base.n_docs == 20 and len(base.segments) == 1  # the original is untouched
    for terms in (["trilater", "cooper"], ["thaad"], ["usa", "japan", "allianc"]):
        np.testing.assert_allclose(grown.scores(terms), index.scores(terms), rtol=1e-6)
    merged = grown.merged()
    assert len(merged.segments) == 1 and len(grown.segments) == 3
    np.testing.assert_allclose(merged.scores(["trilater"]), index.scores(["trilater"]), rtol=1e-6)


def test_many_small_additions_are_merged_automatically(docs, index):
    grown = BM25Index.build(docs[:5])
    for i in range(5, len(docs)):
        grown = grown.extended([docs[i]])
        assert len(grown.segments) <= 8
    np.testing.assert_allclose(grown.scores(["trilater", "thaad"]), index.scores(["trilater", "thaad"]), rtol=1e-6)


def test_extending_with_nothing_returns_the_same_index(index):
    assert index.extended([]) is index


def test_save_and_load_round_trip(tmp_path, index):
    index.save(tmp_path / "ix")
    loaded = BM25Index.load(tmp_path / "ix")
    assert loaded.keys == index.keys and loaded.manifest() == index.manifest()
    np.testing.assert_array_equal(loaded.scores(["trilater", "thaad"]), index.scores(["trilater", "thaad"]))
    assert sorted(p.name for p in (tmp_path / "ix").iterdir()) == [
        "doc_ids.npy",
        "doc_len.npy",
        "indptr.npy",
        "keys.json",
        "manifest.json",
        "max_tf.npy",
        "tfs.npy",
        "validated.json",
        "vocab.json",
    ]


def test_no_pickles_on_disk(tmp_path, index):
    index.save(tmp_path / "ix")
    for name in ("doc_ids", "doc_len", "indptr", "max_tf", "tfs"):
        np.load(tmp_path / "ix" / f"{name}.npy", allow_pickle=False)


def test_a_failed_save_leaves_the_previous_index_whole(tmp_path, index, monkeypatch):
    small = BM25Index.build(enumerate_keys([["a"], ["b"]]))
    small.save(tmp_path / "ix")

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("search.index._write_json", explode)
    with pytest.raises(OSError, match="disk full"):
        index.save(tmp_path / "ix")
    assert BM25Index.load(tmp_path / "ix").keys == ["0", "1"]
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["ix"]  # the temporary directory was removed


def test_a_damaged_index_is_reported(tmp_path, index):
    index.save(tmp_path / "ix")
    (tmp_path / "ix" / "keys.json").write_text("[not json")
    with pytest.raises(IndexFormatError):
        BM25Index.load(tmp_path / "ix")
    with pytest.raises(IndexFormatError):
        BM25Index.load(tmp_path / "missing")


def test_parameters_are_validated():
    with pytest.raises(ValueError):
        BM25Index([], [], k1=-1)
    with pytest.raises(ValueError):
        BM25Index([], [], b=1.5)


@pytest.mark.parametrize("k", [1, 5, 50, 400])
def test_top_equals_sorting_every_positive_score(index, k):
    """``top`` picks among the documents above a sampled floor; it must give exactly the full sort's top k."""
    rng = np.random.default_rng(k)
    for case in range(30):
        n = int(rng.integers(1, 20_000))
        levels = rng.random(int(rng.integers(1, 50))).astype(np.float32)  # few distinct values: many ties
        scores = np.where(rng.random(n) < rng.random(), rng.choice(levels, n), 0).astype(np.float32)
        mask = rng.random(n) < 0.8 if case % 2 else None
        kept = scores if mask is None else np.where(mask, scores, 0)
        expected = sorted(((int(d), float(kept[d])) for d in np.flatnonzero(kept > 0)), key=lambda p: (-p[1], p[0]))
        assert index.top(scores.copy(), k, mask=mask) == expected[:k], (case, n)
