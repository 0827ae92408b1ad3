"""Reads shared by the pages and the API: registrations, seats and the counts other apps' pages show.

Lower apps (sprints, local sites) never read registrations themselves; their views and API combine
their own reads with these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from sprintlab.core.precompiled import PrecompiledQuery
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.localsites.selectors import site_counts
from sprintlab.registrations import seats
from sprintlab.registrations.models import (
    ACTIVE_STATUSES,
    SEAT_HOLDING_STATUSES,
    AdmissionWave,
    Registration,
    RegistrationStatus,
    queue_position_expression,
)
from sprintlab.sprints.models import Sprint

ACTIVE = Q(status__in=ACTIVE_STATUSES)
ATTENDEE_STATUSES = SEAT_HOLDING_STATUSES
WAITLIST_STATUSES = (RegistrationStatus.WAITLISTED, RegistrationStatus.APPLIED)


# The registration API's read of the site it names (the sprint's is sprints.selectors.sprint_by_slug):
# precompiled, as it runs on every registration.
SITE_WITH_SPRINT = PrecompiledQuery(
    lambda pk: LocalSite.objects.select_related("sprint").filter(pk=pk).order_by(), pk=-7_000_005
)
# A person's registration for a sprint, on every signed-in sprint page (unique: at most one row).
REGISTRATION_OF_USER = PrecompiledQuery(
    lambda sprint_id, user_id: Registration.objects.filter(sprint_id=sprint_id, user_id=user_id).order_by("pk")[:1],
    sprint_id=-7_000_011,
    user_id=-7_000_012,
)
# A person's registrations with their sprints and sites, on every visit to "My sprints".
REGISTRATIONS_OF_USER = PrecompiledQuery(
    lambda user_id: Registration.objects.filter(user_id=user_id).select_related("sprint", "site"),
    user_id=-7_000_013,
)


def site_with_sprint(site_id: int) -> LocalSite | None:
    """The site with this id and its sprint, in one query (no lock: the service locks what it counts)."""
    return SITE_WITH_SPRINT.first(pk=site_id)


def get_registration_for_user(
    *, registration_id: int, user, perm: str = "registrations.view_registration"
) -> Registration:
    """The registration if ``user`` has ``perm`` on it; a missing and a forbidden one both raise Http404."""
    registration = Registration.objects.select_related("sprint", "site", "user").filter(pk=registration_id).first()
    if registration is None or not user.has_perm(perm, registration):
        raise Http404
    return registration


def registration_of_user(sprint: Sprint, user) -> Registration | None:
    """``user``'s registration for ``sprint`` in any status, or None."""
    return REGISTRATION_OF_USER.first(sprint_id=sprint.pk, user_id=user.pk)


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
        REGISTRATIONS_OF_USER.all(user_id=user.pk),
        key=lambda r: (
            (0, r.sprint.kickoff_at.timestamp())
            if r.sprint.submission_deadline_at >= now
            else (1, -r.sprint.kickoff_at.timestamp())
        ),
    )
    # One small count per waitlisted registration; a person waits for very few sprints at once.
    for registration in registrations:
        registration.waitlist_position = waitlist_position(registration)
        if registration.site is not None:
            registration.site.sprint = registration.sprint  # its link needs the sprint: no query per card
    return registrations


def active_registration_of(*, sprint: Sprint, user) -> Registration | None:
    """The person's live registration for ``sprint`` (with its site), or None."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(sprint=sprint, user=user, status__in=ACTIVE_STATUSES).select_related("site").first()
    )


# --- Seats: the one count every page, form and schema shows ----------------------------------------


@dataclass(frozen=True)
class SprintSeats:
    """Who holds a seat in one sprint, by place, as read once for a page or a response.

    ``left_at`` applies the rule of ``seats.seats_left`` (the one the services apply under their
    locks): seats left at a place are the smaller of the site's and the sprint's free seats. Once
    registration has closed no place has seats left, so no page offers one.
    """

    sprint: Sprint
    taken_by_site: dict[int | None, int]  # None: remote
    registration_closed: bool

    @property
    def taken(self) -> int:
        return sum(self.taken_by_site.values())

    @property
    def sprint_full(self) -> bool:
        """The sprint's overall capacity is used up: new people wait whatever place they choose."""
        return self.sprint.capacity is not None and self.taken >= self.sprint.capacity

    def left_at(self, site: LocalSite | None, *, holder: Registration | None = None) -> int | None:
        """Seats left for one more person at ``site`` (None: remote) now; None means unlimited.

        ``holder`` is the person who would move there: the seat they hold in this sprint is free
        for them (switching keeps it when the new place has room), as in the switch service.
        """
        if self.registration_closed or (site is not None and not site.is_approved):
            return 0
        return self.free_at(site, holder=holder)

    def free_at(self, site: LocalSite | None, *, holder: Registration | None = None) -> int | None:
        """Free seats at ``site`` whether or not registration is open: what an admission wave may fill."""
        moving = holder is not None and holder.holds_seat and holder.sprint_id == self.sprint.pk
        site_taken = 0 if site is None else self.taken_by_site.get(site.pk, 0) - (moving and holder.site_id == site.pk)
        return seats.seats_left(
            site_capacity=None if site is None else site.capacity,
            site_taken=site_taken,
            sprint_capacity=self.sprint.capacity,
            sprint_taken=self.taken - moving,
        )


def seats_by_sprint(sprints: Iterable[Sprint], *, now: datetime | None = None) -> dict[int, SprintSeats]:
    """``SprintSeats`` of each of ``sprints``, in one query on the (sprint, status, …) index."""
    now = now or timezone.now()
    by_id = {sprint.pk: sprint for sprint in sprints}
    taken: dict[int, dict[int | None, int]] = {pk: {} for pk in by_id}
    rows = (
        Registration.objects.filter(sprint_id__in=by_id, status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values_list("sprint_id", "site_id")
        .annotate(n=Count("pk"))
    )
    for sprint_id, site_id, n in rows:
        taken[sprint_id][site_id] = n
    return {
        pk: SprintSeats(sprint=sprint, taken_by_site=taken[pk], registration_closed=now >= sprint.registration_deadline)
        for pk, sprint in by_id.items()
    }


def sprint_seats(sprint: Sprint, *, now: datetime | None = None) -> SprintSeats:
    return seats_by_sprint([sprint], now=now)[sprint.pk]


def shown_sprint_seats(sprint: Sprint, *, now: datetime | None = None) -> SprintSeats:
    """``sprint_seats`` for pages that only show the counts: reused for ``SHARED_FRAGMENT_SECONDS``.

    The busy pages show seat counts as old as their shared parts (``core.cache.shared_fragment``);
    forms and services count afresh, and the services decide under their locks.
    """
    seconds = settings.SHARED_FRAGMENT_SECONDS
    if seconds <= 0:
        return sprint_seats(sprint, now=now)
    key = f"sprintlab:sprint-seats:v1:{sprint.pk}"
    taken = cache.get(key)
    if taken is None:
        seats = sprint_seats(sprint, now=now)
        cache.set(key, seats.taken_by_site, seconds)
        return seats
    closed = (now or timezone.now()) >= sprint.registration_deadline
    return SprintSeats(sprint=sprint, taken_by_site=taken, registration_closed=closed)


def with_seats(
    sites: Iterable[LocalSite], *, seats_of: SprintSeats | None = None, holder: Registration | None = None
) -> list[LocalSite]:
    """``sites`` (of any sprints) with ``seats_taken`` (at the site) and ``seats_left`` set on each.

    Pass ``seats_of`` when the page already read its sprint's seats (no further query); otherwise
    one query counts them for all the sprints of ``sites``.
    """
    sites = list(sites)
    if seats_of is not None:
        counts = {seats_of.sprint.pk: seats_of}
    else:
        counts = seats_by_sprint({site.sprint_id: site.sprint for site in sites}.values())
    for site in sites:
        seats_here = counts[site.sprint_id]
        site.seats_taken = seats_here.taken_by_site.get(site.pk, 0)
        site.seats_left = seats_here.left_at(site, holder=holder)
    return sites


def approved_sites(sprint: Sprint) -> QuerySet[LocalSite]:
    """Approved sites of ``sprint`` ordered by country and city: the places one may register at."""
    return sprint.sites.filter(status=SiteStatus.APPROVED).order_by("country", "city", "name")


def approved_site_counts(sprint_ids: list[int]) -> dict[int, int]:
    """How many approved sites each of ``sprint_ids`` has, in one query (a row per sprint)."""
    return site_counts(sprint_ids, status=SiteStatus.APPROVED)


def shown_approved_site_counts(sprint_ids: list[int]) -> dict[int, int]:
    """``approved_site_counts`` for pages that only decide whether to offer a choice of site ("My
    sprints"' switch menu): reused for ``SHARED_FRAGMENT_SECONDS``, like ``shown_sprint_seats``.

    The menu itself lists the sites afresh when opened, and the switch decides under its lock.
    """
    seconds = settings.SHARED_FRAGMENT_SECONDS
    if seconds <= 0 or not sprint_ids:
        return approved_site_counts(sprint_ids)
    keys = {f"sprintlab:approved-sites:v1:{pk}": pk for pk in sprint_ids}
    counts = {keys[key]: n for key, n in cache.get_many(list(keys)).items()}
    missing = [pk for pk in sprint_ids if pk not in counts]
    if missing:
        fresh = approved_site_counts(missing)
        fresh = {pk: fresh.get(pk, 0) for pk in missing}
        cache.set_many({f"sprintlab:approved-sites:v1:{pk}": n for pk, n in fresh.items()}, seconds)
        counts.update(fresh)
    return counts


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


# --- Counts shown on the sprint pages -------------------------------------------------------------


def with_registered_count(sprints: QuerySet[Sprint]) -> QuerySet[Sprint]:
    """``sprints`` annotated with ``registered_count`` (active registrations) in the same query."""
    # A correlated count per listed sprint reads the (sprint, status, …) index instead of grouping
    # every registration of every sprint in the tab.
    active_count = (
        Registration.objects.filter(sprint=OuterRef("pk"), status__in=ACTIVE_STATUSES)
        .order_by()
        .values("sprint")
        .annotate(n=Count("*"))
        .values("n")  # COUNT(*): an index-only scan
    )
    return sprints.annotate(registered_count=Coalesce(Subquery(active_count), Value(0)))


@dataclass(frozen=True)
class SprintStats:
    registered: int
    remote: int
    at_sites: int
    countries: int
    approved_sites: int


def sprint_public_stats(sprint: Sprint) -> SprintStats:
    """The live counts shown on a sprint page, in two queries whatever the number of registrations.

    Counting distinct countries joins every registration to its person, which costs tens of
    milliseconds on a sprint with ten thousand registrations. Setting SPRINT_STATS_CACHE_SECONDS
    (0, the default, means always live) keeps the counts in the shared cache for that long.
    """
    seconds = getattr(settings, "SPRINT_STATS_CACHE_SECONDS", 0)
    if not seconds:
        return _count_sprint_stats(sprint)
    key = f"sprintlab:sprint-stats:v2:{sprint.pk}"  # v2: no seat count (see sprint_seats)
    return cache.get_or_set(key, lambda: _count_sprint_stats(sprint), seconds)


def _count_sprint_stats(sprint: Sprint) -> SprintStats:
    counts = Registration.objects.filter(sprint=sprint).aggregate(
        registered=Count("id", filter=ACTIVE),
        remote=Count("id", filter=ACTIVE & Q(site__isnull=True)),
        at_sites=Count("id", filter=ACTIVE & Q(site__isnull=False)),
        countries=Count("user__country", filter=ACTIVE & ~Q(user__country=""), distinct=True),
    )
    approved_sites = LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED).count()
    return SprintStats(approved_sites=approved_sites, **counts)


# --- The organisers' registrations table ----------------------------------------------------------


@dataclass(frozen=True)
class RegistrationFilters:
    """What the organisers' table is narrowed to; every field empty means everything."""

    status: str = ""
    where: str = ""  # "remote", or a site's id as text
    country: str = ""
    experience: str = ""
    first_sprint: str = ""  # "yes" or "no"
    search: str = ""


def registrations_for_organisers(sprint: Sprint, filters: RegistrationFilters | None = None) -> QuerySet[Registration]:
    """Registrations of ``sprint`` for its organisers' table and export, people and sites joined in."""
    filters = filters or RegistrationFilters()
    registrations = Registration.objects.filter(sprint=sprint).select_related("user", "site")
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    if filters.where == "remote":
        registrations = registrations.filter(site__isnull=True)
    elif filters.where.isdigit():
        registrations = registrations.filter(site_id=int(filters.where))
    if filters.country:
        registrations = registrations.filter(user__country=filters.country)
    if filters.experience:
        registrations = registrations.filter(experience_level=filters.experience)
    if filters.first_sprint in ("yes", "no"):
        registrations = registrations.filter(first_sprint=filters.first_sprint == "yes")
    if filters.search:
        term = filters.search.strip()
        registrations = registrations.filter(
            Q(user__email__icontains=term)
            | Q(user__display_name__icontains=term)
            | Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
        )
    return registrations.order_by("created_at", "id")


def registration_status_counts(sprint: Sprint) -> dict[str, int]:
    """How many registrations of ``sprint`` are in each status, in one query."""
    rows = Registration.objects.filter(sprint=sprint).values_list("status").annotate(n=Count("id")).order_by()
    return dict(rows)


# --- A site's people (its organisers' dashboard, check-in and export) ----------------------------


def site_registrations(site: LocalSite) -> QuerySet[Registration]:
    return Registration.objects.filter(site=site).select_related("user", "checked_in_by")


def site_attendees(site: LocalSite) -> QuerySet[Registration]:
    """People holding a seat (confirmed, or admitted and yet to confirm), by name."""
    return site_registrations(site).filter(status__in=ATTENDEE_STATUSES).order_by("user__display_name", "user__email")


def site_waitlist(site: LocalSite) -> QuerySet[Registration]:
    """People waiting for a seat, in the order they will be considered."""
    return (
        site_registrations(site)
        .filter(status__in=WAITLIST_STATUSES)
        .order_by(F("waitlisted_at").asc(nulls_last=True), "created_at", "id")
    )


def site_people_counts(site: LocalSite) -> dict[str, int]:
    """Confirmed, waitlisted and checked-in counts in one query."""
    confirmed = Q(status=RegistrationStatus.CONFIRMED)
    return Registration.objects.filter(site=site).aggregate(
        confirmed=Count("pk", filter=confirmed),
        offered=Count("pk", filter=Q(status=RegistrationStatus.OFFERED)),
        waitlisted=Count("pk", filter=Q(status__in=WAITLIST_STATUSES)),
        checked_in=Count("pk", filter=confirmed & Q(checked_in_at__isnull=False)),
    )


def check_in_candidates(site: LocalSite, *, query: str = "", limit: int = 50) -> QuerySet[Registration]:
    """Confirmed attendees of ``site`` whose name or email contains ``query``; not yet arrived first."""
    registrations = site_registrations(site).filter(status=RegistrationStatus.CONFIRMED)
    query = (query or "").strip()
    if query:
        registrations = registrations.filter(
            Q(user__display_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
        )
    return registrations.order_by(
        Case(When(checked_in_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "user__display_name",
        "user__email",
    )[:limit]


def get_site_registration(site: LocalSite, registration_id: int) -> Registration:
    """A registration at ``site`` (any status), or 404 when it belongs elsewhere."""
    registration = site_registrations(site).filter(pk=registration_id).first()
    if registration is None:
        raise Http404
    return registration


def site_ids_with_people(site_ids: Iterable[int]) -> set[int]:
    """Which of ``site_ids`` have someone registered (in any active status): such a site is not withdrawn."""
    return set(
        Registration.objects.filter(site_id__in=list(site_ids), status__in=ACTIVE_STATUSES)
        .order_by()
        .values_list("site_id", flat=True)
        .distinct()
    )
