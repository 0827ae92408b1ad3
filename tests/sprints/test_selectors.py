from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from sprintlab.localsites.models import SiteStatus
from sprintlab.registrations.models import ExperienceLevel, RegistrationStatus
from sprintlab.sprints.selectors import (
    RegistrationFilters,
    approved_sites_with_seats,
    published_sprints,
    registration_status_counts,
    registrations_for_organisers,
    sprint_for_viewer,
    sprint_public_stats,
)
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def sprint_at(now, *, kickoff_in_days: float, **kwargs):
    kickoff = now + timedelta(days=kickoff_in_days)
    return SprintFactory(
        announced_at=kickoff - timedelta(days=60),
        registration_opens_at=kickoff - timedelta(days=30),
        kickoff_at=kickoff,
        **kwargs,
    )


def test_published_sprints_split_into_upcoming_running_and_past():
    now = timezone.now()
    upcoming_later = sprint_at(now, kickoff_in_days=30)
    upcoming_soon = sprint_at(now, kickoff_in_days=3)
    running = sprint_at(now, kickoff_in_days=-1)  # deadline is two days after kickoff
    past = sprint_at(now, kickoff_in_days=-20)
    sprint_at(now, kickoff_in_days=5, is_published=False)

    assert list(published_sprints(when="upcoming", now=now)) == [upcoming_soon, upcoming_later]
    assert list(published_sprints(when="running", now=now)) == [running]
    assert list(published_sprints(when="past", now=now)) == [past]


def test_published_sprints_filter_by_area_and_count_active_registrations():
    sprint = SprintFactory(research_area="governance")
    SprintFactory(research_area="evaluations")
    RegistrationFactory.create_batch(3, sprint=sprint)
    RegistrationFactory(sprint=sprint, status=RegistrationStatus.CANCELLED)
    RegistrationFactory(sprint=sprint, status=RegistrationStatus.WAITLISTED)
    [found] = published_sprints(when="upcoming", area="governance")
    assert found == sprint
    assert found.registered_count == 4


def test_sprint_for_viewer_hides_drafts_from_everyone_but_its_team():
    draft = SprintFactory(is_published=False)
    organiser = SprintMembershipFactory(sprint=draft).user
    cohost = SprintMembershipFactory(sprint=draft, role="cohost").user
    for user in (AnonymousUser(), UserFactory()):
        with pytest.raises(Http404):
            sprint_for_viewer(draft.slug, user)
    assert sprint_for_viewer(draft.slug, organiser) == draft
    assert sprint_for_viewer(draft.slug, cohost) == draft
    with pytest.raises(Http404):
        sprint_for_viewer("no-such-sprint", organiser)


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
    assert stats.seats_taken == 3
    assert stats.approved_sites == 1


def test_approved_sites_carry_seats_taken_and_left():
    sprint = SprintFactory()
    roomy = LocalSiteFactory(sprint=sprint, capacity=5, city="Berkeley", country="US")
    full = LocalSiteFactory(sprint=sprint, capacity=1, city="Oxford", country="GB")
    LocalSiteFactory(sprint=sprint, status=SiteStatus.REJECTED)
    RegistrationFactory(sprint=sprint, site=roomy)
    RegistrationFactory(sprint=sprint, site=roomy, status=RegistrationStatus.OFFERED)
    RegistrationFactory(sprint=sprint, site=roomy, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(sprint=sprint, site=full)
    RegistrationFactory(sprint=sprint, site=full, status=RegistrationStatus.CONFIRMED)  # over capacity by admin action

    sites = {site.pk: site for site in approved_sites_with_seats(sprint)}

    assert set(sites) == {roomy.pk, full.pk}
    assert (sites[roomy.pk].seats_taken, sites[roomy.pk].seats_left) == (2, 3)
    assert (sites[full.pk].seats_taken, sites[full.pk].seats_left) == (2, 0)


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
    cache.delete(f"sprintlab:sprint-stats:{sprint.pk}")
    RegistrationFactory(sprint=sprint)
    assert sprint_public_stats(sprint).registered == 1
    RegistrationFactory(sprint=sprint)
    assert sprint_public_stats(sprint).registered == 1  # served from the cache
    cache.delete(f"sprintlab:sprint-stats:{sprint.pk}")
    assert sprint_public_stats(sprint).registered == 2
