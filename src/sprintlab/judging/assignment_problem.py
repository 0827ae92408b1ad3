"""The assignment problem of a sprint, read from the database, and the one call to the solver.

``build_problem`` gathers submissions, judges, their texts for the affinity, conflicts, bids, pins
and forbids, k and the load cap; ``solve`` hands them to ``sprintlab.judging.assignment`` and
returns its pairs with their reasons. Reads only: ``assignment_runs.assignment_run`` writes.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from sprintlab.core.errors import Conflict
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import (
    Assignment,
    AssignmentSource,
    Bid,
    JudgeProfile,
    JudgingRound,
    JudgingSettings,
    Nomination,
    PairRule,
    PairRuleKind,
)
from sprintlab.judging.selectors import judges_of
from sprintlab.registrations.models import ACTIVE_STATUSES, Registration
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission

SOLVER_MODULE = "sprintlab.judging.assignment"


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
    already: dict[int, int] = field(default_factory=dict)  # judge column -> reviews they keep from before


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
    kept = Assignment.objects.filter(sprint=sprint, round=JudgingRound.GLOBAL).exclude(source=AssignmentSource.SOLVER)
    already: dict[int, int] = {}
    for judge_id in kept.values_list("judge_id", flat=True):
        if judge_id in columns:
            already[columns[judge_id]] = already.get(columns[judge_id], 0) + 1

    def judge_text(judge) -> str:
        profile = profiles.get(judge.pk)
        return " ".join([*profile.expertise_tags, profile.expertise]) if profile else ""

    return AssignmentProblem(
        submission_ids=[s.pk for s in submissions],
        judge_ids=[j.pk for j in judges],
        submission_texts=[f"{s.title}\n{s.abstract}\n{s.report_text}" for s in submissions],
        judge_texts=[judge_text(j) for j in judges],
        conflicts=set(refused),
        reasons_refused=refused,
        bids=bids,
        pins=pins,
        k=settings.reviews_per_submission,
        cap=settings.load_cap,
        already=already,
    )


def solve(problem: AssignmentProblem) -> list[tuple[int, int, str]]:
    """The solver's answer as ``(row, column, reason)`` triples.

    The one place that knows the solver's interface (``sprintlab.judging.assignment``): its
    ``affinity.affinity_matrix(submission_texts, judge_texts)`` and ``solve(...)``, returning pairs
    with their reasons. It is wired when the solver's package is merged; until then a run is refused.
    """
    try:
        solver = importlib.import_module(SOLVER_MODULE)
        affinity = importlib.import_module(SOLVER_MODULE + ".affinity")
    except ImportError as exc:
        raise Conflict(_("The assignment solver is not installed on this server; assign pairs by hand.")) from exc
    matrix = affinity.affinity_matrix(problem.submission_texts, problem.judge_texts)
    result = solver.solve(
        affinity=matrix,
        conflicts=problem.conflicts,
        k=problem.k,
        cap=problem.cap,
        bids=problem.bids,
        pins=problem.pins,
        forbids=set(),
        existing_load=problem.already,
    )
    return [(pair.submission, pair.judge, pair.reason) for pair in result.pairs]
