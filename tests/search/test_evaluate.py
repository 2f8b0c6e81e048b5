"""Evaluation metrics by hand, SMART parsing, and the Cranfield reference figures."""

import pytest

from search.evaluate import average_precision, evaluate_collection, ndcg, read_qrels, read_smart
from tests.conftest import CRANFIELD


def test_average_precision_by_hand():
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(["x"], {"a"}) == 0


def test_ndcg_by_hand():
    assert ndcg(["a", "b"], {"a", "b"}, 10) == 1
    assert ndcg(["x", "a"], {"a"}, 10) == pytest.approx(1 / 1.5849625, rel=1e-6)


def test_smart_files_are_parsed_by_field(tmp_path):
    (tmp_path / "docs").write_text(".I 1\n.T\nwing flow\n.A\nsmith\n.W\nlift of a wing\n.I 2\n.W\ndrag\n")
    assert read_smart(tmp_path / "docs", "TW") == [("1", "wing flow lift of a wing"), ("2", "drag")]
    (tmp_path / "qrels").write_text("1 184 2\n1 29 -1\n2 12 4\n2 13 5\n")
    assert read_qrels(tmp_path / "qrels") == {"1": {"184"}, "2": {"12"}}


@pytest.mark.skipif(not (CRANFIELD / "cran.all.1400").exists(), reason=f"Cranfield data not at {CRANFIELD}")
def test_cranfield_reaches_the_reference_figures():
    result = evaluate_collection(CRANFIELD / "cran.all.1400", CRANFIELD / "cran.qry", CRANFIELD / "cranqrel")
    assert result.queries == 225
    assert result.map >= 0.306 and result.ndcg_10 >= 0.385 and result.p_5 >= 0.320
