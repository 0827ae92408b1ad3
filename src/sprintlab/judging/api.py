"""/api/v1/ for judging (docs/judging.md): judges, invitations, expertise, conflicts, bids, criteria,
assignments, scores, reviews and progress.

The same permissions as the pages: organisers and staff manage and read everything; a judge reads
their own queue, bids and assignments and writes their own scores. A refusal answers 403 (who),
409 (the state: conflicted, closed) or 400 (the value, per field).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictFloat, StrictInt

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError
from sprintlab.core.validators import MAX_ID, Email, ObjectId, WindowedDateTime
from sprintlab.judging import assignment_runs, scoring, selectors, services
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import (
    Assignment,
    BidLevel,
    Criterion,
    JudgeInvitation,
    JudgingRound,
)
from sprintlab.sprints.models import Sprint
from sprintlab.sprints.selectors import sprint_for_viewer

router = Router(tags=["judging"])
SPRINT = "/sprints/{slug}"
KINDS = {
    "global": (JudgingRound.GLOBAL, False),
    "local": (JudgingRound.LOCAL, False),
    "calibration": (JudgingRound.GLOBAL, True),
}


# --- Schemas (names unique across the project) ---------------------------------------------------


class JudgingSettingsOut(Schema):
    reviews_per_submission: int
    load_cap: int
    pairwise_mode: bool
    local_first_round: bool
    same_site_conflicts: bool
    nominations_per_site: int
    reviews_due_at: datetime | None
    assigned_at: datetime | None


class JudgingSettingsIn(Schema):
    reviews_per_submission: int | None = Field(None, description="Reviews per submission, k (1 to 10).")
    load_cap: int | None = Field(None, description="Reviews per judge at most (1 to 200).")
    pairwise_mode: bool | None = None
    local_first_round: bool | None = None
    same_site_conflicts: bool | None = None
    nominations_per_site: int | None = Field(None, description="1 to 50.")
    reviews_due_at: WindowedDateTime | None = None


class JudgeExpertiseOut(Schema):
    expertise_tags: list[str]
    expertise: str
    links: list[str]
    affiliation: str
    conflict_institutions: list[str]
    conflict_people: list[str]


class JudgeExpertiseIn(Schema):
    expertise_tags: list[str] = Field(default_factory=list, max_length=12)
    expertise: str = Field("", max_length=3000)
    links: list[str] = Field(default_factory=list, max_length=5)
    affiliation: str = Field("", max_length=200)
    conflict_institutions: list[str] = Field(default_factory=list, max_length=30)
    conflict_people: list[str] = Field(default_factory=list, max_length=30)


class JudgeOut(Schema):
    id: int
    name: str
    email: str
    expertise: JudgeExpertiseOut | None
    assigned: int
    done: int
    late: bool


class JudgeInvitationOut(Schema):
    id: int
    email: str
    message: str
    status: str = Field(description="waiting, accepted or withdrawn")
    created_at: datetime
    accepted_at: datetime | None


class JudgeInvitationIn(Schema):
    email: Email
    message: str = Field("", max_length=2000)


class JudgeInvitationAcceptIn(Schema):
    token: str = Field(..., max_length=100, description="The token in the invitation's link.")


class JudgeMembershipOut(Schema):
    sprint: str


class JudgeConflictOut(Schema):
    submission: int
    judge: int
    reasons: list[str]


class JudgeBidOut(Schema):
    submission: int
    level: str


class JudgeBidIn(Schema):
    level: BidLevel | None = Field(None, description="eager, willing, not_willing; null takes the bid back.")


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    scale_min: int
    scale_max: int
    half_steps: bool
    levels: dict[str, str]
    weight: Decimal
    position: int


class CriterionIn(Schema):
    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    scale_min: int = Field(1, description="0 to 100.")
    scale_max: int = Field(5, description="1 to 100, above scale_min.")
    half_steps: bool = False
    levels: dict[str, str] = Field(default_factory=dict, description='What each score means: {"1": "…"}.')
    weight: Decimal = Field(Decimal("1"), description="0 to 100.")


class JudgeAssignmentOut(Schema):
    id: int
    submission: int
    submission_title: str
    judge: int
    judge_name: str
    round: str
    source: str
    reason: str

    @staticmethod
    def resolve_submission(obj: Assignment) -> int:
        return obj.submission_id

    @staticmethod
    def resolve_submission_title(obj: Assignment) -> str:
        return obj.submission.title

    @staticmethod
    def resolve_judge(obj: Assignment) -> int:
        return obj.judge_id

    @staticmethod
    def resolve_judge_name(obj: Assignment) -> str:
        return obj.judge.name


class JudgeAssignmentIn(Schema):
    submission: ObjectId
    judge: ObjectId


class JudgeQueueItemOut(Schema):
    submission: int
    title: str
    kind: str = Field(description="global, local or calibration: the {kind} of the review's address")
    reason: str
    done: bool
    started: bool


class JudgeQueueOut(Schema):
    total: int
    done: int
    due_at: datetime
    items: list[JudgeQueueItemOut]


class JudgeScoreIn(Schema):
    value: StrictInt | StrictFloat = Field(
        ..., description="A number on the criterion's scale; whole points unless it takes halves."
    )


class JudgeScoreOut(Schema):
    criterion: int
    value: Decimal


class JudgeReviewIn(Schema):
    feedback: str | None = Field(None, max_length=5000)
    private_note: str | None = Field(None, max_length=3000)
    info_hazard_flag: bool | None = None
    complete: bool | None = Field(None, description="true marks it done (every criterion scored); false reopens.")


class JudgeReviewOut(Schema):
    id: int
    submission: int
    judge: int
    judge_name: str
    round: str
    is_calibration: bool
    feedback: str
    private_note: str | None = Field(description="Only for the organisers and the review's own judge.")
    info_hazard_flag: bool
    completed_at: datetime | None
    scores: list[JudgeScoreOut]


class JudgeProgressOut(Schema):
    judge: int
    name: str
    total: int
    done: int
    late: bool


class JudgeRemindIn(Schema):
    judges: list[ObjectId] | None = Field(None, max_length=500, description="Judge ids; null reminds every late judge.")


class JudgeRemindOut(Schema):
    reminded: int


# --- Helpers -------------------------------------------------------------------------------------


def _id(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise Http404(f"No such {what}.")
    return value


def _sprint(request, slug: str, perm: str | None = None) -> Sprint:
    sprint = sprint_for_viewer(slug, request.auth)
    if perm and not request.auth.has_perm(perm, sprint):
        raise PermissionDenied(_("You may not do this in this sprint's judging."))
    return sprint


def _review_out(review, *, show_note: bool) -> dict:
    return {
        "id": review.pk,
        "submission": review.submission_id,
        "judge": review.judge_id,
        "judge_name": review.judge.name,
        "round": review.round,
        "is_calibration": review.is_calibration,
        "feedback": review.feedback,
        "private_note": review.private_note if show_note else None,
        "info_hazard_flag": review.info_hazard_flag,
        "completed_at": review.completed_at,
        "scores": [{"criterion": s.criterion_id, "value": s.value} for s in review.scores.all()],
    }


def _kind(kind: str) -> tuple[str, bool]:
    if kind not in KINDS:
        raise Http404("No such review kind: use global, local or calibration.")
    return KINDS[kind]


# --- Settings, judges, invitations ---------------------------------------------------------------


@router.get(
    SPRINT + "/judging/settings",
    auth=write_auth,
    response={200: JudgingSettingsOut, **errors(401, 403, 404)},
    summary="Judging settings (organisers)",
)
def get_settings(request, slug: str):
    return selectors.settings_for(_sprint(request, slug, "judging.view_judges"))


@router.patch(
    SPRINT + "/judging/settings",
    auth=write_auth,
    response={200: JudgingSettingsOut, **errors(400, 401, 403, 404, 422)},
    summary="Change judging settings (organisers)",
)
def patch_settings(request, slug: str, payload: JudgingSettingsIn):
    sprint = _sprint(request, slug)
    return services.judging_settings_update(actor=request.auth, sprint=sprint, **payload.dict(exclude_unset=True))


@router.get(
    SPRINT + "/judges",
    auth=write_auth,
    response={200: list[JudgeOut], **errors(401, 403, 404)},
    summary="The sprint's judges with expertise and progress (organisers)",
)
def list_judges(request, slug: str):
    sprint = _sprint(request, slug, "judging.view_judges")
    progress = {row.judge.pk: row for row in selectors.progress_of(sprint, now=timezone.now())}
    out = []
    for judge in selectors.judges_of(sprint):
        profile = getattr(judge, "judge_profile", None)
        row = progress.get(judge.pk)
        out.append(
            {
                "id": judge.pk,
                "name": judge.name,
                "email": judge.email,
                "expertise": profile,
                "assigned": row.total if row else 0,
                "done": row.done if row else 0,
                "late": row.late if row else False,
            }
        )
    return out


@router.get(
    SPRINT + "/judge-invitations",
    auth=write_auth,
    response={200: list[JudgeInvitationOut], **errors(401, 403, 404)},
    summary="Invitations to judge (organisers)",
)
def list_invitations(request, slug: str):
    return list(selectors.invitations_of(_sprint(request, slug, "judging.invite_judges"))[:500])


@router.post(
    SPRINT + "/judge-invitations",
    auth=write_auth,
    response={201: JudgeInvitationOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Invite someone to judge by email (organisers)",
)
def create_invitation(request, slug: str, payload: JudgeInvitationIn):
    """The link with its token goes by email only; the answer does not hold it."""
    sprint = _sprint(request, slug)
    sent = services.judge_invite(actor=request.auth, sprint=sprint, email=payload.email, message=payload.message)
    return Status(201, sent.invitation)


@router.post(
    SPRINT + "/judge-invitations/{int:invitation_id}/withdraw",
    auth=write_auth,
    response={200: JudgeInvitationOut, **errors(401, 403, 404, 409)},
    summary="Withdraw an invitation (organisers)",
)
def withdraw_invitation(request, slug: str, invitation_id: int):
    sprint = _sprint(request, slug, "judging.invite_judges")
    invitation = JudgeInvitation.objects.filter(sprint=sprint, pk=_id(invitation_id, "invitation")).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return services.invitation_revoke(actor=request.auth, invitation=invitation)


@router.post(
    "/judge-invitations/accept",
    auth=write_auth,
    response={200: JudgeMembershipOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Accept an invitation to judge with its token",
)
def accept_invitation(request, payload: JudgeInvitationAcceptIn):
    invitation = selectors.invitation_by_token(payload.token)
    services.invitation_accept(actor=request.auth, invitation=invitation)
    return {"sprint": invitation.sprint.slug}


@router.get(
    "/me/judge-profile",
    auth=write_auth,
    response={200: JudgeExpertiseOut, **errors(401, 403)},
    summary="Your expertise and declared conflicts as a judge",
)
def get_expertise(request):
    return selectors.profile_of(request.auth)


@router.put(
    "/me/judge-profile",
    auth=write_auth,
    response={200: JudgeExpertiseOut, **errors(400, 401, 403, 422)},
    summary="Write your expertise and declared conflicts as a judge",
)
def put_expertise(request, payload: JudgeExpertiseIn):
    return services.judge_profile_update(actor=request.auth, user=request.auth, **payload.dict())


@router.get(
    SPRINT + "/judging/conflicts",
    auth=write_auth,
    response={200: list[JudgeConflictOut], **errors(401, 403, 404)},
    summary="Conflicted judge–submission pairs with reasons (organisers; a judge gets their own)",
)
def list_conflicts(request, slug: str):
    sprint = _sprint(request, slug)
    if request.auth.has_perm("judging.view_judges", sprint):
        judge_ids = list(selectors.judges_of(sprint).values_list("pk", flat=True))
    elif request.auth.has_perm("judging.judge", sprint):
        judge_ids = [request.auth.pk]
    else:
        raise PermissionDenied(_("Only the sprint's judges and organisers see conflicts."))
    matrix = conflict_matrix(sprint, judge_ids=judge_ids)
    return [{"submission": s, "judge": j, "reasons": reasons} for (s, j), reasons in sorted(matrix.items())]


# --- Bids ----------------------------------------------------------------------------------------


@router.get(
    SPRINT + "/judging/bids",
    auth=write_auth,
    response={200: list[JudgeBidOut], **errors(401, 403, 404)},
    summary="Your bids (judges)",
)
def list_bids(request, slug: str):
    sprint = _sprint(request, slug, "judging.judge")
    return [{"submission": s, "level": level} for s, level in sorted(selectors.bids_of(request.auth, sprint).items())]


@router.put(
    SPRINT + "/judging/bids/{int:submission_id}",
    auth=write_auth,
    response={200: JudgeBidOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Bid on a submission before assignment (judges)",
)
def put_bid(request, slug: str, submission_id: int, payload: JudgeBidIn):
    sprint = _sprint(request, slug, "judging.judge")
    submission = selectors.get_submission(sprint, _id(submission_id, "submission"))
    bid = services.bid_set(actor=request.auth, submission=submission, level=str(payload.level or ""))
    return {"submission": submission.pk, "level": bid.level if bid else ""}


# --- Criteria ------------------------------------------------------------------------------------


def _criterion(sprint, criterion_id: int) -> Criterion:
    criterion = Criterion.objects.filter(sprint=sprint, pk=_id(criterion_id, "criterion")).first()
    if criterion is None:
        raise Http404("No such criterion.")
    return criterion


@router.get(
    SPRINT + "/criteria",
    auth=write_auth,
    response={200: list[CriterionOut], **errors(401, 403, 404)},
    summary="The sprint's criteria (judges, organisers)",
)
def list_criteria(request, slug: str):
    sprint = _sprint(request, slug)
    if not (request.auth.has_perm("judging.edit_criteria", sprint) or request.auth.has_perm("judging.judge", sprint)):
        raise PermissionDenied(_("Only the sprint's judges and organisers see its criteria."))
    return selectors.criteria_of(sprint)


@router.post(
    SPRINT + "/criteria",
    auth=write_auth,
    response={201: CriterionOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Add a criterion (organisers)",
)
def create_criterion(request, slug: str, payload: CriterionIn):
    sprint = _sprint(request, slug)
    return Status(201, services.criterion_save(actor=request.auth, sprint=sprint, **payload.dict()))


@router.put(
    SPRINT + "/criteria/{int:criterion_id}",
    auth=write_auth,
    response={200: CriterionOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Change a criterion (organisers; a scored one keeps its scale)",
)
def update_criterion(request, slug: str, criterion_id: int, payload: CriterionIn):
    sprint = _sprint(request, slug, "judging.edit_criteria")
    criterion = _criterion(sprint, criterion_id)
    return services.criterion_save(actor=request.auth, sprint=sprint, criterion=criterion, **payload.dict())


@router.delete(
    SPRINT + "/criteria/{int:criterion_id}",
    auth=write_auth,
    response={204: None, **errors(401, 403, 404, 409)},
    summary="Remove a criterion nobody has scored (organisers)",
)
def delete_criterion(request, slug: str, criterion_id: int):
    sprint = _sprint(request, slug, "judging.edit_criteria")
    services.criterion_delete(actor=request.auth, criterion=_criterion(sprint, criterion_id))
    return Status(204, None)


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
