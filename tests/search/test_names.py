"""People named by part of their name count as named in full, within one source and only where safe."""

import pytest

from bench import people
from search.analyze import Analyzer
from search.names import names_in, with_names
from tests.search.test_brief import brief_of

ANALYZER = Analyzer()
SOURCE = (
    "South Korean President Yoon Suk-yeol met the press in Seoul on Monday. "
    "The Suk-yeol administration then announced a new budget. "
    "Critics said President Yoon’s plan was too costly."
)


def parts(topic: str, text: str) -> set[tuple[str, ...]]:
    return {part for name in names_in(topic, {"s": [text]}, ANALYZER).get("s", []) for part in name.parts}


def parts_by_source(topic: str, sources: dict[str, str]) -> dict[str, set[tuple[str, ...]]]:
    found = names_in(topic, {source: [text] for source, text in sources.items()}, ANALYZER)
    return {source: {part for name in names for part in name.parts} for source, names in found.items()}


def test_a_title_and_the_full_name_make_each_part_used_alone_a_short_form():
    assert parts("Yoon Suk-yeol", SOURCE) == {("yoon",), ("suk", "yeol")}
    assert parts("yoon suk-yeol policy", SOURCE) == {("yoon",), ("suk", "yeol")}  # typed in lower case, in a topic


def test_the_name_is_found_in_any_order_and_however_it_is_hyphenated():
    assert parts("Yoon Suk Yeol", SOURCE) == {("yoon",), ("suk", "yeol")}
    assert parts("Fumio Kishida", "Prime Minister Kishida Fumio spoke first. Then Prime Minister Kishida left.") == {
        ("kishida",)
    }


def test_a_short_mention_carries_the_name_a_full_one_does_not_add_it_again():
    names = names_in("Yoon Suk-yeol", {"s": [SOURCE]}, ANALYZER)["s"]

    def added(text: str) -> list[str]:
        terms = ANALYZER.terms(text)
        return with_names(text, terms, names, ANALYZER)[len(terms) :]

    assert added("The Suk-yeol administration then announced a new budget.") == ["yoon", "suk", "yeol"]
    assert added("South Korean President Yoon Suk-yeol met the press.") == []
    assert added("The suk-yeol spelling in lower case is not a name.") == []


def test_without_a_title_a_name_is_not_taken_for_a_person():
    assert parts("North Korea", "North Korea fired a missile. Korea was divided in 1945.") == set()
    assert parts("Yoon Suk-yeol", SOURCE.replace("President ", "")) == set()


def test_a_part_another_name_also_uses_stands_for_neither():
    text = (
        "President Lee Jae-myung visited Tokyo. Former President Lee Myung-bak did not. "
        "Jae-myung spoke for an hour. Lee left early."
    )
    assert parts("Lee Jae-myung", text) == {("jae", "myung")}


def test_a_source_that_writes_the_name_in_full_is_read_on_its_own_terms():
    """Another source's "Lee Myung-bak" does not stop one that writes "Lee Jae-myung" from meaning him by "Lee";
    a source that never writes a name in full gets a part only if no source uses it for anyone else."""
    full = "President Lee Jae-myung visited Tokyo. Lee spoke for an hour."
    other = "Former President Lee Myung-bak stayed home. Lee said nothing."
    bare = "President Lee met reporters on Monday."
    assert parts_by_source("Lee Jae-myung", {"full": full, "other": other, "bare": bare}) == {"full": {("lee",)}}
    assert parts_by_source("Lee Jae-myung", {"full": full, "bare": bare}) == {"full": {("lee",)}, "bare": {("lee",)}}


def test_the_title_may_stand_in_another_source():
    sources = {
        "full": "The reelection of Donald Trump worries Seoul. Trump wants more money.",
        "titled": "President Trump spoke.",
    }
    assert parts_by_source("Donald Trump", sources) == {"full": {("trump",)}, "titled": {("trump",)}}
    assert parts_by_source("Donald Trump", {"full": sources["full"]}) == {}


def test_a_place_beside_a_part_makes_it_part_of_another_name():
    text = "President Joe Biden spoke in Seoul. Biden Road in Kansas is named after a farmer."
    assert parts("Joe Biden", text) == set()


def test_a_brief_on_a_person_quotes_the_sentences_naming_them_by_surname(tmp_path):
    quoted = brief_of(tmp_path, SOURCE, "Yoon Suk-yeol")
    assert quoted == [
        "South Korean President Yoon Suk-yeol met the press in Seoul on Monday.",
        "The Suk-yeol administration then announced a new budget.",
        "Critics said President Yoon’s plan was too costly.",
    ]
    assert brief_of(tmp_path / "untitled", SOURCE.replace("President ", ""), "Yoon Suk-yeol") == [
        "South Korean Yoon Suk-yeol met the press in Seoul on Monday."
    ]


@pytest.mark.skipif(not (people.DATA / "ground-truth.json").exists(), reason=f"extraction data not at {people.DATA}")
def test_briefs_about_people_in_real_articles_quote_them_and_little_else(tmp_path):
    """Ten people in real news, judged blind (bench/people.py): 36 of 38 quoted sentences are about them
    today, 19 of 20 without reading short names (docs/ranking.md)."""
    results = people.judged(people.library(people.DATA, tmp_path))
    quoted = sum(q for q, _ in results.values())
    on = sum(o for _, o in results.values())
    assert on >= 30 and on / quoted >= 0.9, results
