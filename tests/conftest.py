"""Shared fixtures: the real seed corpus and a library built from it in a temporary data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from search.analyze import Analyzer
from search.corpus import Corpus, load_directory
from search.library import Library

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CRANFIELD = Path(os.environ.get("BRIEFBOT_CRANFIELD_DIR", ROOT.parent / "shared" / "data" / "cranfield"))


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_directory(SEEDS)


@pytest.fixture(scope="session")
def library(tmp_path_factory) -> Library:
    return Library(SEEDS, tmp_path_factory.mktemp("data")).open()


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


def full_id(short: str) -> str:
    """ "002:p6" -> "002_ec1278886a36e2bd:p6" (the seed file names are long)."""
    prefix, passage = short.split(":")
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return f"{path.stem}:{passage}"
