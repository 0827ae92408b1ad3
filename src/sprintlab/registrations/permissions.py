"""Who may do what with a registration, and when.

Roles: ``user.has_perm("registrations.<action>", registration)``; admissions are decided per
sprint: ``user.has_perm("registrations.manage_admissions", sprint)``. Whether an action is possible
*now* (registration open, sprint not over, offer not expired): the ``may_*(user, obj, now=...)``
predicates, which services, views, the API and templates share (docs/style-guide.md).
"""

from datetime import datetime

import rules
from django.utils.translation import gettext as _

from sprintlab.core.dates import format_local
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in, is_staff
from sprintlab.localsites.models import SiteOrganiser
from sprintlab.localsites.permissions import check_in_is_open
from sprintlab.registrations.models import ACTIVE_STATUSES, REOPENABLE_STATUSES, RegistrationStatus
from sprintlab.sprints.permissions import can_manage_sprint, is_sprint_cohost, is_sprint_organiser


@rules.predicate
def is_participant(user, registration) -> bool:
    return bool(user and user.is_authenticated and registration is not None and registration.user_id == user.pk)


@rules.predicate
def organises_the_sprint(user, registration) -> bool:
    return registration is not None and is_sprint_organiser(user, registration.sprint)


@rules.predicate
def cohosts_the_sprint(user, registration) -> bool:
    return registration is not None and is_sprint_cohost(user, registration.sprint)


@rules.predicate
def organises_the_site(user, registration) -> bool:
    if not (user and user.is_authenticated and registration is not None and registration.site_id):
        return False
    return SiteOrganiser.objects.filter(site_id=registration.site_id, user=user).exists()


rules.add_perm(
    "registrations.view_registration",
    is_participant | is_staff | organises_the_sprint | cohosts_the_sprint | organises_the_site,
)
# Who may act on a registration, whatever its state and the time; the ``may_*`` predicates below
# add the state and the time. Pages use these to answer 403 rather than offer the action.
may_cancel_as = is_participant | is_staff | organises_the_sprint | organises_the_site
may_switch_as = is_participant | is_staff | organises_the_sprint
# Confirming a seat is the participant's own commitment: nobody does it for them.
may_confirm_as = is_participant
rules.add_perm("registrations.cancel_registration", may_cancel_as)
rules.add_perm("registrations.switch_registration", may_switch_as)
rules.add_perm("registrations.confirm_offer", may_confirm_as)
rules.add_perm("registrations.manage_admissions", can_manage_sprint)


# --- What a person may do with a registration at a given moment ----------------------------------
#
# Each rule is written once, as a "refusal": the error a service raises, or None when the action is
# allowed. Services raise it; views, the API and templates ask the ``may_*`` predicate (a boolean)
# with the same ``now``, so a page never offers a button the service would refuse.


def registration_closed_reason(sprint, *, now: datetime) -> str:
    """Why ``sprint`` takes no registrations (new, again, or a switch of place) at ``now``; "" while it does."""
    if not sprint.is_published:
        return _("This sprint is not published, so it does not take registrations.")
    if now < sprint.registration_opens_at:
        return _("Registration opens on %(when)s.") % {"when": format_local(sprint.registration_opens_at)}
    if now >= sprint.registration_deadline:
        return _("Registration for this sprint has closed.")
    return ""


def takes_registrations(sprint, *, now: datetime) -> bool:
    """The sprint takes registrations at ``now``: pages show register buttons to everyone then
    (visitors sign in first), and the API says ``registration_is_open``."""
    return not registration_closed_reason(sprint, now=now)


def register_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to register."))
    reason = registration_closed_reason(sprint, now=now)
    return Conflict(reason) if reason else None


def may_register(user, sprint, *, now: datetime) -> bool:
    """``user`` may register for ``sprint`` at ``now`` (a person already registered gets their registration back)."""
    return register_refusal(user, sprint, now=now) is None


def register_again_refusal(user, registration, *, now: datetime) -> ServiceError | None:
    if not is_participant(user, registration):
        return PermissionDeniedError(_("Only the participant registers again."))
    if registration.status not in REOPENABLE_STATUSES:
        return Conflict(_("This registration is %(status)s.") % {"status": registration.get_status_display().lower()})
    return register_refusal(user, registration.sprint, now=now)


def may_register_again(user, registration, *, now: datetime) -> bool:
    """A cancelled or expired registration, while the sprint still takes registrations."""
    return register_again_refusal(user, registration, now=now) is None


def cancel_refusal(user, registration, *, now: datetime) -> ServiceError | None:
    if not may_cancel_as(user, registration):
        return PermissionDeniedError(_("You may not cancel this registration."))
    if registration.status not in ACTIVE_STATUSES:
        return Conflict(
            _("This registration is already %(status)s.") % {"status": registration.get_status_display().lower()}
        )
    if now >= registration.sprint.submission_deadline_at:
        return Conflict(_("This sprint is over; its registrations can no longer be cancelled."))
    return None


def may_cancel(user, registration, *, now: datetime) -> bool:
    """An active registration, until the sprint is over (also after registration has closed)."""
    return cancel_refusal(user, registration, now=now) is None


def switch_refusal(user, registration, *, now: datetime) -> ServiceError | None:
    if not may_switch_as(user, registration):
        return PermissionDeniedError(_("You may not move this registration."))
    if registration.status not in ACTIVE_STATUSES:
        return Conflict(
            _("This registration is %(status)s; register again instead.")
            % {"status": registration.get_status_display().lower()}
        )
    reason = registration_closed_reason(registration.sprint, now=now)
    return Conflict(reason) if reason else None


def may_switch(user, registration, *, now: datetime) -> bool:
    """An active registration moves to another place only while registration is open."""
    return switch_refusal(user, registration, now=now) is None


def confirm_offer_refusal(user, registration, *, now: datetime) -> ServiceError | None:
    if not may_confirm_as(user, registration):
        return PermissionDeniedError(_("Only the participant confirms their seat."))
    if registration.status != RegistrationStatus.OFFERED:
        return Conflict(_("There is no seat offer to confirm."))
    if registration.confirm_by is not None and now > registration.confirm_by:
        return Conflict(_("This offer expired on %(when)s.") % {"when": format_local(registration.confirm_by)})
    return None


def may_confirm_offer(user, registration, *, now: datetime) -> bool:
    """The participant's own seat offer, until its deadline."""
    return confirm_offer_refusal(user, registration, now=now) is None


def check_in_undo_refusal(user, registration) -> ServiceError | None:
    """Taking back a check-in made by mistake: the site's organisers, at any time."""
    if registration.site_id is None:
        return Conflict(_("This person takes part remotely; there is nothing to check in."))
    if not user.has_perm("localsites.check_in", registration.site):
        return PermissionDeniedError(_("Only the site's organisers can check people in."))
    return None


def check_in_refusal(user, registration, *, now: datetime) -> ServiceError | None:
    refusal = check_in_undo_refusal(user, registration)
    if refusal is not None:
        return refusal
    site = registration.site
    if registration.status != RegistrationStatus.CONFIRMED:
        return Conflict(
            _("Only confirmed attendees can be checked in (this one is: %(status)s).")
            % {"status": registration.get_status_display()}
        )
    if not check_in_is_open(site, now=now):
        return Conflict(
            _("Check-in opens at %(time)s (%(zone)s), before the doors open.")
            % {"time": format_local(site.check_in_opens_at, zone=site.zone), "zone": site.timezone}
        )
    return None


def may_check_in(user, registration, *, now: datetime) -> bool:
    """A confirmed attendee of a site ``user`` runs, from a set time before its doors open."""
    return check_in_refusal(user, registration, now=now) is None


def check_in_by_code_refusal(user, site, registration, *, now: datetime) -> ServiceError | None:
    """Checking in the person whose code was scanned at ``site``'s door: the code must be for this site."""
    if not user.has_perm("localsites.check_in", site):
        return PermissionDeniedError(_("Only the site's organisers can check people in."))
    if registration.site_id != site.pk:
        return Conflict(_("This code is not for this site: its holder is registered elsewhere or takes part remotely."))
    return check_in_refusal(user, registration, now=now)


def may_check_in_by_code(user, site, registration, *, now: datetime) -> bool:
    """``may_check_in``, at the site the scanner is at."""
    return check_in_by_code_refusal(user, site, registration, now=now) is None


def check_in_code_refusal(user, registration, *, now: datetime) -> ServiceError | None:
    """A check-in code (QR and short code) is the participant's own, for a confirmed seat at a site."""
    if not is_participant(user, registration):
        return PermissionDeniedError(_("Only the participant sees their check-in code."))
    if registration.site_id is None:
        return Conflict(_("You take part remotely: there is no door to check in at."))
    if registration.status != RegistrationStatus.CONFIRMED:
        return Conflict(_("Only a confirmed seat has a check-in code."))
    if now >= registration.sprint.submission_deadline_at:
        return Conflict(_("This sprint is over."))
    return None


def may_show_check_in_code(user, registration, *, now: datetime) -> bool:
    """The participant's confirmed seat at a site, until the sprint is over."""
    return check_in_code_refusal(user, registration, now=now) is None
