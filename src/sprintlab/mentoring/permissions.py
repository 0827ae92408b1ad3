"""Who may do what with mentor help, and when.

Roles: ``user.has_perm("mentoring.view_queue", sprint)`` (the sprint's mentors, organisers and
staff), ``"mentoring.view_stats"`` and ``"mentoring.edit_mentor_profiles"`` (organisers and staff). What may happen *now*: the
``*_refusal(user, obj, *, now)`` functions, which services raise, and their ``may_*`` twins, which
pages, the API and templates ask (docs/style-guide.md).

**When help is open.** Teams book office hours and post help requests, and mentors claim them, from
``HELP_OPENS_BEFORE_KICKOFF`` (a day) before kickoff until the submission deadline: the day before
lets teams that formed early line up a mentor for the first hours. Mentors may offer slots as soon
as the sprint is published, until the submission deadline. Closing, releasing and writing notes on
a request have no time limit, so that nothing stays stuck in a mentor's hands after the deadline.

Each refusal takes an optional ``roles`` (``selectors.MentoringRoles``) so that a page asking about
many slots or requests reads the viewer's roles once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import rules
from django.utils.translation import gettext as _

from sprintlab.core.dates import format_local
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in, is_staff
from sprintlab.mentoring.models import HelpRequest, HelpStatus, OfficeHourSlot, SlotBooking
from sprintlab.mentoring.selectors import MentoringRoles, mentoring_roles
from sprintlab.sprints.models import SprintMembership, SprintRole
from sprintlab.sprints.permissions import can_manage_sprint

HELP_OPENS_BEFORE_KICKOFF = timedelta(hours=24)
# Future office-hour bookings one team may hold at once, so that a few teams cannot take them all.
MAX_FUTURE_BOOKINGS_PER_TEAM = 2
# Requests one team (or one participant on their own) may have waiting or in progress at once.
MAX_ACTIVE_REQUESTS = 3


@rules.predicate
def is_sprint_mentor(user, sprint) -> bool:
    return sprint is not None and mentoring_roles(user, sprint).is_mentor


rules.add_perm("mentoring.view_queue", is_sprint_mentor | can_manage_sprint)
rules.add_perm("mentoring.view_stats", can_manage_sprint)
# The sprint's organisers and staff edit the profile of any of its mentors (``may_edit_profile``
# agrees: an organiser of a sprint the person mentors).
rules.add_perm("mentoring.edit_mentor_profiles", can_manage_sprint)


def _roles(user, sprint, roles: MentoringRoles | None) -> MentoringRoles:
    return roles if roles is not None else mentoring_roles(user, sprint)


def help_opens_at(sprint) -> datetime:
    return sprint.kickoff_at - HELP_OPENS_BEFORE_KICKOFF


def help_closed_reason(sprint, *, now: datetime) -> str:
    """Why teams cannot book or ask for help in ``sprint`` at ``now``; "" while they can."""
    if not sprint.is_published:
        return _("This sprint is not published.")
    if now < help_opens_at(sprint):
        return _("Mentor help opens on %(when)s, a day before kickoff.") % {"when": format_local(help_opens_at(sprint))}
    if now >= sprint.submission_deadline_at:
        return _("This sprint is over; mentor help has closed.")
    return ""


def help_is_open(sprint, *, now: datetime) -> bool:
    return not help_closed_reason(sprint, now=now)


def may_edit_profile(actor, user) -> bool:
    """The mentor themself, staff, or an organiser of a sprint the person mentors."""
    if not (actor and actor.is_authenticated):
        return False
    if actor.pk == user.pk or actor.is_staff:
        return True
    mentored = SprintMembership.objects.filter(user=user, role=SprintRole.MENTOR).values("sprint_id")
    return SprintMembership.objects.filter(user=actor, role=SprintRole.ORGANISER, sprint_id__in=mentored).exists()


# --- Office hours --------------------------------------------------------------------------------


def offer_slot_refusal(user, sprint, *, now: datetime, roles: MentoringRoles | None = None) -> ServiceError | None:
    if not is_signed_in(user) or not _roles(user, sprint, roles).is_mentor:
        return PermissionDeniedError(_("Only the sprint's mentors offer office hours."))
    if not sprint.is_published:
        return Conflict(_("This sprint is not published."))
    if now >= sprint.submission_deadline_at:
        return Conflict(_("This sprint is over; no more office hours can be offered."))
    return None


def may_offer_slot(user, sprint, *, now: datetime, roles: MentoringRoles | None = None) -> bool:
    """A mentor of ``sprint``, from publication until the submission deadline."""
    return offer_slot_refusal(user, sprint, now=now, roles=roles) is None


def delete_slot_refusal(
    user, slot: OfficeHourSlot, *, now: datetime, roles: MentoringRoles | None = None
) -> ServiceError | None:
    roles = _roles(user, slot.sprint, roles)
    if not (is_signed_in(user) and (slot.mentor_id == user.pk or roles.is_organiser)):
        return PermissionDeniedError(_("Only the mentor who offers this slot, and the organisers, remove it."))
    if now >= slot.starts_at:
        return Conflict(_("This slot has started; it can no longer be removed."))
    return None


def may_delete_slot(user, slot: OfficeHourSlot, *, now: datetime, roles: MentoringRoles | None = None) -> bool:
    """The slot's mentor or an organiser, until the slot starts."""
    return delete_slot_refusal(user, slot, now=now, roles=roles) is None


def book_refusal(
    user, slot: OfficeHourSlot, *, now: datetime, roles: MentoringRoles | None = None
) -> ServiceError | None:
    """``slot.taken`` (live bookings) is read from the slot when the selector annotated it."""
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to book office hours."))
    roles = _roles(user, slot.sprint, roles)
    if roles.team is None:
        return PermissionDeniedError(_("Office hours are booked by teams: join or form a team first."))
    reason = help_closed_reason(slot.sprint, now=now)
    if reason:
        return Conflict(reason)
    if now >= slot.starts_at:
        return Conflict(_("This slot has already started."))
    if slot.pk in roles.booked_slot_ids:
        return Conflict(_("Your team has already booked this slot."))
    taken = getattr(slot, "taken", None)
    if taken is None:
        taken = slot.bookings.filter(cancelled_at__isnull=True).count()
    if taken >= slot.capacity:
        return Conflict(_("This slot is taken: choose another one."))
    if roles.future_bookings >= MAX_FUTURE_BOOKINGS_PER_TEAM:
        return Conflict(
            _("Your team already holds %(count)d upcoming bookings; cancel one to book another.")
            % {"count": roles.future_bookings}
        )
    return None


def may_book(user, slot: OfficeHourSlot, *, now: datetime, roles: MentoringRoles | None = None) -> bool:
    """A member of a team, while help is open, before the slot starts, while it has room."""
    return book_refusal(user, slot, now=now, roles=roles) is None


def cancel_booking_refusal(
    user, booking: SlotBooking, *, now: datetime, roles: MentoringRoles | None = None
) -> ServiceError | None:
    roles = _roles(user, booking.slot.sprint, roles)
    in_team = roles.team is not None and roles.team.pk == booking.team_id
    if not (is_signed_in(user) and (in_team or roles.is_organiser)):
        return PermissionDeniedError(_("Only the team that booked, and the organisers, cancel a booking."))
    if booking.cancelled_at is not None:
        return Conflict(_("This booking is already cancelled."))
    if now >= booking.slot.starts_at:
        return Conflict(_("This slot has started; the booking can no longer be cancelled."))
    return None


def may_cancel_booking(user, booking: SlotBooking, *, now: datetime, roles: MentoringRoles | None = None) -> bool:
    """A member of the booking's team or an organiser, until the slot starts."""
    return cancel_booking_refusal(user, booking, now=now, roles=roles) is None


# --- Help requests -------------------------------------------------------------------------------


def post_request_refusal(user, sprint, *, now: datetime, roles: MentoringRoles | None = None) -> ServiceError | None:
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to ask for help."))
    roles = _roles(user, sprint, roles)
    if roles.team is None and not roles.is_confirmed:
        return PermissionDeniedError(_("Only confirmed participants of this sprint ask its mentors for help."))
    reason = help_closed_reason(sprint, now=now)
    if reason:
        return Conflict(reason)
    if roles.active_requests >= MAX_ACTIVE_REQUESTS:
        return Conflict(
            _("You already have %(count)d requests waiting or in progress; close one before asking again.")
            % {"count": roles.active_requests}
        )
    return None


def may_post_request(user, sprint, *, now: datetime, roles: MentoringRoles | None = None) -> bool:
    """A team member or a confirmed participant, while help is open, with few requests in progress."""
    return post_request_refusal(user, sprint, now=now, roles=roles) is None


def _claimed_by_text(request: HelpRequest) -> str:
    if request.claimed_by_id is None:
        return _("Another mentor has already claimed this request.")
    return _("%(name)s has already claimed this request.") % {"name": request.claimed_by.name}


def claim_refusal(
    user, request: HelpRequest, *, now: datetime, roles: MentoringRoles | None = None
) -> ServiceError | None:
    if not is_signed_in(user) or not _roles(user, request.sprint, roles).is_mentor:
        return PermissionDeniedError(_("Only the sprint's mentors claim help requests."))
    if request.status == HelpStatus.CLAIMED:
        return Conflict(_claimed_by_text(request))
    if request.status == HelpStatus.CLOSED:
        return Conflict(_("This request is closed."))
    reason = help_closed_reason(request.sprint, now=now)
    return Conflict(reason) if reason else None


def may_claim(user, request: HelpRequest, *, now: datetime, roles: MentoringRoles | None = None) -> bool:
    """A mentor of the sprint, an open request, while help is open."""
    return claim_refusal(user, request, now=now, roles=roles) is None


def _handles(user, request: HelpRequest, roles: MentoringRoles) -> bool:
    """The mentor who holds the request, or an organiser."""
    holds = request.status == HelpStatus.CLAIMED and request.claimed_by_id == user.pk
    return holds or roles.is_organiser


def close_refusal(
    user, request: HelpRequest, *, now: datetime, roles: MentoringRoles | None = None
) -> ServiceError | None:
    roles = _roles(user, request.sprint, roles)
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to close a request."))
    involved = request.claimed_by_id == user.pk or request.requester_id == user.pk or roles.is_organiser
    if request.status == HelpStatus.CLOSED and (involved or roles.is_mentor):
        return Conflict(_("This request is already closed."))
    if not (_handles(user, request, roles) or request.requester_id == user.pk):
        if request.status == HelpStatus.OPEN and roles.is_mentor:
            return PermissionDeniedError(_("Claim this request before closing it."))
        return PermissionDeniedError(_("Only the mentor on this request, its author and the organisers close it."))
    return None


def may_close(user, request: HelpRequest, *, now: datetime, roles: MentoringRoles | None = None) -> bool:
    """The claiming mentor, the person who asked, or an organiser; any time until it is closed."""
    return close_refusal(user, request, now=now, roles=roles) is None


def release_refusal(
    user, request: HelpRequest, *, now: datetime, roles: MentoringRoles | None = None
) -> ServiceError | None:
    roles = _roles(user, request.sprint, roles)
    if not (is_signed_in(user) and _handles(user, request, roles)):
        if request.status != HelpStatus.CLAIMED and is_signed_in(user) and (roles.is_mentor or roles.is_organiser):
            return Conflict(_("Nobody holds this request, so there is nothing to release."))
        return PermissionDeniedError(_("Only the mentor on this request, and the organisers, release it."))
    if request.status != HelpStatus.CLAIMED:
        return Conflict(_("Nobody holds this request, so there is nothing to release."))
    return None


def may_release(user, request: HelpRequest, *, now: datetime, roles: MentoringRoles | None = None) -> bool:
    """The claiming mentor or an organiser, while the request is claimed."""
    return release_refusal(user, request, now=now, roles=roles) is None


def note_refusal(user, request: HelpRequest, *, roles: MentoringRoles | None = None) -> ServiceError | None:
    roles = _roles(user, request.sprint, roles)
    if not (is_signed_in(user) and _handles(user, request, roles)):
        return PermissionDeniedError(_("Only the mentor on this request, and the organisers, write notes on it."))
    if request.status == HelpStatus.CLOSED:
        return Conflict(_("This request is closed."))
    return None


def may_add_note(user, request: HelpRequest, *, roles: MentoringRoles | None = None) -> bool:
    return note_refusal(user, request, roles=roles) is None


def may_view_request(user, request: HelpRequest, *, roles: MentoringRoles | None = None) -> bool:
    """The person who asked, their team, the sprint's mentors, its organisers and staff."""
    if not is_signed_in(user):
        return False
    roles = _roles(user, request.sprint, roles)
    in_team = request.team_id is not None and roles.team is not None and roles.team.pk == request.team_id
    return request.requester_id == user.pk or in_team or roles.is_mentor or roles.is_organiser or is_staff(user)
