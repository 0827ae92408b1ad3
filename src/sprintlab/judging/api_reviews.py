"""/api/v1/ for judging's reviews (docs/judging.md): assignments, pins and forbids, the judge's queue,
scores, reviews, progress, reminders and a site's nominations. The same permissions as the pages.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError
from sprintlab.judging import assignment_runs, localround, scoring, selectors
from sprintlab.judging.api import SPRINT, _criterion, _id, _kind, _review_out, _sprint
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import Assignment, Nomination, PairRule
from sprintlab.judging.schemas import (
    JudgeAssignmentIn,
    JudgeAssignmentOut,
    JudgeNominationIn,
    JudgeNominationOut,
    JudgePairRuleIn,
    JudgePairRuleOut,
    JudgeProgressOut,
    JudgeQueueOut,
    JudgeRemindIn,
    JudgeRemindOut,
    JudgeReviewIn,
    JudgeReviewOut,
    JudgeScoreIn,
    JudgeScoreOut,
)
from sprintlab.localsites.models import LocalSite

router = Router(tags=["judging"])


# --- Assignments ---------------------------------------------------------------------------------


@router.get(
    SPRINT + "/judging/assignments",
    auth=write_auth,
    response={200: list[JudgeAssignmentOut], **errors(401, 403, 404)},
    summary="Who reviews what and why (organisers: all; a judge: their own)",
)
def list_assignments(request, slug: str):
    sprint = _sprint(request, slug)
    assignments = selectors.assignments_of(sprint)
    if request.auth.has_perm("judging.manage_assignments", sprint):
        return list(assignments)
    if request.auth.has_perm("judging.judge", sprint):
        return list(assignments.filter(judge=request.auth))
    raise PermissionDenied(_("Only the sprint's judges and organisers see assignments."))


@router.post(
    SPRINT + "/judging/assignments",
    auth=write_auth,
    response={201: JudgeAssignmentOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Add a pair by hand (organisers)",
)
def create_assignment(request, slug: str, payload: JudgeAssignmentIn):
    sprint = _sprint(request, slug, "judging.manage_assignments")
    submission = selectors.get_submission(sprint, payload.submission)
    judge = get_user_model().objects.filter(pk=payload.judge).first()
    if judge is None:
        raise ServiceError({"judge": [_("Choose one of this sprint's judges.")]})
    assignment = assignment_runs.assignment_add(actor=request.auth, submission=submission, judge=judge)
    return Status(201, assignment)


@router.post(
    SPRINT + "/judging/assignments/run",
    auth=write_auth,
    response={200: list[JudgeAssignmentOut], **errors(401, 403, 404, 409)},
    summary="Run the assignment (organisers): the new pairs, each with its reason",
    description=(
        "Every global-round submission gets k judges, no judge exceeds the load cap, conflicted and "
        "forbidden pairs are never chosen, pins and pairs already being reviewed are kept, and the "
        "weakest submission's total affinity is lifted as well as the sum maximised. A re-run replaces "
        "the solver's earlier pairs that nobody has started. 409 with the reason when no assignment "
        "can meet the constraints (nothing changes)."
    ),
)
def run_assignment(request, slug: str):
    sprint = _sprint(request, slug, "judging.manage_assignments")
    made = assignment_runs.assignment_run(actor=request.auth, sprint=sprint)
    return selectors.assignments_of(sprint).filter(pk__in=[assignment.pk for assignment in made])


# --- The judge's queue, scores and reviews -------------------------------------------------------


@router.get(
    SPRINT + "/judging/queue",
    auth=write_auth,
    response={200: JudgeQueueOut, **errors(401, 403, 404)},
    summary="Your queue and progress (judges)",
)
def my_queue(request, slug: str):
    sprint = _sprint(request, slug, "judging.judge")
    calibration = set(selectors.calibration_submission_ids(sprint))
    conflicted = (
        {
            s
            for s, _j in conflict_matrix(
                sprint,
                judge_ids=[request.auth.pk],
                submissions=selectors.submissions_of(sprint).filter(pk__in=calibration),
            )
        }
        if calibration
        else set()
    )
    items = selectors.queue_for(request.auth, sprint, conflicted_ids=conflicted)
    return {
        "total": len(items),
        "done": sum(item.done for item in items),
        "due_at": selectors.settings_for(sprint).due_at(),
        "items": [
            {
                "submission": item.submission.pk,
                "title": item.submission.title,
                "kind": "calibration" if item.is_calibration else item.round,
                "reason": item.reason,
                "done": item.done,
                "started": item.started,
            }
            for item in items
        ],
    }


@router.put(
    SPRINT + "/judging/reviews/{int:submission_id}/{kind}/scores/{int:criterion_id}",
    auth=write_auth,
    response={200: JudgeScoreOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Score one criterion (the judge assigned)",
)
def put_score(request, slug: str, submission_id: int, kind: str, criterion_id: int, payload: JudgeScoreIn):
    """400 for a value off the scale (NaN, infinite, huge, a fraction on a whole-point scale); 403 when
    the submission is not assigned to you; 409 when you are conflicted or judging is closed."""
    sprint = _sprint(request, slug)
    round, is_calibration = _kind(kind)
    submission = selectors.get_submission(sprint, _id(submission_id, "submission"))
    criterion = _criterion(sprint, criterion_id)
    score = scoring.score_save(
        actor=request.auth,
        submission=submission,
        criterion=criterion,
        value=payload.value,
        round=round,
        is_calibration=is_calibration,
    )
    return {"criterion": criterion.pk, "value": score.value}


@router.patch(
    SPRINT + "/judging/reviews/{int:submission_id}/{kind}",
    auth=write_auth,
    response={200: JudgeReviewOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Write your review's feedback, private note and flag; complete it (the judge assigned)",
)
def patch_review(request, slug: str, submission_id: int, kind: str, payload: JudgeReviewIn):
    sprint = _sprint(request, slug)
    round, is_calibration = _kind(kind)
    submission = selectors.get_submission(sprint, _id(submission_id, "submission"))
    review = scoring.review_save(
        actor=request.auth, submission=submission, round=round, is_calibration=is_calibration, **payload.dict()
    )
    return _review_out(review, show_note=True)


@router.get(
    SPRINT + "/judging/reviews",
    auth=write_auth,
    response={200: list[JudgeReviewOut], **errors(401, 403, 404)},
    summary="Every review with scores and notes (organisers); a judge gets their own",
)
def list_reviews(request, slug: str):
    sprint = _sprint(request, slug)
    reviews = selectors.reviews_of(sprint)
    if request.auth.has_perm("judging.view_scores", sprint):
        show = request.auth.has_perm("judging.view_private_notes", sprint)
        return [_review_out(review, show_note=show) for review in reviews]
    if request.auth.has_perm("judging.judge", sprint):
        return [_review_out(review, show_note=True) for review in reviews.filter(judge=request.auth)]
    raise PermissionDenied(_("Only the sprint's judges and organisers see reviews."))


@router.get(
    SPRINT + "/judging/progress",
    auth=write_auth,
    response={200: list[JudgeProgressOut], **errors(401, 403, 404)},
    summary="Each judge's progress and who is late (organisers)",
)
def progress(request, slug: str):
    sprint = _sprint(request, slug, "judging.view_judges")
    return [
        {"judge": row.judge.pk, "name": row.judge.name, "total": row.total, "done": row.done, "late": row.late}
        for row in selectors.progress_of(sprint, now=timezone.now())
    ]


@router.post(
    SPRINT + "/judging/remind",
    auth=write_auth,
    response={200: JudgeRemindOut, **errors(400, 401, 403, 404, 422)},
    summary="Remind late judges, or the ones named (organisers)",
)
def remind(request, slug: str, payload: JudgeRemindIn):
    sprint = _sprint(request, slug)
    return {"reminded": scoring.judges_remind(actor=request.auth, sprint=sprint, judge_ids=payload.judges)}


def _judge_of(sprint, judge_id: int):
    judge = get_user_model().objects.filter(pk=judge_id).first()
    if judge is None:
        raise ServiceError({"judge": [_("Choose one of this sprint's judges.")]})
    return judge


@router.post(
    SPRINT + "/judging/pair-rules",
    auth=write_auth,
    response={200: JudgePairRuleOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Pin or forbid a judge–submission pair for every later run (organisers)",
)
def set_pair_rule(request, slug: str, payload: JudgePairRuleIn):
    sprint = _sprint(request, slug, "judging.manage_assignments")
    submission = selectors.get_submission(sprint, payload.submission)
    return assignment_runs.pair_rule_set(
        actor=request.auth,
        submission=submission,
        judge=_judge_of(sprint, payload.judge),
        kind=str(payload.kind),
        note=payload.note,
    )


@router.delete(
    SPRINT + "/judging/pair-rules/{int:rule_id}",
    auth=write_auth,
    response={204: None, **errors(401, 403, 404)},
    summary="Forget a pin or forbid (organisers)",
)
def delete_pair_rule(request, slug: str, rule_id: int):
    sprint = _sprint(request, slug, "judging.manage_assignments")
    rule = PairRule.objects.filter(sprint=sprint, pk=_id(rule_id, "rule")).first()
    if rule is None:
        raise Http404("No such rule.")
    assignment_runs.pair_rule_remove(actor=request.auth, rule=rule)
    return Status(204, None)


@router.delete(
    SPRINT + "/judging/assignments/{int:assignment_id}",
    auth=write_auth,
    response={204: None, **errors(401, 403, 404, 409)},
    summary="Take a pair away before its review starts (organisers)",
)
def delete_assignment(request, slug: str, assignment_id: int):
    sprint = _sprint(request, slug, "judging.manage_assignments")
    assignment = Assignment.objects.filter(sprint=sprint, pk=_id(assignment_id, "assignment")).first()
    if assignment is None:
        raise Http404("No such assignment.")
    assignment_runs.assignment_remove(actor=request.auth, assignment=assignment)
    return Status(204, None)


@router.get(
    SPRINT + "/judging/nominations",
    auth=write_auth,
    response={200: list[JudgeNominationOut], **errors(401, 403, 404)},
    summary="Submissions the sites nominated to the global round (organisers)",
)
def list_nominations(request, slug: str):
    sprint = _sprint(request, slug, "judging.view_judges")
    return list(Nomination.objects.filter(sprint=sprint).order_by("site_id", "created_at"))


@router.post(
    SPRINT + "/judging/nominations",
    auth=write_auth,
    response={201: JudgeNominationOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Nominate one of a site's submissions to the global round (the site's organisers)",
)
def create_nomination(request, slug: str, payload: JudgeNominationIn):
    sprint = _sprint(request, slug)
    site = LocalSite.objects.filter(sprint=sprint, pk=payload.site).select_related("sprint").first()
    if site is None:
        raise ServiceError({"site": [_("Choose one of this sprint's sites.")]})
    submission = selectors.get_submission(sprint, payload.submission)
    nomination = localround.nomination_add(actor=request.auth, site=site, submission=submission, note=payload.note)
    return Status(201, nomination)


@router.delete(
    SPRINT + "/judging/nominations/{int:nomination_id}",
    auth=write_auth,
    response={204: None, **errors(401, 403, 404, 409)},
    summary="Withdraw a nomination (the site's organisers)",
)
def delete_nomination(request, slug: str, nomination_id: int):
    sprint = _sprint(request, slug)
    nomination = (
        Nomination.objects.filter(sprint=sprint, pk=_id(nomination_id, "nomination")).select_related("site").first()
    )
    if nomination is None:
        raise Http404("No such nomination.")
    localround.nomination_remove(actor=request.auth, nomination=nomination)
    return Status(204, None)
