"""Sparse tf-idf vectors and their cosine, for sentence selection (briefs) and story folding (digests)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable


def tfidf(terms: Iterable[str], idf: Callable[[str], float]) -> dict[str, float]:
    """Unit-length vector with weights (1 + ln tf) * idf."""
    vector = {t: (1 + math.log(c)) * idf(t) for t, c in Counter(terms).items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {t: v / norm for t, v in vector.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two unit vectors (iterating over the smaller)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())
