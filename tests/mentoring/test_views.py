"""Mentor-help pages: what each person sees, what the buttons do, messages, and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.mentoring.models import HelpRequest, HelpStatus, OfficeHourSlot, SlotBooking
from sprintlab.sprints.models import SprintRole
from tests.factories import SprintMembershipFactory, UserFactory
from tests.helpers import count_queries
from tests.mentoring.factories import (
    HelpRequestFactory,
    OfficeHourSlotFactory,
    RunningSprintFactory,
    TeamFactory,
    book,
    make_mentor,
    make_participant,
    make_team_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return RunningSprintFactory()


def _url(name, sprint, **kwargs):
    return reverse(f"mentoring:{name}", kwargs={"slug": sprint.slug, **kwargs})


def test_visitors_see_mentors_and_slots_but_no_book_button(client, sprint):
    mentor = make_mentor(sprint)
    OfficeHourSlotFactory(sprint=sprint, mentor=mentor, topic="Evals office hour")
    page = client.get(_url("mentors", sprint)).content.decode()
    assert mentor.name in page and "Evals office hour" in page and "Evals person." in page
    assert ">Book<" not in page


def test_a_team_member_books_from_the_page_and_sees_the_booking(client, sprint):
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint))
    member = make_team_member(sprint)
    client.force_login(member)
    assert ">Book<" in client.get(_url("mentors", sprint)).content.decode()
    response = client.post(_url("book", sprint, slot_id=slot.pk), follow=True)
    page = response.content.decode()
    assert "Booked:" in page and "Cancel booking" in page
    assert SlotBooking.objects.filter(slot=slot).count() == 1


def test_booking_a_taken_slot_says_so_and_changes_nothing(client, sprint):
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint))
    book(slot, TeamFactory(sprint=sprint))
    client.force_login(make_team_member(sprint))
    response = client.post(_url("book", sprint, slot_id=slot.pk), follow=True)
    assert "This slot is taken: choose another one." in response.content.decode()
    assert SlotBooking.objects.count() == 1


def test_a_mentor_offers_a_slot_and_edits_the_profile_from_the_page(client, sprint):
    mentor = make_mentor(sprint)
    client.force_login(mentor)
    starts = timezone.localtime(timezone.now() + timedelta(hours=4)).replace(tzinfo=None)
    response = client.post(
        _url("office_hours", sprint),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "topic": "Writing up",
            "online_link": "https://meet.example.org/w",
            "capacity": "2",
        },
    )
    assert response.status_code == 302
    assert OfficeHourSlot.objects.get().capacity == 2
    response = client.post(_url("profile", sprint), {"expertise": ["writing"], "bio": "Editor", "timezone": "UTC"})
    assert response.status_code == 302
    mentor.mentor_profile.refresh_from_db()
    assert mentor.mentor_profile.expertise == ["writing"]


def test_a_slot_ending_before_it_starts_is_shown_on_the_form(client, sprint):
    client.force_login(make_mentor(sprint))
    starts = timezone.localtime(timezone.now() + timedelta(hours=4)).replace(tzinfo=None)
    response = client.post(
        _url("office_hours", sprint),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "online_link": "https://meet.example.org/w",
            "capacity": "1",
        },
    )
    assert response.status_code == 200
    assert "The slot must end after it starts." in response.content.decode()


def test_an_organiser_edits_a_mentors_profile_from_the_mentors_page(client, sprint):
    from sprintlab.core.audit import AuditEntry

    mentor = make_mentor(sprint)
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    edit_url = _url("edit_profile", sprint, user_id=mentor.pk)
    client.force_login(organiser)
    assert f'href="{edit_url}"' in client.get(_url("mentors", sprint)).content.decode()
    form = client.get(edit_url).content.decode()
    assert "Evals person." in form
    refused = client.post(edit_url, {"expertise": ["writing"], "bio": "x" * 601, "timezone": ""})
    assert refused.status_code == 200 and "at most 600 characters" in refused.content.decode()
    response = client.post(edit_url, {"expertise": ["writing"], "bio": "Set by us", "timezone": "Europe/Oslo"})
    assert response.status_code == 302 and response.url == _url("mentors", sprint)
    mentor.mentor_profile.refresh_from_db()
    assert (mentor.mentor_profile.bio, mentor.mentor_profile.timezone) == ("Set by us", "Europe/Oslo")
    assert AuditEntry.objects.filter(action="mentoring.profile_update").exists()
    # Someone who is not the sprint's mentor has no such page; the mentor and others get no link.
    assert client.get(_url("edit_profile", sprint, user_id=make_participant(sprint).pk)).status_code == 404
    client.force_login(mentor)
    assert f'href="{edit_url}"' not in client.get(_url("mentors", sprint)).content.decode()
    assert client.get(edit_url).status_code == 403


def test_non_mentors_have_no_office_hours_page(client, sprint):
    client.force_login(make_participant(sprint))
    assert client.get(_url("office_hours", sprint)).status_code == 403


def test_a_participant_asks_for_help_and_sees_the_request(client, sprint):
    client.force_login(make_participant(sprint))
    response = client.post(
        _url("ask", sprint), {"topic": "Eval harness", "description": "It crashes", "contact": "@me"}, follow=True
    )
    page = response.content.decode()
    assert "Your request is in the queue" in page and "Eval harness" in page
    assert HelpRequest.objects.get().status == HelpStatus.OPEN


def test_strangers_see_why_they_cannot_ask(client, sprint):
    client.force_login(UserFactory())
    page = client.get(_url("ask", sprint)).content.decode()
    assert "Confirmed participants of this sprint ask its mentors for help here." in page
    assert "Send to the mentors" not in page


def test_the_queue_lists_the_oldest_first_and_filters_by_tag(client, sprint):
    now = timezone.now()
    HelpRequestFactory(sprint=sprint, topic="Newer", tag="evaluations", waiting_since=now)
    HelpRequestFactory(sprint=sprint, topic="Older", tag="writing", waiting_since=now - timedelta(minutes=30))
    client.force_login(make_mentor(sprint))
    page = client.get(_url("queue", sprint)).content.decode()
    assert page.index("Older") < page.index("Newer")
    assert "Waiting too long" in page  # 30 minutes > HELP_UNCLAIMED_ALERT_MINUTES
    assert 'hx-trigger="every 20s"' in page
    filtered = client.get(_url("queue", sprint), {"tag": "evaluations"}).content.decode()
    assert "Newer" in filtered and "Older" not in filtered


def test_the_queue_refresh_answers_the_list_only(client, sprint):
    HelpRequestFactory(sprint=sprint, topic="Polled")
    client.force_login(make_mentor(sprint))
    response = client.get(_url("queue", sprint), headers={"HX-Request": "true", "HX-Target": "queue-list"})
    page = response.content.decode()
    assert "Polled" in page and "<html" not in page


def test_the_mentor_who_loses_a_claim_is_told_who_has_it(client, sprint):
    request = HelpRequestFactory(sprint=sprint)
    winner, loser = make_mentor(sprint), make_mentor(sprint)
    client.force_login(winner)
    client.post(_url("claim", sprint, request_id=request.pk))
    client.force_login(loser)
    response = client.post(_url("claim", sprint, request_id=request.pk), {"next": "queue"}, follow=True)
    assert f"{winner.name} has already claimed this request." in response.content.decode()
    request.refresh_from_db()
    assert request.claimed_by == winner


def test_a_mentor_claims_writes_a_note_and_closes(client, sprint):
    member = make_team_member(sprint)
    request = HelpRequestFactory(sprint=sprint, requester=member)
    mentor = make_mentor(sprint)
    client.force_login(mentor)
    client.post(_url("claim", sprint, request_id=request.pk))
    client.post(_url("add_note", sprint, request_id=request.pk), {"body": "Use a held-out set."})
    client.post(_url("close", sprint, request_id=request.pk), {"note": "Sorted."})
    request.refresh_from_db()
    assert request.status == HelpStatus.CLOSED and request.notes.get().body == "Use a held-out set."
    client.force_login(member)
    page = client.get(_url("request", sprint, request_id=request.pk)).content.decode()
    assert "Use a held-out set." in page and "Sorted." in page


def test_others_do_not_see_a_request(client, sprint):
    request = HelpRequestFactory(sprint=sprint)
    client.force_login(make_participant(sprint))
    assert client.get(_url("request", sprint, request_id=request.pk)).status_code == 404


def test_the_overview_shows_unclaimed_requests_and_the_median(client, sprint):
    now = timezone.now()
    HelpRequestFactory(sprint=sprint, topic="Stuck for ages", waiting_since=now - timedelta(minutes=40))
    for minutes in (4, 6, 20):
        created = HelpRequestFactory(sprint=sprint, status=HelpStatus.CLOSED)
        HelpRequest.objects.filter(pk=created.pk).update(
            created_at=now - timedelta(hours=1), first_claimed_at=now - timedelta(hours=1) + timedelta(minutes=minutes)
        )
    client.force_login(SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user)
    page = client.get(_url("overview", sprint)).content.decode()
    assert "Stuck for ages" in page and "6 min" in page


def test_the_sprint_page_and_my_sprints_link_to_mentor_help(client, sprint):
    member = make_participant(sprint)
    client.force_login(member)
    assert _url("mentors", sprint) in client.get(sprint.get_absolute_url()).content.decode()
    assert _url("mentors", sprint) in client.get(reverse("registrations:mine")).content.decode()


def _fill(sprint, size):
    for _ in range(size):
        mentor = make_mentor(sprint)
        slot = OfficeHourSlotFactory(sprint=sprint, mentor=mentor, capacity=2)
        book(slot, TeamFactory(sprint=sprint))
        HelpRequestFactory(sprint=sprint, team=TeamFactory(sprint=sprint), claimed_by=mentor, status=HelpStatus.CLAIMED)


@pytest.mark.parametrize("name", ["mentors", "queue", "overview", "ask"])
def test_pages_make_the_same_queries_whatever_their_size(client, sprint, name):
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    make_mentor(sprint, organiser)
    make_team_member(sprint, user=organiser)
    client.force_login(organiser)
    _fill(sprint, 2)
    client.get(_url(name, sprint))  # the first request of a session also stamps it and warms caches
    small = count_queries(client, _url(name, sprint))
    _fill(sprint, 6)
    assert count_queries(client, _url(name, sprint)) == small
