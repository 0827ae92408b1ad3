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


def test_with_seats_counts_seat_holders_only_and_approved_sites_hide_the_others():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    LocalSiteFactory(sprint=sprint, status="pending")
    RegistrationFactory(sprint=sprint, site=site)
    RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.OFFERED)
    RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.CANCELLED)
    [row] = selectors.with_seats(selectors.approved_sites(sprint))
    assert (row.pk, row.seats_taken, row.seats_left) == (site.pk, 2, 3)


def test_seats_left_is_the_smaller_of_the_site_and_the_sprint_and_never_negative():
    sprint = SprintFactory(capacity=3)
    roomy = LocalSiteFactory(sprint=sprint, capacity=10)
    over = LocalSiteFactory(sprint=sprint, capacity=1)
    RegistrationFactory(sprint=sprint, site=roomy)
    RegistrationFactory.create_batch(2, sprint=sprint, site=over)  # over capacity by an admin's hand
    seats = selectors.sprint_seats(sprint)
    assert (seats.taken, seats.sprint_full) == (3, True)
    assert [seats.left_at(roomy), seats.left_at(over), seats.left_at(None)] == [0, 0, 0]


def test_a_seat_holder_counts_their_own_seat_as_free_when_switching():
    sprint = SprintFactory(capacity=2)
    here, there = LocalSiteFactory(sprint=sprint, capacity=5), LocalSiteFactory(sprint=sprint, capacity=1)
    mine = RegistrationFactory(sprint=sprint, site=here)
    RegistrationFactory(sprint=sprint)  # remote: the sprint is now full
    seats = selectors.sprint_seats(sprint)
    assert [seats.left_at(there), seats.left_at(None)] == [0, 0]
    assert [seats.left_at(there, holder=mine), seats.left_at(None, holder=mine)] == [1, 1]
    waiting = RegistrationFactory(sprint=sprint, site=here, status=RegistrationStatus.WAITLISTED)
    assert seats.left_at(there, holder=waiting) == 0


def test_no_seats_are_left_once_registration_has_closed():
    now = timezone.now()
    sprint = SprintFactory(registration_closes_at=now - timedelta(hours=1), kickoff_at=now + timedelta(days=2))
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    seats = selectors.sprint_seats(sprint)
    assert (seats.registration_closed, seats.left_at(site), seats.left_at(None)) == (True, 0, 0)
    assert seats.free_at(site) == 5  # what an admission wave may still fill


@pytest.mark.parametrize("size", [2, 12])
def test_with_seats_is_one_query_at_any_size(size, django_assert_num_queries):
    sprint = SprintFactory(capacity=100)
    for site in LocalSiteFactory.create_batch(size, sprint=sprint):
        RegistrationFactory.create_batch(2, sprint=sprint, site=site)
    sites = list(selectors.approved_sites(sprint))
    with django_assert_num_queries(1):
        assert len(selectors.with_seats(sites)) == size


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
