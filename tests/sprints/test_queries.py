"""The public pages make the same number of SQL queries whatever the number of sites and registrations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import Prize, Track
from sprintlab.sprints.views import SPRINTS_PER_PAGE
from tests.factories import (
    LocalSiteFactory,
    PartnerFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def populate(sprint, *, sites: int, registrations: int) -> None:
    site_list = LocalSiteFactory.create_batch(sites, sprint=sprint, capacity=20)
    for n in range(registrations):
        status = RegistrationStatus.WAITLISTED if n % 7 == 0 else RegistrationStatus.CONFIRMED
        site = site_list[n % len(site_list)] if n % 3 else None
        RegistrationFactory(
            sprint=sprint, site=site, status=status, user=UserFactory(country=["GB", "IN", "BR", "KE"][n % 4])
        )
    for n in range(sites // 2 + 1):
        sprint.partners.add(PartnerFactory())
        Track.objects.create(sprint=sprint, name=f"Track {n}")
        Prize.objects.create(sprint=sprint, name=f"Prize {n}")


@pytest.mark.parametrize("viewer", ["anonymous", "participant", "organiser"])
def test_sprint_page_query_count_does_not_grow_with_data(client, viewer):
    small, large = SprintFactory(), SprintFactory()
    populate(small, sites=2, registrations=5)
    populate(large, sites=30, registrations=200)
    counts = []
    for sprint in (small, large):
        if viewer == "participant":
            client.force_login(RegistrationFactory(sprint=sprint).user)
        elif viewer == "organiser":
            client.force_login(SprintMembershipFactory(sprint=sprint).user)
        counts.append(count_queries(client, reverse("sprints:detail", kwargs={"slug": sprint.slug})))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("viewer", ["anonymous", "staff"])
def test_sprint_list_query_count_does_not_grow_with_data(client, viewer):
    if viewer == "staff":
        client.force_login(StaffFactory())
    url = reverse("sprints:list")
    SprintFactory.create_batch(2)
    SprintFactory(is_published=False)
    small = count_queries(client, url)
    for sprint in SprintFactory.create_batch(13):
        populate(sprint, sites=2, registrations=6)
    SprintFactory.create_batch(5, is_published=False)
    large = count_queries(client, url)
    assert small == large


TAB_KICKOFF = {"running": timedelta(days=1), "past": timedelta(days=30)}


def _in_tab(when: str, count: int) -> list:
    """Published sprints that the ``when`` tab lists: running kicked off yesterday, past a month ago."""
    kickoff = timezone.now() - TAB_KICKOFF[when]
    opens = kickoff - timedelta(days=14)
    return SprintFactory.create_batch(
        count, kickoff_at=kickoff, registration_opens_at=opens, announced_at=opens - timedelta(days=7)
    )


@pytest.mark.parametrize("when", ["running", "past"])
def test_sprint_list_tabs_query_count_does_not_grow_with_data(client, when):
    url = reverse("sprints:list") + f"?when={when}"
    listed = _in_tab(when, 2)
    small = count_queries(client, url)
    for sprint in _in_tab(when, 13):
        populate(sprint, sites=2, registrations=6)
        listed.append(sprint)
    SprintFactory.create_batch(3)  # in another tab
    response = client.get(url)
    # A full page of them (the rest is on page 2), none from another tab.
    shown = {card["sprint"] for card in response.context["cards"]}
    assert len(shown) == SPRINTS_PER_PAGE and shown <= set(listed)
    large = count_queries(client, url)
    assert small == large, (small, large)
