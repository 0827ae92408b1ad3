"""Reads of local sites shared by pages and the API: annotated once, no query per site."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django_countries import countries

from sprintlab.core.geography import REGION_ORDER, region_key_for
from sprintlab.localsites.models import LocalSite, SiteOrganiser, SiteStatus
from sprintlab.registrations.models import SEAT_HOLDING_STATUSES, Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint, SprintRole

ATTENDEE_STATUSES = SEAT_HOLDING_STATUSES
WAITLIST_STATUSES = (RegistrationStatus.WAITLISTED, RegistrationStatus.APPLIED)


def seats_taken_expression():
    """Seat-holding registrations of the outer site: a correlated COUNT(*) on the (site, status, …) index.

    Unlike a LEFT JOIN of every registration plus GROUP BY over all site columns, it counts only
    the listed sites and never sorts wide rows.
    """
    taken = (
        Registration.objects.filter(site=OuterRef("pk"), status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values("site")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(taken), Value(0))


def with_seats(queryset: QuerySet[LocalSite]) -> QuerySet[LocalSite]:
    """Annotate ``seats_taken`` (registrations holding a seat) in the same query."""
    return queryset.annotate(seats_taken=seats_taken_expression())


def seats_left(site: LocalSite) -> int:
    return max(site.capacity - site.seats_taken, 0)


def public_sites(sprint: Sprint, *, country: str = "", query: str = "") -> QuerySet[LocalSite]:
    """Approved sites of ``sprint`` with ``seats_taken``, optionally filtered by country or text."""
    # Through the related manager every site gets ``sprint`` as a known object: no join, no query.
    sites = sprint.sites.filter(status=SiteStatus.APPROVED)
    if country:
        sites = sites.filter(country=country.upper())
    if query:
        sites = sites.filter(Q(name__icontains=query) | Q(city__icontains=query) | Q(address__icontains=query))
    return with_seats(sites).order_by("country", "city", "name")


def public_site_countries(sprint: Sprint) -> list[tuple[str, str]]:
    """(code, name) of the countries that have an approved site, by name: the country filter."""
    codes = (
        LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED)
        .values_list("country", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(((code, countries.name(code)) for code in codes), key=lambda pair: pair[1])


@dataclass
class CountryGroup:
    code: str
    name: str
    sites: list[LocalSite] = field(default_factory=list)


@dataclass
class RegionGroup:
    key: str
    name: str
    countries: list[CountryGroup] = field(default_factory=list)

    @property
    def site_count(self) -> int:
        return sum(len(country.sites) for country in self.countries)


def group_by_region(sites) -> list[RegionGroup]:
    """Sites grouped by world region, then country (both in display order); no queries."""
    regions: dict[str, RegionGroup] = {}
    by_country: dict[str, CountryGroup] = {}
    for site in sites:
        site.seats_left = seats_left(site)
        code = str(site.country)
        if code not in by_country:
            region = region_key_for(code)
            group = regions.setdefault(region, RegionGroup(key=region.value, name=str(region.label)))
            by_country[code] = CountryGroup(code=code, name=countries.name(code))
            group.countries.append(by_country[code])
        by_country[code].sites.append(site)
    ordered = sorted(regions.items(), key=lambda item: REGION_ORDER[item[0]])
    for _, group in ordered:
        group.countries.sort(key=lambda country: country.name)
        for country in group.countries:
            country.sites.sort(key=lambda site: (site.city.casefold(), site.name.casefold()))
    return [group for _, group in ordered]


def site_detail(sprint_slug: str, slug: str) -> LocalSite:
    """One site with its seats and organisers, or 404; the caller checks who may see it."""
    sites = with_seats(
        LocalSite.objects.filter(sprint__slug=sprint_slug, slug=slug).select_related("sprint", "applicant")
    ).prefetch_related(
        Prefetch("organiser_links", SiteOrganiser.objects.select_related("user").order_by("-is_lead", "id"))
    )
    site = sites.first()
    if site is None:
        raise Http404
    return site


def _authorise(user, site: LocalSite | None, perm: str) -> LocalSite:
    # A site the user may not even see answers 404, so pending applications do not leak; a
    # visible site they may not act on answers 403.
    if site is None or not user.has_perm("localsites.view_site", site):
        raise Http404
    if perm != "localsites.view_site" and not user.has_perm(perm, site):
        raise PermissionDenied
    return site


def get_site_for_user(user, sprint_slug: str, slug: str, perm: str = "localsites.view_site") -> LocalSite:
    """The site at these slugs if ``user`` has ``perm`` on it (404 if unseen, 403 if forbidden)."""
    try:
        site = site_detail(sprint_slug, slug)
    except Http404:
        site = None
    return _authorise(user, site, perm)


def get_site_by_id_for_user(user, site_id: int, perm: str = "localsites.view_site") -> LocalSite:
    """The site with this id if ``user`` has ``perm`` on it (404 if unseen, 403 if forbidden)."""
    site = (
        with_seats(LocalSite.objects.filter(pk=site_id).select_related("sprint", "applicant"))
        .prefetch_related(
            Prefetch("organiser_links", SiteOrganiser.objects.select_related("user").order_by("-is_lead", "id"))
        )
        .first()
    )
    return _authorise(user, site, perm)


def applications_for_sprint(sprint: Sprint, *, status: str = "") -> QuerySet[LocalSite]:
    """All applications of a sprint, those awaiting a decision first, oldest first within each."""
    sites = LocalSite.objects.filter(sprint=sprint)
    if status:
        sites = sites.filter(status=status)
    return with_application_details(sites)


def pending_application_counts(sprint_ids: list[int]) -> dict[int, int]:
    """How many site applications await a decision in each of ``sprint_ids`` (absent means none): one query."""
    rows = (
        LocalSite.objects.filter(sprint_id__in=sprint_ids, status=SiteStatus.PENDING)
        .order_by()
        .values("sprint_id")
        .annotate(n=Count("*"))
    )
    return {row["sprint_id"]: row["n"] for row in rows}


def with_application_details(sites: QuerySet[LocalSite]) -> QuerySet[LocalSite]:
    return (
        with_seats(
            sites.select_related("sprint", "applicant", "decided_by").prefetch_related(
                Prefetch("organiser_links", SiteOrganiser.objects.select_related("user").order_by("-is_lead", "id"))
            )
        )
        .annotate(
            review_order=Case(
                When(status=SiteStatus.PENDING, then=Value(0)),
                When(status=SiteStatus.CHANGES_REQUESTED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("review_order", "created_at", "id")
    )


def applications_visible_to(user, *, sprint_slug: str = "", status: str = "") -> QuerySet[LocalSite]:
    """Applications ``user`` made or organises, plus those they may review (their sprints; all for staff)."""
    visible = Q(applicant=user) | Q(organiser_links__user=user)
    if user.is_staff:
        visible = Q()
    else:
        organised = Sprint.objects.filter(memberships__user=user, memberships__role=SprintRole.ORGANISER)
        visible |= Q(sprint__in=organised)
    ids = LocalSite.objects.filter(visible).values("pk")
    sites = LocalSite.objects.filter(pk__in=ids)
    if sprint_slug:
        sites = sites.filter(sprint__slug=sprint_slug)
    if status:
        sites = sites.filter(status=status)
    return with_application_details(sites)


def sites_of_user(user) -> QuerySet[LocalSite]:
    """Sites ``user`` applied for or organises, newest sprint first: the "My sites" page."""
    ids = LocalSite.objects.filter(Q(applicant=user) | Q(organiser_links__user=user)).values("pk")
    return with_seats(LocalSite.objects.filter(pk__in=ids).select_related("sprint", "applicant")).order_by(
        "-sprint__kickoff_at", "name"
    )


# --- A site's people ------------------------------------------------------------------------------


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


def site_counts(site: LocalSite) -> dict[str, int]:
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
