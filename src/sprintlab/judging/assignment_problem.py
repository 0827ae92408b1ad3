"""The assignment problem of a sprint, read from the database, and the one call to the solver.

``build_problem`` gathers submissions, judges, their texts for the affinity, conflicts, bids, pins
and forbids, k and the load cap; ``solve`` hands them to ``sprintlab.judging.assignment`` (in
fairness mode: the weakest submission's total is lifted as well as the sum maximised) and returns
its pairs with their reasons. Reads only: ``assignment_runs.assignment_run`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _

from sprintlab.core.errors import Conflict
from sprintlab.judging import assignment as solver
from sprintlab.judging.assignment.affinity import affinity_matrix
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import (
    Assignment,
    AssignmentSource,
    Bid,
    BidLevel,
    JudgeProfile,
    JudgingRound,
    JudgingSettings,
    Nomination,
    PairRule,
    PairRuleKind,
    Review,
)
from sprintlab.judging.selectors import judges_of
from sprintlab.registrations.models import ACTIVE_STATUSES, Registration
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission


@dataclass
class AssignmentProblem:
    """Everything the solver needs, by position: rows are submissions, columns are judges."""

    submission_ids: list[int]
    judge_ids: list[int]
    submission_texts: list[str]
    judge_texts: list[str]
    conflicts: set[tuple[int, int]]  # (row, column) pairs that must never be chosen: conflicts and forbids
    reasons_refused: dict[tuple[int, int], list[str]]
    bids: dict[tuple[int, int], str]
    pins: set[tuple[int, int]]
    k: int
    cap: int
    # Pairs a re-run keeps (added by hand, or already being reviewed): they count towards k and the cap.
    kept: set[tuple[int, int]] = field(default_factory=set)


def global_round_submissions(sprint: Sprint) -> list[Submission]:
    """The submissions the global round reviews: all of them, or with a local first round the ones
    their sites nominated and those of teams that belong to no site (remote teams have no first round)."""
    submissions = Submission.objects.filter(sprint=sprint).order_by("pk")
    settings = JudgingSettings.objects.filter(sprint=sprint).first()
    if settings and settings.local_first_round:
        at_sites = Registration.objects.filter(sprint=sprint, site__isnull=False, status__in=ACTIVE_STATUSES)
        on_site = submissions.filter(team__members__user_id__in=at_sites.values("user_id")).values("pk")
        nominated = Nomination.objects.filter(sprint=sprint).values("submission_id")
        submissions = submissions.filter(Q(pk__in=nominated) | ~Q(pk__in=on_site))
    return list(submissions)


def submission_text(submission: Submission) -> str:
    """What the affinity reads of a submission."""
    return f"{submission.title}\n{submission.abstract}\n{submission.report_text}"


def judge_text(profile: JudgeProfile | None) -> str:
    """What the affinity reads of a judge: their expertise tags and description."""
    return " ".join([*profile.expertise_tags, profile.expertise]) if profile else ""


def build_problem(sprint: Sprint) -> AssignmentProblem:
    """The sprint's assignment problem as it stands, with the solver's earlier pairs left out."""
    settings = JudgingSettings.objects.filter(sprint=sprint).first() or JudgingSettings(sprint=sprint)
    submissions = global_round_submissions(sprint)
    judges = list(judges_of(sprint).order_by("pk"))
    rows = {s.pk: i for i, s in enumerate(submissions)}
    columns = {j.pk: i for i, j in enumerate(judges)}
    profiles = {p.user_id: p for p in JudgeProfile.objects.filter(user_id__in=columns)}
    matrix = conflict_matrix(sprint, judge_ids=list(columns), submissions=submissions)
    refused = {(rows[s], columns[j]): reasons for (s, j), reasons in matrix.items()}
    rules = PairRule.objects.filter(sprint=sprint, submission_id__in=rows, judge_id__in=columns)
    pins = set()
    for rule in rules:
        pair = (rows[rule.submission_id], columns[rule.judge_id])
        if rule.kind == PairRuleKind.FORBID:
            refused.setdefault(pair, []).append(_("An organiser forbade this pair."))
        elif pair not in refused:
            pins.add(pair)
    bids = {
        (rows[s], columns[j]): level
        for s, j, level in Bid.objects.filter(sprint=sprint, submission_id__in=rows, judge_id__in=columns).values_list(
            "submission_id", "judge_id", "level"
        )
    }
    started = set(
        Review.objects.filter(sprint=sprint, round=JudgingRound.GLOBAL, is_calibration=False).values_list(
            "submission_id", "judge_id"
        )
    )
    kept = {
        (rows[submission_id], columns[judge_id])
        for submission_id, judge_id, source in Assignment.objects.filter(
            sprint=sprint, round=JudgingRound.GLOBAL
        ).values_list("submission_id", "judge_id", "source")
        if submission_id in rows
        and judge_id in columns
        and (source != AssignmentSource.SOLVER or (submission_id, judge_id) in started)
    }

    return AssignmentProblem(
        submission_ids=[s.pk for s in submissions],
        judge_ids=[j.pk for j in judges],
        submission_texts=[submission_text(s) for s in submissions],
        judge_texts=[judge_text(profiles.get(j.pk)) for j in judges],
        conflicts=set(refused),
        reasons_refused=refused,
        bids=bids,
        pins=pins,
        k=settings.reviews_per_submission,
        cap=settings.load_cap,
        kept=kept - set(refused),
    )


BID_VALUES = {BidLevel.EAGER: "EAGER", BidLevel.WILLING: "NEUTRAL", BidLevel.NOT_WILLING: "NOT_WILLING"}


def solve(problem: AssignmentProblem) -> list[tuple[int, int, str]]:
    """The solver's answer as ``(row, column, reason)`` triples, kept pairs included.

    The one place that calls the solver (``sprintlab.judging.assignment``): the affinity from the
    texts, then ``Problem.build`` and ``assign(..., fairness=True)``. Kept pairs are pinned,
    so they count towards every submission's k and every judge's cap. An instance the solver cannot
    solve (too few judges for k under the cap, too many conflicts) is refused with its reason.
    """
    matrix, _method = affinity_matrix(problem.submission_texts, problem.judge_texts)
    shape = matrix.shape
    conflicts = np.zeros(shape, dtype=bool)
    for row, column in problem.conflicts:
        conflicts[row, column] = True
    bids = np.zeros(shape, dtype=np.int8)
    for (row, column), level in problem.bids.items():
        bids[row, column] = getattr(solver, BID_VALUES.get(level, "NEUTRAL"))
    pinned = problem.pins | problem.kept
    # A pin overrides a "not willing" bid (docs/judging.md); a conflict is never pinned (build_problem).
    try:
        instance = solver.Problem.build(
            matrix, k=problem.k, cap=problem.cap, conflicts=conflicts, bids=bids, pinned=sorted(pinned)
        )
        result = solver.assign(instance, fairness=True)
    except solver.InvalidProblem as exc:
        raise Conflict(_("The assignment cannot be made: %(why)s") % {"why": exc}) from exc
    reasons = {(reason.submission, reason.judge): reason for reason in result.reasons()}
    return [(row, column, reasons[(row, column)].sentence()) for row, column in result.pairs()]
