"""Who reviews what: organisers' pins and forbids, pairs added by hand, and runs of the assignment.

A run builds the problem from the database and hands it to the solver (``assignment_problem``),
checks the answer (never a conflicted or forbidden pair) and writes the assignment rows with each
pair's reason. A re-run replaces the
solver's earlier pairs that nobody has started reviewing; pinned and hand-made pairs stay.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.judging import assignment_problem
from sprintlab.judging.conflicts import conflicts_for
from sprintlab.judging.models import (
    Assignment,
    AssignmentSource,
    JudgingRound,
    JudgingSettings,
    PairRule,
    PairRuleKind,
    Review,
)
from sprintlab.judging.selectors import is_judge
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission


def _require_manager(actor, sprint: Sprint) -> None:
    if not (actor and actor.is_authenticated and actor.has_perm("judging.manage_assignments", sprint)):
        raise PermissionDeniedError(_("Only the sprint's organisers change who reviews what."))


def _check_pair(sprint: Sprint, submission: Submission, judge) -> None:
    if submission.sprint_id != sprint.pk:
        raise ServiceError({"submission": [_("Choose one of this sprint's submissions.")]})
    if not is_judge(judge, sprint):
        raise ServiceError({"judge": [_("Choose one of this sprint's judges.")]})
    reasons = conflicts_for(judge, submission)
    if reasons:
        raise Conflict(
            _("%(name)s has a conflict with this submission: %(why)s") % {"name": judge.name, "why": " ".join(reasons)}
        )


@transaction.atomic
def assignment_run(*, actor, sprint: Sprint) -> list[Assignment]:
    """Run the assignment for ``sprint``'s global round and write its pairs; bids close.

    Side effects: the solver's earlier pairs without a started review are replaced; pinned pairs
    written as "pinned"; ``JudgingSettings.assigned_at``; an audit entry. Raises:
    PermissionDeniedError, Conflict (no solver, nothing to assign, or the solver proposed a refused pair).
    """
    _require_manager(actor, sprint)
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    problem = assignment_problem.build_problem(sprint)
    if not problem.submission_ids or not problem.judge_ids:
        raise Conflict(_("There is nothing to assign yet: the sprint needs submissions and judges."))
    pairs = assignment_problem.solve(problem)
    for row, column, _reason in pairs:
        if (row, column) in problem.conflicts:
            raise Conflict(_("The solver proposed a refused pair; nothing was changed."))
    started = Review.objects.filter(sprint=sprint, round=JudgingRound.GLOBAL, is_calibration=False).values_list(
        "submission_id", "judge_id"
    )
    keep = set(started)
    stale = Assignment.objects.filter(sprint=sprint, round=JudgingRound.GLOBAL, source=AssignmentSource.SOLVER)
    stale.exclude(pk__in=[a.pk for a in stale if (a.submission_id, a.judge_id) in keep]).delete()
    existing = set(
        Assignment.objects.filter(sprint=sprint, round=JudgingRound.GLOBAL).values_list("submission_id", "judge_id")
    )
    made = []
    for row, column, reason in pairs:
        pair = (problem.submission_ids[row], problem.judge_ids[column])
        if pair in existing:
            continue
        existing.add(pair)
        source = AssignmentSource.PINNED if (row, column) in problem.pins else AssignmentSource.SOLVER
        made.append(
            Assignment(
                sprint=sprint,
                submission_id=pair[0],
                judge_id=pair[1],
                source=source,
                reason=reason[:2000],
                created_by=actor,
            )
        )
    Assignment.objects.bulk_create(made)
    settings, _created = JudgingSettings.objects.get_or_create(sprint=sprint)
    settings.assigned_at = timezone.now()
    settings.save(update_fields=["assigned_at", "updated_at"])
    record_audit(actor=actor, action="judging.assignment_run", target=sprint, pairs=len(made))
    return made


@transaction.atomic
def pair_rule_set(*, actor, submission: Submission, judge, kind: str, note: str = "") -> PairRule:
    """Pin (always pair) or forbid (never pair) ``judge`` and ``submission`` for every later run.

    A pin also writes the pair at once; a forbid removes a pair nobody has started reviewing.
    Side effects: the PairRule row, that Assignment; an audit entry. Raises: ServiceError,
    Conflict (pinning a conflicted pair, forbidding a pair under review).
    """
    sprint = submission.sprint
    _require_manager(actor, sprint)
    if kind not in PairRuleKind.values:
        raise ServiceError({"kind": [_("Choose pin or forbid.")]})
    if len(note or "") > 300:
        raise ServiceError({"note": [_("Keep the note under 300 characters.")]})
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    if kind == PairRuleKind.PIN:
        _check_pair(sprint, submission, judge)
    elif not is_judge(judge, sprint):
        raise ServiceError({"judge": [_("Choose one of this sprint's judges.")]})
    rule, _created = PairRule.objects.update_or_create(
        submission=submission,
        judge=judge,
        defaults={"sprint": sprint, "kind": kind, "note": (note or "").strip(), "created_by": actor},
    )
    pair = Assignment.objects.filter(submission=submission, judge=judge, round=JudgingRound.GLOBAL)
    if kind == PairRuleKind.PIN:
        Assignment.objects.get_or_create(
            submission=submission,
            judge=judge,
            round=JudgingRound.GLOBAL,
            defaults={
                "sprint": sprint,
                "source": AssignmentSource.PINNED,
                "reason": _("Pinned by %(name)s.") % {"name": actor.name} + (f" {rule.note}" if rule.note else ""),
                "created_by": actor,
            },
        )
    else:
        if Review.objects.filter(submission=submission, judge=judge, round=JudgingRound.GLOBAL).exists():
            raise Conflict(
                _("%(name)s has started reviewing this submission; it can no longer be forbidden.")
                % {"name": judge.name}
            )
        pair.delete()
    record_audit(actor=actor, action="judging.pair_rule", target=submission, judge=judge.pk, kind=kind)
    return rule


@transaction.atomic
def pair_rule_remove(*, actor, rule: PairRule) -> None:
    """Forget a pin or forbid (a pinned pair stays assigned until the next run). Side effects: an audit entry."""
    _require_manager(actor, rule.sprint)
    record_audit(actor=actor, action="judging.pair_rule_remove", target=rule.submission, judge=rule.judge_id)
    rule.delete()


@transaction.atomic
def assignment_add(*, actor, submission: Submission, judge, reason: str = "") -> Assignment:
    """Add one pair by hand in the global round. Side effects: an Assignment ("manual"); an audit entry.

    Raises: ServiceError (not a judge, another sprint), Conflict (conflicted, already assigned).
    """
    sprint = submission.sprint
    _require_manager(actor, sprint)
    if len(reason or "") > 2000:
        raise ServiceError({"reason": [_("Keep the reason under 2000 characters.")]})
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    _check_pair(sprint, submission, judge)
    if PairRule.objects.filter(submission=submission, judge=judge, kind=PairRuleKind.FORBID).exists():
        raise Conflict(_("This pair is forbidden; remove the rule first."))
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                sprint=sprint,
                submission=submission,
                judge=judge,
                source=AssignmentSource.MANUAL,
                reason=(reason or "").strip() or _("Added by %(name)s.") % {"name": actor.name},
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(_("%(name)s already reviews this submission.") % {"name": judge.name}) from exc
    record_audit(actor=actor, action="judging.assignment_add", target=assignment)
    return assignment


@transaction.atomic
def assignment_remove(*, actor, assignment: Assignment) -> None:
    """Take a pair away before its review has started. Side effects: an audit entry. Raises: Conflict once started."""
    _require_manager(actor, assignment.sprint)
    if Review.objects.filter(
        submission_id=assignment.submission_id, judge_id=assignment.judge_id, round=assignment.round
    ).exists():
        raise Conflict(_("This review has started; it can no longer be taken away."))
    record_audit(
        actor=actor, action="judging.assignment_remove", target=assignment.submission, judge=assignment.judge_id
    )
    assignment.delete()
