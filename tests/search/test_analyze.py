from search.analyze import COUNTRY_TERM, STOPWORDS, Analyzer


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


# -- Korean, Japanese and Chinese ---------------------------------------------------------------------------


def test_korean_particles_and_endings_are_not_terms(analyzer):
    assert analyzer.terms("사드를") == analyzer.terms("사드는") == analyzer.terms("사드") == ["사드"]
    assert analyzer.terms("배치했다") == analyzer.terms("배치하기로") == ["배치"]
    assert analyzer.terms("방위비 분담금을") == ["방위비", "분담금"]


def test_korean_verb_stems_are_terms_but_function_verbs_are_not(analyzer):
    assert analyzer.terms("쏜 미사일") == analyzer.terms("쏘다 미사일을") == ["쏘", "미사일"]
    assert analyzer.terms("했다 있는 위한") == []


def test_english_inside_korean_words_keeps_its_english_terms(analyzer):
    assert analyzer.terms("THAAD를 배치한 미군") == ["thaad", "배치", "미군"]
    assert analyzer.terms("2017년 SMA에 서명") == ["2017", "sma", "서명"]
    assert analyzer.terms("美國의 입장") == ["美國", "입장"]


def test_japanese_and_chinese_runs_become_bigrams(analyzer):
    assert analyzer.terms("日米韓の連携") == ["日米", "米韓", "韓の", "の連", "連携"]
    assert analyzer.terms("美日韩") == ["美日", "日韩"]
    assert analyzer.terms("韓") == ["韓"]
    assert analyzer.terms("ﾐｻｲﾙ") == analyzer.terms("ミサイル")  # half-width katakana is normalized


def test_mixed_text_takes_each_script_to_its_analyzer(analyzer):
    text = "Seoul’s 한미일 cooperation and Tokyo's 日米韓 talks"
    tokens = analyzer.tokens(text)
    assert [t.term for t in tokens] == ["seoul", "한미일", "cooper", "tokyo", "日米", "米韓", "talk"]
    assert [text[t.start : t.end] for t in tokens][:3] == ["Seoul’s", "한미일", "cooperation"]
    assert [t.position for t in tokens] == [0, 1, 2, 4, 5, 6, 7]  # "and" keeps its slot


def test_particles_take_no_position_so_phrases_match_with_or_without_them(analyzer):
    with_particle, without = analyzer.tokens("사드를 배치"), analyzer.tokens("사드 배치")
    assert [(t.term, t.position) for t in with_particle] == [(t.term, t.position) for t in without]


def test_decomposed_hangul_is_composed(analyzer):
    import unicodedata

    text = unicodedata.normalize("NFD", "사드를 배치")
    tokens = analyzer.tokens(text)
    assert [t.term for t in tokens] == ["사드", "배치"]
    assert text[tokens[0].start : tokens[0].end] == unicodedata.normalize("NFD", "사드를")


def test_without_kiwi_korean_falls_back_to_bigrams(monkeypatch):
    from search import analyze

    monkeypatch.setattr(analyze, "kiwi_versions", lambda: None)  # as if kiwipiepy were not installed
    fallback = Analyzer()
    assert fallback.settings()["korean"] == {"analyzer": "bigrams"}
    assert fallback.terms("사드를 배치") == ["사드", "드를", "배치"]
    assert set(fallback.terms("사드", query=True)) <= set(fallback.terms("사드를 배치"))


def test_a_kiwi_that_cannot_load_falls_back_to_bigrams(monkeypatch):
    from search import analyze

    def broken(text):
        raise OSError("Cannot open language model file")

    monkeypatch.setattr(analyze, "kiwi_tokenize", broken)
    analyzer = Analyzer()
    assert analyzer.terms("사드를") == ["사드", "드를"]
    assert analyzer.settings()["korean"] == {"analyzer": "bigrams"}


def test_settings_name_the_korean_analyzer_and_its_versions(analyzer):
    korean = analyzer.settings()["korean"]
    assert korean["analyzer"] == "kiwipiepy" and korean["version"] and korean["model"]
    assert Analyzer(korean_morphology=False).settings() != analyzer.settings()
