"""Writes for judging a sprint: settings, criteria and calibration, judges' invitations and profiles, bids.

Scores and reviews live in ``scoring.py``, assignments in ``assignment_runs.py``, a site's first
round in ``localround.py``. Every write takes ``actor``, checks their permission, records an audit
entry and refuses bad input with a ``ServiceError`` per field, changing nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.unstorable_text import unstorable_text_errors
from sprintlab.judging.models import (
    MAX_CALIBRATION_ENTRIES,
    MAX_CRITERIA,
    MAX_DECLARED_CONFLICTS,
    MAX_EXPERTISE_TAGS,
    MAX_LINKS,
    Bid,
    BidLevel,
    CalibrationEntry,
    Criterion,
    JudgeInvitation,
    JudgeProfile,
    JudgingSettings,
    Score,
    hash_token,
)
from sprintlab.judging.permissions import bid_refusal, may_edit_judge_profile
from sprintlab.notifications.services import outbox_enqueue
from sprintlab.sprints.models import Sprint, SprintMembership, SprintRole
from sprintlab.submissions.models import Submission

SETTINGS_FIELDS = (
    "reviews_per_submission",
    "load_cap",
    "pairwise_mode",
    "local_first_round",
    "same_site_conflicts",
    "nominations_per_site",
    "reviews_due_at",
)

# The criteria a sprint starts from (issue 9), each on a 1–5 scale with what its levels mean.
DEFAULT_CRITERIA = (
    (
        "Relevance to AI safety",
        "How directly the work bears on making AI systems safe.",
        {"1": "No link to AI safety", "3": "A plausible but indirect link", "5": "Central to an open safety problem"},
    ),
    (
        "Rigour",
        "Are the methods sound, the claims supported by the evidence, the limits stated?",
        {"1": "Claims without support", "3": "Sound with gaps", "5": "Careful, controlled and honest about limits"},
    ),
    (
        "Novelty",
        "What is new compared with prior work.",
        {"1": "Repeats known results", "3": "A new angle on a known question", "5": "A genuinely new idea or result"},
    ),
    (
        "Clarity and reproducibility",
        "Could another team understand and repeat it from the report and code?",
        {
            "1": "Hard to follow, nothing to rerun",
            "3": "Clear, partly reproducible",
            "5": "Clear and fully reproducible",
        },
    ),
    (
        "Impact potential",
        "How much could this matter if developed further?",
        {"1": "Little", "3": "Useful to a few groups", "5": "Could change how the field works"},
    ),
)


def _validate(instance, *, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from exc


def _refuse_unstorable(**fields) -> None:
    errors = unstorable_text_errors(fields.items())
    if errors:
        raise ServiceError(errors)


def _require_manager(actor, sprint: Sprint, perm: str, message: str) -> None:
    if not (actor and actor.is_authenticated and actor.has_perm(perm, sprint)):
        raise PermissionDeniedError(message)


# --- Settings ------------------------------------------------------------------------------------


@transaction.atomic
def judging_settings_update(*, actor, sprint: Sprint, **values) -> JudgingSettings:
    """Change how ``sprint`` is judged (k, load cap, modes, due time).

    Side effects: the sprint's JudgingSettings row (made on first use); an audit entry.
    Raises: PermissionDeniedError (not an organiser or staff), ServiceError per field.
    """
    _require_manager(actor, sprint, "judging.manage_assignments", _("Only the sprint's organisers change judging."))
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ServiceError({sorted(unknown)[0]: [_("This is not a judging setting.")]})
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    settings, _created = JudgingSettings.objects.get_or_create(sprint=sprint)
    for name, value in values.items():
        setattr(settings, name, value)
    _validate(settings, exclude=("sprint", "assigned_at"))
    settings.save()
    record_audit(actor=actor, action="judging.settings_update", target=sprint, **{k: str(v) for k, v in values.items()})
    return settings


# --- Criteria and calibration --------------------------------------------------------------------


def _criteria_manager(actor, sprint: Sprint) -> None:
    _require_manager(actor, sprint, "judging.edit_criteria", _("Only the sprint's organisers edit its criteria."))


@transaction.atomic
def criteria_use_defaults(*, actor, sprint: Sprint) -> list[Criterion]:
    """Give ``sprint`` the five default criteria when it has none yet.

    Side effects: five Criterion rows; an audit entry. Raises: Conflict when criteria exist.
    """
    _criteria_manager(actor, sprint)
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    if Criterion.objects.filter(sprint=sprint).exists():
        raise Conflict(_("This sprint already has criteria; edit them instead."))
    made = Criterion.objects.bulk_create(
        Criterion(sprint=sprint, name=name, description=description, levels=levels, position=position)
        for position, (name, description, levels) in enumerate(DEFAULT_CRITERIA)
    )
    record_audit(actor=actor, action="judging.criteria_defaults", target=sprint, count=len(made))
    return made


def _parse_weight(value) -> Decimal:
    try:
        weight = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError({"weight": [_("Give the weight as a number, e.g. 1 or 1.5.")]}) from exc
    if not weight.is_finite():
        raise ServiceError({"weight": [_("Give the weight as a number, e.g. 1 or 1.5.")]})
    return weight


def _clean_levels(levels, scale_min: int, scale_max: int) -> dict[str, str]:
    if not isinstance(levels, dict):
        raise ServiceError({"levels": [_("Say what each score means, level by level.")]})
    cleaned = {}
    for key, text in levels.items():
        text = str(text or "").strip()
        if not text:
            continue
        if not str(key).isdigit() or not scale_min <= int(key) <= scale_max:
            raise ServiceError({"levels": [_("Describe only levels on the scale.")]})
        if len(text) > 300:
            raise ServiceError({"levels": [_("Keep each level's meaning under 300 characters.")]})
        cleaned[str(int(key))] = text
    return cleaned


@transaction.atomic
def criterion_save(
    *,
    actor,
    sprint: Sprint,
    criterion: Criterion | None = None,
    name: str,
    description: str = "",
    scale_min: int = 1,
    scale_max: int = 5,
    half_steps: bool = False,
    levels: dict | None = None,
    weight=Decimal("1"),
    position: int | None = None,
) -> Criterion:
    """Add a criterion to ``sprint`` or change ``criterion``.

    Once a criterion has scores its scale stays as it is (the scores would lose their meaning).
    Side effects: the Criterion row; an audit entry. Raises: PermissionDeniedError, Conflict (scale
    of a scored criterion, too many criteria), ServiceError per field.
    """
    _criteria_manager(actor, sprint)
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    if criterion is not None and criterion.sprint_id != sprint.pk:
        raise ServiceError({"criterion": [_("Choose one of this sprint's criteria.")]})
    _refuse_unstorable(name=name, description=description, levels=levels or {})
    if criterion is None:
        if Criterion.objects.filter(sprint=sprint).count() >= MAX_CRITERIA:
            raise Conflict(_("A sprint has at most %(count)d criteria.") % {"count": MAX_CRITERIA})
        criterion = Criterion(sprint=sprint, position=Criterion.objects.filter(sprint=sprint).count())
    elif Score.objects.filter(criterion=criterion).exists() and (
        criterion.scale_min != scale_min or criterion.scale_max != scale_max or criterion.half_steps != half_steps
    ):
        raise Conflict(_("Judges have already scored this criterion, so its scale cannot change."))
    criterion.name = (name or "").strip()
    criterion.description = (description or "").strip()
    criterion.scale_min, criterion.scale_max, criterion.half_steps = scale_min, scale_max, bool(half_steps)
    criterion.weight = _parse_weight(weight)
    if position is not None:
        criterion.position = position
    _validate(criterion, exclude=("sprint",))
    if criterion.scale_min >= criterion.scale_max:
        raise ServiceError({"scale_max": [_("The highest score must be above the lowest.")]})
    criterion.levels = _clean_levels(levels or {}, criterion.scale_min, criterion.scale_max)
    criterion.save()
    record_audit(actor=actor, action="judging.criterion_save", target=criterion, name=criterion.name)
    return criterion


@transaction.atomic
def criterion_delete(*, actor, criterion: Criterion) -> None:
    """Remove a criterion nobody has scored yet. Side effects: an audit entry. Raises: Conflict once scored."""
    _criteria_manager(actor, criterion.sprint)
    if Score.objects.filter(criterion=criterion).exists():
        raise Conflict(_("Judges have already scored this criterion; it can no longer be removed."))
    record_audit(actor=actor, action="judging.criterion_delete", target=criterion.sprint, name=criterion.name)
    criterion.delete()


@transaction.atomic
def calibration_set(*, actor, sprint: Sprint, submissions: list[Submission]) -> list[CalibrationEntry]:
    """Make ``submissions`` (in order) the entries every judge scores first; an empty list removes them.

    Side effects: CalibrationEntry rows replaced; an audit entry. Raises: ServiceError (another
    sprint's submission, too many entries).
    """
    _criteria_manager(actor, sprint)
    if len(submissions) > MAX_CALIBRATION_ENTRIES:
        raise ServiceError(
            {"submissions": [_("Choose at most %(count)d calibration entries.") % {"count": MAX_CALIBRATION_ENTRIES}]}
        )
    if any(s.sprint_id != sprint.pk for s in submissions):
        raise ServiceError({"submissions": [_("Choose submissions of this sprint.")]})
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    CalibrationEntry.objects.filter(sprint=sprint).delete()
    unique = list(dict.fromkeys(submissions))
    entries = CalibrationEntry.objects.bulk_create(
        CalibrationEntry(sprint=sprint, submission=s, position=i) for i, s in enumerate(unique)
    )
    record_audit(actor=actor, action="judging.calibration_set", target=sprint, submissions=[s.pk for s in unique])
    return entries


# --- Invitations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationSent:
    """The invitation, and its token: shown nowhere but in the email (and to the API caller once)."""

    invitation: JudgeInvitation
    token: str


@transaction.atomic
def judge_invite(*, actor, sprint: Sprint, email: str, message: str = "") -> InvitationSent:
    """Invite ``email`` to judge ``sprint``; the person needs no account yet.

    Side effects: a JudgeInvitation row (its token's hash); an email with the link; an audit entry.
    Raises: PermissionDeniedError, ServiceError (address), Conflict (already a judge, already invited).
    """
    _require_manager(actor, sprint, "judging.invite_judges", _("Only the sprint's organisers invite judges."))
    _refuse_unstorable(email=email, message=message)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ServiceError({"email": [_("Enter a valid email address.")]}) from exc
    if SprintMembership.objects.filter(sprint=sprint, role=SprintRole.JUDGE, user__email__iexact=email).exists():
        raise Conflict(_("%(email)s is already a judge of this sprint.") % {"email": email})
    token = JudgeInvitation.new_token()
    invitation = JudgeInvitation(
        sprint=sprint, email=email, token_hash=hash_token(token), message=(message or "").strip(), invited_by=actor
    )
    _validate(invitation, exclude=("sprint", "token_hash", "invited_by"))
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise Conflict(
            _("%(email)s has already been invited; withdraw that invitation first.") % {"email": email}
        ) from exc
    link = django_settings.SITE_URL + reverse("judging:accept", kwargs={"token": token})
    body = _("%(name)s invites you to judge the submissions of %(sprint)s.") % {
        "name": actor.name,
        "sprint": sprint.title,
    }
    if invitation.message:
        body += "\n\n" + invitation.message
    body += "\n\n" + _("Accept the invitation (you can create an account on the way):") + f"\n{link}\n"
    outbox_enqueue(
        key=f"judge-invitation:{invitation.pk}",
        to_email=email,
        subject=_("Judge %(sprint)s") % {"sprint": sprint.title},
        body_text=body,
        fresh_key=True,
    )
    record_audit(actor=actor, action="judging.invite", target=invitation, email=email)
    return InvitationSent(invitation=invitation, token=token)


@transaction.atomic
def invitation_revoke(*, actor, invitation: JudgeInvitation) -> JudgeInvitation:
    """Withdraw an invitation nobody has accepted. Side effects: ``revoked_at``; an audit entry."""
    _require_manager(
        actor, invitation.sprint, "judging.invite_judges", _("Only the sprint's organisers withdraw invitations.")
    )
    invitation = JudgeInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise Conflict(_("This invitation has already been accepted or withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    record_audit(actor=actor, action="judging.invitation_revoke", target=invitation)
    return invitation


@transaction.atomic
def invitation_accept(*, actor, invitation: JudgeInvitation) -> SprintMembership:
    """``actor`` (signed in, whatever their address: the link is the proof) becomes a judge of the sprint.

    Side effects: a SprintMembership with the judge role; a JudgeProfile (from the account's
    affiliation) when there is none; the invitation marked accepted; an audit entry.
    Raises: PermissionDeniedError (not signed in), Conflict (withdrawn or used).
    """
    if not (actor and actor.is_authenticated):
        raise PermissionDeniedError(_("Sign in or create an account to accept the invitation."))
    invitation = JudgeInvitation.objects.select_for_update().select_related("sprint").get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise Conflict(_("This invitation has been withdrawn; ask the organisers for a new one."))
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been used."))
    membership, _created = SprintMembership.objects.get_or_create(
        sprint=invitation.sprint, user=actor, role=SprintRole.JUDGE
    )
    JudgeProfile.objects.get_or_create(user=actor, defaults={"affiliation": actor.affiliation})
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    record_audit(actor=actor, action="judging.invitation_accept", target=invitation, sprint=invitation.sprint_id)
    return membership


# --- A judge's profile ---------------------------------------------------------------------------


def _clean_list(name: str, values, *, limit: int, max_length: int, lower: bool = False) -> list[str]:
    if not isinstance(values, list | tuple):
        raise ServiceError({name: [_("Give a list.")]})
    stripped = (str(v).strip() for v in values)
    cleaned = list(dict.fromkeys(v.lower() if lower else v for v in stripped if v))
    if len(cleaned) > limit:
        raise ServiceError({name: [_("Give at most %(count)d.") % {"count": limit}]})
    if any(len(v) > max_length for v in cleaned):
        raise ServiceError({name: [_("Keep each one under %(count)d characters.") % {"count": max_length}]})
    return cleaned


@transaction.atomic
def judge_profile_update(
    *,
    actor,
    user,
    expertise_tags: list[str],
    expertise: str,
    links: list[str],
    affiliation: str,
    conflict_institutions: list[str],
    conflict_people: list[str],
) -> JudgeProfile:
    """Write ``user``'s judge profile: expertise for matching, declared conflicts.

    Side effects: the JudgeProfile row; an audit entry. Raises: PermissionDeniedError (not the
    judge, their organiser or staff), ServiceError per field.
    """
    if not may_edit_judge_profile(actor, user):
        raise PermissionDeniedError(_("Only the judge, their sprint's organisers and staff edit this profile."))
    _refuse_unstorable(
        expertise_tags=expertise_tags,
        expertise=expertise,
        links=links,
        affiliation=affiliation,
        conflict_institutions=conflict_institutions,
        conflict_people=conflict_people,
    )
    tags = _clean_list("expertise_tags", expertise_tags, limit=MAX_EXPERTISE_TAGS, max_length=40, lower=True)
    links = _clean_list("links", links, limit=MAX_LINKS, max_length=300)
    url = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            url(link)
        except ValidationError as exc:
            raise ServiceError({"links": [_("“%(link)s” is not a web address.") % {"link": link[:80]}]}) from exc
    profile = JudgeProfile.objects.select_for_update().filter(user=user).first() or JudgeProfile(user=user)
    profile.expertise_tags = tags
    profile.expertise = (expertise or "").strip()
    profile.links = links
    profile.affiliation = (affiliation or "").strip()
    profile.conflict_institutions = _clean_list(
        "conflict_institutions", conflict_institutions, limit=MAX_DECLARED_CONFLICTS, max_length=200
    )
    profile.conflict_people = _clean_list(
        "conflict_people", conflict_people, limit=MAX_DECLARED_CONFLICTS, max_length=200
    )
    _validate(profile, exclude=("user",))
    profile.save()
    record_audit(actor=actor, action="judging.profile_update", target=profile, user_id=user.pk)
    return profile


# --- Bids ----------------------------------------------------------------------------------------


@transaction.atomic
def bid_set(*, actor, submission: Submission, level: str) -> Bid | None:
    """``actor`` (a judge) says how much they want to review ``submission``; "" takes the bid back.

    Side effects: the Bid row written or removed; an audit entry. Raises: PermissionDeniedError
    (not a judge), Conflict (conflicted, bidding closed), ServiceError (unknown level).
    """
    if level and level not in BidLevel.values:
        raise ServiceError({"level": [_("Choose eager, willing or not willing.")]})
    refusal = bid_refusal(actor, submission, now=timezone.now())
    if refusal is not None:
        raise refusal
    existing = Bid.objects.select_for_update().filter(submission=submission, judge=actor).first()
    record_audit(actor=actor, action="judging.bid", target=submission, level=level or "none")
    if not level:
        if existing is not None:
            existing.delete()
        return None
    if existing is None:
        return Bid.objects.create(sprint_id=submission.sprint_id, submission=submission, judge=actor, level=level)
    existing.level = level
    existing.save(update_fields=["level", "updated_at"])
    return existing
