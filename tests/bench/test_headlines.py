"""``python -m bench headlines`` on a two-page stand-in of the extraction benchmark: it finds each article by
its headline and scores the ranks as it says."""

import gzip
import json

import pytest

from bench.headlines import main, scores

PAGES = {
    "a": ("Seoul and Tokyo agree on missile warning data", "missile warning data radar " * 20),
    "b": ("Harvest festival draws record crowds", "festival crowds harvest pumpkins " * 20),
}


def test_scores_are_reciprocal_ranks_and_successes():
    assert scores([1, 2, None]) == pytest.approx({"MRR": 0.5, "success@1": 1 / 3, "success@5": 2 / 3})


def test_each_article_is_found_first_by_its_headline(tmp_path, capsys, monkeypatch):
    (tmp_path / "html").mkdir()
    truth = {}
    for page_id, (title, body) in PAGES.items():
        head = f"<head><title>{title}</title></head>"
        html = f"<html>{head}<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
        (tmp_path / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode()))
        truth[page_id] = {"articleBody": body, "url": f"https://example.org/{page_id}"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(truth))
    monkeypatch.setattr("bench.headlines.available", lambda: False)  # lexical rows only: no model needed here
    assert main(["--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 articles" in out and "| BM25 | 1.000 | 1.000 | 1.000 |" in out
