"""Briefs: verbatim, cited, diverse, bounded, deterministic."""

import datetime as dt
from collections import Counter

import pytest

from search import Library
from search.brief import (
    DEPENDENT_OPENER,
    MAX_BRIEF_CHARS,
    NOT_QUOTABLE,
    NOT_USED,
    Brief,
    BriefSentence,
    verify_brief,
    whole_sentences,
)
from search.sentences import split_sentences
from tests.conftest import SEEDS
from tests.search.judgments import (
    BLIND_BRIEF_JUDGMENTS,
    BRIEF_JUDGMENTS,
    FRESH_BRIEF_JUDGMENTS,
    HELDOUT_BRIEF_JUDGMENTS,
    LATER_BRIEF_JUDGMENTS,
    PEOPLE_BRIEF_JUDGMENTS,
    UNTOUCHED_BRIEF_JUDGMENTS,
)
from tests.search.test_ingest import JUNK

TOPICS = [
    "trilateral",
    "THAAD",
    "Taiwan",
    "comfort women",
    "cost sharing",
    "North Korea nuclear",
    "USFK",
    "intelligence sharing",
    "deterrence",
    "Camp David",
    "China economic coercion",
    "Trump",
]


@pytest.fixture(scope="module")
def briefs(library):
    return {topic: library.brief(topic) for topic in TOPICS}


@pytest.mark.parametrize("topic", TOPICS)
def test_every_sentence_is_quoted_from_the_passages_it_cites(briefs, topic):
    brief = briefs[topic]
    assert brief.sentences and verify_brief(brief) == []


@pytest.mark.parametrize("topic", TOPICS)
def test_length_and_character_budget(briefs, topic):
    brief = briefs[topic]
    assert 1 <= len(brief.sentences) <= 6 and brief.rendered_length() <= MAX_BRIEF_CHARS


def test_broad_topics_fill_the_default_length(briefs, library):
    """Up to four sentences, or every quotable sentence that names the topic when fewer do (USFK: three)."""
    for topic in ("trilateral", "Taiwan", "Trump", "USFK"):
        naming = {
            text
            for hit in library.search(topic, limit=12).hits
            for _, text in whole_sentences(hit.text)
            if topic.lower() in text.lower()
        }
        assert len(briefs[topic].sentences) >= min(4, len(naming)) >= 3, topic


def test_a_topic_few_sentences_mention_gets_a_short_brief_not_padding(briefs, library):
    mentions = {
        text
        for hit in library.search("THAAD", limit=12).hits
        for _, text in whole_sentences(hit.text)
        if "THAAD" in text
    }
    quoted = [s.text for s in briefs["THAAD"].sentences]
    assert 1 <= len(mentions) < 4 and mentions <= set(quoted)
    for text, after in zip(quoted, [*quoted[1:], ""], strict=True):  # anything else is context a mention leans on
        assert text in mentions or (after in mentions and DEPENDENT_OPENER.match(after)), text


@pytest.mark.parametrize("topic", TOPICS)
def test_no_duplicates_or_near_duplicates(briefs, topic, analyzer):
    term_sets = [set(analyzer.terms(s.text)) for s in briefs[topic].sentences]
    for i, a in enumerate(term_sets):
        for b in term_sets[i + 1 :]:
            assert len(a & b) / len(a | b) < 0.6


@pytest.mark.parametrize("topic", TOPICS)
def test_no_headings_or_boilerplate_in_briefs(briefs, topic, library):
    headings = {p.heading for p in library.corpus.passages if p.heading}
    titles = {s.title for s in library.corpus.sources.values() if s.title}
    for sentence in briefs[topic].sentences:
        assert not any(h in sentence.text for h in headings | titles)
        assert not any(junk.casefold() in sentence.text.casefold() for junk in JUNK)


def test_citations_are_numbered_in_order_and_all_used(briefs):
    for brief in briefs.values():
        assert [c.n for c in brief.citations] == list(range(1, len(brief.citations) + 1))
        used = {n for s in brief.sentences for n in s.citations}
        assert used == {c.n for c in brief.citations}


def test_trilateral_quotes_at_least_three_sources(briefs):
    assert len({c.source_id for c in briefs["trilateral"].citations}) >= 3


def test_two_sources_whenever_two_have_sentences_with_all_the_topic_words(briefs, library, analyzer):
    for topic, brief in briefs.items():
        words = set(analyzer.terms(topic, query=True))
        relevant = {
            h.source_id
            for h in library.search(topic, limit=12).hits
            if any(words <= set(analyzer.terms(text)) for _, text in whole_sentences(h.text))
        }
        if len(relevant) >= 2:
            assert len({c.source_id for c in brief.citations}) >= 2, topic


def test_dated_sources_come_first_oldest_first(briefs):
    for brief in briefs.values():
        dates = [brief.citations[s.citations[0] - 1].published for s in brief.sentences]
        dated = [d for d in dates if d]
        assert dated == sorted(dated)
        assert dates[: len(dated)] == dated  # undated ones only after the dated ones


def test_briefs_are_deterministic(library, tmp_path):
    again = Library(SEEDS, tmp_path).open()
    for topic in ("trilateral", "Taiwan"):
        assert library.brief(topic).model_dump() == library.brief(topic).model_dump()
        assert again.brief(topic).model_dump() == library.brief(topic).model_dump()


def test_sentence_count_option(library):
    assert len(library.brief("trilateral", sentences=2).sentences) == 2
    with pytest.raises(ValueError):
        library.brief("trilateral", sentences=0)


def test_filters_apply_to_briefs(library):
    brief = library.brief("alliance", since=dt.date(2020, 1, 1))
    assert brief.sentences and {c.published for c in brief.citations} == {dt.date(2024, 3, 26)}


def test_a_topic_that_matches_nothing_gets_did_you_mean_and_topics(library):
    brief = library.brief("thad")
    assert brief.sentences == [] and "Did you mean: THAAD?" in brief.message
    assert brief.suggestions[0] == "THAAD" and len(brief.suggestions) >= 4


def test_stopword_and_symbol_topics_get_a_line_and_topics(library):
    for topic in ("the of and", "?!", ""):
        brief = library.brief(topic)
        assert brief.sentences == [] and brief.message and "\n" not in brief.message
        assert "military cooperation" in brief.suggestions


def test_topics_are_phrases_from_several_sources(library):
    topics = library.topics()
    assert len(topics) == 6 and all(len(t.split()) >= 1 for t in topics)
    assert not any(word in t.split() for t in topics for word in ("will", "would"))


def test_the_checker_catches_a_misquote(briefs):
    brief = briefs["trilateral"]
    first = brief.sentences[0]
    tampered = brief.model_copy(
        update={"sentences": [BriefSentence(text=first.text.replace("the", "a", 1), citations=first.citations)]}
    )
    assert verify_brief(tampered)
    assert verify_brief(Brief(topic="x", sentences=[BriefSentence(text="x", citations=[9])], citations=[]))


def test_abbreviations_do_not_split_sentences():
    text = (
        "The report the two countries announced on Oct. 8 seems likely to raise tensions. "
        "Gen. Kim met the U.S. ambassador in Seoul. It was signed with the U.S. in 2014 (see p. 4)."
    )
    assert split_sentences(text) == [
        "The report the two countries announced on Oct. 8 seems likely to raise tensions.",
        "Gen. Kim met the U.S. ambassador in Seoul.",
        "It was signed with the U.S. in 2014 (see p. 4).",
    ]


def test_quoted_sentences_stay_whole(library):
    passage = library.get_passage("002_ec1278886a36e2bd:p9")
    sentences = [s for _, s in whole_sentences(passage.text)]
    assert sentences[0].startswith("The interim report also states that “the revised Guidelines")
    assert sentences[0].endswith("[. . .].”")


def test_long_sentences_are_trimmed_to_the_budget(tmp_path):
    long = " ".join(["Trilateral"] + ["cooperation deepened among the allies"] * 17) + "."
    paragraphs = [f"{long[:-1]} number {i} here." for i in range(12)]
    (tmp_path / "s").mkdir()
    for i, p in enumerate(paragraphs):
        (tmp_path / "s" / f"doc{i}.txt").write_text(f"Doc {i}\n{p}\n")
    library = Library(tmp_path / "s", tmp_path / "d").open()
    brief = library.brief("trilateral", sentences=10)
    assert brief.rendered_length() <= MAX_BRIEF_CHARS and verify_brief(brief) == []


def test_source_summary_is_verbatim_and_in_document_order(library):
    summary = library.summary("004_698c3ea95e86228a")
    assert len(summary.sentences) == 3 and verify_brief(summary) == []
    assert {c.source_id for c in summary.citations} == {"004_698c3ea95e86228a"}
    text = library.get_source("004_698c3ea95e86228a").text
    positions = [text.index(s.text) for s in summary.sentences]
    assert positions == sorted(positions)


@pytest.fixture(scope="module")
def judged_briefs(library):
    return {topic: library.brief(topic) for topic in BRIEF_JUDGMENTS}


def on_topic(topic: str, text: str, judgments: dict[str, list[str]] = BRIEF_JUDGMENTS) -> bool:
    return any(text.startswith(first_words) for first_words in judgments[topic])


def test_there_are_at_least_twelve_judged_brief_topics():
    assert len(BRIEF_JUDGMENTS) >= 12


def test_brief_precision_on_judged_topics_is_at_least_0_9(judged_briefs):
    quoted = [(topic, s.text) for topic, brief in judged_briefs.items() for s in brief.sentences]
    off = [(topic, text[:60]) for topic, text in quoted if not on_topic(topic, text)]
    assert len(quoted) >= 30 and 1 - len(off) / len(quoted) >= 0.9, off


@pytest.mark.parametrize(
    ("judgments", "floor", "least"),
    [
        (BLIND_BRIEF_JUDGMENTS, 0.9, 15),
        (HELDOUT_BRIEF_JUDGMENTS, 0.7, 15),
        (LATER_BRIEF_JUDGMENTS, 0.85, 10),
        (FRESH_BRIEF_JUDGMENTS, 0.65, 20),
        (UNTOUCHED_BRIEF_JUDGMENTS, 0.55, 10),
        (PEOPLE_BRIEF_JUDGMENTS, 0.9, 16),
    ],
    ids=["blind", "held-out", "later", "fresh", "untouched", "people"],
)
def test_brief_precision_on_topics_judged_blind_does_not_regress(library, judgments, floor, least):
    """Floors under today's figures (0.94, 0.77, 0.92, 0.71, 0.62 and 0.94, docs/ranking.md). The first held-out topics,
    the fresh and the untouched ones, on which nothing was tuned, are below the 0.9 goal. At least ``least``
    sentences quoted over the topics: precision is not bought with empty briefs."""
    quoted = [(topic, s.text) for topic in judgments for s in library.brief(topic).sentences]
    off = [(topic, text[:60]) for topic, text in quoted if not on_topic(topic, text, judgments)]
    assert len(quoted) >= least and 1 - len(off) / len(quoted) >= floor, off


@pytest.mark.parametrize(
    "judgments",
    [
        BRIEF_JUDGMENTS,
        BLIND_BRIEF_JUDGMENTS,
        HELDOUT_BRIEF_JUDGMENTS,
        LATER_BRIEF_JUDGMENTS,
        FRESH_BRIEF_JUDGMENTS,
        UNTOUCHED_BRIEF_JUDGMENTS,
        PEOPLE_BRIEF_JUDGMENTS,
    ],
)
def test_each_judged_sentence_starts_exactly_one_seed_sentence(library, judgments):
    starts = Counter(
        sentence
        for source in library.sources()
        for paragraph in library.get_source(source.source_id).text.split("\n\n")
        for sentence in split_sentences(" ".join(paragraph.split()))
    )
    for topic, prefixes in judgments.items():
        for prefix in prefixes:
            assert sum(n for sentence, n in starts.items() if sentence.startswith(prefix)) == 1, (topic, prefix)


def test_defense_cost_sharing_quotes_at_least_four_on_topic_sentences(judged_briefs):
    brief = judged_briefs["defense cost sharing"]
    assert sum(on_topic("defense cost sharing", s.text) for s in brief.sentences) >= 4
    assert not any("intelligence sharing" in s.text or "share the same" in s.text for s in brief.sentences)


def test_a_dependent_opener_comes_after_its_antecedent_or_not_at_all(judged_briefs, briefs, library):
    for brief in [*judged_briefs.values(), *briefs.values()]:
        for before, sentence in zip([None, *brief.sentences], brief.sentences, strict=False):
            if DEPENDENT_OPENER.match(sentence.text):
                source = library.get_source(brief.citations[sentence.citations[0] - 1].source_id)
                text = " ".join(source.text.split())
                assert before is not None, sentence.text
                at = text.index(sentence.text)
                assert text[:at].rstrip().endswith(before.text), (brief.topic, sentence.text)


def test_openers_that_lean_on_the_sentence_before_are_recognised():
    leaning = [
        "Indeed, the ministry agreed.",
        "Further misuse of funds.",
        "In particular, Biden spoke.",
        "However, it failed.",
        "They met.",
        "It is for this reason that it failed.",
        "This expenditure was odd.",
        "그러나 한국 정부는 사드를 방어용 무기라고 설명했다.",
        "그러나, 한국 정부는 설명했다.",
        "しかし、中国は反発した。",
        "しかし，中国は反発した。",
        "「しかし、中国は反発した」と述べた。",
        "しかしながら、中国は反発した。",
        "一方で、中国は反発した。",
    ]
    standing = [
        "It is not possible to agree.",
        "Insecurity grows.",
        "Theirs is a different view.",
        "Itsunori Onodera met them.",
        "그림은 벽에 걸려 있었다.",
        "また来週、会議が開かれる。",
    ]
    assert all(DEPENDENT_OPENER.match(s) for s in leaning)
    assert not any(DEPENDENT_OPENER.match(s) for s in standing)


def test_words_that_never_meet_in_a_sentence_get_a_message_not_a_padded_brief(library):
    brief = library.brief("Alaska Dokdo")
    assert library.search("Alaska Dokdo").hits
    assert brief.sentences == [] and brief.citations == [] and "as a whole" in brief.message


def test_a_topic_with_a_word_no_source_uses_names_that_word(library):
    brief = library.brief("Seoul-Tokyo rapprochement")
    assert brief.sentences == []
    assert brief.message == NOT_USED.format(words="“rapprochement”", topic="Seoul-Tokyo rapprochement")
    both = library.brief("divergent agendas of Seoul")
    assert both.message.startswith("No source in the library uses “divergent” or “agendas”,")


def test_a_sentence_a_passage_repeats_is_quoted_and_cited_once(tmp_path):
    (tmp_path / "s").mkdir()
    sentence = "The kestrel accord on maritime data was signed by the three allies in Seoul. "
    (tmp_path / "s" / "echo.txt").write_text("Echo\n\n" + sentence * 5 + "\n")
    brief = Library(tmp_path / "s", tmp_path / "d").open().brief("kestrel accord")
    assert [(s.text, s.citations) for s in brief.sentences] == [(sentence.strip(), [1])]


def brief_of(tmp_path, text: str, topic: str) -> list[str]:
    (tmp_path / "s").mkdir(parents=True)
    (tmp_path / "s" / "doc.txt").write_text(f"Notes on the alliance\n{text}\n")
    (tmp_path / "s" / "other.txt").write_text("Other notes\nThe weather in the capital was mild all week long.\n")
    return [s.text for s in Library(tmp_path / "s", tmp_path / "d").open().brief(topic).sentences]


def test_a_neighbour_that_only_shares_a_word_is_left_out_and_a_continuation_comes_along(tmp_path):
    quoted = brief_of(
        tmp_path,
        "Sharing of intelligence moved quickly through the committee in the spring. "
        "Cost sharing talks stalled over the terms of the new agreement. "
        "This left the allies divided over the final cost of the troops.",
        "cost sharing",
    )
    assert quoted == [
        "Cost sharing talks stalled over the terms of the new agreement.",
        "This left the allies divided over the final cost of the troops.",
    ]


def test_a_continuation_stays_only_while_it_stays_on_the_topic(tmp_path):
    """A continuation with none of the topic's words comes along between two sentences about the topic, and
    is left out when it moves on from it."""
    between = (
        "Cost sharing talks stalled over the terms of the new agreement. "
        "This left the allies divided over the final bill for the troops. "
        "The cost sharing deal was signed a year later in the capital."
    )
    assert len(brief_of(tmp_path, between, "cost sharing")) == 3
    moving_on = (
        "Cost sharing talks stalled over the terms of the new agreement. "
        "This created a palpable sense of uncertainty across the whole region."
    )
    assert brief_of(tmp_path / "again", moving_on, "cost sharing") == [
        "Cost sharing talks stalled over the terms of the new agreement."
    ]


def test_when_no_sentence_holds_half_the_topic_there_is_no_brief(tmp_path):
    text = (
        "Entrapment worries grew in Seoul as the summit season began in earnest. "
        "The rivalry between the two powers shaped every meeting of the alliance."
    )
    assert brief_of(tmp_path, text, "entrapment summit rivalry alliance deterrence") == []
    assert brief_of(tmp_path / "again", text, "entrapment summit rivalry") != []


def test_a_topic_found_only_in_sentences_too_long_to_quote_says_so(tmp_path):
    (tmp_path / "s").mkdir()
    long = "The drone program " + "grew with new contracts and testing ranges across the region " * 10 + "today."
    (tmp_path / "s" / "drones.txt").write_text(f"Drones\n\n{long}\n\nOfficials met in Seoul on Monday to talk.\n")
    library = Library(tmp_path / "s", tmp_path / "d").open()
    assert library.search("drone").hits
    brief = library.brief("drone")
    assert brief.sentences == [] and brief.message == NOT_QUOTABLE.format(topic="drone")
