"""Every write to local sites: applications and decisions (messages and check-in: ``registrations.attendance``).

Pages and the API call these functions, so both validate and behave the same way. Each one runs in
a transaction: a refused step raises a ``ServiceError`` (or ``Conflict``/``PermissionDeniedError``)
and changes nothing.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sprintlab.accounts.ratelimits import email_lookups_charge
from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.validators import DATETIME_WINDOW_MESSAGE, MAX_SEATS, datetime_in_window
from sprintlab.localsites.models import UNDECIDED_STATUSES, LocalSite, SiteOrganiser, SiteStatus
from sprintlab.localsites.permissions import apply_refusal, withdraw_refusal
from sprintlab.localsites.signals import site_withdrawing
from sprintlab.notifications.services import outbox_enqueue
from sprintlab.sprints.models import Sprint, SprintRole

MAX_CO_ORGANISERS = 10
MAX_DESCRIPTION_LENGTH = 10_000
MAX_NOTES_LENGTH = 3_000
MAX_REASON_LENGTH = 5_000
# Site slugs that would collide with the app's own URLs under /sprints/<slug>/sites/.
RESERVED_SLUGS = {"apply"}


@dataclass
class SiteApplicationData:
    """What an applicant fills in. Start and end are wall-clock times in ``timezone``.

    A start or end that carries its own UTC offset (from the API) is taken as that exact instant.
    """

    name: str
    address: str
    city: str
    country: str
    capacity: int
    timezone: str
    starts_at: datetime
    ends_at: datetime
    contact_name: str
    contact_email: str
    description: str = ""
    accessibility_notes: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    admission_mode: str = ""
    co_organiser_emails: list[str] = field(default_factory=list)

    @classmethod
    def from_site(cls, site: LocalSite) -> SiteApplicationData:
        """The current answers of ``site`` in its own zone, e.g. to prefill an edit form."""
        return cls(
            name=site.name,
            address=site.address,
            city=site.city,
            country=str(site.country),
            capacity=site.capacity,
            timezone=site.timezone,
            starts_at=site.local_starts_at.replace(tzinfo=None),
            ends_at=site.local_ends_at.replace(tzinfo=None),
            contact_name=site.contact_name,
            contact_email=site.contact_email,
            description=site.description,
            accessibility_notes=site.accessibility_notes,
            latitude=site.latitude,
            longitude=site.longitude,
            admission_mode=site.admission_mode,
            co_organiser_emails=[
                link.user.email for link in site.organiser_links.select_related("user") if not link.is_lead
            ],
        )


# --- Applications ------------------------------------------------------------------------------


def site_application_submit(*, sprint: Sprint, actor, data: SiteApplicationData) -> LocalSite:
    """``actor`` applies to host a site for ``sprint`` and becomes its lead organiser.

    Side effects: a pending ``LocalSite``, ``SiteOrganiser`` rows (lead + co-organisers), an audit
    entry, an email to the applicant and one to each sprint organiser.
    Raises: PermissionDeniedError, Conflict (``permissions.apply_refusal``), ServiceError per field.
    """
    refusal = apply_refusal(actor, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal
    # Before the transaction: the lookup budget lives in the cache, which may be Redis over the network.
    email_lookups_charge(user=actor, emails=data.co_organiser_emails)
    return _site_application_submit(sprint=sprint, applicant=actor, data=data)


@transaction.atomic
def _site_application_submit(*, sprint: Sprint, applicant, data: SiteApplicationData) -> LocalSite:
    refusal = apply_refusal(applicant, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal
    # Lock the sprint so that two applications never pick the same slug.
    sprint = Sprint.objects.select_for_update().get(pk=sprint.pk)
    site = LocalSite(sprint=sprint, applicant=applicant, status=SiteStatus.PENDING)
    co_organisers = _apply_answers(site, data, applicant=applicant)
    # A double-clicked "Send" must not create the same application twice.
    duplicate = LocalSite.objects.filter(
        sprint=sprint,
        applicant=applicant,
        name__iexact=site.name,
        city__iexact=site.city,
        status__in=(*UNDECIDED_STATUSES, SiteStatus.APPROVED),
    )
    if duplicate.exists():
        raise Conflict({"name": [_("You already applied to host this venue for this sprint; see My sites.")]})
    site.slug = _unique_slug(sprint, f"{site.name} {site.city}")
    site.save()
    SiteOrganiser.objects.create(site=site, user=applicant, is_lead=True)
    SiteOrganiser.objects.bulk_create([SiteOrganiser(site=site, user=user) for user in co_organisers])
    entry = record_audit(actor=applicant, action="site_application.submitted", target=site)
    _email_applicant(site, event="received", audit_id=entry.pk)
    _email_sprint_organisers(site, audit_id=entry.pk)
    return site


def site_application_update(*, site: LocalSite, actor, data: SiteApplicationData) -> LocalSite:
    # Before the transaction: the lookup budget lives in the cache, which may be Redis over the network.
    email_lookups_charge(user=actor, emails=data.co_organiser_emails)
    return _site_application_update(site=site, actor=actor, data=data)


@transaction.atomic
def _site_application_update(*, site: LocalSite, actor, data: SiteApplicationData) -> LocalSite:
    """Change an application that is pending or awaiting changes; it goes back to review.

    Side effects: the site's answers and co-organisers change, its status becomes pending (organisers
    are told again when changes had been requested), an audit entry.
    """
    site = _lock(site)
    if not actor.has_perm("localsites.edit_application", site):
        if site.applicant_id == actor.pk:
            raise Conflict(_("This application was already decided and can no longer be edited."))
        raise PermissionDeniedError(_("Only the applicant can edit this application."))
    was_waiting_for_changes = site.status == SiteStatus.CHANGES_REQUESTED
    co_organisers = _apply_answers(site, data, applicant=site.applicant)
    site.status = SiteStatus.PENDING
    site.save()
    site.organiser_links.filter(is_lead=False).exclude(user__in=co_organisers).delete()
    existing = set(site.organiser_links.values_list("user_id", flat=True))
    SiteOrganiser.objects.bulk_create(
        [SiteOrganiser(site=site, user=user) for user in co_organisers if user.pk not in existing]
    )
    entry = record_audit(actor=actor, action="site_application.updated", target=site)
    if was_waiting_for_changes:
        _email_sprint_organisers(site, audit_id=entry.pk, resubmitted=True)
    return site


@transaction.atomic
def site_application_approve(*, site: LocalSite, actor) -> LocalSite:
    """Approve an application: the site becomes public and open for registration.

    Side effects: status, decider and time; an audit entry; an email to the applicant.
    """
    return _decide(site, actor=actor, status=SiteStatus.APPROVED, reason="", event="approved")


@transaction.atomic
def site_application_reject(*, site: LocalSite, actor, reason: str) -> LocalSite:
    """Turn an application down with a ``reason`` the applicant reads.

    Side effects: status, reason, decider and time; an audit entry; an email to the applicant.
    """
    return _decide(site, actor=actor, status=SiteStatus.REJECTED, reason=_required_reason(reason), event="rejected")


@transaction.atomic
def site_application_request_changes(*, site: LocalSite, actor, message: str) -> LocalSite:
    """Ask the applicant to change their application; they edit it and it returns to review.

    Side effects: status, the requested changes, decider and time; an audit entry; an email.
    """
    return _decide(
        site,
        actor=actor,
        status=SiteStatus.CHANGES_REQUESTED,
        reason=_required_reason(message, field_name="reason"),
        event="changes_requested",
    )


@transaction.atomic
def site_application_withdraw(*, site: LocalSite, actor) -> LocalSite:
    """The applicant (or staff) withdraws an application, or an approved site nobody registered at
    before its doors open (``permissions.may_withdraw_site``).

    Side effects: status becomes withdrawn; an audit entry.
    """
    site = _lock(site)
    refusal = withdraw_refusal(actor, site, now=timezone.now())
    if refusal is not None:
        raise refusal
    # The registrations app refuses (Conflict) while people are registered at the site.
    site_withdrawing.send(sender=LocalSite, site=site)
    site.status = SiteStatus.WITHDRAWN
    site.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="site_application.withdrawn", target=site)
    return site


def _decide(site: LocalSite, *, actor, status: str, reason: str, event: str) -> LocalSite:
    site = _lock(site)
    if not actor.has_perm("sprints.review_site_applications", site.sprint):
        raise PermissionDeniedError(_("Only the sprint's organisers can decide on site applications."))
    if site.status not in UNDECIDED_STATUSES:
        raise Conflict(_("This application was already decided (%(status)s).") % {"status": site.get_status_display()})
    site.status = status
    site.decision_reason = reason
    site.decided_at = timezone.now()
    site.decided_by = actor
    site.save(update_fields=["status", "decision_reason", "decided_at", "decided_by", "updated_at"])
    entry = record_audit(actor=actor, action=f"site_application.{event}", target=site, reason=reason)
    _email_applicant(site, event=event, audit_id=entry.pk)
    return site


def _required_reason(reason: str, *, field_name: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({field_name: [_("Tell the applicant why; this field is required.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise ServiceError({field_name: [_("Keep it under %(max)d characters.") % {"max": MAX_REASON_LENGTH}]})
    return reason


def _lock(site: LocalSite) -> LocalSite:
    return LocalSite.objects.select_for_update(of=("self",)).select_related("sprint", "applicant").get(pk=site.pk)


# --- Validation shared by the form and the API ---------------------------------------------------


def _apply_answers(site: LocalSite, data: SiteApplicationData, *, applicant) -> list:
    """Copy ``data`` onto ``site`` and validate it; returns the co-organisers' users.

    Raises a ``ServiceError`` with a message per field, so forms and the API show them in place.
    """
    errors: dict[str, list[str]] = {}
    text_fields = ("name", "address", "city", "contact_name", "description", "accessibility_notes")
    for name in text_fields:
        setattr(site, name, (getattr(data, name) or "").strip())
    site.country = (data.country or "").strip().upper()
    site.contact_email = (data.contact_email or "").strip()
    site.latitude, site.longitude = _coordinate(data.latitude), _coordinate(data.longitude)
    site.capacity = data.capacity
    if not isinstance(data.capacity, int) or isinstance(data.capacity, bool) or data.capacity < 1:
        errors["capacity"] = [_("A site needs at least one seat.")]
    elif data.capacity > MAX_SEATS:
        errors["capacity"] = [_("A site can have at most %(max)d seats.") % {"max": MAX_SEATS}]
    site.admission_mode = data.admission_mode or ""
    site.timezone = (data.timezone or "").strip()
    if len(site.description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = [_("Keep it under %(max)d characters.") % {"max": MAX_DESCRIPTION_LENGTH}]
    if len(site.accessibility_notes) > MAX_NOTES_LENGTH:
        errors["accessibility_notes"] = [_("Keep it under %(max)d characters.") % {"max": MAX_NOTES_LENGTH}]
    zone = _zone_or_none(site.timezone)
    if zone is None:
        errors["timezone"] = [_("Choose a known time zone, e.g. Europe/London.")]
    else:
        for name in ("starts_at", "ends_at"):
            try:
                setattr(site, name, _to_utc(getattr(data, name), zone))
            except ValueError as exc:
                errors[name] = [str(exc)]
    co_organisers, unknown = _users_by_email(data.co_organiser_emails, applicant=applicant)
    if unknown:
        errors["co_organisers"] = [
            _("No SprintLab account uses %(email)s; ask them to sign up first.") % {"email": email} for email in unknown
        ]
    elif len(co_organisers) > MAX_CO_ORGANISERS:
        errors["co_organisers"] = [_("A site can have at most %(max)d co-organisers.") % {"max": MAX_CO_ORGANISERS}]
    # Fields that already failed are left out, so each field shows one clear message.
    exclude = {"slug", "sprint", "applicant", "status", *errors}
    if "timezone" in errors:
        exclude |= {"starts_at", "ends_at"}
    try:
        # clean() covers the constraints, with messages written for people.
        site.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ServiceError(errors)
    return co_organisers


def _coordinate(value) -> Decimal | None:
    """Round to the six decimals stored (about 10 cm); the range is checked by the model."""
    if value is None:
        return None
    value = Decimal(str(value))
    # Values out of range are left as they are for the model to refuse with a clear message.
    return value.quantize(Decimal("0.000001")) if value.is_finite() and abs(value) < 1000 else value


def _zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    if not name or name not in zoneinfo.available_timezones():
        return None
    return zoneinfo.ZoneInfo(name)


def _to_utc(value: datetime | None, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """A wall-clock time in ``zone`` as UTC; refuses times skipped when the clocks go forward.

    A time outside the accepted window is refused before any conversion, which could overflow.
    """
    if value is None:
        return None
    if not datetime_in_window(value if timezone.is_aware(value) else value.replace(tzinfo=zone)):
        raise ValueError(str(DATETIME_WINDOW_MESSAGE))
    if timezone.is_aware(value):
        return value.astimezone(zoneinfo.ZoneInfo("UTC"))
    aware = value.replace(tzinfo=zone)
    if aware.astimezone(zoneinfo.ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None) != value:
        raise ValueError(_("This time does not exist in %(zone)s (the clocks change then).") % {"zone": zone.key})
    return aware.astimezone(zoneinfo.ZoneInfo("UTC"))


def _users_by_email(emails: list[str], *, applicant) -> tuple[list, list[str]]:
    wanted: list[str] = []
    for email in emails or []:
        email = (email or "").strip().lower()
        if email and email not in wanted and email != applicant.email.lower():
            wanted.append(email)
    users = {user.email.lower(): user for user in get_user_model().objects.filter(email__in=wanted, is_active=True)}
    return [users[email] for email in wanted if email in users], [email for email in wanted if email not in users]


def _unique_slug(sprint: Sprint, text: str) -> str:
    base = slugify(text)[:100].strip("-") or "site"
    taken = set(LocalSite.objects.filter(sprint=sprint, slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- Emails --------------------------------------------------------------------------------------

_SUBJECTS = {
    "received": gettext_noop("We received your site application: %(site)s"),
    "approved": gettext_noop("Your site is approved: %(site)s"),
    "rejected": gettext_noop("Your site application was not accepted: %(site)s"),
    "changes_requested": gettext_noop("Changes requested for your site application: %(site)s"),
}


def _email_applicant(site: LocalSite, *, event: str, audit_id: int) -> None:
    subject = _(_SUBJECTS[event]) % {"site": site.name}
    outbox_enqueue(
        key=f"site-application:{site.pk}:{event}:{audit_id}",
        to_email=site.applicant.email,
        subject=subject,
        template=f"localsites/emails/application_{event}",
        context={"site": site, "sprint": site.sprint, "applicant": site.applicant},
        user=site.applicant,
    )


def _email_sprint_organisers(site: LocalSite, *, audit_id: int, resubmitted: bool = False) -> None:
    organisers = (
        get_user_model()
        .objects.filter(sprint_memberships__sprint=site.sprint, sprint_memberships__role=SprintRole.ORGANISER)
        .distinct()
    )
    for organiser in organisers:
        outbox_enqueue(
            key=f"site-application:{site.pk}:review:{audit_id}:{organiser.pk}",
            to_email=organiser.email,
            subject=_("Site application to review: %(site)s") % {"site": site.name},
            template="localsites/emails/application_to_review",
            context={"site": site, "sprint": site.sprint, "resubmitted": resubmitted},
            user=organiser,
        )
