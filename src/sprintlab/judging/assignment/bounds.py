"""The LP upper bound on the weakest submission's total affinity, with a certificate.

The bound t* is the LP relaxation of max-min: max t such that every submission's fractional total is
at least t, with k reviews each and the load cap. Solving that LP over every pair is slow (minutes at
1,000×300 with HiGHS: the t rows are dense and the LP degenerate), so it is solved over a shortlist of
pairs — each submission's best, each judge's best, and a feasible assignment's pairs — and then checked
on every pair: the LP's duals λ on the "total ≥ t" rows sum to 1, and for any such λ,
F(λ) = max over assignments of Σ λ_i · total_i (one min-cost flow; the polytope is integral) is a valid
upper bound on t*. When F(λ) equals the shortlist LP's value, that value is t* exactly; otherwise the
flow's pairs join the shortlist and the LP is solved again.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import max_flow
from scipy.optimize import linprog

from sprintlab.judging.assignment.flow import shortlist, solve_flow
from sprintlab.judging.assignment.problem import Problem

ROUNDS = 4
TOLERANCE = 1e-4


@dataclass(frozen=True)
class WeakestBound:
    upper: float  # a valid upper bound on the weakest submission's total affinity
    lp_value: float  # the shortlist LP's optimum: a lower bound on t*, equal to it when exact
    lambdas: np.ndarray  # the duals: how much each submission limits the weakest total

    @property
    def exact(self) -> bool:
        return self.upper - self.lp_value <= TOLERANCE * max(1.0, abs(self.upper))


def weakest_bound(problem: Problem, feasible: np.ndarray, *, per_submission: int = 10) -> WeakestBound:
    """Bound the weakest total; ``feasible`` is any valid assignment (it keeps the shortlist LP feasible)."""
    pairs = shortlist(problem, problem.affinity, per_submission) | feasible
    best = None
    for _ in range(ROUNDS):
        lp_value, lambdas = _shortlist_lp(problem, pairs)
        chosen = solve_flow(problem, lambdas[:, None] * problem.affinity)
        upper = float((lambdas[:, None] * problem.affinity * chosen).sum())
        if best is None or upper < best.upper:
            best = WeakestBound(upper=upper, lp_value=lp_value, lambdas=lambdas)
        if best.exact or (chosen & ~pairs).sum() == 0:
            break
        pairs |= chosen
    return best


def _shortlist_lp(problem: Problem, pairs: np.ndarray) -> tuple[float, np.ndarray]:
    submissions, judges = problem.shape
    rows, cols = np.nonzero(pairs)
    n = rows.size
    columns = np.arange(n)
    objective = np.zeros(n + 1)
    objective[-1] = -1.0  # maximise t
    reviews = sp.csr_matrix((np.ones(n), (rows, columns)), shape=(submissions, n + 1))
    load = sp.csr_matrix((np.ones(n), (cols, columns)), shape=(judges, n + 1))
    floor = sp.csr_matrix(
        (
            np.concatenate([-problem.affinity[rows, cols], np.ones(submissions)]),
            (np.concatenate([rows, np.arange(submissions)]), np.concatenate([columns, np.full(submissions, n)])),
        ),
        shape=(submissions, n + 1),
    )
    bounds = np.zeros((n + 1, 2))
    bounds[:n, 0] = problem.pinned[rows, cols]
    bounds[:n, 1] = 1.0
    bounds[n] = (None, None)
    result = linprog(
        objective,
        A_ub=sp.vstack([load, floor]).tocsr(),
        b_ub=np.concatenate([np.full(judges, float(problem.cap)), np.zeros(submissions)]),
        A_eq=reviews.tocsr(),
        b_eq=np.full(submissions, float(problem.k)),
        bounds=bounds,
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"The LP bound failed: {result.message}")
    lambdas = np.maximum(-result.ineqlin.marginals[judges:], 0.0)
    return -result.fun, lambdas / max(lambdas.sum(), 1e-12)


def strong_pair_bound(problem: Problem, *, steps: int = 8) -> tuple[float, float] | None:
    """An integral bound the LP misses: ``(bound, threshold)``, or None when it does not bind.

    If no assignment can give every submission a pair of affinity ≥ g — one max flow: each submission
    takes at most one such pair, judges within the cap — then in every assignment some submission has
    only pairs below g, so the weakest total is at most the largest sum of any submission's k best
    pairs below g. When a topic has fewer matching review slots than submissions, this is far below the
    LP bound, which spreads the slots fractionally.
    """
    submissions = problem.shape[0]
    affinity = np.where(problem.allowed, problem.affinity, -np.inf)
    levels = np.unique(affinity[problem.allowed])
    if levels.size > 256:
        levels = np.unique(np.quantile(levels, np.linspace(0.0, 1.0, 257)))
    # The lowest level at which not everybody can have a strong pair gives the tightest bound.
    low, high, found = 0, levels.size - 1, None
    for _ in range(steps + 8):
        if low > high:
            break
        middle = (low + high) // 2
        if _everyone_gets_one(problem, problem.affinity >= levels[middle]) < submissions:
            found, high = middle, middle - 1
        else:
            low = middle + 1
    if found is None:
        return None
    threshold = float(levels[found])
    weak = np.where(affinity < threshold, affinity, -np.inf)
    # A submission with fewer than k pairs below g sums to -inf: it always has a strong pair, so it is not the one.
    k_best_sums = -np.partition(-weak, problem.k - 1, axis=1)[:, : problem.k].sum(axis=1)
    bound = float(k_best_sums.max())
    return (bound, threshold) if np.isfinite(bound) else None


def _everyone_gets_one(problem: Problem, strong: np.ndarray) -> int:
    submissions, judges = problem.shape
    rows, cols = np.nonzero(strong & problem.allowed)
    source, sink = submissions + judges, submissions + judges + 1
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        rows.astype(np.int64), submissions + cols.astype(np.int64), np.ones(rows.size, np.int64)
    )
    flow.add_arcs_with_capacity(
        np.full(submissions, source, np.int64), np.arange(submissions, dtype=np.int64), np.ones(submissions, np.int64)
    )
    flow.add_arcs_with_capacity(
        submissions + np.arange(judges, dtype=np.int64),
        np.full(judges, sink, np.int64),
        np.full(judges, problem.cap, np.int64),
    )
    flow.solve(source, sink)
    return int(flow.optimal_flow())
