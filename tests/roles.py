"""One person per role, for the permission matrices (accounts, notifications and sprints)."""

from sprintlab.sprints.models import SprintRole
from tests.factories import (
    PartnerFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)

ROLES = ["anonymous", "participant", "other_user", "site_organiser", "sprint_organiser", "cohost", "staff"]


def make_person(role: str, sprint=None):
    """A signed-in person in ``role`` (None for anonymous), holding it in ``sprint`` when one is given."""
    in_sprint = {} if sprint is None else {"sprint": sprint}
    if role == "anonymous":
        return None
    if role == "participant":
        return RegistrationFactory(**in_sprint).user
    if role == "other_user":
        return UserFactory()
    if role == "site_organiser":
        return SiteOrganiserFactory(**{f"site__{key}": value for key, value in in_sprint.items()}).user
    if role == "sprint_organiser":
        return SprintMembershipFactory(role=SprintRole.ORGANISER, **in_sprint).user
    if role == "cohost":
        return SprintMembershipFactory(role=SprintRole.COHOST, partner=PartnerFactory(), **in_sprint).user
    if role == "staff":
        return StaffFactory()
    raise ValueError(role)
