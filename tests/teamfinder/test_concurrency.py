"""On PostgreSQL through a live server: everyone in a group answers at once, organisers group twice at once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sprintlab.teamfinder.models import GroupStatus, ProposedGroup, ProposedMember
from sprintlab.teams.models import Team, TeamMember, TeamOrigin
from tests.helpers import api_key_for
from tests.registrations.helpers import post_json
from tests.teamfinder.helpers import finder_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(calls):
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def test_a_whole_group_accepting_at_once_makes_exactly_one_team(live_server, on_postgres):
    world = finder_world()
    people = [world.looking() for _ in range(4)]
    organiser_key = api_key_for(world.organiser)
    url = f"{live_server.url}/api/v1/sprints/{world.sprint.slug}/team-finder"
    status, run = post_json(f"{url}/groupings", organiser_key, {})
    assert status == 201 and run["group_count"] == 1
    keys = [api_key_for(person) for person in people]

    results = _at_once([lambda key=key: post_json(f"{url}/my-group/answer", key, {"accept": True}) for key in keys])

    assert [status for status, _body in results] == [200] * 4
    group = ProposedGroup.objects.get()
    assert group.status == GroupStatus.FORMED
    team = Team.objects.get()
    assert team.origin == TeamOrigin.GROUPING and group.team == team
    assert set(TeamMember.objects.values_list("user_id", flat=True)) == {person.pk for person in people}


def test_two_grouping_runs_at_once_never_propose_a_person_twice(live_server, on_postgres):
    world = finder_world()
    for _ in range(6):
        world.looking()
    key = api_key_for(world.organiser)
    url = f"{live_server.url}/api/v1/sprints/{world.sprint.slug}/team-finder/groupings"

    results = _at_once([lambda: post_json(url, key, {}), lambda: post_json(url, key, {})])

    assert sorted(status for status, _body in results) == [201, 201]
    assert sorted(body["people_count"] for _status, body in results) == [0, 6]
    user_ids = list(ProposedMember.objects.values_list("user_id", flat=True))
    assert len(user_ids) == len(set(user_ids)) == 6
