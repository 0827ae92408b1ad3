"""Reviewer assignment for expert judging: pure code (arrays in, arrays out), no models.

``Problem.build(...)`` checks an instance, ``assign(problem, fairness=...)`` solves it, and
``Assignment.reasons()`` says why each pair was chosen. ``affinity`` turns texts into an affinity
matrix; ``bounds`` gives the LP upper bound on the weakest submission's total; ``csv_files`` reads and
writes the command's plain CSV files. See docs/judging.md, "Assignment".
"""

from sprintlab.judging.assignment.problem import EAGER, NEUTRAL, NOT_WILLING, Infeasible, InvalidProblem, Problem
from sprintlab.judging.assignment.solve import FAIRNESS, MAX_TOTAL, Assignment, PairReason, assign

__all__ = [
    "EAGER",
    "FAIRNESS",
    "MAX_TOTAL",
    "NEUTRAL",
    "NOT_WILLING",
    "Assignment",
    "Infeasible",
    "InvalidProblem",
    "PairReason",
    "Problem",
    "assign",
]
