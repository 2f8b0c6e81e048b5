"""Capitals that stand for their countries: "Seoul and Tokyo agreed…" is about South Korea and Japan.

A query's capital also finds its country named in full, as an acronym finds its long form
(``search.acronyms``): each occurrence of the country's name or ISO alpha-3 code ("USA", which the analyzer
spells as it spells "U.S.") counts as one of the capital in ranking and briefs. The table is countryinfo's.
A capital of more than one word ("New Delhi", "Kuala Lumpur") counts when the query writes it whole, and its
country's names then count as its longest word ("delhi"). Left out: a capital of more than one word holding a
country's name ("Port of Spain", "Mexico City"), a capital that is also its country's name
("Singapore"), and the capitals of countries under ``MIN_POPULATION``, mostly territories whose capitals are
common words ("The Valley", "Stanley", "Plymouth").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from countryinfo import all_countries

from search.acronyms import Expansion, written_out
from search.analyze import Analyzer

MIN_POPULATION = 1_000_000
_INITIALS = re.compile(r"(?:\s+(?:[A-Z]\.)+)+$")  # "Washington D.C." is Washington


def capital_expansions(terms: Sequence[str], analyzer: Analyzer) -> list[Expansion]:
    """Each capital the query's terms name, with each of its country's names."""
    table = _table(analyzer)
    return [
        Expansion(term, form)
        for term in dict.fromkeys(terms)
        for capital, forms in table.get(term, ())
        if written_out(terms, capital)
        for form in forms
    ]


@functools.lru_cache(maxsize=8)  # one per Library's analyzer; 2 ms to build again
def _table(analyzer: Analyzer) -> dict[str, list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]]:
    """A capital's longest index term: [(the capital's terms, its country's names' terms)]."""
    table: dict[str, list] = {}
    countries = all_countries()
    names = {tuple(analyzer.terms(country.name())) for country in countries}
    for country in countries:
        capital = country.capital()
        if not isinstance(capital, str) or (country.population() or 0) < MIN_POPULATION:
            continue
        terms = tuple(analyzer.terms(_INITIALS.sub("", capital)))
        if not terms or (len(terms) > 1 and any((term,) in names for term in terms)):  # "Port of Spain"
            continue
        key = max(reversed(terms), key=len)
        written = (country.name(), country.iso().get("alpha3", ""))
        forms = {tuple(analyzer.terms(name)) for name in written} - {()}
        forms = tuple(sorted(form for form in forms if not set(terms) & set(form)))
        if forms:
            table.setdefault(key, []).append((terms, forms))
    return table
