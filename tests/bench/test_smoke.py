"""A 1k-passage run of the benchmark: it runs and reports every engine (not how fast).

The benchmark's optional engines and plot need the ``bench`` extra (tantivy, matplotlib); without them the
tests that need them skip and say so. The corpus falls back to the seeds when the Cranfield data is absent.
"""

import importlib.util

import pytest

from bench.__main__ import main
from bench.corpus import passages, queries, sentence_pool
from bench.engines import ENGINES
from bench.worker import measure
from search.analyze import Analyzer


def test_corpus_and_queries_are_deterministic():
    analyzer = Analyzer()
    pool = sentence_pool(analyzer)
    assert len(pool) > 100
    assert list(passages(pool, 50)) == list(passages(pool, 50))
    assert all(1 <= len(q) <= 8 for q in queries(analyzer))


def _missing(*modules: str) -> str | None:
    absent = [m for m in modules if importlib.util.find_spec(m) is None]
    return f"needs {', '.join(absent)} (pip install -e '.[bench]')" if absent else None


ENGINE_MODULES = {"rank-bm25": "rank_bm25", "bm25s": "bm25s", "tantivy": "tantivy"}


@pytest.mark.parametrize("name", list(ENGINES))
def test_every_engine_finds_the_only_passage_with_a_rare_term(tmp_path, name):
    if name in ENGINE_MODULES and _missing(ENGINE_MODULES[name]):
        pytest.skip(_missing(ENGINE_MODULES[name]))
    docs = list(passages(sentence_pool(Analyzer()), 300))
    docs[17] = [*docs[17], "zyxwvrare"]
    engine = ENGINES[name](tmp_path / name) if name in ("sqlite-fts5", "tantivy") else ENGINES[name]()
    engine.build(iter(docs))
    assert engine.search(["zyxwvrare"]) == [17]


def test_one_measurement_reports_every_column(tmp_path):
    row = measure("briefbot", 1000, tmp_path)
    assert row["build_s"] > 0 and row["disk_mb"] > 0 and row["peak_rss_mb"] > 0 and row["add_found"]
    assert 0 < row["p50_ms"] <= row["p99_ms"] and row["queries"] == len(queries(Analyzer())) > 0


@pytest.mark.skipif(bool(_missing("tantivy", "matplotlib")), reason=str(_missing("tantivy", "matplotlib")))
def test_a_1k_run_writes_the_table_and_the_plot(tmp_path, capsys):
    assert main(["--sizes", "1000", "--out", str(tmp_path)]) == 0
    report = (tmp_path / "benchmarks.md").read_text()
    for engine in ENGINES:
        assert f"| {engine} | 1,000 |" in report
    assert (tmp_path / "benchmarks.png").stat().st_size > 10_000
    assert "Targets" in report and "Not measured" not in report
    assert "wrote" in capsys.readouterr().out


def test_the_scopes_benchmark_runs_and_reports_each_view(capsys):
    from bench.scopes import main as scopes_main

    assert scopes_main(["--articles", "20", "--servers", "5", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("25 sources,")
    for view in ("every server", "the operator", "one server", "language filter"):
        assert view in out
