"""/api/v1 mentor help: the same rules as the pages, errors as JSON, 409 for a lost claim."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.mentoring.models import HelpRequest, HelpStatus, OfficeHourSlot, SlotBooking
from sprintlab.sprints.models import SprintRole
from tests.factories import SprintMembershipFactory, UserFactory
from tests.helpers import bearer_for
from tests.mentoring.factories import (
    HelpRequestFactory,
    OfficeHourSlotFactory,
    RunningSprintFactory,
    make_mentor,
    make_participant,
    make_team_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return RunningSprintFactory()


def _base(sprint):
    return f"/api/v1/sprints/{sprint.slug}"


def test_anyone_lists_mentors_and_upcoming_slots(client, sprint):
    mentor = make_mentor(sprint)
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=mentor, capacity=2)
    OfficeHourSlotFactory(sprint=sprint, mentor=mentor, starts_at=timezone.now() - timedelta(hours=3))
    mentors = client.get(f"{_base(sprint)}/mentors").json()
    assert mentors == [
        {"id": mentor.pk, "name": mentor.name, "expertise": ["evaluations"], "bio": "Evals person.", "timezone": ""}
    ]
    slots = client.get(f"{_base(sprint)}/office-hours").json()
    assert [(s["id"], s["places_left"]) for s in slots] == [(slot.pk, 2)]


def test_a_mentor_creates_and_deletes_a_slot(client, sprint):
    headers = bearer_for(make_mentor(sprint))
    starts = timezone.now() + timedelta(hours=5)
    body = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "online_link": "https://m.example.org/x",
    }
    response = client.post(f"{_base(sprint)}/office-hours", body, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    slot_id = response.json()["id"]
    assert client.delete(f"{_base(sprint)}/office-hours/{slot_id}", headers=headers).status_code == 204
    assert not OfficeHourSlot.objects.exists()


def test_a_participant_may_not_create_a_slot(client, sprint):
    starts = timezone.now() + timedelta(hours=5)
    body = {
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "online_link": "https://m.example.org/x",
    }
    response = client.post(
        f"{_base(sprint)}/office-hours",
        body,
        content_type="application/json",
        headers=bearer_for(make_participant(sprint)),
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the sprint's mentors offer office hours."


def test_booking_and_cancelling_and_a_taken_slot_answers_409(client, sprint):
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint))
    first = bearer_for(make_team_member(sprint))
    response = client.post(f"{_base(sprint)}/office-hours/{slot.pk}/bookings", headers=first)
    assert response.status_code == 201
    booking_id = response.json()["id"]
    taken = client.post(
        f"{_base(sprint)}/office-hours/{slot.pk}/bookings", headers=bearer_for(make_team_member(sprint))
    )
    assert taken.status_code == 409 and taken.json()["detail"] == "This slot is taken: choose another one."
    cancelled = client.post(f"{_base(sprint)}/office-hour-bookings/{booking_id}/cancel", headers=first)
    assert cancelled.status_code == 200 and cancelled.json()["cancelled_at"]
    assert SlotBooking.objects.get().cancelled_at is not None


def test_the_help_request_life_cycle(client, sprint):
    member = make_team_member(sprint)
    asker = bearer_for(member)
    response = client.post(
        f"{_base(sprint)}/help-requests",
        {"topic": "Flat loss", "description": "Help", "contact": "@team", "tag": "evaluations"},
        content_type="application/json",
        headers=asker,
    )
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    assert [r["id"] for r in client.get(f"{_base(sprint)}/help-requests", headers=asker).json()] == [request_id]

    mentor = make_mentor(sprint)
    other = bearer_for(make_mentor(sprint))
    as_mentor = bearer_for(mentor)
    queue = client.get(f"{_base(sprint)}/help-requests", {"tag": "evaluations"}, headers=as_mentor).json()
    assert [r["id"] for r in queue] == [request_id]
    claimed = client.post(f"{_base(sprint)}/help-requests/{request_id}/claim", headers=as_mentor)
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    lost = client.post(f"{_base(sprint)}/help-requests/{request_id}/claim", headers=other)
    assert lost.status_code == 409
    assert lost.json()["detail"] == f"{mentor.name} has already claimed this request."
    note = client.post(
        f"{_base(sprint)}/help-requests/{request_id}/notes",
        {"body": "Check the data loader."},
        content_type="application/json",
        headers=as_mentor,
    )
    assert note.status_code == 201
    released = client.post(f"{_base(sprint)}/help-requests/{request_id}/release", headers=as_mentor)
    assert released.json()["status"] == "open" and released.json()["first_claimed_at"]
    client.post(f"{_base(sprint)}/help-requests/{request_id}/claim", headers=as_mentor)
    closed = client.post(
        f"{_base(sprint)}/help-requests/{request_id}/close",
        {"note": "Done"},
        content_type="application/json",
        headers=as_mentor,
    )
    assert closed.status_code == 200 and closed.json()["closing_note"] == "Done"
    assert HelpRequest.objects.get().status == HelpStatus.CLOSED


def test_strangers_neither_see_nor_claim_requests(client, sprint):
    request = HelpRequestFactory(sprint=sprint)
    stranger = bearer_for(UserFactory())
    assert client.get(f"{_base(sprint)}/help-requests/{request.pk}", headers=stranger).status_code == 404
    assert client.post(f"{_base(sprint)}/help-requests/{request.pk}/claim", headers=stranger).status_code == 404
    assert client.get(f"{_base(sprint)}/help-requests", headers=stranger).json() == []
    other_mentor = bearer_for(make_mentor(RunningSprintFactory()))
    assert client.post(f"{_base(sprint)}/help-requests/{request.pk}/claim", headers=other_mentor).status_code == 404


def test_stats_are_for_organisers(client, sprint):
    HelpRequestFactory(sprint=sprint, waiting_since=timezone.now() - timedelta(hours=1))
    url = f"{_base(sprint)}/help-stats"
    assert client.get(url, headers=bearer_for(make_mentor(sprint))).status_code == 403
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    stats = client.get(url, headers=bearer_for(organiser)).json()
    assert stats["open"] == 1 and len(stats["unclaimed"]) == 1 and stats["median_first_answer_seconds"] is None


def test_writes_need_a_token(client, sprint):
    response = client.post(f"{_base(sprint)}/help-requests", {}, content_type="application/json")
    assert response.status_code == 401 and response.json()["detail"]


def test_mentor_profiles_are_written_by_the_mentor_and_the_sprints_organisers(client, sprint):
    mentor = make_mentor(sprint)
    other_mentor = make_mentor(sprint)
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    organiser_elsewhere = SprintMembershipFactory(role=SprintRole.ORGANISER).user
    url = f"{_base(sprint)}/mentors/{mentor.pk}/profile"
    body = {"expertise": ["writing", "statistics"], "bio": "  Edits write-ups. ", "timezone": "Europe/Oslo"}

    def put(user, payload=body, target=url):
        headers = bearer_for(user) if user else {}
        return client.put(target, payload, content_type="application/json", headers=headers)

    answer = put(mentor)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {
        "id": mentor.pk,
        "name": mentor.name,
        "expertise": ["statistics", "writing"],
        "bio": "Edits write-ups.",
        "timezone": "Europe/Oslo",
    }
    assert put(organiser, {**body, "bio": "Set by the organisers."}).status_code == 200
    listed = client.get(f"{_base(sprint)}/mentors").json()
    assert next(row for row in listed if row["id"] == mentor.pk)["bio"] == "Set by the organisers."
    for refused in (other_mentor, organiser_elsewhere, make_participant(sprint)):
        answer = put(refused)
        assert answer.status_code == 403 and answer.json()["detail"], refused
    assert put(None).status_code == 401
    assert put(organiser, target=f"{_base(sprint)}/mentors/{UserFactory().pk}/profile").status_code == 404
    assert put(organiser, target=f"{_base(sprint)}/mentors/{10**30}/profile").status_code in (404, 422)
    bad = put(mentor, {"expertise": ["astrology"], "bio": "x" * 601, "timezone": "Mars/Base"})
    assert bad.status_code in (400, 422)
    assert put(mentor, {**body, "timezone": "Mars/Base"}).status_code == 400
