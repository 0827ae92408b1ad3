"""Fairness mode: lift the weakest submission's total while the grand total stays near its maximum.

Max-min over integral assignments is hard, so the solver does two things, both with min-cost flows at
the core:

1. Strong-pair floors. For a threshold g and a count m, every submission must receive at least m
   "strong" pairs (affinity ≥ g); among assignments that meet that floor, one flow maximises the total.
   A binary search finds, for each m = 1…k, the highest g that is still feasible; the floors tried give
   candidate assignments, and the one with the best weakest total whose grand total stays within
   ``total_slack`` of the max-total optimum wins. On scarce expertise this is what spreads the few
   matching judges so that every submission gets one.
2. Local improvement. While it helps, the weakest submission trades one of its judges for a better one:
   a judge with room, or a judge it swaps with another submission, provided that submission stays above
   the old minimum and the grand total stays within the slack.
"""

import numpy as np

from sprintlab.judging.assignment.flow import cost_scale, random_pairs, shortlist, solve_flow
from sprintlab.judging.assignment.problem import Problem

SEARCH_STEPS = 7
LOCAL_ROUNDS = 2_000
# Pairs each submission keeps on the shortlist the floors search: the flows stay small and fast.
SHORTLIST = 24


def fair_assignment(problem: Problem, best_total: np.ndarray, *, total_slack: float = 0.01) -> tuple[np.ndarray, dict]:
    """Start from the max-total assignment ``best_total``; return the fairer assignment and what was done."""
    value = problem.objective
    floor_total = (1.0 - total_slack) * float((value * best_total).sum())
    pairs = shortlist(problem, value, SHORTLIST) | random_pairs(problem, SHORTLIST // 2) | best_total
    best, best_key, best_floor = best_total, _key(problem, best_total), None
    scale = cost_scale(problem, value)
    levels = np.unique(np.quantile(problem.affinity[problem.allowed], np.linspace(0.5, 1.0, 129)))
    for m in range(1, problem.k + 1):
        low, high = 0, len(levels) - 1
        for _ in range(SEARCH_STEPS):
            if low > high:
                break
            middle = (low + high) // 2
            strong = problem.affinity >= levels[middle]
            chosen = solve_flow(
                problem, value, usable=pairs, strong=strong, min_strong=np.full(problem.shape[0], m), scale=scale
            )
            if chosen is None:
                high = middle - 1
                continue
            low = middle + 1
            if float((value * chosen).sum()) >= floor_total:
                key = _key(problem, chosen)
                if key > best_key:
                    best, best_key, best_floor = chosen, key, (m, float(levels[middle]))
    improved, moves = improve_weakest(problem, best, floor_total)
    return improved, {"floor": best_floor, "local_moves": moves}


def _key(problem: Problem, chosen: np.ndarray) -> tuple[float, float]:
    totals = (problem.affinity * chosen).sum(axis=1)
    return float(totals.min()), float(totals.sum())


def improve_weakest(problem: Problem, chosen: np.ndarray, floor_total: float) -> tuple[np.ndarray, int]:
    """Trade the weakest submission's worst judges for better ones while that lifts the minimum."""
    chosen = chosen.copy()
    affinity, value = problem.affinity, problem.objective
    movable = problem.allowed & ~problem.pinned
    totals = (affinity * chosen).sum(axis=1)
    load = chosen.sum(axis=0)
    grand = float((value * chosen).sum())
    moves = 0
    for _ in range(LOCAL_ROUNDS):
        i = int(np.argmin(totals))
        move = _best_move(problem, chosen, totals, load, movable, i, grand - floor_total)
        if move is None:
            break  # the weakest cannot be lifted by one trade (ties at the minimum could not be either)
        j_out, j_in, other = move
        chosen[i, j_out], chosen[i, j_in] = False, True
        delta = value[i, j_in] - value[i, j_out]
        totals[i] += affinity[i, j_in] - affinity[i, j_out]
        if other is None:
            load[j_out] -= 1
            load[j_in] += 1
        else:
            chosen[other, j_in], chosen[other, j_out] = False, True
            delta += value[other, j_out] - value[other, j_in]
            totals[other] += affinity[other, j_out] - affinity[other, j_in]
        grand += delta
        moves += 1
    return chosen, moves


def _best_move(problem, chosen, totals, load, movable, i, spare_total):
    """The trade that lifts submission ``i`` most while nobody falls to its old level: (out, in, other)."""
    affinity, value = problem.affinity, problem.objective
    outs = np.flatnonzero(chosen[i] & movable[i])
    ins = np.flatnonzero(movable[i] & ~chosen[i])
    if outs.size == 0 or ins.size == 0:
        return None
    floor = totals[i]
    best, best_level = None, floor + 1e-9
    # Judges with room: a plain replacement.
    free = ins[load[ins] < problem.cap]
    if free.size:
        gain = affinity[i, free][None, :] - affinity[i, outs][:, None]
        cost = value[i, outs][:, None] - value[i, free][None, :]
        gain = np.where(cost <= spare_total, gain, -np.inf)
        a, b = np.unravel_index(np.argmax(gain), gain.shape)
        if floor + gain[a, b] > best_level:
            best, best_level = (int(outs[a]), int(free[b]), None), floor + gain[a, b]
    # Full judges: swap with a submission that has them (and may take the judge i gives up).
    full = ins[load[ins] >= problem.cap]
    if full.size:
        others, judges_in = np.nonzero(chosen[:, full] & movable[:, full])
        judges_in = full[judges_in]
        keep = others != i
        others, judges_in = others[keep], judges_in[keep]
        for j_out in outs:
            ok = movable[others, j_out] & ~chosen[others, j_out]
            o, jin = others[ok], judges_in[ok]
            if o.size == 0:
                continue
            mine = floor + affinity[i, jin] - affinity[i, j_out]
            theirs = totals[o] + affinity[o, j_out] - affinity[o, jin]
            cost = value[i, j_out] - value[i, jin] + value[o, jin] - value[o, j_out]
            level = np.where(cost <= spare_total, np.minimum(mine, theirs), -np.inf)
            t = int(np.argmax(level))
            if level[t] > best_level:
                best, best_level = (int(j_out), int(jin[t]), int(o[t])), level[t]
    return best
