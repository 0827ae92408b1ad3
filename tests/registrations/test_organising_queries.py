"""The organiser home makes the same number of SQL queries whatever the number of sprints and to-dos."""

import pytest

from sprintlab.sprints.models import SprintRole
from tests.factories import OrganiserFactory, PartnerFactory, SprintMembershipFactory
from tests.helpers import bearer_for, count_queries
from tests.registrations.organising_data import sprint_with_to_dos

pytestmark = pytest.mark.django_db

HOME = "/me/organising/"
API = "/api/v1/me/organising"


def run_sprints(person, *, sprints: int, scale: int) -> None:
    for n in range(sprints):
        sprint = sprint_with_to_dos(title=f"Sprint {sprints}-{n}", scale=scale)
        if n % 2:
            SprintMembershipFactory(sprint=sprint, user=person, role=SprintRole.COHOST, partner=PartnerFactory())
        else:
            SprintMembershipFactory(sprint=sprint, user=person)


@pytest.mark.parametrize("url", [HOME, API])
def test_organiser_home_query_count_does_not_grow_with_data(client, url):
    small, large = OrganiserFactory(), OrganiserFactory()
    run_sprints(small, sprints=2, scale=1)
    run_sprints(large, sprints=8, scale=4)
    counts = []
    for person in (small, large):
        client.force_login(person)
        if url == API:
            token = bearer_for(person)
            counts.append(count_queries(client.__class__(headers=token), url))
        else:
            counts.append(count_queries(client, url))
    assert counts[0] == counts[1], counts
