"""The last place in a team, taken by many people at once through gunicorn and PostgreSQL.

Each round releases the requests together from threads held at a barrier, against a gunicorn
server with three worker processes. Whatever the interleaving, exactly one person gets the place,
the others are told the team is full (409), nobody gets a 500 or 503, and the team never holds
more people than the sprint allows.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sprintlab.teams.models import JoinDirection, JoinStatus, TeamMember
from tests.factories import RegistrationFactory, SprintFactory, UserFactory
from tests.helpers import api_key_for
from tests.registrations.helpers import post_json
from tests.teams.factories import JoinRequestFactory, TeamFactory, add_member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 25
PEOPLE = 10


@pytest.fixture(scope="module")
def server_url(gunicorn_api):
    return f"{gunicorn_api}/teams"


def _send_together(requests: list[tuple[str, str, dict]]) -> list[tuple[int, dict]]:
    barrier = threading.Barrier(len(requests))

    def client(request):
        url, token, body = request
        barrier.wait()
        return post_json(url, token, body)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(client, requests))


def _team_with_one_free_place():
    team = TeamFactory(sprint=SprintFactory(team_size_max=3))
    add_member(team)
    return team


def _confirmed(sprint):
    person = UserFactory()
    RegistrationFactory(sprint=sprint, user=person)
    return person


def test_ten_people_accepting_the_last_place_one_gets_it(server_url):
    for _round in range(ROUNDS):
        team = _team_with_one_free_place()
        people = [_confirmed(team.sprint) for _ in range(PEOPLE)]
        invitations = [
            JoinRequestFactory(team=team, user=person, direction=JoinDirection.INVITATION) for person in people
        ]

        results = _send_together(
            [
                (f"{server_url}/join-requests/{invitation.pk}/accept", api_key_for(person), {})
                for invitation, person in zip(invitations, people, strict=True)
            ]
        )

        statuses = sorted(status for status, _body in results)
        assert statuses == [200] + [409] * (PEOPLE - 1), results
        assert all("full" in body["detail"] for status, body in results if status == 409), results
        assert TeamMember.objects.filter(team=team).count() == team.sprint.team_size_max
        accepted = [i for i in invitations if i.__class__.objects.get(pk=i.pk).status == JoinStatus.ACCEPTED]
        assert len(accepted) == 1


def test_two_joins_by_code_into_the_last_place_one_gets_it(server_url):
    for _round in range(ROUNDS):
        team = _team_with_one_free_place()
        people = [_confirmed(team.sprint) for _ in range(2)]

        results = _send_together(
            [(f"{server_url}/join", api_key_for(person), {"code": team.invite_code}) for person in people]
        )

        assert sorted(status for status, _body in results) == [201, 409], results
        assert TeamMember.objects.filter(team=team).count() == team.sprint.team_size_max


def test_one_person_joining_two_teams_at_once_ends_in_one(server_url):
    for _round in range(ROUNDS):
        first = _team_with_one_free_place()
        second = TeamFactory(sprint=first.sprint)
        person = _confirmed(first.sprint)
        key = api_key_for(person)

        results = _send_together(
            [
                (f"{server_url}/join", key, {"code": first.invite_code}),
                (f"{server_url}/join", key, {"code": second.invite_code}),
            ]
        )

        assert sorted(status for status, _body in results) == [201, 409], results
        assert TeamMember.objects.filter(user=person).count() == 1
