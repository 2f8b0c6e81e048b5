"""A 1k-passage run of the benchmark: it runs and reports every engine (not how fast)."""

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


def test_every_engine_finds_the_same_best_passage_for_a_rare_term(tmp_path):
    analyzer = Analyzer()
    docs = list(passages(sentence_pool(analyzer), 300))
    rare = next(t for t in docs[17] if sum(t in d for d in docs) == 1)
    for name, cls in ENGINES.items():
        engine = cls(tmp_path / name) if name in ("sqlite-fts5", "tantivy") else cls()
        engine.build(iter(docs))
        assert engine.search([rare]) == [17], name


def test_one_measurement_reports_every_column(tmp_path):
    row = measure("briefbot", 1000, tmp_path)
    assert row["build_s"] > 0 and row["disk_mb"] > 0 and row["peak_rss_mb"] > 0 and row["add_found"]
    assert 0 < row["p50_ms"] <= row["p99_ms"] and row["queries"] > 200


def test_a_1k_run_writes_the_table_and_the_plot(tmp_path, capsys):
    assert main(["--sizes", "1000", "--out", str(tmp_path)]) == 0
    report = (tmp_path / "benchmarks.md").read_text()
    for engine in ENGINES:
        assert f"| {engine} | 1,000 |" in report
    assert (tmp_path / "benchmarks.png").stat().st_size > 10_000
    assert "Targets" in report and "Not measured" not in report
    assert "wrote" in capsys.readouterr().out
