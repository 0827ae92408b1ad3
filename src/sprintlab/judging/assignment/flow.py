"""The core: one min-cost flow (OR-Tools) that chooses k judges per submission within the load cap.

Network: each submission supplies its k reviews (less its pins); an arc of capacity 1 to every judge
it may have, costing minus the pair's value scaled to integers; each judge passes at most its cap (less
its pins) to the sink. Optionally a submission must use at least ``min_strong[i]`` of its "strong" pairs:
its weak pairs then hang off a side node that passes at most ``k - min_strong[i]`` reviews.
"""

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from sprintlab.judging.assignment.problem import Problem

# Pairs per submission in the first, small flow of max_total (more join only if the certificate asks).
FIRST_SHORTLIST = 12
PRICING_ROUNDS = 8
ADDED_PER_ROUND = 4
# Bellman-Ford sweeps allowed for the optimality certificate before falling back to the full network.
MAX_SWEEPS = 400
# Integer costs: the largest value becomes this many units, so ties below 1e-7 of it are broken arbitrarily.
COST_UNITS = 10_000_000


def cost_scale(problem: Problem, value: np.ndarray) -> float:
    """Units per unit of value: the same for every flow over one problem, so their costs compare exactly."""
    return COST_UNITS / max(float(np.abs(value[problem.allowed]).max(initial=0.0)), 1e-12)


def shortlist(problem: Problem, value: np.ndarray, per_submission: int) -> np.ndarray:
    """Each submission's ``per_submission`` best allowed pairs, and each judge's best in proportion, plus pins."""
    submissions, judges = problem.shape
    ranked = np.where(problem.allowed, value, -np.inf)
    keep = problem.pinned.copy()
    if per_submission < judges:
        best = np.argpartition(-ranked, per_submission, axis=1)[:, :per_submission]
        keep[np.arange(submissions)[:, None], best] = True
    else:
        keep[:] = True
    per_judge = -(-per_submission * submissions // judges)
    if per_judge < submissions:
        # Partition contiguous rows: along axis 0 of the (S, J) array numpy strides and is several times slower.
        best = np.argpartition(-np.ascontiguousarray(ranked.T), per_judge, axis=1)[:, :per_judge]
        keep[best, np.arange(judges)[:, None]] = True
    else:
        keep[:] = True
    return keep & problem.allowed


def random_pairs(problem: Problem, per_submission: int) -> np.ndarray:
    """Seeded random allowed pairs: with scarce expertise, everybody's favourites alone admit no assignment."""
    submissions, judges = problem.shape
    picks = np.random.default_rng(problem.seed).integers(0, judges, size=(submissions, per_submission))
    chosen = np.zeros(problem.shape, dtype=bool)
    chosen[np.arange(submissions)[:, None], picks] = True
    return chosen & problem.allowed


def solve_flow(
    problem: Problem,
    value: np.ndarray,
    *,
    usable: np.ndarray | None = None,
    strong: np.ndarray | None = None,
    min_strong: np.ndarray | None = None,
    scale: float | None = None,
) -> np.ndarray | None:
    """Maximise the sum of ``value`` over chosen pairs; return the boolean (S, J) choice, or None if infeasible.

    ``usable`` narrows the allowed pairs further (pins always stay). ``scale`` (see :func:`cost_scale`)
    saves recomputing it when one problem is solved many times.
    """
    submissions, judges = problem.shape
    pinned = problem.pinned
    candidates = problem.allowed & ~pinned
    if usable is not None:
        candidates &= usable
    supply = problem.k - pinned.sum(axis=1)
    room = problem.cap - pinned.sum(axis=0)
    sink = submissions + judges
    rows, cols = np.nonzero(candidates)
    scale = cost_scale(problem, value) if scale is None else scale
    costs = -np.rint(value[rows, cols] * scale).astype(np.int64)
    tails = rows.astype(np.int64)
    heads = (submissions + cols).astype(np.int64)
    extra_tails, extra_heads, extra_caps = [], [], []
    if strong is not None:
        # Weak pairs leave from side node sink + 1 + i, which submission i feeds with at most k - need reviews.
        need = np.maximum(np.asarray(min_strong) - (pinned & strong).sum(axis=1), 0)
        weak = ~strong[rows, cols]
        tails[weak] = sink + 1 + rows[weak]
        side = np.arange(submissions, dtype=np.int64)
        extra_tails, extra_heads = side, sink + 1 + side
        extra_caps = np.maximum(supply - need, 0)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, np.ones_like(tails), costs)
    flow.add_arcs_with_capacity_and_unit_cost(
        submissions + np.arange(judges, dtype=np.int64),
        np.full(judges, sink, dtype=np.int64),
        room.astype(np.int64),
        np.zeros(judges, dtype=np.int64),
    )
    if len(extra_tails):
        flow.add_arcs_with_capacity_and_unit_cost(
            extra_tails, extra_heads, extra_caps.astype(np.int64), np.zeros(submissions, dtype=np.int64)
        )
    flow.set_nodes_supplies(np.arange(submissions, dtype=np.int64), supply.astype(np.int64))
    flow.set_node_supply(sink, -int(supply.sum()))
    if flow.solve() != flow.OPTIMAL:
        return None
    chosen = pinned.copy()
    used = flow.flows(arcs) > 0
    chosen[rows[used], cols[used]] = True
    return chosen


def max_total(problem: Problem, value: np.ndarray | None = None) -> np.ndarray | None:
    """The assignment with the largest total ``value`` (default: the problem's objective), exactly.

    A flow over all S×J pairs spends most of its time on pairs no optimum uses. So the flow first runs
    on a shortlist, then proves the result optimal for the whole network: shortest-path potentials of
    the shortlist's residual network (Bellman-Ford) must leave every pair a non-negative reduced cost,
    the min-cost-flow optimality condition. Pairs that break it join the shortlist and the flow runs
    again; if that does not settle quickly, the full network is solved.
    """
    value = problem.objective if value is None else value
    scale = cost_scale(problem, value)
    costs = -np.rint(value * scale).astype(np.int64)
    pairs = shortlist(problem, value, FIRST_SHORTLIST) | random_pairs(problem, FIRST_SHORTLIST // 2)
    for _ in range(PRICING_ROUNDS):
        chosen = solve_flow(problem, value, usable=pairs, scale=scale)
        if chosen is None:
            break
        violated = _pricing_violations(problem, costs, pairs, chosen)
        if violated is None:
            break
        if not violated.any():
            return chosen
        pairs |= violated
    return solve_flow(problem, value, scale=scale)


def _pricing_violations(problem: Problem, costs: np.ndarray, pairs: np.ndarray, chosen: np.ndarray):
    """Pairs with negative reduced cost under the shortlist's potentials; None if no potentials were found."""
    submissions, judges = problem.shape
    sink = submissions + judges
    free = pairs & ~chosen & ~problem.pinned
    taken = chosen & ~problem.pinned
    load = taken.sum(axis=0)
    room = problem.cap - problem.pinned.sum(axis=0)
    fr, fc = np.nonzero(free)
    tr, tc = np.nonzero(taken)
    spare = np.flatnonzero(load < room)
    busy = np.flatnonzero(load > 0)
    tails = np.concatenate([fr, submissions + tc, submissions + spare, np.full(busy.size, sink)])
    heads = np.concatenate([submissions + fc, tr, np.full(spare.size, sink), submissions + busy])
    arc_costs = np.concatenate([costs[fr, fc], -costs[tr, tc], np.zeros(spare.size + busy.size, dtype=np.int64)])
    order = np.argsort(heads, kind="stable")
    tails, heads, arc_costs = tails[order], heads[order], arc_costs[order]
    targets, starts = np.unique(heads, return_index=True)
    distance = np.zeros(sink + 1, dtype=np.int64)
    for _ in range(MAX_SWEEPS):
        reach = np.minimum.reduceat(distance[tails] + arc_costs, starts)
        better = reach < distance[targets]
        if not better.any():
            break
        distance[targets[better]] = reach[better]
    else:
        return None
    reduced = costs + distance[:submissions, None] - distance[None, submissions:sink]
    reduced[~problem.allowed | chosen | pairs] = 0
    # Only each submission's most violated pairs join: enough to move the flow, and the flow stays small.
    worst = np.argpartition(reduced, min(ADDED_PER_ROUND, judges - 1), axis=1)[:, :ADDED_PER_ROUND]
    violated = np.zeros_like(pairs)
    rows = np.arange(submissions)[:, None]
    violated[rows, worst] = reduced[rows, worst] < 0
    return violated


def placeable_reviews(problem: Problem) -> int:
    """How many reviews fit at most (pins included): less than k·S when no complete assignment exists."""
    submissions, judges = problem.shape
    candidates = problem.allowed & ~problem.pinned
    rows, cols = np.nonzero(candidates)
    source, sink = submissions + judges, submissions + judges + 1
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(
        rows.astype(np.int64), (submissions + cols).astype(np.int64), np.ones(rows.size, np.int64)
    )
    flow.add_arcs_with_capacity(
        np.full(submissions, source, np.int64),
        np.arange(submissions, dtype=np.int64),
        (problem.k - problem.pinned.sum(axis=1)).astype(np.int64),
    )
    flow.add_arcs_with_capacity(
        submissions + np.arange(judges, dtype=np.int64),
        np.full(judges, sink, np.int64),
        (problem.cap - problem.pinned.sum(axis=0)).astype(np.int64),
    )
    flow.solve(source, sink)
    return int(flow.optimal_flow()) + int(problem.pinned.sum())
