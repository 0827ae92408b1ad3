"""/api/v1/ for judging (docs/judging.md): settings, judges, invitations, expertise, conflicts, bids and
criteria; assignments, scores, reviews and progress are in ``api_reviews.py``.

The same permissions as the pages: organisers and staff manage and read everything; a judge reads
their own queue, bids and assignments and writes their own scores. A refusal answers 403 (who),
409 (the state: conflicted, closed) or 400 (the value, per field).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.core.validators import MAX_ID
from sprintlab.judging import selectors, services
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import (
    Criterion,
    JudgeInvitation,
    JudgingRound,
)
from sprintlab.judging.schemas import (
    CriterionIn,
    CriterionOut,
    JudgeBidIn,
    JudgeBidOut,
    JudgeConflictOut,
    JudgeExpertiseIn,
    JudgeExpertiseOut,
    JudgeInvitationAcceptIn,
    JudgeInvitationIn,
    JudgeInvitationOut,
    JudgeMembershipOut,
    JudgeOut,
    JudgingSettingsIn,
    JudgingSettingsOut,
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
