"""The library benchmark's articles: realistic files whose vocabulary grows with their number."""

from bench.articles import article, queries, sentences
from search.analyze import Analyzer


def test_articles_have_5_to_15_paragraphs_and_words_of_their_own():
    pool = sentences()
    analyzer = Analyzer()
    texts = [article(pool, n) for n in range(40)]
    assert all(6 <= len(text.strip().split("\n\n")) <= 16 for text in texts)  # a title, then 5-15 paragraphs
    vocabularies = [set(analyzer.terms(text)) for text in texts]
    seen: set[str] = set()
    for vocabulary in vocabularies:
        assert vocabulary - seen  # every article brings words no earlier one has
        seen |= vocabulary
    assert article(pool, 7) == texts[7]  # the same article on every run


def test_queries_are_the_same_on_every_run_and_varied():
    assert queries() == queries() and len(queries()) == 60 and len(set(queries())) > 50
