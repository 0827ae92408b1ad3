"""Cancelling a registration while the same person joins or leaves a team, through gunicorn and PostgreSQL.

The cancel locks the sprint's row first, as every team write does, so the two queue: whatever the
order, nobody whose registration is cancelled is left in a team, nothing deadlocks, nobody gets a 500.
"""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.teams.models import JoinDirection, Team, TeamMember
from tests.factories import RegistrationFactory, SprintFactory, UserFactory
from tests.helpers import api_key_for
from tests.teams.factories import JoinRequestFactory, TeamFactory, add_member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 15


def _post(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=b"{}", method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")  # 204 has no body
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _together(requests):
    barrier = threading.Barrier(len(requests))

    def client(request):
        url, token = request
        barrier.wait()
        return _post(url, token)

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(client, requests))


def test_cancelling_while_accepting_an_invitation_leaves_nobody_cancelled_in_a_team(gunicorn_api):
    for _round in range(ROUNDS):
        team = TeamFactory(sprint=SprintFactory())
        person = UserFactory()
        registration = RegistrationFactory(sprint=team.sprint, user=person)
        invitation = JoinRequestFactory(team=team, user=person, direction=JoinDirection.INVITATION)
        token = api_key_for(person)
        results = _together(
            [
                (f"{gunicorn_api}/teams/join-requests/{invitation.pk}/accept", token),
                (f"{gunicorn_api}/registrations/{registration.pk}/cancel", token),
            ]
        )
        assert all(status in (200, 409) for status, _body in results), results
        assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CANCELLED
        assert not TeamMember.objects.filter(user=person).exists(), results


def test_the_lead_cancelling_while_the_last_member_leaves_disbands_the_team(gunicorn_api):
    for _round in range(ROUNDS):
        team = TeamFactory(sprint=SprintFactory())
        member = add_member(team)
        lead_registration = Registration.objects.get(sprint=team.sprint, user=team.lead)
        results = _together(
            [
                (f"{gunicorn_api}/registrations/{lead_registration.pk}/cancel", api_key_for(team.lead)),
                (f"{gunicorn_api}/teams/{team.pk}/leave", api_key_for(member)),
            ]
        )
        assert all(status < 500 for status, _body in results), results
        team = Team.objects.get(pk=team.pk)
        assert not TeamMember.objects.filter(team=team, user=team.lead).exists() or team.lead == member
        if TeamMember.objects.filter(team=team).exists():
            # The member was refused (the lead's hand-over came first and made them the lead of a
            # team of one, who may leave) or left afterwards: either way the state is consistent.
            assert list(TeamMember.objects.filter(team=team).values_list("user_id", flat=True)) == [team.lead_id]
        else:
            assert not team.is_live
