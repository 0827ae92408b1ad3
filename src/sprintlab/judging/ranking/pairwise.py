"""Pairwise mode: judges say which of two submissions is better; Bradley–Terry turns that into a ranking.

The model: P(i beats j) = 1 / (1 + exp(θ_j − θ_i)), θ a strength per submission, fitted by choix's
iterative Luce spectral ranking (``choix.ilsr_pairwise``) with a small regularisation ``alpha``
(a pseudo-comparison between every item and the rest, so submissions that never won or never lost
still get finite strengths). A refit starts from the previous strengths, stops when they move by less
than ``TOLERANCE`` and runs BLAS on one thread: each ILSR iteration factorises a dense n × n
matrix, and on a shared 2-core machine OpenBLAS's threads turned that 300 × 300 factorisation from
about 1 ms into 340 ms. That is what keeps a ranking of 300 submissions live (docs/performance.md).

Active choice of the next pairs (:func:`choose_pairs`): a comparison says most when the outcome is
least predictable (the two strengths are close, so p(1 − p) is near its maximum 1/4) and when the
strengths are uncertain. Each next pair starts from a submission drawn at random with probability
proportional to the variance of its strength (so the least-known go first, yet nothing is starved),
and pairs it with the neighbour, among the ``window`` submissions on either side of it in the current
order, that maximises p(1 − p)·(var_i + var_j), skipping pairs already compared or already chosen.
The variance is the Laplace approximation 1 / (prior + Σ p(1 − p)) over a submission's comparisons.

One judge at a time (:func:`pair_for_judge`, what the compare page asks): the same choice restricted
to the submissions that judge may see (no conflict) and to pairs they have not compared, preferring
pairs nobody has compared or is comparing; until there are as many comparisons as submissions it
pairs the least-compared submissions instead, so that every submission is met early.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import choix
import numpy as np
from threadpoolctl import ThreadpoolController

ALPHA = 0.01
# Iterations stop when the strengths move by less than this in total (L1 over all submissions): at
# 300 submissions that leaves each within about 3e-4 of the exact fit, far below what tells two
# places apart, in two thirds of the time 1e-5 takes (docs/performance.md).
TOLERANCE = 1e-4
PRIOR_PRECISION = 0.1


@cache
def _blas_threads() -> ThreadpoolController:
    # Finding the loaded BLAS libraries takes a few milliseconds: once per process, not per refit.
    return ThreadpoolController()


def fit_pairwise(
    n_items: int, comparisons: Sequence[tuple[int, int]], *, alpha: float = ALPHA, initial: np.ndarray | None = None
) -> np.ndarray:
    """Strengths θ (mean 0) from (winner, loser) index pairs; all zeros when there are none.

    Fits on the matrix of win counts (``choix.ilsr_pairwise_dense``, the same model as
    ``choix.ilsr_pairwise``): its iterations are array operations, where the list form loops over
    every comparison in Python on each iteration (about half of a refit's time at 4,500 comparisons).
    """
    if not comparisons:
        return np.zeros(n_items)
    pairs = np.asarray(comparisons, dtype=int)
    wins = np.zeros((n_items, n_items))
    np.add.at(wins, (pairs[:, 0], pairs[:, 1]), 1.0)
    with _blas_threads().limit(limits=1, user_api="blas"):
        return choix.ilsr_pairwise_dense(wins, alpha=alpha, initial_params=initial, tol=TOLERANCE)


def strength_variance(n_items: int, comparisons: Sequence[tuple[int, int]], strengths: np.ndarray) -> np.ndarray:
    """Laplace approximation of each strength's variance: 1 / (prior + Σ p(1 − p))."""
    precision = np.full(n_items, PRIOR_PRECISION)
    if comparisons:
        pairs = np.asarray(comparisons)
        p = 1 / (1 + np.exp(strengths[pairs[:, 1]] - strengths[pairs[:, 0]]))
        info = p * (1 - p)
        precision += np.bincount(pairs[:, 0], info, n_items) + np.bincount(pairs[:, 1], info, n_items)
    return 1 / precision


def choose_pairs(
    strengths: np.ndarray,
    variance: np.ndarray,
    count: int,
    rng: np.random.Generator,
    *,
    compared: set[frozenset[int]] | None = None,
    window: int = 8,
) -> list[tuple[int, int]]:
    """``count`` pairs to compare next (see the module doc); fewer only when hardly any pair is left."""
    n = len(strengths)
    compared = set(compared or ())
    order = np.argsort(-strengths, kind="stable")
    position = np.empty(n, dtype=int)
    position[order] = np.arange(n)
    chosen: list[tuple[int, int]] = []
    anchors = rng.choice(n, size=min(n, 4 * count), replace=True, p=variance / variance.sum())
    for i in anchors:
        if len(chosen) == count:
            break
        lo, hi = max(0, position[i] - window), min(n, position[i] + window + 1)
        neighbours = [int(j) for j in order[lo:hi] if j != i and frozenset((int(i), int(j))) not in compared]
        if not neighbours:
            continue
        nb = np.array(neighbours)
        p = 1 / (1 + np.exp(strengths[nb] - strengths[i]))
        j = int(nb[np.argmax(p * (1 - p) * (variance[i] + variance[nb]))])
        compared.add(frozenset((int(i), j)))
        chosen.append((int(i), j))
    return chosen


def random_pairs(n_items: int, count: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """``count`` pairs drawn uniformly among all pairs of distinct submissions (the baseline)."""
    first = rng.integers(n_items, size=count)
    second = (first + rng.integers(1, n_items, size=count)) % n_items
    return [(int(a), int(b)) for a, b in zip(first, second, strict=True)]


def _indexed(labels: Sequence[str], comparisons: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
    index = {label: i for i, label in enumerate(labels)}
    unknown = {name for pair in comparisons for name in pair if name not in index}
    if unknown:
        raise ValueError(f"Comparisons name unknown submissions: {', '.join(sorted(unknown))}.")
    return [(index[winner], index[loser]) for winner, loser in comparisons]


def rank_pairwise(
    labels: Sequence[str], comparisons: Sequence[tuple[str, str]], *, alpha: float = ALPHA
) -> list[tuple[str, float]]:
    """(submission, strength) best first, from (winner, loser) label pairs (the pages' ranking,
    ``rankings.pairwise_ranking``, fits by index with ``fit_pairwise`` to keep the variances too)."""
    strengths = fit_pairwise(len(labels), _indexed(labels, comparisons), alpha=alpha)
    return sorted(zip(labels, (float(s) for s in strengths), strict=True), key=lambda t: (-t[1], t[0]))


def next_pairs(
    labels: Sequence[str], comparisons: Sequence[tuple[str, str]], count: int, *, seed: int | None = None
) -> list[tuple[str, str]]:
    """The ``count`` pairs of submissions to ask judges about next, by label, for a batch (the pages
    ask :func:`pair_for_judge` one judge at a time, which knows each judge's conflicts).

    Until every submission has been compared about once, the pairs are random; then they are chosen
    actively (:func:`choose_pairs`).
    """
    data = _indexed(labels, comparisons)
    rng = np.random.default_rng(seed)
    if len(data) < len(labels):
        pairs = random_pairs(len(labels), count, rng)
    else:
        strengths = fit_pairwise(len(labels), data)
        variance = strength_variance(len(labels), data, strengths)
        pairs = choose_pairs(strengths, variance, count, rng, compared={frozenset(p) for p in data})
    return [(labels[i], labels[j]) for i, j in pairs]


def pair_for_judge(
    strengths: np.ndarray,
    variance: np.ndarray,
    counts: np.ndarray,
    rng: np.random.Generator,
    *,
    allowed: Sequence[int],
    done: set[frozenset[int]],
    taken: set[frozenset[int]],
    warm_up: bool,
) -> tuple[int, int] | None:
    """The next pair (in the order to show it) for one judge, or None when they have compared every
    pair they may; see the module doc.

    ``allowed``: the indices the judge may compare; ``done``: pairs they compared; ``taken``: pairs
    anyone compared or is being asked about, avoided while another pair is left; ``counts``: each
    submission's number of comparisons so far.
    """
    allowed_items = np.array(sorted({int(i) for i in allowed}), dtype=int)
    if len(allowed_items) < 2:
        return None
    every_item = len(allowed_items) == len(strengths)
    local = {int(item): k for k, item in enumerate(allowed_items)}
    for skip in (done | taken, done):
        pair = None
        if not warm_up:
            compared = skip if every_item else _renumbered(skip, local)
            chosen = choose_pairs(strengths[allowed_items], variance[allowed_items], 1, rng, compared=compared)
            if chosen:
                pair = (int(allowed_items[chosen[0][0]]), int(allowed_items[chosen[0][1]]))
        pair = pair or _least_compared_pair(counts, allowed_items, skip, rng)
        if pair is not None:
            return pair if rng.random() < 0.5 else (pair[1], pair[0])
    return None


def _renumbered(pairs: set[frozenset[int]], local: dict[int, int]) -> set[frozenset[int]]:
    """The ``pairs`` between items of ``local``, in its numbering (the others left out)."""
    renumbered = set()
    for pair in pairs:
        first, second = pair
        if first in local and second in local:
            renumbered.add(frozenset((local[first], local[second])))
    return renumbered


def _least_compared_pair(
    counts: np.ndarray, allowed: np.ndarray, skip: set[frozenset[int]], rng: np.random.Generator
) -> tuple[int, int] | None:
    """The least-compared submission with the least-compared one it has not met; ties at random."""
    order = sorted((int(i) for i in allowed), key=lambda i: (counts[i], rng.random()))
    for position, first in enumerate(order):
        for second in order[position + 1 :]:
            if frozenset((first, second)) not in skip:
                return first, second
    return None
