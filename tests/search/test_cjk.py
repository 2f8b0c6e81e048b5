"""Korean and Japanese sources end to end: a library of the English seeds plus short articles written for these
tests (tests/fixtures/cjk), searched with inflected forms, filtered by language and briefed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from search.analyze import HAN_KANA_CHAR, Analyzer, count_words
from search.brief import verify_brief
from search.language import detect_language
from search.library import Library
from tests.conftest import SEEDS
from tests.search.cjk_judgments import JAPANESE, KOREAN

HANGUL = re.compile("[가-힣]")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cjk"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Library:
    sources = tmp_path_factory.mktemp("sources")
    for path in [*SEEDS.glob("*.txt"), *FIXTURES.iterdir()]:
        shutil.copy(path, sources / path.name)
    return Library(sources, tmp_path_factory.mktemp("data")).open()


def _sources(result) -> list[str]:
    return [hit.source_id for hit in result.hits]


@pytest.mark.parametrize(
    ("query", "article"),
    [
        ("사드를", "ko_thaad"),
        ("사드 배치를", "ko_thaad"),
        ("방위비 분담금을", "ko_cost_sharing"),
        ("경보정보를 공유하기로", "ko_trilateral"),
    ],
)
def test_a_korean_query_with_particles_finds_the_korean_article(mixed, query, article):
    assert _sources(mixed.search(query))[0] == article


def test_each_source_records_its_language(mixed):
    languages = {info.source_id: info.language for info in mixed.sources()}
    assert languages["ko_thaad"] == "ko"
    assert languages["000_ddc1e42fb7e28754"] == "en"
    assert mixed.get_source("ko_cost_sharing").language == "ko"


def test_a_mixed_query_finds_english_and_korean_passages(mixed):
    found = _sources(mixed.search("THAAD 사드", limit=10))
    assert "ko_thaad" in found
    assert any(source[0].isdigit() for source in found)  # an English seed


def test_the_language_filter_keeps_one_language(mixed):
    korean = mixed.search("THAAD 사드", limit=10, language="ko")
    assert korean.hits and all(mixed.get_source(s).language == "ko" for s in _sources(korean))
    english = mixed.search("THAAD 사드", limit=10, language="en")
    assert english.hits and "ko_thaad" not in _sources(english)
    assert not mixed.search("사드를", language="ja").hits
    with pytest.raises(ValueError, match="language"):
        mixed.search("사드", language="xx")


def test_a_korean_phrase_matches_with_or_without_particles(mixed):
    assert _sources(mixed.search('"사드를 배치"'))[0] == "ko_thaad"
    assert _sources(mixed.search('"사드 배치"'))[0] == "ko_thaad"


def test_korean_hits_mark_the_words_that_matched(mixed):
    hit = mixed.search("사드를").hits[0]
    assert hit.matched_terms == ["사드"]
    assert "**사드**" in hit.snippet


def test_language_detection_reads_scripts():
    assert detect_language("Seoul’s 한미일 cooperation and Tokyo's 日米韓 talks are part of the plan.") == "en"
    assert detect_language("THAAD를 배치한 주한미군은 USFK와 ROK 한미일 안보 협력을 강화했다.") == "ko"
    assert detect_language("日米韓3か国の防衛相は東京で会談し、共同声明を発表した。") == "ja"
    assert detect_language("美日韩三国防长举行会谈，讨论朝鲜导弹问题。") == "zh"
    assert detect_language("La coopération trilatérale entre les États-Unis et le Japon se renforce.") is None
    assert detect_language("ok") is None


def test_a_brief_on_a_korean_topic_quotes_korean_sentences_verbatim_with_citations(mixed):
    brief = mixed.brief("사드 배치를")
    assert len(brief.sentences) >= 3 and verify_brief(brief) == []
    assert all(HANGUL.search(s.text) and s.citations for s in brief.sentences)
    cited = {c.source_id for c in brief.citations}
    assert "ko_thaad" in cited and all(mixed.get_source(s).language == "ko" for s in cited)
    assert any("사드를" in s.text or "사드는" in s.text for s in brief.sentences)  # inflected forms quoted


def test_a_korean_source_has_a_korean_summary(mixed):
    summary = mixed.summary("ko_trilateral")
    assert summary.sentences and verify_brief(summary) == []
    assert all(HANGUL.search(s.text) for s in summary.sentences)


def test_words_are_counted_for_scripts_without_spaces():
    assert count_words("The allies met in Tokyo.") == 5
    assert count_words("사드를 배치했다") == 2
    assert count_words("日米韓の防衛相") == 4  # seven characters, about four words
    assert count_words("THAAD と 日米韓、") == 4


@pytest.mark.parametrize(
    ("query", "article"),
    [
        ("ミサイル警戒情報を共有する", "ja_missile_data"),
        ("統合作戦司令部との連携", "ja_command"),
        ("北朝鮮が弾道ミサイルを発射", "ja_launch"),
        ("シャトル外交を続ける", "ja_summit"),
    ],
)
def test_a_japanese_query_finds_the_japanese_article(mixed, query, article):
    assert _sources(mixed.search(query))[0] == article


def test_a_mixed_query_finds_english_and_japanese_passages(mixed):
    found = _sources(mixed.search("THAAD 迎撃ミサイル", limit=10))
    assert "ja_thaad" in found and any(source[0].isdigit() for source in found)


def test_a_japanese_brief_quotes_japanese_sentences(mixed):
    brief = mixed.brief("北朝鮮のミサイル発射")
    assert brief.sentences and verify_brief(brief) == []
    assert all(mixed.get_source(c.source_id).language == "ja" for c in brief.citations)
    assert all(s.text.endswith("。") for s in brief.sentences)


@pytest.mark.parametrize("language", ["ko", "ja"])
def test_every_judged_query_ranks_a_relevant_paragraph_first(language):
    from bench.cjk import quality

    judged = {"ko": KOREAN, "ja": JAPANESE}[language]
    scores = quality(language, judged, Analyzer().terms)
    assert scores["p@1"] == 1.0 and scores["map"] >= 0.95, scores


def test_japanese_snippets_mark_whole_matches_and_are_never_empty(mixed):
    hit = mixed.search("国連安保理の決議").hits[0]
    assert hit.source_id == "ja_launch" and len(hit.text) > 240  # long enough to be cut
    assert "**国連安**" in hit.snippet and "****" not in hit.snippet
    assert hit.matched_terms == ["国連安", "の決議"]
    assert len(hit.snippet) > 100


def test_suggested_topics_are_not_pieces_of_japanese_words(mixed):
    topics = mixed.topics()
    assert topics and not any(HAN_KANA_CHAR.search(topic) for topic in topics), topics


def test_a_change_of_korean_analyzer_rebuilds_the_index(tmp_path, monkeypatch):
    from search import analyze

    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(FIXTURES / "ko_thaad.txt", sources)
    assert Library(sources, tmp_path / "data").open().rebuilt
    assert not Library(sources, tmp_path / "data").open().rebuilt  # same settings: the saved index is reused
    monkeypatch.setattr(analyze, "kiwi_versions", lambda: None)  # kiwipiepy uninstalled
    fallback = Library(sources, tmp_path / "data").open()
    assert fallback.rebuilt and fallback.index.analyzer["korean"] == {"analyzer": "bigrams"}
    assert fallback.search("사드를").hits


def test_a_digest_summarises_korean_and_japanese_sources_in_their_language(mixed):
    from search.digest import build_digest

    first_seen = mixed.store.sources.first_seen()
    until = max(first_seen.values())
    digest = build_digest(mixed, since=None, until=until, topics=["사드", "ミサイル発射"], first_seen=first_seen)
    items = {item.source_id: item for item in digest.items}
    assert items["ko_thaad"].summary and all(HANGUL.search(s) for s in items["ko_thaad"].summary)
    assert items["ja_launch"].summary and all(s.endswith("。") for s in items["ja_launch"].summary)
    korean, japanese = digest.topics
    assert korean.passages[0].source_id == "ko_thaad"
    assert {p.source_id for p in japanese.passages} & {"ja_launch", "ja_missile_data"}


def test_an_english_library_never_loads_the_korean_model(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from search.library import Library;"
        f"lib = Library({str(SEEDS)!r}, {str(tmp_path)!r}).open();"
        "lib.search('THAAD deployment in the U.S.'); lib.brief('trilateral'); lib.topics();"
        "[lib.summary(s.source_id) for s in lib.sources()]; lib.search('日米韓');"
        "print('kiwipiepy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
