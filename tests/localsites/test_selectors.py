import pytest
from django.urls import reverse

from sprintlab.localsites import selectors
from sprintlab.localsites.models import SiteStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_public_sites_are_approved_and_filtered(sprint):
    LocalSiteFactory(sprint=sprint, country="GB", city="Oxford", name="Oxford Hub")
    LocalSiteFactory(sprint=sprint, country="IN", city="Bengaluru", name="Bengaluru Hub")
    LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING, country="KE", city="Nairobi")
    LocalSiteFactory(country="VN")  # another sprint
    assert {site.city for site in selectors.public_sites(sprint)} == {"Oxford", "Bengaluru"}
    assert [site.city for site in selectors.public_sites(sprint, country="in")] == ["Bengaluru"]
    assert [site.city for site in selectors.public_sites(sprint, query="oxf")] == ["Oxford"]
    assert selectors.public_site_countries(sprint) == [("IN", "India"), ("GB", "United Kingdom")]


def test_group_by_region_then_country(sprint):
    for country, city in (("KE", "Nairobi"), ("GB", "Oxford"), ("GB", "Cambridge"), ("VN", "Hanoi"), ("BR", "Recife")):
        LocalSiteFactory(sprint=sprint, country=country, city=city)
    groups = selectors.group_by_region(selectors.public_sites(sprint))
    assert [group.name for group in groups] == ["Africa", "Asia", "Europe", "Latin America & Caribbean"]
    europe = groups[2]
    assert [country.name for country in europe.countries] == ["United Kingdom"]
    assert [site.city for site in europe.countries[0].sites] == ["Cambridge", "Oxford"]
    assert europe.site_count == 2


def test_applications_pending_first(sprint):
    approved = LocalSiteFactory(sprint=sprint)
    pending = LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING)
    changes = LocalSiteFactory(sprint=sprint, status=SiteStatus.CHANGES_REQUESTED)
    assert list(selectors.applications_for_sprint(sprint)) == [pending, changes, approved]
    assert list(selectors.applications_for_sprint(sprint, status="approved")) == [approved]


def test_applications_visible_to(world):
    other_sprint_site = LocalSiteFactory(status=SiteStatus.PENDING)
    mine = set(selectors.applications_visible_to(world.user("applicant")))
    assert mine == {world.pending, world.site}
    assert set(selectors.applications_visible_to(world.user("sprint_organiser"))) == {
        world.pending,
        world.site,
        world.other_site,
    }
    assert other_sprint_site in set(selectors.applications_visible_to(world.user("staff")))
    assert not selectors.applications_visible_to(world.user("other_user")).exists()
    assert list(
        selectors.applications_visible_to(world.user("staff"), sprint_slug=world.sprint.slug, status="pending")
    ) == [world.pending]


def build_sites(sprint, count: int, registrations_per_site: int) -> None:
    countries = ["GB", "US", "IN", "VN", "BR", "KE", "DE", "AU"]
    for index in range(count):
        site = LocalSiteFactory(sprint=sprint, country=countries[index % len(countries)], city=f"City {index}")
        for _ in range(registrations_per_site):
            RegistrationFactory(sprint=sprint, site=site)


@pytest.mark.parametrize("url_name", ["localsites:list", "api-list"])
def test_sites_list_makes_the_same_number_of_queries_at_two_sizes(client, url_name):
    small, large = SprintFactory(), SprintFactory()
    build_sites(small, 3, 1)
    build_sites(large, 40, 3)

    def url(sprint):
        if url_name == "api-list":
            return f"/api/v1/sprints/{sprint.slug}/sites"
        return reverse(url_name, kwargs={"sprint_slug": sprint.slug})

    small_count = count_queries(client, url(small))
    large_count = count_queries(client, url(large))
    assert small_count == large_count
    assert large_count <= 4
