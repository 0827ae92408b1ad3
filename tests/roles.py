"""One person per role, for the permission matrices of the accounts and notifications apps."""

from sprintlab.sprints.models import SprintRole
from tests.factories import (
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)

ROLES = ["anonymous", "participant", "other_user", "site_organiser", "sprint_organiser", "partner_cohost", "staff"]


def make_person(role: str):
    """A signed-in person in ``role`` (None for anonymous)."""
    if role == "anonymous":
        return None
    if role == "participant":
        return RegistrationFactory().user
    if role == "other_user":
        return UserFactory()
    if role == "site_organiser":
        return SiteOrganiserFactory().user
    if role == "sprint_organiser":
        return SprintMembershipFactory(role=SprintRole.ORGANISER).user
    if role == "partner_cohost":
        return SprintMembershipFactory(role=SprintRole.COHOST).user
    if role == "staff":
        return StaffFactory()
    raise ValueError(role)
