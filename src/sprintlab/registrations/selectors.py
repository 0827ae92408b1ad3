"""Reads shared by the pages and the API."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.localsites.selectors import seats_taken_expression
from sprintlab.registrations.models import (
    ACTIVE_STATUSES,
    SEAT_HOLDING_STATUSES,
    AdmissionWave,
    Registration,
    RegistrationStatus,
    queue_position_expression,
)
from sprintlab.sprints.models import Sprint


def get_registration_for_user(
    *, registration_id: int, user, perm: str = "registrations.view_registration"
) -> Registration:
    """The registration if ``user`` has ``perm`` on it; a missing and a forbidden one both raise Http404."""
    registration = Registration.objects.select_related("sprint", "site", "user").filter(pk=registration_id).first()
    if registration is None or not user.has_perm(perm, registration):
        raise Http404
    return registration


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting at the same place, None when not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    joined = registration.waitlisted_at or registration.created_at
    ahead = (
        Registration.objects.filter(
            sprint_id=registration.sprint_id, site_id=registration.site_id, status=RegistrationStatus.WAITLISTED
        )
        .annotate(joined=queue_position_expression())
        .filter(Q(joined__lt=joined) | Q(joined=joined, pk__lt=registration.pk))
    )
    return ahead.count() + 1


def registrations_of_user(user) -> list[Registration]:
    """The person's registrations with ``waitlist_position`` set on each.

    Sprints still to come or running come first, soonest first; finished ones follow, latest first.
    """
    now = timezone.now()
    registrations = sorted(
        Registration.objects.filter(user=user).select_related("sprint", "site"),
        key=lambda r: (
            (0, r.sprint.kickoff_at.timestamp())
            if r.sprint.submission_deadline_at >= now
            else (1, -r.sprint.kickoff_at.timestamp())
        ),
    )
    # One small count per waitlisted registration; a person waits for very few sprints at once.
    for registration in registrations:
        registration.waitlist_position = waitlist_position(registration)
    return registrations


def active_registration_of(*, sprint: Sprint, user) -> Registration | None:
    """The person's live registration for ``sprint`` (with its site), or None."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(sprint=sprint, user=user, status__in=ACTIVE_STATUSES).select_related("site").first()
    )


def sites_with_seats(sprint: Sprint) -> QuerySet[LocalSite]:
    """Approved sites of ``sprint`` ordered by country and city, each with ``seats_taken``."""
    return (
        LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED)
        .annotate(seats_taken=seats_taken_expression())
        .order_by("country", "city", "name")
    )


def sites_with_seats_for_sprints(sprint_ids: list[int]) -> QuerySet[LocalSite]:
    """``sites_with_seats`` for several sprints in one query (a person's sprints page)."""
    return (
        LocalSite.objects.filter(sprint_id__in=sprint_ids, status=SiteStatus.APPROVED)
        .select_related("sprint")
        .annotate(seats_taken=seats_taken_expression())
        .order_by("country", "city", "name")
    )


def full_sprint_ids(sprints: list[Sprint]) -> set[int]:
    """Ids of the given sprints whose overall capacity is used up (one query)."""
    capped = {sprint.pk: sprint.capacity for sprint in sprints if sprint.capacity is not None}
    if not capped:
        return set()
    taken = (
        Registration.objects.filter(sprint_id__in=capped, status__in=SEAT_HOLDING_STATUSES)
        .values("sprint_id")
        .annotate(n=Count("id"))
    )
    return {row["sprint_id"] for row in taken if row["n"] >= capped[row["sprint_id"]]}


def sprint_seats_taken(sprint: Sprint) -> int:
    return Registration.objects.filter(sprint=sprint, status__in=SEAT_HOLDING_STATUSES).count()


def admission_applicants(
    *, sprint: Sprint, site_id: int | None = None, remote: bool = False, status: str | None = None
) -> QuerySet[Registration]:
    registrations = Registration.objects.filter(sprint=sprint).select_related("user", "site", "wave")
    if remote:
        registrations = registrations.filter(site__isnull=True)
    elif site_id is not None:
        registrations = registrations.filter(site_id=site_id)
    if status:
        registrations = registrations.filter(status=status)
    return registrations.order_by("created_at", "id")


def admission_waves(sprint: Sprint) -> QuerySet[AdmissionWave]:
    return AdmissionWave.objects.filter(sprint=sprint).select_related("site", "created_by").order_by("-number")
