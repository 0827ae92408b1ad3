from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.registrations import selectors
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, UserFactory
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db


def test_waitlist_position_counts_only_the_same_place():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, capacity=1)
    other = LocalSiteFactory(sprint=sprint, capacity=1)
    register(sprint=sprint, site=site)
    register(sprint=sprint, site=other)
    register(sprint=sprint, site=other)
    first, second = register(sprint=sprint, site=site), register(sprint=sprint, site=site)
    assert [selectors.waitlist_position(first), selectors.waitlist_position(second)] == [1, 2]
    assert selectors.waitlist_position(RegistrationFactory()) is None


def test_sites_with_seats_counts_seat_holders_only_and_hides_unapproved():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    LocalSiteFactory(sprint=sprint, status="pending")
    RegistrationFactory(sprint=sprint, site=site)
    RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.OFFERED)
    RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.CANCELLED)
    [row] = selectors.sites_with_seats(sprint)
    assert (row.pk, row.seats_taken) == (site.pk, 2)


@pytest.mark.parametrize("size", [2, 12])
def test_sites_with_seats_is_one_query_at_any_size(size, django_assert_num_queries):
    sprint = SprintFactory()
    for site in LocalSiteFactory.create_batch(size, sprint=sprint):
        RegistrationFactory.create_batch(2, sprint=sprint, site=site)
    with django_assert_num_queries(1):
        assert len(list(selectors.sites_with_seats(sprint))) == size


def test_full_sprint_ids():
    full, roomy, unlimited = SprintFactory(capacity=1), SprintFactory(capacity=5), SprintFactory()
    RegistrationFactory(sprint=full)
    RegistrationFactory(sprint=roomy)
    assert selectors.full_sprint_ids([full, roomy, unlimited]) == {full.pk}


def test_registrations_of_user_upcoming_soonest_first_then_past_with_positions():
    user = UserFactory()
    now = timezone.now()
    later = RegistrationFactory(user=user, sprint=SprintFactory(kickoff_at=now + timedelta(days=40)))
    sooner = RegistrationFactory(user=user, sprint=SprintFactory(kickoff_at=now + timedelta(days=5)))
    past = RegistrationFactory(
        user=user,
        sprint=SprintFactory(
            announced_at=now - timedelta(days=90),
            registration_opens_at=now - timedelta(days=80),
            kickoff_at=now - timedelta(days=60),
        ),
    )
    rows = selectors.registrations_of_user(user)
    assert rows == [sooner, later, past]
    assert [r.waitlist_position for r in rows] == [None, None, None]


def test_admission_applicants_filters():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    remote = RegistrationFactory(sprint=sprint, status=RegistrationStatus.APPLIED)
    at_site = RegistrationFactory(sprint=sprint, site=site)
    assert list(selectors.admission_applicants(sprint=sprint, remote=True)) == [remote]
    assert list(selectors.admission_applicants(sprint=sprint, site_id=site.pk)) == [at_site]
    assert list(selectors.admission_applicants(sprint=sprint, status="applied")) == [remote]
