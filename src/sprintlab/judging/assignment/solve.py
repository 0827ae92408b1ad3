"""Reviewer assignment, the entry point: ``assign(problem, fairness=...)`` → :class:`Assignment`.

Max-total mode maximises the sum of affinities exactly (one min-cost flow, proved optimal over every
pair). Fairness mode starts there and lifts the weakest submission's total (see ``fairness``), keeping
the grand total within ``total_slack`` of that optimum. Both honour k, the load cap, conflicts, pins,
forbidden pairs and bids (see ``problem``). Results are deterministic for a given problem and seed.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from sprintlab.judging.assignment.fairness import fair_assignment
from sprintlab.judging.assignment.flow import max_total, placeable_reviews
from sprintlab.judging.assignment.problem import EAGER, Infeasible, Problem

MAX_TOTAL, FAIRNESS = "max-total", "fairness"
DEFAULT_TOTAL_SLACK = 0.01


@dataclass(frozen=True)
class PairReason:
    """Why one pair was chosen, for the organisers' page."""

    submission: int
    judge: int
    affinity: float
    rank: int  # 1 = this judge is the submission's best match among the judges it may have
    candidates: int
    eager: bool
    pinned: bool
    fairness_lift: bool  # chosen by fairness mode where max-total would have chosen otherwise
    lifted: bool  # with fairness_lift: this submission's own total rose (else it gave way to a weaker one)

    def sentence(self) -> str:
        if self.pinned:
            return "Pinned by an organiser."
        parts = [f"Match {self.rank} of {self.candidates} for this submission (affinity {self.affinity:.2f})"]
        if self.eager:
            parts.append("the judge asked for it")
        if self.fairness_lift and self.lifted:
            parts.append("chosen to lift this submission, whose best matches were taken")
        elif self.fairness_lift:
            parts.append("this submission gave up a stronger judge to a submission with weaker matches")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class Assignment:
    problem: Problem = field(repr=False)
    chosen: np.ndarray  # bool (S, J)
    mode: str
    seconds: float
    best_total: np.ndarray = field(repr=False)  # the max-total assignment, the reference for totals and reasons
    details: dict = field(default_factory=dict)

    @property
    def totals(self) -> np.ndarray:
        """Each submission's total affinity (plain affinity: bids do not count)."""
        return (self.problem.affinity * self.chosen).sum(axis=1)

    @property
    def total(self) -> float:
        return float(self.totals.sum())

    @property
    def weakest(self) -> float:
        return float(self.totals.min())

    @property
    def max_total(self) -> float:
        """The max-total optimum's total affinity, against which fairness mode's total is judged."""
        return float((self.problem.affinity * self.best_total).sum())

    def pairs(self) -> list[tuple[int, int]]:
        return [(int(i), int(j)) for i, j in np.argwhere(self.chosen)]

    def reasons(self) -> list[PairReason]:
        problem = self.problem
        ranked = np.where(problem.allowed, problem.affinity, -np.inf)
        # Rank = 1 + how many allowed judges match the submission strictly better.
        best_totals = (problem.affinity * self.best_total).sum(axis=1)
        totals = self.totals
        out = []
        for i, j in self.pairs():
            out.append(
                PairReason(
                    submission=i,
                    judge=j,
                    affinity=float(problem.affinity[i, j]),
                    rank=int((ranked[i] > problem.affinity[i, j]).sum()) + 1,
                    candidates=int(problem.allowed[i].sum()),
                    eager=bool(problem.bids[i, j] == EAGER),
                    pinned=bool(problem.pinned[i, j]),
                    fairness_lift=bool(self.mode == FAIRNESS and not self.best_total[i, j]),
                    lifted=bool(totals[i] > best_totals[i]),
                )
            )
        return out


def assign(problem: Problem, *, fairness: bool = False, total_slack: float = DEFAULT_TOTAL_SLACK) -> Assignment:
    """Solve; raise :class:`Infeasible` (with the numbers) when no assignment meets every constraint."""
    started = time.perf_counter()
    best = max_total(problem)
    if best is None:
        needed = problem.k * problem.shape[0]
        raise Infeasible(
            f"No assignment gives every submission {problem.k} judges within the load cap {problem.cap}: "
            f"conflicts, forbidden pairs, unwilling bids and pins leave room for {placeable_reviews(problem)} "
            f"of the {needed} reviews. Raise the cap, lower k or lift some exclusions."
        )
    chosen, details = best, {}
    if fairness:
        chosen, details = fair_assignment(problem, best, total_slack=total_slack)
    _check(problem, chosen)
    return Assignment(
        problem=problem,
        chosen=chosen,
        mode=FAIRNESS if fairness else MAX_TOTAL,
        seconds=time.perf_counter() - started,
        best_total=best,
        details=details,
    )


def _check(problem: Problem, chosen: np.ndarray) -> None:
    """Every promise, verified on the result: a bug must fail loudly, never assign a conflicted pair.

    Explicit raises rather than asserts, which ``python -O`` would skip.
    """
    broken = [
        ("a submission has the wrong number of judges", (chosen.sum(axis=1) != problem.k).any()),
        ("a judge is over the load cap", (chosen.sum(axis=0) > problem.cap).any()),
        ("an excluded pair was assigned", (chosen & ~problem.allowed).any()),
        ("a pinned pair was dropped", (problem.pinned & ~chosen).any()),
    ]
    for what, failed in broken:
        if failed:
            raise RuntimeError(f"Reviewer assignment broke its own constraints: {what}.")
