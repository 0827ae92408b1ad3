"""Affinity between judges' expertise and submissions' texts: a submissions × judges matrix in [0, 1].

By default TF-IDF cosine similarity (sparse, SciPy only). If a setting names an embedding model
(``JUDGING_EMBEDDING_MODEL``) and ``sentence_transformers`` is importable with that model available
locally (a package that ships its weights, or a path), its embeddings' cosine similarity is used
instead; nothing is ever downloaded at run time.
"""

import logging
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

logger = logging.getLogger(__name__)

TFIDF, EMBEDDING = "tf-idf", "embedding"
WORD = re.compile(r"[^\W\d_]{2,}")
# Longer texts are cut: the opening pages say what a submission is about, and the vectoriser stays fast.
MAX_CHARS = 50_000
STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in into is it its of on or that the their this to was we "
    "were which will with our these those than then there can not no but also such using use used".split()
)


def affinity_matrix(
    submission_texts: Sequence[str], judge_texts: Sequence[str], *, model_name: str | None = None
) -> tuple[np.ndarray, str]:
    """Return ``(matrix, method)``: one row per submission, one column per judge, values in [0, 1]."""
    model_name = configured_model() if model_name is None else model_name
    if model_name:
        encoder = _load_encoder(model_name)
        if encoder is not None:
            return _embedding_similarity(encoder, submission_texts, judge_texts), EMBEDDING
    return tfidf_similarity(submission_texts, judge_texts), TFIDF


def configured_model() -> str:
    from django.conf import settings

    return getattr(settings, "JUDGING_EMBEDDING_MODEL", "") if settings.configured else ""


def tokens(text: str) -> list[str]:
    return [word for word in WORD.findall(text[:MAX_CHARS].casefold()) if word not in STOP_WORDS]


def tfidf_similarity(submission_texts: Sequence[str], judge_texts: Sequence[str]) -> np.ndarray:
    """Cosine similarity of sublinear-TF, smoothed-IDF vectors fitted on both sides' texts together."""
    documents = [Counter(tokens(text)) for text in [*submission_texts, *judge_texts]]
    vocabulary: dict[str, int] = {}
    rows, cols, counts = [], [], []
    for row, counted in enumerate(documents):
        for word, count in counted.items():
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            counts.append(count)
    shape = (len(documents), max(len(vocabulary), 1))
    tf = sp.csr_matrix((1.0 + np.log(np.asarray(counts, dtype=float)), (rows, cols)), shape=shape)
    document_frequency = np.bincount(np.asarray(cols, dtype=np.int64), minlength=shape[1])
    idf = np.log((1.0 + shape[0]) / (1.0 + document_frequency)) + 1.0
    weighted = tf @ sp.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    normalised = sp.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ weighted
    submissions = normalised[: len(submission_texts)]
    judges = normalised[len(submission_texts) :]
    return np.clip((submissions @ judges.T).toarray(), 0.0, 1.0)


def _load_encoder(model_name: str):
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        logger.info("JUDGING_EMBEDDING_MODEL is set but sentence_transformers is not installed: using TF-IDF.")
        return None
    try:
        return SentenceTransformer(model_name, local_files_only=True)
    except Exception:  # any loading failure (missing files, bad config) falls back, loudly
        logger.warning("Embedding model %r could not be loaded locally: using TF-IDF.", model_name, exc_info=True)
        return None


def _embedding_similarity(encoder, submission_texts, judge_texts) -> np.ndarray:
    def embed(texts):
        vectors = np.asarray(encoder.encode([text[:MAX_CHARS] for text in texts]), dtype=float)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms > 0, norms, 1.0)

    similarity = embed(submission_texts) @ embed(judge_texts).T
    return np.clip(np.nan_to_num(similarity), 0.0, 1.0)
