"""Seats at a site and a site's people, as its pages read them (``registrations.selectors``)."""

import pytest

from sprintlab.registrations import selectors
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return SprintFactory()


def test_seats_taken_counts_only_seat_holding_registrations(sprint):
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    for status in (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.OFFERED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.CANCELLED,
        RegistrationStatus.APPLIED,
    ):
        RegistrationFactory(sprint=sprint, site=site, status=status)
    [listed] = selectors.with_seats(selectors.approved_sites(sprint))
    assert listed.seats_taken == 2
    assert listed.seats_left == 3


def test_site_counts_and_lists(sprint):
    site = LocalSiteFactory(sprint=sprint)
    confirmed = RegistrationFactory(sprint=sprint, site=site)
    RegistrationFactory(
        sprint=sprint, site=site, status=RegistrationStatus.CONFIRMED, checked_in_at="2030-01-01T10:00Z"
    )
    waiting = RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED)
    assert selectors.site_people_counts(site) == {"confirmed": 2, "offered": 0, "waitlisted": 1, "checked_in": 1}
    assert list(selectors.site_waitlist(site)) == [waiting]
    assert confirmed in selectors.site_attendees(site)


def test_check_in_search_by_name_or_email(sprint):
    site = LocalSiteFactory(sprint=sprint)
    ada = RegistrationFactory(
        sprint=sprint, site=site, user=UserFactory(display_name="Ada Lovelace", email="ada@x.org")
    )
    RegistrationFactory(sprint=sprint, site=site, user=UserFactory(display_name="Alan Turing", email="alan@y.org"))
    RegistrationFactory(
        sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED, user=UserFactory(display_name="Ada Waiting")
    )
    assert list(selectors.check_in_candidates(site, query="ada")) == [ada]
    assert list(selectors.check_in_candidates(site, query="X.ORG")) == [ada]
    assert len(selectors.check_in_candidates(site)) == 2
