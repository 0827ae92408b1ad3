"""Fixtures for the sprints tests."""

import pytest

from sprintlab.sprints.models import SprintRole
from tests.factories import SprintMembershipFactory
from tests.helpers import fresh_rate_limits  # noqa: F401  (autouse: lookup budgets start empty in every test)


@pytest.fixture
def organiser_of():
    def make(sprint):
        return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user

    return make
