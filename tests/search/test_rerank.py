"""Semantic reranking (search.rerank): it moves answers phrased in other words up, and without its model
search goes on lexically."""

from __future__ import annotations

import logging
import sqlite3
import threading

import numpy as np
import pytest

from bot.settings import Settings
from search.library import Library
from search.rerank import Reranker, RerankSettings, RerankUnavailable, VectorStore, _key, blend
from tests.conftest import SEEDS, full_id
from tests.search.judgments import PARAPHRASE_JUDGMENTS, ndcg_at

QUERY = "security dilemma North Korea"  # its answer speaks of "insecurity about regime survival"


class CountingEncoder:
    """A stand-in encoder: letter counts, normalised; records what it was asked to encode."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), 26), np.float32)
        for i, text in enumerate(texts):
            for ch in text.lower():
                if "a" <= ch <= "z":
                    rows[i, ord(ch) - 97] += 1
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def ids(library: Library, query: str) -> list[str]:
    return [hit.passage_id for hit in library.search(query, limit=5).hits]


def test_reranking_moves_a_paraphrased_answer_into_the_top_five(library, reranked_library):
    grades = {full_id(short): grade for short, grade in PARAPHRASE_JUDGMENTS[QUERY].items()}
    lexical, reranked = ids(library, QUERY), ids(reranked_library, QUERY)
    assert full_id("004:p5") not in lexical and full_id("004:p5") in reranked
    assert ndcg_at(reranked, grades, 5) > ndcg_at(lexical, grades, 5)


def test_the_encoder_gives_normalised_embeddings_closer_for_related_texts(reranker):
    rows = reranker.embeddings(["defense cost sharing", "financial contributions from allies", "a recipe for soup"])
    assert np.allclose(np.linalg.norm(rows, axis=1), 1, atol=1e-5)
    assert rows[0] @ rows[1] > rows[0] @ rows[2] + 0.1


def test_without_the_model_search_is_lexical_with_one_warning(library, tmp_path, caplog):
    def missing():
        raise RerankUnavailable("the semantic extra is not installed")

    broken = Library(SEEDS, tmp_path, reranker=Reranker(encoder=missing)).open()
    with caplog.at_level(logging.WARNING, logger="search.rerank"):
        for query in (QUERY, "THAAD deployment"):
            assert ids(broken, query) == ids(library, query)
    warnings = [record.getMessage() for record in caplog.records]
    assert warnings == ["semantic reranking is off: the semantic extra is not installed"]


def test_passage_embeddings_are_cached_and_the_cache_is_bounded():
    encoder = CountingEncoder()
    reranker = Reranker(encoder=lambda: encoder, cache_size=2)
    reranker.embeddings(["alpha", "beta"])
    reranker.embeddings(["beta", "alpha"])
    assert encoder.calls == [["alpha", "beta"]]
    reranker.embeddings(["gamma"])  # evicts the least recently used: "beta" ("alpha" was asked for last)
    reranker.embeddings(["alpha", "beta"])
    assert encoder.calls == [["alpha", "beta"], ["gamma"], ["beta"]]


def test_only_the_first_depth_candidates_are_reranked():
    reranker = Reranker(RerankSettings(weight=1.0, depth=2), encoder=CountingEncoder)
    texts = {1: "zzz", 2: "query", 3: "query"}
    ranked = [(1, 3.0), (2, 2.0), (3, 1.0)]
    assert [doc for doc, _ in reranker.rerank("query", ranked, texts.__getitem__)] == [2, 1, 3]


def test_blend_mixes_the_normalised_score_and_the_cosine():
    ranked = [(7, 10.0), (8, 5.0)]
    assert blend(ranked, np.array([0.0, 1.0]), 0.0) == [(7, 1.0), (8, 0.5)]
    assert blend(ranked, np.array([0.0, 1.0]), 0.5) == [(8, 0.75), (7, 0.5)]
    assert blend(ranked, np.array([0.2, 0.2]), 0.5)[0][0] == 7  # ties keep the lexical order


@pytest.mark.parametrize(
    ("value", "installed", "on"),
    [("auto", True, True), ("auto", False, False), ("off", True, False), ("on", True, True), ("on", False, True)],
)
def test_the_rerank_setting_is_on_by_default_when_the_extra_is_installed(monkeypatch, value, installed, on):
    monkeypatch.setattr("bot.settings.rerank_available", lambda: installed)
    assert (Settings(rerank=value, _env_file=None).reranker() is not None) is on


def test_a_bad_rerank_setting_is_refused(monkeypatch):
    monkeypatch.setenv("RERANK", "sometimes")
    with pytest.raises(ValueError, match="rerank"):
        Settings(_env_file=None)


class Wide(CountingEncoder):
    """The counting stand-in, padded to the real model's 384 dimensions (the store keeps rows of that size)."""

    def encode(self, texts):
        rows = super().encode(texts)
        return np.pad(rows, ((0, 0), (0, 384 - rows.shape[1])))


def test_embeddings_kept_on_disk_are_not_encoded_again_by_the_next_process(tmp_path):
    texts = ["defense cost sharing", "regime survival", "a recipe for soup"]
    first = Wide()
    reranker = Reranker(encoder=lambda: first, store=VectorStore(tmp_path / "e.sqlite3"))
    rows = reranker.embeddings(texts)
    assert first.calls == [texts]
    later = Wide()
    again = Reranker(encoder=lambda: later, store=VectorStore(tmp_path / "e.sqlite3"))
    assert np.array_equal(again.embeddings([*texts, "new"]), np.vstack([rows, Wide().encode(["new"])]))
    assert later.calls == [["new"]]


def test_a_broken_store_is_one_warning_and_reranking_goes_on(tmp_path, caplog):
    (tmp_path / "e.sqlite3").write_bytes(b"not a database" * 100)
    encoder = Wide()
    reranker = Reranker(encoder=lambda: encoder, store=VectorStore(tmp_path / "e.sqlite3"))
    with caplog.at_level(logging.WARNING, logger="search.rerank"):
        for _ in range(3):
            assert reranker.embeddings(["regime survival"]).shape == (1, 384)
    assert len([r for r in caplog.records if "no longer kept" in r.message]) == 1


def test_warming_embeds_every_passage_once_and_only_small_libraries(tmp_path):
    encoder = Wide()
    library = Library(SEEDS, tmp_path, reranker=Reranker(encoder=lambda: encoder)).open()
    live = len(library.corpus.passage_source)
    assert library.warm(most=live - 1) == 0 and encoder.calls == []
    assert library.warm() == live and sum(map(len, encoder.calls)) == live
    later = Wide()
    reopened = Library(SEEDS, tmp_path, reranker=Reranker(encoder=lambda: later)).open()
    assert reopened.warm() == live and later.calls == []
    reopened.search("security dilemma North Korea")
    assert later.calls == [["security dilemma North Korea"]]  # the query alone is encoded
    stop = threading.Event()
    stop.set()
    fresh = Wide()
    assert Library(SEEDS, tmp_path / "other", reranker=Reranker(encoder=lambda: fresh)).open().warm(stop) == 0
    assert fresh.calls == []  # stopped before the first batch


def test_a_busy_store_skips_a_write_and_a_read_only_one_serves_what_it_holds(tmp_path, caplog):
    path = tmp_path / "e.sqlite3"
    encoder = Wide()
    Reranker(encoder=lambda: encoder, store=VectorStore(path)).embeddings(["regime survival"])
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another process in the middle of a write
    busy = VectorStore(path, timeout=0.05)
    with caplog.at_level(logging.WARNING, logger="search.rerank"):
        busy.put({b"k" * 16: np.ones(384, np.float32)})
    blocker.execute("ROLLBACK")
    assert not caplog.records and busy.get([b"k" * 16]) == {}  # skipped once, not turned off:
    busy.put({b"k" * 16: np.ones(384, np.float32)})
    assert list(busy.get([b"k" * 16])) == [b"k" * 16]
    later = Wide()
    reader = Reranker(encoder=lambda: later, store=VectorStore(path, read_only=True))
    reader.embeddings(["regime survival", "new text"])
    assert later.calls == [["new text"]]
    assert VectorStore(path).get([_key("new text")]) == {}  # read-only: nothing written


def test_warming_drops_stored_embeddings_of_passages_no_longer_live_after_a_grace(tmp_path):
    from search.scopes import OPERATOR
    from tests.search.test_digest import STORY, add_story

    encoder = Wide()
    library = Library(SEEDS, tmp_path, reranker=Reranker(encoder=lambda: encoder)).open()
    story = add_story(library, "hotline", STORY, "example.org")
    live = len(library.corpus.passages)
    assert library.warm() == live
    path = tmp_path / "embeddings.sqlite3"
    stored = sqlite3.connect(path)
    assert stored.execute("SELECT count(*) FROM vectors").fetchone() == (live,)
    library.remove_source(story.source_id, OPERATOR)
    library.warm()
    assert stored.execute("SELECT count(*) FROM vectors").fetchone() == (live,)  # written just now: kept a while
    with stored:
        stored.execute("UPDATE vectors SET written = written - 7200")  # two hours later
    library.warm()
    assert stored.execute("SELECT count(*) FROM vectors").fetchone() == (live - 1,)
    assert stored.execute("SELECT 1 FROM vectors WHERE key = ?", (_key(STORY),)).fetchone() is None
    assert sum(map(len, encoder.calls)) == live  # each passage encoded once, by the first warm


def test_an_embeddings_file_from_before_pruning_is_upgraded_and_its_rows_count_as_old(tmp_path):
    path = tmp_path / "e.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        old.execute("INSERT INTO vectors VALUES (?, ?)", (_key("gone"), np.ones(384, np.float32).tobytes()))
        old.execute("INSERT INTO vectors VALUES (?, ?)", (_key("kept"), np.ones(384, np.float32).tobytes()))
    store = VectorStore(path)
    store.put({_key("new"): np.ones(384, np.float32)})
    assert store.retain([_key("kept")]) == 1
    assert set(store.get([_key("gone"), _key("kept"), _key("new")])) == {_key("kept"), _key("new")}
    assert VectorStore(path, read_only=True).retain([]) == 0
