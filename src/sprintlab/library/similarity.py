"""TF-IDF cosine similarity between a new project and earlier ones, in pure Python.

Documents are title + abstract + report text. Terms are lower-cased words of two letters or more,
without a short list of English stop words; weights are ``(1 + log tf) · log((1 + n) / (1 + df)) + 1``
(scikit-learn's smooth idf with sublinear tf) and vectors are L2-normalised, so the dot product is
the cosine. The corpus is capped by the caller; a few hundred reports take a few milliseconds each.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

WORD = re.compile(r"[^\W\d_]{2,}")
STOP_WORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how if in into is it its itself just me more most my no nor not now
    of off on once only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your us""".split()
)
# Report text beyond this many characters adds little to a match and a lot to the time it takes.
MAX_TEXT_CHARS = 20_000


@dataclass(frozen=True)
class Document:
    key: int
    text: str


@dataclass(frozen=True)
class Match:
    key: int
    similarity: float

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def terms(text: str) -> Counter:
    return Counter(word for word in WORD.findall(text[:MAX_TEXT_CHARS].casefold()) if word not in STOP_WORDS)


def _weights(counts: Counter, idf: dict[str, float]) -> dict[str, float]:
    vector = {term: (1 + math.log(tf)) * idf[term] for term, tf in counts.items() if term in idf}
    norm = math.sqrt(sum(weight * weight for weight in vector.values()))
    return {term: weight / norm for term, weight in vector.items()} if norm else {}


def most_similar(query: str, corpus: Sequence[Document], *, limit: int = 5) -> list[Match]:
    """The ``limit`` documents of ``corpus`` most similar to ``query``, best first (ties: lower key first).

    The idf is computed over the corpus and the query together, so a word only the query has counts
    as rare but matches nothing. Documents with no shared term are left out.
    """
    if not corpus:
        return []
    counted = [terms(document.text) for document in corpus]
    query_terms = terms(query)
    document_frequency: Counter = Counter()
    for counts in [*counted, query_terms]:
        document_frequency.update(counts.keys())
    total = len(counted) + 1
    idf = {term: math.log((1 + total) / (1 + df)) + 1 for term, df in document_frequency.items()}
    query_vector = _weights(query_terms, idf)
    matches = []
    for document, counts in zip(corpus, counted, strict=True):
        vector = _weights(counts, idf)
        score = sum(weight * vector.get(term, 0.0) for term, weight in query_vector.items())
        if score > 0:
            matches.append(Match(key=document.key, similarity=min(score, 1.0)))
    matches.sort(key=lambda match: (-match.similarity, match.key))
    return matches[:limit]
