"""Fixtures for the local sites tests: a sprint, a pending and an approved site, one user per role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from sprintlab.localsites.models import SiteStatus
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    PartnerFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import fresh_rate_limits  # noqa: F401  (autouse: lookup budgets start empty in every test)
from tests.localsites.helpers import World


@pytest.fixture
def sprint():
    return SprintFactory()


@pytest.fixture
def world(sprint) -> World:
    applicant = UserFactory(email="applicant@example.org")
    site_organiser = UserFactory(email="co@example.org")
    pending = LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING, applicant=applicant, name="Pending Venue")
    SiteOrganiserFactory(site=pending, user=applicant, is_lead=True)
    SiteOrganiserFactory(site=pending, user=site_organiser, is_lead=False)
    # The same people run the approved site, so that each role acts on both.
    site = LocalSiteFactory(sprint=sprint, applicant=applicant, name="Approved Venue", doors_open_soon=True)
    SiteOrganiserFactory(site=site, user=applicant, is_lead=True)
    SiteOrganiserFactory(site=site, user=site_organiser, is_lead=False)
    other_site = LocalSiteFactory(sprint=sprint, name="Other Venue", city="Oxford")
    other_site_organiser = SiteOrganiserFactory(site=other_site).user
    participant = RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.CONFIRMED).user
    sprint_organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    cohost = SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=PartnerFactory()).user
    users = {
        "anonymous": AnonymousUser(),
        "participant": participant,
        "other_user": UserFactory(),
        "applicant": applicant,
        "site_organiser": site_organiser,
        "other_site_organiser": other_site_organiser,
        "sprint_organiser": sprint_organiser,
        "cohost": cohost,
        "staff": StaffFactory(),
    }
    return World(sprint=sprint, pending=pending, site=site, other_site=other_site, users=users)
