"""Writes for mentors and office hours: a mentor's profile, slots, and teams' bookings of them.

Help requests live in ``helpdesk.py``. Locks, when a write takes several: the team row, then the slot
row (after the sprint and before people's rows, as everywhere). Each write re-reads what it decides
on after taking its locks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.dates import format_local
from sprintlab.core.errors import PermissionDeniedError, ServiceError
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.mentoring import notify
from sprintlab.mentoring.models import MAX_EXPERTISE_TAGS, Expertise, MentorProfile, OfficeHourSlot, SlotBooking
from sprintlab.mentoring.permissions import (
    book_refusal,
    cancel_booking_refusal,
    delete_slot_refusal,
    help_opens_at,
    may_edit_profile,
    offer_slot_refusal,
)
from sprintlab.mentoring.selectors import mentoring_roles
from sprintlab.sprints.models import Sprint
from sprintlab.teams.models import Team

MAX_SLOT_LENGTH = timedelta(hours=4)


def _validate(instance, *, exclude=()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from exc


@transaction.atomic
def mentor_profile_update(*, actor, user, expertise: list[str], bio: str, timezone_name: str) -> MentorProfile:
    """Write ``user``'s mentor profile (made on first use). Side effects: an audit entry when someone else edits it.

    Raises: PermissionDeniedError (not the mentor, staff or their organiser), ServiceError per field.
    """
    if not may_edit_profile(actor, user):
        raise PermissionDeniedError(_("Only the mentor, their sprint's organisers and staff edit this profile."))
    unknown = [tag for tag in expertise if tag not in Expertise.values]
    if unknown:
        raise ServiceError({"expertise": [_("Choose topics from the list.")]})
    if len(set(expertise)) > MAX_EXPERTISE_TAGS:
        raise ServiceError({"expertise": [_("Choose at most %(count)d topics.") % {"count": MAX_EXPERTISE_TAGS}]})
    profile = MentorProfile.objects.select_for_update().filter(user=user).first() or MentorProfile(user=user)
    profile.expertise = [tag for tag in Expertise.values if tag in set(expertise)]
    profile.bio = bio.strip()
    profile.timezone = timezone_name
    _validate(profile, exclude=("user",))
    profile.save()
    if actor.pk != user.pk:
        record_audit(actor=actor, action="mentoring.profile_update", target=profile, user_id=user.pk)
    return profile


def _check_slot_times(sprint: Sprint, starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise ServiceError({"ends_at": [_("The slot must end after it starts.")]})
    if ends_at - starts_at > MAX_SLOT_LENGTH:
        raise ServiceError({"ends_at": [_("A slot lasts at most four hours; offer several instead.")]})
    if starts_at <= now:
        raise ServiceError({"starts_at": [_("Choose a time in the future.")]})
    opens = help_opens_at(sprint)
    if starts_at < opens or ends_at > sprint.submission_deadline_at:
        raise ServiceError(
            {
                "starts_at": [
                    _("Office hours take place between %(opens)s and the submission deadline, %(closes)s.")
                    % {"opens": format_local(opens), "closes": format_local(sprint.submission_deadline_at)}
                ]
            }
        )


def _check_site(sprint: Sprint, site: LocalSite | None) -> None:
    if site is not None and (site.sprint_id != sprint.pk or site.status != SiteStatus.APPROVED):
        raise ServiceError({"site": [_("Choose one of this sprint's approved sites.")]})


@transaction.atomic
def slot_create(
    *,
    actor,
    sprint: Sprint,
    starts_at: datetime,
    ends_at: datetime,
    topic: str = "",
    online_link: str = "",
    site: LocalSite | None = None,
    capacity: int = 1,
) -> OfficeHourSlot:
    """``actor`` (a mentor of ``sprint``) offers an office-hour slot, online or at a site.

    Side effects: one OfficeHourSlot row and an audit entry "mentoring.slot_create".
    Raises: PermissionDeniedError (not a mentor), Conflict (sprint over), ServiceError per field
    (times out of order or outside the help window, no place to meet, a site of another sprint).
    """
    now = timezone.now()
    refusal = offer_slot_refusal(actor, sprint, now=now)
    if refusal is not None:
        raise refusal
    if not online_link and site is None:
        raise ServiceError({"online_link": [_("Give an online link or choose a site to meet at.")]})
    _check_site(sprint, site)
    slot = OfficeHourSlot(
        sprint=sprint,
        mentor=actor,
        starts_at=starts_at,
        ends_at=ends_at,
        topic=topic.strip(),
        online_link=online_link,
        site=site,
        capacity=capacity,
    )
    _validate(slot, exclude=("sprint", "mentor", "site"))
    _check_slot_times(sprint, starts_at, ends_at, now)
    slot.save()
    record_audit(actor=actor, action="mentoring.slot_create", target=slot, sprint=sprint.slug)
    return slot


@transaction.atomic
def slot_delete(*, actor, slot: OfficeHourSlot) -> None:
    """Take back a slot that has not started; the teams that booked it are told.

    Side effects: the slot and its bookings are deleted; a "Mentor help" notification to the members
    of each team that held a place; an audit entry "mentoring.slot_delete".
    Raises: PermissionDeniedError (not its mentor or an organiser), Conflict (the slot has started).
    """
    slot = OfficeHourSlot.objects.select_for_update().select_related("sprint", "mentor").filter(pk=slot.pk).first()
    if slot is None:
        return
    refusal = delete_slot_refusal(actor, slot, now=timezone.now())
    if refusal is not None:
        raise refusal
    team_ids = list(slot.bookings.filter(cancelled_at__isnull=True).values_list("team_id", flat=True))
    members = list(Team.objects.filter(pk__in=team_ids).values_list("members__user_id", flat=True))
    record_audit(actor=actor, action="mentoring.slot_delete", target=slot, starts_at=slot.starts_at.isoformat())
    notify.tell(
        key=f"mentoring:slot-removed:{slot.pk}",
        user_ids=[m for m in members if m is not None],
        title=_("Office hours with %(mentor)s were cancelled") % {"mentor": slot.mentor.name},
        body=_("The slot on %(when)s no longer takes place; book another one.")
        % {"when": format_local(slot.starts_at)},
        url=reverse("mentoring:mentors", kwargs={"slug": slot.sprint.slug}),
    )
    slot.delete()


@retry_on_conflict
@transaction.atomic
def slot_book(*, actor, slot: OfficeHourSlot) -> SlotBooking:
    """Book a place in ``slot`` for ``actor``'s team.

    Locks the team (its bookings count against a limit), then the slot (its places), and decides on
    what it reads under them: when two teams take the last place at once, one gets it.
    Side effects: one SlotBooking row; an audit entry "mentoring.slot_book".
    Raises: PermissionDeniedError (no team), Conflict (help not open, slot started or taken, already
    booked, too many bookings).
    """
    now = timezone.now()
    roles = mentoring_roles(actor, slot.sprint, now=now)
    if roles.team is not None:
        Team.objects.select_for_update().filter(pk=roles.team.pk).first()
        roles = mentoring_roles(actor, slot.sprint, now=now)  # re-read under the team's lock
    locked = OfficeHourSlot.objects.select_for_update().select_related("sprint").filter(pk=slot.pk).first()
    if locked is None:
        raise ServiceError({"slot": [_("This slot no longer exists.")]})
    locked.taken = locked.bookings.filter(cancelled_at__isnull=True).count()
    refusal = book_refusal(actor, locked, now=now, roles=roles)
    if refusal is not None:
        raise refusal
    booking = SlotBooking.objects.create(slot=locked, team=roles.team, booked_by=actor)
    record_audit(actor=actor, action="mentoring.slot_book", target=booking, slot_id=locked.pk, team_id=roles.team.pk)
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: SlotBooking) -> SlotBooking:
    """Give a booked place back before the slot starts. Side effects: the booking's ``cancelled_at``; an audit entry.

    Raises: PermissionDeniedError (not the team or an organiser), Conflict (already cancelled, slot started).
    """
    booking = (
        SlotBooking.objects.select_for_update(of=("self",))
        .select_related("slot", "slot__sprint", "team")
        .filter(pk=booking.pk)
        .first()
    )
    if booking is None:
        raise ServiceError({"booking": [_("This booking no longer exists.")]})
    now = timezone.now()
    refusal = cancel_booking_refusal(actor, booking, now=now)
    if refusal is not None:
        raise refusal
    booking.cancelled_at = now
    booking.save(update_fields=["cancelled_at"])
    record_audit(actor=actor, action="mentoring.booking_cancel", target=booking, slot_id=booking.slot_id)
    return booking
