"""A site's people on the day: messages to its attendees and check-in at the door.

These write registrations (and a site's messages), so they live here, above the sites app; the
permissions they check (``localsites.message_attendees``, ``localsites.check_in``) are the sites
app's predicates, shared with its pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import PermissionDeniedError, ServiceError
from sprintlab.localsites.models import LocalSite, SiteMessage
from sprintlab.notifications.services import outbox_enqueue
from sprintlab.registrations.check_in_codes import registration_id_from_code
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.registrations.permissions import check_in_by_code_refusal, check_in_refusal, check_in_undo_refusal


@transaction.atomic
def site_message_send(*, site: LocalSite, actor, subject: str, body: str) -> SiteMessage:
    """Email everyone confirmed at ``site``.

    Side effects: a ``SiteMessage`` and one outbox email per confirmed attendee (keys
    ``site-message:<message id>:<user id>``, so a retry never sends twice); an audit entry.
    """
    if not actor.has_perm("localsites.message_attendees", site):
        raise PermissionDeniedError(_("Only the site's organisers can message its attendees."))
    subject, body = (subject or "").strip(), (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = [_("Write a subject.")]
    elif len(subject) > 200:
        errors["subject"] = [_("Keep the subject under 200 characters.")]
    if not body:
        errors["body"] = [_("Write a message.")]
    elif len(body) > 10_000:
        errors["body"] = [_("Keep the message under 10,000 characters.")]
    if errors:
        raise ServiceError(errors)
    recipients = list(
        Registration.objects.filter(site=site, status=RegistrationStatus.CONFIRMED).select_related("user")
    )
    message = SiteMessage.objects.create(
        site=site, author=actor, subject=subject, body=body, recipient_count=len(recipients)
    )
    for registration in recipients:
        outbox_enqueue(
            key=f"site-message:{message.pk}:{registration.user_id}",
            to_email=registration.user.email,
            subject=f"[{site.name}] {subject}",
            template="localsites/emails/site_message",
            context={"site": site, "sprint": site.sprint, "message": message, "author": actor},
            user=registration.user,
        )
    record_audit(actor=actor, action="site.messaged", target=site, recipients=len(recipients))
    return message


@transaction.atomic
def site_check_in(*, registration: Registration, actor) -> Registration:
    """Mark a confirmed attendee of a site as arrived; checking in twice changes nothing.

    Side effects: ``checked_in_at``/``checked_in_by`` on the registration; an audit entry.
    """
    registration = _lock_for_check_in(registration)
    refusal = check_in_refusal(actor, registration, now=timezone.now())
    if refusal is not None:
        raise refusal
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.checked_in_by = actor
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        record_audit(actor=actor, action="registration.checked_in", target=registration)
    return registration


@transaction.atomic
def site_check_in_undo(*, registration: Registration, actor) -> Registration:
    """Take back a check-in made by mistake.

    Side effects: clears ``checked_in_at``/``checked_in_by``; an audit entry.
    """
    registration = _lock_for_check_in(registration)
    refusal = check_in_undo_refusal(actor, registration)
    if refusal is not None:
        raise refusal
    if registration.checked_in_at is not None:
        registration.checked_in_at = None
        registration.checked_in_by = None
        registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        record_audit(actor=actor, action="registration.check_in_undone", target=registration)
    return registration


@dataclass(frozen=True)
class CodeCheckIn:
    registration: Registration
    # The person had been checked in before this scan (a second scan, or a check-in by name).
    already_checked_in: bool


@transaction.atomic
def site_check_in_by_code(*, site: LocalSite, code: str, actor) -> CodeCheckIn:
    """Check in the person whose QR code (or short code) was scanned at ``site``'s door.

    The same rules as ``site_check_in`` (the site's organisers, a confirmed attendee, from the time
    check-in opens), and the code must be this site's. Scanning again changes nothing and says so.
    Side effects: those of ``site_check_in``. Raises ``PermissionDeniedError`` for anyone else
    (before the code is even read), ``ServiceError`` on ``code`` for an unknown or forged code,
    ``Conflict`` for another site's code or a registration that cannot be checked in.
    """
    if not actor.has_perm("localsites.check_in", site):
        raise PermissionDeniedError(_("Only the site's organisers can check people in."))
    registration_id = registration_id_from_code(code)
    registration = Registration.objects.filter(pk=registration_id).first() if registration_id else None
    if registration is None:
        raise ServiceError({"code": [_("Unknown code: check it and try again, or find the person by name.")]})
    registration = _lock_for_check_in(registration)
    refusal = check_in_by_code_refusal(actor, site, registration, now=timezone.now())
    if refusal is not None:
        raise refusal
    already_checked_in = registration.checked_in_at is not None
    return CodeCheckIn(site_check_in(registration=registration, actor=actor), already_checked_in)


def _lock_for_check_in(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("site__sprint", "user")
        .get(pk=registration.pk)
    )
