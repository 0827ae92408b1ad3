"""Races on mentor help, through gunicorn and PostgreSQL: two mentors claim one request, two teams the last place.

As in tests/registrations/test_races.py: each round releases the requests from threads at a barrier
towards a gunicorn server with three worker processes. Whatever the interleaving, exactly one claim
(or booking) wins, the other answers 409 with a sentence, and nothing answers 500 or 503.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sprintlab.mentoring.models import HelpRequest, HelpStatus, SlotBooking
from tests.helpers import api_key_for
from tests.mentoring.factories import (
    HelpRequestFactory,
    OfficeHourSlotFactory,
    RunningSprintFactory,
    make_mentor,
    make_team_member,
)
from tests.registrations.helpers import post_json

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 25


def _together(requests: list[tuple[str, str]]) -> list[tuple[int, dict]]:
    """POST each (url, token) from its own thread, all released at once."""
    barrier = threading.Barrier(len(requests))

    def client(request):
        url, token = request
        barrier.wait()
        return post_json(url, token, {})

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(client, requests))


def test_two_mentors_claiming_one_request_at_once_one_wins(gunicorn_api):
    api = gunicorn_api
    for _round in range(ROUNDS):
        sprint = RunningSprintFactory()
        mentors = [make_mentor(sprint), make_mentor(sprint)]
        request = HelpRequestFactory(sprint=sprint)
        url = f"{api}/sprints/{sprint.slug}/help-requests/{request.pk}/claim"

        results = _together([(url, api_key_for(mentor)) for mentor in mentors])

        statuses = sorted(status for status, _body in results)
        assert statuses == [200, 409], results
        winner = next(body for status, body in results if status == 200)
        loser = next(body for status, body in results if status == 409)
        request = HelpRequest.objects.get(pk=request.pk)
        assert request.status == HelpStatus.CLAIMED
        assert winner["claimed_by_name"] == request.claimed_by.name
        assert loser["detail"] == f"{request.claimed_by.name} has already claimed this request."


def test_two_teams_booking_the_last_place_at_once_one_gets_it(gunicorn_api):
    api = gunicorn_api
    for _round in range(ROUNDS):
        sprint = RunningSprintFactory()
        slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint), capacity=1)
        members = [make_team_member(sprint), make_team_member(sprint)]
        url = f"{api}/sprints/{sprint.slug}/office-hours/{slot.pk}/bookings"

        results = _together([(url, api_key_for(member)) for member in members])

        assert sorted(status for status, _body in results) == [201, 409], results
        loser = next(body for status, body in results if status == 409)
        assert loser["detail"] == "This slot is taken: choose another one."
        assert SlotBooking.objects.filter(slot=slot, cancelled_at__isnull=True).count() == 1
