"""Synthetic instances for tests and benchmarks: uniform random affinities, and scarce expertise.

The skewed kind models a sprint where most submissions are about a few popular topics while judges'
expertise is spread evenly: 10 topics, each submission's topic drawn from a Zipf law, each judge's
topic uniform, affinity = 0.8·(topics match) + 0.2·noise. Popular topics then have more submissions
than matching judges can review, which is where a max-total assignment leaves some submissions with
weak matches only.
"""

import math

import numpy as np

BENCHMARK_SIZES = ((200, 60), (1_000, 300), (3_000, 800))
TOPICS = 10


def benchmark_cap(submissions: int, judges: int, k: int = 3) -> int:
    """The benchmarks' load cap: every judge's fair share, plus one."""
    return math.ceil(k * submissions / judges) + 1


def _conflicts(rng: np.random.Generator, shape: tuple[int, int], rate: float) -> np.ndarray:
    return rng.random(shape) < rate


def uniform(submissions: int, judges: int, *, conflict_rate: float = 0.02, seed: int = 0):
    """Affinities uniform in [0, 1) and conflicts at ``conflict_rate``: ``(affinity, conflicts)``."""
    rng = np.random.default_rng(seed)
    affinity = rng.random((submissions, judges))
    return affinity, _conflicts(rng, affinity.shape, conflict_rate)


def skewed(
    submissions: int,
    judges: int,
    *,
    topics: int = TOPICS,
    zipf: float = 1.0,
    conflict_rate: float = 0.02,
    seed: int = 0,
):
    """Scarce expertise: Zipf-distributed submission topics, uniform judge topics: ``(affinity, conflicts)``."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, topics + 1) ** zipf
    submission_topics = rng.choice(topics, size=submissions, p=weights / weights.sum())
    judge_topics = rng.integers(0, topics, size=judges)
    match = submission_topics[:, None] == judge_topics[None, :]
    affinity = 0.8 * match + 0.2 * rng.random((submissions, judges))
    return affinity, _conflicts(rng, affinity.shape, conflict_rate)
