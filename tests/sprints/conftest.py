"""Fixtures for the sprints tests."""

import pytest

from sprintlab.sprints.models import SprintRole
from tests.factories import SprintMembershipFactory


@pytest.fixture
def organiser_of():
    def make(sprint):
        return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user

    return make
