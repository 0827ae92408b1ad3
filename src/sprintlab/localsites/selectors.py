"""Reads of local sites shared by pages and the API: annotated once, no query per site.

Seats and a site's people are read by the registrations app (``registrations.selectors``:
``with_seats``, ``site_attendees`` …); views and the API combine both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django_countries import countries

from sprintlab.core.geography import REGION_ORDER, countries_in_region, region_key_for
from sprintlab.localsites.models import LocalSite, SiteOrganiser, SiteStatus
from sprintlab.sprints.models import Sprint, SprintRole


def public_sites(sprint: Sprint, *, country: str = "", region: str = "", query: str = "") -> QuerySet[LocalSite]:
    """Approved sites of ``sprint``, optionally filtered by country, world region (``Region`` value) or text."""
    # Through the related manager every site gets ``sprint`` as a known object: no join, no query.
    sites = sprint.sites.filter(status=SiteStatus.APPROVED)
    if country:
        sites = sites.filter(country=country.upper())
    if region:
        sites = sites.filter(country__in=countries_in_region(region))
    if query:
        sites = sites.filter(Q(name__icontains=query) | Q(city__icontains=query) | Q(address__icontains=query))
    return sites.order_by("country", "city", "name")


def public_site_points(sprint: Sprint) -> list[tuple]:
    """(latitude, longitude) of every approved site of ``sprint`` that has them: one small query."""
    sites = LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED, latitude__isnull=False)
    return list(sites.filter(longitude__isnull=False).order_by().values_list("latitude", "longitude"))


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
    """One site with its organisers, or 404; the caller checks who may see it."""
    sites = LocalSite.objects.filter(sprint__slug=sprint_slug, slug=slug).select_related("sprint", "applicant")
    sites = sites.prefetch_related(
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
        LocalSite.objects.filter(pk=site_id)
        .select_related("sprint", "applicant")
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


def site_counts(sprint_ids: list[int], *, status: SiteStatus) -> dict[int, int]:
    """How many sites in ``status`` each of ``sprint_ids`` has (absent means none): one query."""
    rows = (
        LocalSite.objects.filter(sprint_id__in=sprint_ids, status=status)
        .order_by()
        .values_list("sprint_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def pending_application_counts(sprint_ids: list[int]) -> dict[int, int]:
    """How many site applications await a decision in each of ``sprint_ids``."""
    return site_counts(sprint_ids, status=SiteStatus.PENDING)


def with_application_details(sites: QuerySet[LocalSite]) -> QuerySet[LocalSite]:
    return (
        sites.select_related("sprint", "applicant", "decided_by")
        .prefetch_related(
            Prefetch("organiser_links", SiteOrganiser.objects.select_related("user").order_by("-is_lead", "id"))
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
    return (
        LocalSite.objects.filter(pk__in=ids)
        .select_related("sprint", "applicant")
        .order_by("-sprint__kickoff_at", "name")
    )


def sprint_sites_for_filter(sprint: Sprint) -> QuerySet[LocalSite]:
    """All sites of ``sprint`` that registrations may point at, for the table's site filter."""
    return LocalSite.objects.filter(sprint=sprint).only("id", "name", "city", "sprint_id").order_by("city", "name")
