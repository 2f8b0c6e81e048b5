"""Capitals that stand for their countries: "Seoul and Tokyo agreed…" is about South Korea and Japan.

A query's capital also finds its country named in full, as an acronym finds its long form
(``search.acronyms``): each occurrence of the country's name or ISO alpha-3 code ("USA", which the analyzer
spells as it spells "U.S.") counts as one of the capital in ranking and briefs. The table is countryinfo's.
Left out: capitals of more than one word ("New Delhi"), a capital that is also its country's name
("Singapore"), and the capitals of countries under ``MIN_POPULATION``, mostly territories whose capitals are
common words ("The Valley", "Stanley", "Plymouth").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from countryinfo import all_countries

from search.acronyms import Expansion
from search.analyze import Analyzer

MIN_POPULATION = 1_000_000
_INITIALS = re.compile(r"(?:\s+(?:[A-Z]\.)+)+$")  # "Washington D.C." is Washington


def capital_expansions(terms: Iterable[str], analyzer: Analyzer) -> list[Expansion]:
    """Each query term that is a capital, with each of its country's names."""
    table = _table(analyzer)
    return [Expansion(term, form) for term in dict.fromkeys(terms) for form in table.get(term, ())]


@functools.lru_cache(maxsize=8)  # one per Library's analyzer; 2 ms to build again
def _table(analyzer: Analyzer) -> dict[str, tuple[tuple[str, ...], ...]]:
    table: dict[str, tuple[tuple[str, ...], ...]] = {}
    for country in all_countries():
        capital = country.capital()
        if not isinstance(capital, str) or (country.population() or 0) < MIN_POPULATION:
            continue
        terms = analyzer.terms(_INITIALS.sub("", capital))
        if len(terms) != 1:
            continue
        names = (country.name(), country.iso().get("alpha3", ""))
        forms = {tuple(analyzer.terms(name)) for name in names} - {()}
        table[terms[0]] = table.get(terms[0], ()) + tuple(sorted(f for f in forms if terms[0] not in f))
    return table
