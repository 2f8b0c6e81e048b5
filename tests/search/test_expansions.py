"""Acronyms the library defines, and capitals: a search or brief for one also finds its long form, its
country, written out."""

import pytest

from search.acronyms import Expansion, define, spellings, with_acronyms, written_out
from search.analyze import Analyzer
from search.capitals import capital_expansions
from search.ingest import read_documents
from search.library import Library
from search.web import add_raw
from tests.conftest import full_id

DEFINES = (
    "Budget talks\n\nThe Widget Oversight Board (WOB) met on Monday in Geneva. The WOB then adjourned for lunch.\n"
)
SPELLS_OUT = "Members react\n\nMembers of the Widget Oversight Board argued about the budget for a long while.\n"
ONLY_ACRONYM = "Lunch\n\nAfter lunch the WOB voted on the budget, and the vote was close.\n"
WORDS_APART = "Factory news\n\nThe widget factory has a new board game club, and its oversight is lax these days.\n"
SERVER = 111


def library_of(tmp_path, **texts: str) -> Library:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name, text in texts.items():
        (seeds / f"{name}.txt").write_text(text)
    return Library(seeds, tmp_path / "data").open()


@pytest.fixture
def widgets(tmp_path):
    return library_of(tmp_path, defines=DEFINES, spells_out=SPELLS_OUT, words_apart=WORDS_APART)


def test_a_definition_gives_the_long_form_as_index_terms():
    analyzer = Analyzer()
    texts = ["Talk of reshaping U.S. Forces Korea (USFK). The USFK commander spoke."]
    assert define("usfk", texts, analyzer) == Expansion("usfk", ("usa", "forc", "korea"))
    assert define("thaad", ["deploying the Terminal High Altitude Area Defense (THAAD), a system"], analyzer) == (
        Expansion("thaad", ("termin", "high", "altitud", "area", "defens"))
    )


@pytest.mark.parametrize(
    "text",
    [
        "Members of the Widget Oversight Board met.",  # no definition at all
        "The Widget Oversight Board (Wob) met.",  # one capital: a word in parentheses, not an acronym
        "The Widget Oversight Board (wob) met.",
        "The council of the city (WOB) met.",  # letters the words before do not spell
    ],
)
def test_no_definition_without_an_acronym_in_parentheses_that_the_words_before_spell(text):
    assert define("wob", [text], Analyzer()) is None


def test_a_word_the_texts_mostly_write_in_lowercase_is_not_an_acronym():
    defined = "Binge Eating Disorder (BED) is common, doctors said."
    assert define("bed", [defined, "The BED clinic opened."], Analyzer()).long_form == ("bing", "eat", "disord")
    assert define("bed", [defined, "The bed was soft.", "Bedding is sold here."], Analyzer()) is None


def test_the_long_form_defined_most_often_wins():
    texts = ["The World Ocean Bank (WOB) lends.", "The Widget Oversight Board (WOB) met.", "A World Ocean Bank (WOB)."]
    assert define("wob", texts, Analyzer()).long_form == ("world", "ocean", "bank")


def test_each_occurrence_of_the_long_form_counts_as_the_acronym():
    expansion = Expansion("wob", ("widget", "oversight", "board"))
    terms = ["widget", "oversight", "board", "met", "widget", "board", "widget", "oversight", "board"]
    assert with_acronyms(terms, [expansion]).count("wob") == 2
    assert with_acronyms(["wob", "met"], [expansion]) == ["wob", "met", "widget", "oversight", "board"]
    assert written_out(terms, expansion.long_form) == written_out(tuple(terms), list(expansion.long_form)) == 2


def test_searching_an_acronym_finds_its_long_form_in_other_sources_but_not_its_words_apart(widgets):
    hits = widgets.search("WOB").hits
    assert [hit.source_id for hit in hits] == ["defines", "spells_out"]
    assert {"Widget", "Oversight", "Board"} <= set(hits[1].matched_terms)
    assert widgets.search("wob budget").hits[0].source_id == "spells_out"  # typed in lowercase too


def test_a_brief_on_an_acronym_quotes_the_sentence_that_spells_it_out(widgets):
    quoted = [sentence.text for sentence in widgets.brief("WOB").sentences]
    assert "Members of the Widget Oversight Board argued about the budget for a long while." in quoted


@pytest.mark.parametrize(
    ("text", "acronym"),
    [
        ("Terminal High Altitude Area Defense deployment", "THAAD"),
        ("talks on U.S. Forces Korea", "USFK"),  # a dotted abbreviation gives its letters
        ("US Forces Korea", "USFK"),  # so does a word in capitals
        ("General Security of Military Information Agreement", "GSOMIA"),  # a minor word's initial counts
        ("General Security of Military Information Agreement", "GSMIA"),  # or not
        ("Trans-Pacific Partnership", "TPP"),  # each part of a hyphenated word
        ("North Atlantic Treaty Organization", "NATO"),
    ],
)
def test_runs_of_words_are_read_as_the_acronyms_they_could_be_written_as(text, acronym):
    assert acronym in spellings(text)


def test_a_run_of_words_neither_starts_nor_ends_with_a_minor_word():
    found = spellings("the Widget Oversight Board of")
    assert "WOB" in found and not {spelling for spelling in found if spelling.startswith("T") or len(spelling) > 3}


def test_searching_a_long_form_also_finds_the_acronym_the_library_defines_for_it(tmp_path):
    library = library_of(tmp_path, defines=DEFINES, only_acronym=ONLY_ACRONYM, words_apart=WORDS_APART)
    hits = library.search("Widget Oversight Board").hits
    assert "only_acronym" in [hit.source_id for hit in hits]
    assert "WOB" in next(hit for hit in hits if hit.source_id == "only_acronym").matched_terms
    quoted = [sentence.text for sentence in library.brief("Widget Oversight Board").sentences]
    assert "After lunch the WOB voted on the budget, and the vote was close." in quoted


def test_a_long_form_does_not_bring_an_acronym_the_library_defines_otherwise(tmp_path):
    other = "Banking\n\nThe World Ocean Bank (WOB) lends to ports. The WOB met in Oslo.\n"
    library = library_of(tmp_path, defines=other, only_acronym=ONLY_ACRONYM, words_apart=WORDS_APART)
    assert "only_acronym" not in [hit.source_id for hit in library.search("Widget Oversight Board").hits]
    assert "only_acronym" in [hit.source_id for hit in library.search("World Ocean Bank").hits]


def test_a_servers_private_definition_shapes_only_that_servers_searches(tmp_path):
    library = library_of(tmp_path, spells_out=SPELLS_OUT, words_apart=WORDS_APART)
    (raw, *_) = read_documents(DEFINES, suffix=".txt", url="https://example.org/minutes")
    memo = add_raw(library, raw, "https://example.org/minutes", scope=SERVER).source_id
    assert [hit.source_id for hit in library.search("WOB", scope=SERVER).hits] == [memo, "spells_out"]
    assert not library.search("WOB").hits and not library.search("WOB", scope=SERVER + 1).hits


def test_usfk_finds_the_seed_passages_that_only_spell_it_out(library):
    found = [hit.passage_id for hit in library.search("USFK", limit=10).hits]
    assert full_id("003:p4") in found and full_id("000:p5") in found  # "U.S. Forces Korea", never "USFK"


def test_a_capital_stands_for_its_country_named_in_full():
    analyzer = Analyzer()
    found = {(e.term, e.long_form) for e in capital_expansions(["seoul", "washington", "fish"], analyzer)}
    assert {("seoul", ("south", "korea")), ("washington", ("usa",))} <= found
    assert {term for term, _ in found} == {"seoul", "washington"}
    # capitals that are ordinary words, of small territories ("The Valley", "Stanley"), are left out
    assert not capital_expansions(analyzer.terms("valley stanley plymouth"), analyzer)


def test_a_capital_of_several_words_counts_when_the_query_writes_it_whole():
    analyzer = Analyzer()
    found = capital_expansions(analyzer.terms("talks in New Delhi"), analyzer)
    assert ("delhi", ("india",)) in {(e.term, e.long_form) for e in found}
    assert not capital_expansions(analyzer.terms("Delhi"), analyzer)  # not the capital's name
    assert not capital_expansions(analyzer.terms("the port of Spain"), analyzer)  # a country's name inside


def test_searching_a_capital_finds_the_country_named_in_full(tmp_path):
    library = library_of(
        tmp_path,
        a_peru="Catch\n\nPeru changed its fishing rules for the coming season, officials said on Monday.\n",
        c_india="Catch\n\nIndia changed its fishing rules for the coming season, officials said on Tuesday.\n",
        b_korea="Catch\n\nSouth Korea changed its fishing rules for the coming season, ministry officials said"
        " on Monday.\n",
    )
    assert [hit.source_id for hit in library.search("Seoul fishing rules").hits][0] == "b_korea"
    assert [hit.source_id for hit in library.search("Seoul").hits] == ["b_korea"]
    assert [hit.source_id for hit in library.search("New Delhi fishing rules").hits][0] == "c_india"
    quoted = library.brief("Seoul fishing rules").sentences
    assert [s.text for s in quoted] == [
        "South Korea changed its fishing rules for the coming season, ministry officials said on Monday."
    ]
