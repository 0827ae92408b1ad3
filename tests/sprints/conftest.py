"""Fixtures for the sprints tests: one person per role, and a ready-made API token."""

import pytest

from sprintlab.accounts.models import ApiToken
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    PartnerFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)

ROLES = ("anonymous", "participant", "other_user", "site_organiser", "sprint_organiser", "partner_cohost", "staff")


def user_with_role(role: str, sprint):
    """A person holding ``role`` in ``sprint`` (None for an anonymous visitor)."""
    if role == "anonymous":
        return None
    if role == "participant":
        return RegistrationFactory(sprint=sprint).user
    if role == "other_user":
        return UserFactory()
    if role == "site_organiser":
        return SiteOrganiserFactory(site=LocalSiteFactory(sprint=sprint)).user
    if role == "sprint_organiser":
        return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    if role == "partner_cohost":
        return SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=PartnerFactory()).user
    if role == "staff":
        return StaffFactory()
    raise ValueError(role)


def bearer_for(user) -> dict:
    """HTTP headers carrying a fresh personal API token of ``user``."""
    key = ApiToken.generate_key()
    ApiToken.objects.create(user=user, name="tests", key_hash=ApiToken.hash_key(key), hint=key[:8])
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def organiser_of():
    def make(sprint):
        return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user

    return make
