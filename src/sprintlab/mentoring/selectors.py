"""Reads for mentor help, shared by the pages and the API: roles, mentors, slots, the queue, the figures."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sprintlab.mentoring.models import HelpRequest, HelpStatus, MentorProfile, OfficeHourSlot, SlotBooking
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint, SprintMembership, SprintRole
from sprintlab.teams.models import Team, TeamMember

ACTIVE_STATUSES = (HelpStatus.OPEN, HelpStatus.CLAIMED)
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class MentoringRoles:
    """What one person is in one sprint, as far as mentor help is concerned."""

    is_mentor: bool = False
    is_organiser: bool = False  # a sprint organiser or staff
    is_confirmed: bool = False
    team: Team | None = None
    booked_slot_ids: frozenset[int] = field(default_factory=frozenset)
    future_bookings: int = 0
    active_requests: int = 0


def team_of(user, sprint: Sprint) -> Team | None:
    """``user``'s live team in ``sprint`` (a person is in at most one), or None."""
    if not (user and user.is_authenticated):
        return None
    member = (
        TeamMember.objects.filter(sprint=sprint, user=user, team__disbanded_at__isnull=True)
        .select_related("team")
        .first()
    )
    return member.team if member else None


def mentoring_roles(user, sprint: Sprint, *, now: datetime | None = None) -> MentoringRoles:
    """Read ``user``'s roles, team and bookings in ``sprint`` (a handful of queries, none for visitors)."""
    if not (user and user.is_authenticated and sprint is not None):
        return MentoringRoles()
    now = now or timezone.now()
    roles = set(SprintMembership.objects.filter(sprint=sprint, user=user).values_list("role", flat=True))
    team = team_of(user, sprint)
    booked, future = frozenset(), 0
    if team is not None:
        live = SlotBooking.objects.filter(team=team, cancelled_at__isnull=True).values_list(
            "slot_id", "slot__starts_at"
        )
        rows = list(live)
        booked = frozenset(slot_id for slot_id, _starts in rows)
        future = sum(1 for _slot, starts in rows if starts > now)
    mine = Q(team=team) if team is not None else Q(requester=user, team__isnull=True)
    active = HelpRequest.objects.filter(mine, sprint=sprint, status__in=ACTIVE_STATUSES).count()
    confirmed = Registration.objects.filter(sprint=sprint, user=user, status=RegistrationStatus.CONFIRMED).exists()
    return MentoringRoles(
        is_mentor=SprintRole.MENTOR in roles,
        is_organiser=user.is_staff or SprintRole.ORGANISER in roles,
        is_confirmed=confirmed,
        team=team,
        booked_slot_ids=booked,
        future_bookings=future,
        active_requests=active,
    )


# --- Mentors and office hours ------------------------------------------------------------------


def mentors_of(sprint: Sprint) -> list:
    """The sprint's mentors (users), each with ``profile`` (their MentorProfile or None), by name."""
    memberships = (
        SprintMembership.objects.filter(sprint=sprint, role=SprintRole.MENTOR)
        .select_related("user", "user__mentor_profile")
        .order_by("user__display_name", "user__email")
    )
    mentors = []
    for membership in memberships:
        user = membership.user
        user.profile = getattr(user, "mentor_profile", None)
        mentors.append(user)
    return mentors


def profile_of(user) -> MentorProfile | None:
    return MentorProfile.objects.filter(user=user).first()


def slots_of(sprint: Sprint, *, mentor=None, upcoming_after: datetime | None = None) -> QuerySet[OfficeHourSlot]:
    """Slots with ``taken`` (live bookings) and ``live_bookings`` (with their teams), earliest first."""
    slots = (
        OfficeHourSlot.objects.filter(sprint=sprint)
        .select_related("mentor", "site", "sprint")
        .annotate(taken=Count("bookings", filter=Q(bookings__cancelled_at__isnull=True)))
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=SlotBooking.objects.filter(cancelled_at__isnull=True).select_related("team"),
                to_attr="live_bookings",
            )
        )
    )
    if mentor is not None:
        slots = slots.filter(mentor=mentor)
    if upcoming_after is not None:
        slots = slots.filter(ends_at__gt=upcoming_after)
    return slots.order_by("starts_at", "id")


def get_slot(sprint: Sprint, slot_id: int) -> OfficeHourSlot:
    slot = slots_of(sprint).filter(pk=slot_id).first()
    if slot is None:
        raise Http404("No such slot.")
    return slot


def get_booking(sprint: Sprint, booking_id: int) -> SlotBooking:
    booking = (
        SlotBooking.objects.filter(pk=booking_id, slot__sprint=sprint)
        .select_related("slot", "slot__sprint", "slot__mentor", "team")
        .first()
    )
    if booking is None:
        raise Http404("No such booking.")
    return booking


def team_bookings(team: Team | None) -> QuerySet[SlotBooking]:
    if team is None:
        return SlotBooking.objects.none()
    return (
        SlotBooking.objects.filter(team=team, cancelled_at__isnull=True)
        .select_related("slot", "slot__sprint", "slot__mentor", "slot__site", "team")
        .order_by("slot__starts_at")
    )


# --- Help requests -----------------------------------------------------------------------------


def _requests(sprint: Sprint) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(sprint=sprint).select_related(
        "sprint", "team", "requester", "claimed_by", "closed_by", "track"
    )


def help_queue(sprint: Sprint, *, tag: str = "", status: str = "") -> QuerySet[HelpRequest]:
    """Open and claimed requests (or those of ``status``), the longest-waiting first; ``tag`` narrows them."""
    requests = _requests(sprint)
    requests = requests.filter(status=status) if status else requests.filter(status__in=ACTIVE_STATUSES)
    if tag:
        requests = requests.filter(tag=tag)
    return requests.order_by("waiting_since", "id")[:QUEUE_LIMIT]


def requests_of(user, sprint: Sprint, team: Team | None) -> QuerySet[HelpRequest]:
    """What ``user`` (and their team) asked in ``sprint``, the newest first, with notes."""
    if not (user and user.is_authenticated):
        return HelpRequest.objects.none()
    mine = Q(requester=user) | (Q(team=team) if team is not None else Q())
    return _requests(sprint).filter(mine).prefetch_related("notes", "notes__author").order_by("-created_at", "-id")


def get_request(sprint: Sprint, request_id: int) -> HelpRequest:
    request = _requests(sprint).prefetch_related("notes", "notes__author").filter(pk=request_id).first()
    if request is None:
        raise Http404("No such help request.")
    return request


def unclaimed_after() -> timedelta:
    return timedelta(minutes=settings.HELP_UNCLAIMED_ALERT_MINUTES)


@dataclass(frozen=True)
class HelpStats:
    open: int
    claimed: int
    closed: int
    answered: int
    median_first_answer: timedelta | None
    unclaimed: list[HelpRequest]


def help_stats(sprint: Sprint, *, now: datetime) -> HelpStats:
    """Counts per status, the median time from asking to the first claim, and the requests waiting too long."""
    counts = dict(
        HelpRequest.objects.filter(sprint=sprint)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    waits = [
        claimed - created
        for created, claimed in HelpRequest.objects.filter(sprint=sprint, first_claimed_at__isnull=False).values_list(
            "created_at", "first_claimed_at"
        )
    ]
    unclaimed = list(
        _requests(sprint)
        .filter(status=HelpStatus.OPEN, waiting_since__lte=now - unclaimed_after())
        .order_by("waiting_since", "id")
    )
    return HelpStats(
        open=counts.get(HelpStatus.OPEN, 0),
        claimed=counts.get(HelpStatus.CLAIMED, 0),
        closed=counts.get(HelpStatus.CLOSED, 0),
        answered=len(waits),
        median_first_answer=statistics.median(waits) if waits else None,
        unclaimed=unclaimed,
    )


def requests_to_alert(*, now: datetime) -> QuerySet[HelpRequest]:
    """Open requests in any sprint that nobody claimed in time and whose organisers were not told yet."""
    return (
        HelpRequest.objects.filter(
            status=HelpStatus.OPEN, alerted_at__isnull=True, waiting_since__lte=now - unclaimed_after()
        )
        .select_related("sprint", "team")
        .order_by("waiting_since", "id")
    )


def organiser_ids(sprint: Sprint) -> list[int]:
    return list(
        SprintMembership.objects.filter(sprint=sprint, role=SprintRole.ORGANISER).values_list("user_id", flat=True)
    )


def people_to_tell(request: HelpRequest) -> list[int]:
    """Who hears about a request's progress: its team's members, or the person who asked alone."""
    if request.team_id is None:
        return [request.requester_id]
    return list(TeamMember.objects.filter(team_id=request.team_id).values_list("user_id", flat=True))
