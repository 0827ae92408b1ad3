"""The counts the sprint pages show and the organisers' registrations table, read by this app."""

import pytest

from sprintlab.localsites.models import SiteStatus
from sprintlab.registrations.models import ExperienceLevel, RegistrationStatus
from sprintlab.registrations.selectors import (
    RegistrationFilters,
    registration_status_counts,
    registrations_for_organisers,
    sprint_public_stats,
    with_registered_count,
)
from sprintlab.sprints.selectors import published_sprints
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_published_sprints_filter_by_area_and_count_active_registrations():
    sprint = SprintFactory(research_area="governance")
    SprintFactory(research_area="evaluations")
    RegistrationFactory.create_batch(3, sprint=sprint)
    RegistrationFactory(sprint=sprint, status=RegistrationStatus.CANCELLED)
    RegistrationFactory(sprint=sprint, status=RegistrationStatus.WAITLISTED)
    [found] = with_registered_count(published_sprints(when="upcoming", area="governance"))
    assert found == sprint
    assert found.registered_count == 4


def test_public_stats_count_active_registrations_remote_sites_and_countries():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING)
    RegistrationFactory(sprint=sprint, user=UserFactory(country="IN"))
    RegistrationFactory(sprint=sprint, user=UserFactory(country="IN"), site=site)
    RegistrationFactory(sprint=sprint, user=UserFactory(country="BR"), site=site, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(sprint=sprint, user=UserFactory(country=""))
    RegistrationFactory(sprint=sprint, user=UserFactory(country="KE"), status=RegistrationStatus.CANCELLED)
    RegistrationFactory(user=UserFactory(country="VN"))  # another sprint

    stats = sprint_public_stats(sprint)

    assert (stats.registered, stats.remote, stats.at_sites, stats.countries) == (4, 2, 2, 2)
    assert stats.approved_sites == 1


def test_registrations_for_organisers_filters():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    ada = RegistrationFactory(sprint=sprint, user=UserFactory(display_name="Ada Lovelace", country="GB"), site=site)
    alan = RegistrationFactory(
        sprint=sprint,
        user=UserFactory(display_name="Alan", email="alan@turing.org", country="IN"),
        experience_level=ExperienceLevel.EXPERT,
        first_sprint=False,
        status=RegistrationStatus.WAITLISTED,
    )
    RegistrationFactory()  # another sprint

    def names(**filters):
        return [r.user.display_name for r in registrations_for_organisers(sprint, RegistrationFilters(**filters))]

    assert names() == ["Ada Lovelace", "Alan"]
    assert names(status="waitlisted") == ["Alan"]
    assert names(where="remote") == ["Alan"]
    assert names(where=str(site.pk)) == ["Ada Lovelace"]
    assert names(country="GB") == ["Ada Lovelace"]
    assert names(experience="expert") == ["Alan"]
    assert names(first_sprint="no") == ["Alan"]
    assert names(first_sprint="yes") == ["Ada Lovelace"]
    assert names(search="TURING") == ["Alan"]
    assert names(search="lovelace") == ["Ada Lovelace"]
    assert names(search="'; DROP TABLE registrations_registration; --") == []
    assert registration_status_counts(sprint) == {"confirmed": 1, "waitlisted": 1}
    assert {ada.pk, alan.pk} == {r.pk for r in registrations_for_organisers(sprint)}


def test_public_stats_can_be_cached_for_a_few_seconds(settings):
    from django.core.cache import cache

    settings.SPRINT_STATS_CACHE_SECONDS = 30
    sprint = SprintFactory()
    cache.delete(f"sprintlab:sprint-stats:v2:{sprint.pk}")
    RegistrationFactory(sprint=sprint)
    assert sprint_public_stats(sprint).registered == 1
    RegistrationFactory(sprint=sprint)
    assert sprint_public_stats(sprint).registered == 1  # served from the cache
    cache.delete(f"sprintlab:sprint-stats:v2:{sprint.pk}")
    assert sprint_public_stats(sprint).registered == 2
