"""TF-IDF cosine similarity between a new project and earlier ones, in pure Python.

Documents are title + abstract + report text. Terms are lower-cased words of two letters or more,
without a short list of English stop words; weights are ``(1 + log tf) · (log((1 + n) / (1 + df)) + 1)``
over the corpus of n documents (scikit-learn's smooth idf with sublinear tf) and vectors are
L2-normalised, so the dot product is the cosine. Building the index is the costly part (linear in the
corpus, which the caller caps and may cache); a query is a pass over its terms' postings.
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


def _normalised(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(weight * weight for weight in vector.values()))
    return {term: weight / norm for term, weight in vector.items()} if norm else {}


class SimilarityIndex:
    """The corpus side of TF-IDF, built once: idf and an inverted index of normalised document weights.

    A query then costs its own tokenisation and one pass over the postings of its terms, so a cached
    index answers in milliseconds however large the corpus (within the caller's cap).
    """

    def __init__(self, corpus: Sequence[Document]):
        counted = [(document.key, terms(document.text)) for document in corpus]
        document_frequency: Counter = Counter()
        for _key, counts in counted:
            document_frequency.update(counts.keys())
        total = len(counted)
        self.idf = {term: math.log((1 + total) / (1 + df)) + 1 for term, df in document_frequency.items()}
        # A word no document has gets the rarest weight: it counts in the query's norm, matches nothing.
        self.unseen_idf = math.log(1 + total) + 1
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for key, counts in counted:
            vector = _normalised({term: (1 + math.log(tf)) * self.idf[term] for term, tf in counts.items()})
            for term, weight in vector.items():
                self.postings.setdefault(term, []).append((key, weight))

    def most_similar(self, query: str, *, limit: int = 5) -> list[Match]:
        """The ``limit`` documents most similar to ``query``, best first (ties: lower key first)."""
        query_vector = _normalised(
            {term: (1 + math.log(tf)) * self.idf.get(term, self.unseen_idf) for term, tf in terms(query).items()}
        )
        scores: dict[int, float] = {}
        for term, weight in query_vector.items():
            for key, document_weight in self.postings.get(term, ()):
                scores[key] = scores.get(key, 0.0) + weight * document_weight
        matches = [Match(key=key, similarity=min(score, 1.0)) for key, score in scores.items() if score > 0]
        matches.sort(key=lambda match: (-match.similarity, match.key))
        return matches[:limit]


def most_similar(query: str, corpus: Sequence[Document], *, limit: int = 5) -> list[Match]:
    """The ``limit`` documents of ``corpus`` most similar to ``query``; documents sharing no term are left out."""
    return SimilarityIndex(corpus).most_similar(query, limit=limit)
