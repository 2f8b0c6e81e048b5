from search.analyze import COUNTRY_TERM, STOPWORDS


def test_every_spelling_of_the_country_is_one_term(analyzer):
    for text in ("U.S.", "US", "USA", "U.S.A.", "the U.S.-ROK alliance", "US-Japan"):
        assert COUNTRY_TERM in analyzer.terms(text), text


def test_the_pronoun_us_is_not_the_country_in_documents(analyzer):
    assert analyzer.terms("Follow us on social") == ["follow", "social"]
    assert analyzer.terms("Us and them") == []


def test_a_lowercase_us_in_a_query_means_the_country(analyzer):
    assert analyzer.terms("us japan alliance", query=True) == [COUNTRY_TERM, "japan", "allianc"]


def test_acronyms_survive(analyzer):
    assert analyzer.terms("ROK USFK THAAD CPTPP DPRK") == ["rok", "usfk", "thaad", "cptpp", "dprk"]


def test_possessives_are_stripped_with_either_apostrophe(analyzer):
    assert analyzer.terms("Korea’s Korea's Seoul’s") == ["korea", "korea", "seoul"]


def test_snowball_stemming_joins_word_forms(analyzer):
    assert analyzer.terms("alliances")[0] == analyzer.terms("alliance")[0]
    assert analyzer.terms("cooperation")[0] == analyzer.terms("cooperating")[0]
    assert analyzer.terms("deterrence deterred")[0] != analyzer.terms("alliance")[0]


def test_stopwords_and_contractions_go_but_words_that_look_like_them_stay(analyzer):
    assert analyzer.terms("the of and isn't he'll we'd") == []
    assert analyzer.terms("shell wed well") == ["shell", "wed", "well"]
    assert "us" in STOPWORDS


def test_unicode_is_normalized_and_other_scripts_kept(analyzer):
    assert analyzer.terms("ＴＨＡＡＤ") == ["thaad"]
    assert analyzer.terms("한국 외교") == ["한국", "외교"]


def test_tokens_point_back_into_the_text(analyzer):
    text = "The U.S. and Korea’s allies"
    tokens = analyzer.tokens(text)
    assert [text[t.start : t.end] for t in tokens] == ["U.S.", "Korea’s", "allies"]
    assert [t.position for t in tokens] == [1, 3, 4]  # stopwords keep their positions


def test_settings_describe_the_analyzer(analyzer):
    settings = analyzer.settings()
    assert settings["stemmer"] == "snowball-english" and settings["country_term"] == COUNTRY_TERM
