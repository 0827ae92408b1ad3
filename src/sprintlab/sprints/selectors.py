"""Reads shared by the sprint pages and the API; each returns data with its counts already attached."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from sprintlab.accounts.ratelimits import email_lookups_charge
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.registrations.models import ACTIVE_STATUSES, SEAT_HOLDING_STATUSES, Registration
from sprintlab.sprints.models import Partner, Sprint, SprintMembership, SprintRole

WHEN_CHOICES = ("upcoming", "running", "past")
ACTIVE = Q(status__in=ACTIVE_STATUSES)


def published_sprints(*, when: str = "upcoming", area: str = "", now: datetime | None = None) -> QuerySet[Sprint]:
    """Published sprints in one tab, each annotated with ``registered_count`` (active registrations).

    upcoming: kickoff in the future (soonest first); running: kickoff ≤ now < submission deadline;
    past: after the submission deadline (latest first).
    """
    now = now or timezone.now()
    # A correlated count per listed sprint reads the (sprint, status, …) index instead of grouping
    # every registration of every sprint in the tab.
    active_count = (
        Registration.objects.filter(sprint=OuterRef("pk"), status__in=ACTIVE_STATUSES)
        .order_by()
        .values("sprint")
        .annotate(n=Count("*"))
        .values("n")  # COUNT(*): an index-only scan
    )
    sprints = Sprint.objects.filter(is_published=True).annotate(
        registered_count=Coalesce(Subquery(active_count), Value(0))
    )
    if area:
        sprints = sprints.filter(research_area=area)
    if when == "running":
        return sprints.filter(kickoff_at__lte=now, submission_deadline_at__gt=now).order_by(
            "submission_deadline_at", "id"
        )
    if when == "past":
        return sprints.filter(submission_deadline_at__lte=now).order_by("-kickoff_at", "-id")
    return sprints.filter(kickoff_at__gt=now).order_by("kickoff_at", "id")


def drafts_visible_to(user) -> QuerySet[Sprint]:
    """Unpublished sprints ``user`` may open: all of them for staff, else those they organise or co-host."""
    if not user.is_authenticated:
        return Sprint.objects.none()
    drafts = Sprint.objects.filter(is_published=False).order_by("kickoff_at", "id")
    return drafts if user.is_staff else drafts.filter(memberships__user=user).distinct()


def sprints_run_by(user) -> QuerySet[Sprint]:
    """Sprints ``user`` organises or co-hosts, latest kickoff first, each annotated with ``organises``
    (True for an organiser, False for a partner co-host only): one query, whatever their number."""
    if not user.is_authenticated:
        return Sprint.objects.none()
    memberships = SprintMembership.objects.filter(user=user)
    organiser_role = memberships.filter(sprint=OuterRef("pk"), role=SprintRole.ORGANISER)
    return (
        Sprint.objects.filter(pk__in=memberships.values("sprint_id"))
        .annotate(organises=Exists(organiser_role))
        .order_by("-kickoff_at", "-id")
    )


def sprint_with_content(queryset: QuerySet[Sprint] | None = None) -> QuerySet[Sprint]:
    """Sprints with their partners, tracks and prizes prefetched: three queries, whatever their number."""
    queryset = queryset if queryset is not None else Sprint.objects.all()
    return queryset.prefetch_related(
        Prefetch("partners", queryset=Partner.objects.order_by("name")), "tracks", "prizes"
    )


def sprint_for_viewer(slug: str, user) -> Sprint:
    """The sprint called ``slug`` with its content, or 404 when it is missing or a draft ``user`` may not see.

    A draft answers exactly like a missing sprint, so that its existence does not leak.
    """
    sprint = sprint_with_content(Sprint.objects.filter(slug=slug)).first()
    if sprint is None or not (sprint.is_published or user.has_perm("sprints.view_sprint", sprint)):
        raise Http404("No such sprint.")
    return sprint


def sprint_for_manager(slug: str, user, perm: str) -> Sprint:
    """The sprint called ``slug`` when ``user`` holds ``perm`` on it.

    Raises 404 when it is missing or a draft the user may not see (no leak), 403 when the user can see
    the sprint but not do this.
    """
    sprint = Sprint.objects.filter(slug=slug).first()
    if sprint is None:
        raise Http404("No such sprint.")
    if not user.has_perm(perm, sprint):
        if sprint.is_published or user.has_perm("sprints.view_sprint", sprint):
            raise PermissionDenied
        raise Http404("No such sprint.")
    return sprint


def team_memberships(sprint: Sprint) -> QuerySet[SprintMembership]:
    """The sprint's organisers, then its partner co-hosts, each with their person and organisation."""
    return (
        SprintMembership.objects.filter(sprint=sprint)
        .select_related("user", "partner")
        .order_by("-role", "user__display_name", "user__email")
    )


def account_by_email(email: str, *, looked_up_by):
    """The account that signs in with ``email`` (addresses are stored lower-case), or None.

    Each different address counts against ``looked_up_by``'s hourly budget (``TooManyRequests`` past
    it): the answer tells whether an address has an account, so nobody may ask it in bulk.
    """
    email_lookups_charge(user=looked_up_by, emails=[email])
    return get_user_model().objects.filter(email__iexact=email.strip()).first()


@dataclass(frozen=True)
class SprintStats:
    registered: int
    remote: int
    at_sites: int
    countries: int
    seats_taken: int
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
    key = f"sprintlab:sprint-stats:{sprint.pk}"
    stats = cache.get(key)
    if stats is None:
        stats = _count_sprint_stats(sprint)
        cache.set(key, stats, seconds)
    return stats


def _count_sprint_stats(sprint: Sprint) -> SprintStats:
    counts = Registration.objects.filter(sprint=sprint).aggregate(
        registered=Count("id", filter=ACTIVE),
        remote=Count("id", filter=ACTIVE & Q(site__isnull=True)),
        at_sites=Count("id", filter=ACTIVE & Q(site__isnull=False)),
        countries=Count("user__country", filter=ACTIVE & ~Q(user__country=""), distinct=True),
        seats_taken=Count("id", filter=Q(status__in=SEAT_HOLDING_STATUSES)),
    )
    approved_sites = LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED).count()
    return SprintStats(approved_sites=approved_sites, **counts)


def approved_sites_with_seats(sprint: Sprint, *, limit: int | None = None) -> QuerySet[LocalSite]:
    """Approved sites of ``sprint`` with ``seats_taken`` and ``seats_left`` (never below zero), one query.

    The seats are a correlated count per site, so with ``limit`` only the listed sites are counted.
    """
    taken = (
        Registration.objects.filter(site=OuterRef("pk"), status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values("site")
        .annotate(n=Count("*"))
        .values("n")
    )
    sites = (
        LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED)
        .annotate(seats_taken=Coalesce(Subquery(taken), Value(0)))
        .annotate(seats_left=Greatest(F("capacity") - F("seats_taken"), Value(0)))
        .order_by("country", "city", "name")
    )
    return sites[:limit] if limit else sites


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


def sprint_sites_for_filter(sprint: Sprint) -> QuerySet[LocalSite]:
    """All sites of ``sprint`` that registrations may point at, for the table's site filter."""
    return LocalSite.objects.filter(sprint=sprint).only("id", "name", "city", "sprint_id").order_by("city", "name")
