"""Mentor-help services: office hours, bookings and the help queue; refusals change nothing."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from sprintlab.core.audit import AuditEntry
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.mentoring import helpdesk, services
from sprintlab.mentoring.models import HelpStatus, OfficeHourSlot, SlotBooking
from sprintlab.mentoring.permissions import MAX_ACTIVE_REQUESTS, MAX_FUTURE_BOOKINGS_PER_TEAM
from sprintlab.notifications.models import InboxItem, NotificationKind, NotificationPreference, OutboxMessage
from sprintlab.sprints.models import SprintRole
from tests.factories import SprintFactory, SprintMembershipFactory, UserFactory
from tests.mentoring.factories import (
    HelpRequestFactory,
    OfficeHourSlotFactory,
    RunningSprintFactory,
    TeamFactory,
    make_mentor,
    make_participant,
    make_team_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return RunningSprintFactory()


def _slot_times(hours_from_now=3):
    starts = timezone.now() + timedelta(hours=hours_from_now)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=1)}


# --- office hours ----------------------------------------------------------------------------------


def test_a_mentor_offers_a_slot(sprint):
    mentor = make_mentor(sprint)
    slot = services.slot_create(actor=mentor, sprint=sprint, online_link="https://meet.example.org/x", **_slot_times())
    assert slot.capacity == 1 and slot.mentor == mentor
    assert AuditEntry.objects.filter(action="mentoring.slot_create").count() == 1


def test_only_mentors_offer_slots(sprint):
    with pytest.raises(PermissionDeniedError):
        services.slot_create(
            actor=make_participant(sprint), sprint=sprint, online_link="https://x.org", **_slot_times()
        )
    assert not OfficeHourSlot.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"online_link": ""}, "online_link"),
        ({"online_link": "not a link"}, "online_link"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 21}, "capacity"),
        ({"ends_at": timezone.now()}, "ends_at"),
        (
            {"starts_at": timezone.now() + timedelta(days=30), "ends_at": timezone.now() + timedelta(days=30, hours=1)},
            "starts_at",
        ),
    ],
)
def test_a_slot_with_bad_fields_is_refused_per_field(sprint, change, field):
    mentor = make_mentor(sprint)
    values = {"online_link": "https://meet.example.org/x", **_slot_times(), **change}
    with pytest.raises(ServiceError) as refused:
        services.slot_create(actor=mentor, sprint=sprint, **values)
    assert field in refused.value.message_dict
    assert not OfficeHourSlot.objects.exists()


def test_a_team_member_books_and_a_second_team_finds_it_taken(sprint):
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint))
    first, second = make_team_member(sprint), make_team_member(sprint)
    booking = services.slot_book(actor=first, slot=slot)
    assert booking.team.members.filter(user=first).exists()
    with pytest.raises(Conflict, match="taken"):
        services.slot_book(actor=second, slot=slot)
    assert SlotBooking.objects.count() == 1


def test_a_team_books_a_slot_once(sprint):
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint), capacity=3)
    team = TeamFactory(sprint=sprint)
    services.slot_book(actor=make_team_member(sprint, team), slot=slot)
    with pytest.raises(Conflict, match="already booked"):
        services.slot_book(actor=make_team_member(sprint, team), slot=slot)


def test_a_team_holds_a_limited_number_of_future_bookings(sprint):
    mentor = make_mentor(sprint)
    member = make_team_member(sprint)
    slots = [
        OfficeHourSlotFactory(sprint=sprint, mentor=mentor, starts_at=timezone.now() + timedelta(hours=2 + i))
        for i in range(MAX_FUTURE_BOOKINGS_PER_TEAM + 1)
    ]
    for slot in slots[:-1]:
        services.slot_book(actor=member, slot=slot)
    with pytest.raises(Conflict, match="upcoming bookings"):
        services.slot_book(actor=member, slot=slots[-1])


def test_people_without_a_team_do_not_book(sprint):
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint))
    with pytest.raises(PermissionDeniedError, match="team"):
        services.slot_book(actor=make_participant(sprint), slot=slot)


def test_booking_is_refused_before_help_opens():
    sprint = SprintFactory()  # kickoff in two weeks
    mentor = make_mentor(sprint)
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=mentor, starts_at=sprint.kickoff_at)
    with pytest.raises(Conflict, match="opens"):
        services.slot_book(actor=make_team_member(sprint), slot=slot)


def test_a_cancelled_booking_frees_the_place(sprint):
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=make_mentor(sprint))
    first, second = make_team_member(sprint), make_team_member(sprint)
    booking = services.slot_book(actor=first, slot=slot)
    with pytest.raises(PermissionDeniedError):
        services.booking_cancel(actor=second, booking=booking)
    services.booking_cancel(actor=first, booking=booking)
    assert services.slot_book(actor=second, slot=slot).team != booking.team
    with pytest.raises(Conflict, match="already cancelled"):
        services.booking_cancel(actor=first, booking=booking)


def test_removing_a_booked_slot_tells_the_team(sprint):
    mentor = make_mentor(sprint)
    slot = OfficeHourSlotFactory(sprint=sprint, mentor=mentor)
    member = make_team_member(sprint)
    services.slot_book(actor=member, slot=slot)
    services.slot_delete(actor=mentor, slot=slot)
    assert not OfficeHourSlot.objects.exists()
    item = InboxItem.objects.get(user=member)
    assert item.kind == NotificationKind.MENTORING and "cancelled" in item.title


def test_a_mentor_edits_their_profile_and_nobody_else_does(sprint):
    mentor = make_mentor(sprint)
    profile = services.mentor_profile_update(
        actor=mentor, user=mentor, expertise=["writing", "evaluations"], bio="Hi", timezone_name="Asia/Tokyo"
    )
    assert profile.expertise == ["evaluations", "writing"]
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    services.mentor_profile_update(actor=organiser, user=mentor, expertise=[], bio="Edited", timezone_name="")
    with pytest.raises(PermissionDeniedError):
        services.mentor_profile_update(actor=UserFactory(), user=mentor, expertise=[], bio="", timezone_name="")
    with pytest.raises(ServiceError):
        services.mentor_profile_update(actor=mentor, user=mentor, expertise=["cooking"], bio="", timezone_name="")
    with pytest.raises(ServiceError):
        services.mentor_profile_update(actor=mentor, user=mentor, expertise=[], bio="", timezone_name="Mars/Base")


# --- help requests -----------------------------------------------------------------------------------


def _ask(actor, sprint, **fields):
    values = {"topic": "Probe", "description": "Flat loss", "contact": "@us on chat", **fields}
    return helpdesk.help_request_create(actor=actor, sprint=sprint, **values)


def test_a_team_member_and_a_solo_participant_ask_for_help(sprint):
    member = make_team_member(sprint)
    solo = make_participant(sprint)
    assert _ask(member, sprint).team is not None
    assert _ask(solo, sprint, tag="evaluations").team is None


def test_strangers_do_not_ask(sprint):
    with pytest.raises(PermissionDeniedError):
        _ask(UserFactory(), sprint)


def test_requests_in_progress_are_limited(sprint):
    member = make_team_member(sprint)
    for _ in range(MAX_ACTIVE_REQUESTS):
        _ask(member, sprint)
    with pytest.raises(Conflict, match="close one"):
        _ask(member, sprint)


def test_a_bad_tag_is_refused(sprint):
    with pytest.raises(ServiceError) as refused:
        _ask(make_participant(sprint), sprint, tag="cooking")
    assert "tag" in refused.value.message_dict


def test_claim_release_claim_keeps_the_first_answer_time_and_close_tells_the_team(sprint):
    team = TeamFactory(sprint=sprint)
    member, teammate = make_team_member(sprint, team), make_team_member(sprint, team)
    mentor, other = make_mentor(sprint), make_mentor(sprint)
    request = _ask(member, sprint)
    claimed = helpdesk.help_request_claim(actor=mentor, request=request)
    first = claimed.first_claimed_at
    assert claimed.status == HelpStatus.CLAIMED and first is not None
    assert InboxItem.objects.filter(user__in=[member, teammate], kind=NotificationKind.MENTORING).count() == 2
    with pytest.raises(Conflict, match=mentor.name):
        helpdesk.help_request_claim(actor=other, request=request)
    with pytest.raises(PermissionDeniedError):
        helpdesk.help_request_release(actor=other, request=request)
    helpdesk.help_request_release(actor=mentor, request=request)
    again = helpdesk.help_request_claim(actor=other, request=request)
    assert again.first_claimed_at == first and again.claimed_by == other
    helpdesk.help_note_add(actor=other, request=request, body="Try a smaller learning rate.")
    closed = helpdesk.help_request_close(actor=other, request=request, note="Fixed the learning rate.")
    assert closed.status == HelpStatus.CLOSED and closed.closing_note == "Fixed the learning rate."
    assert InboxItem.objects.filter(user=member, title__contains="closed").count() == 1
    with pytest.raises(Conflict):
        helpdesk.help_request_close(actor=other, request=request)


def test_an_unclaimed_open_request_is_not_closed_by_a_mentor_but_by_its_author(sprint):
    member = make_team_member(sprint)
    request = _ask(member, sprint)
    with pytest.raises(PermissionDeniedError, match="Claim"):
        helpdesk.help_request_close(actor=make_mentor(sprint), request=request)
    helpdesk.help_request_close(actor=member, request=request, note="Solved it ourselves.")


def test_mentors_of_another_sprint_do_not_claim(sprint):
    request = _ask(make_participant(sprint), sprint)
    with pytest.raises(PermissionDeniedError):
        helpdesk.help_request_claim(actor=make_mentor(RunningSprintFactory()), request=request)


def test_people_who_turned_mentor_help_off_in_the_app_get_email_only(sprint):
    member = make_team_member(sprint)
    NotificationPreference.objects.create(user=member, kind=NotificationKind.MENTORING, email=True, in_app=False)
    helpdesk.help_request_claim(actor=make_mentor(sprint), request=_ask(member, sprint))
    assert not InboxItem.objects.filter(user=member).exists()
    assert OutboxMessage.objects.get(user=member).kind == NotificationKind.MENTORING


@override_settings(HELP_UNCLAIMED_ALERT_MINUTES=15)
def test_organisers_are_alerted_once_per_request_waiting_too_long(sprint):
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    late = HelpRequestFactory(sprint=sprint, waiting_since=timezone.now() - timedelta(minutes=20))
    HelpRequestFactory(sprint=sprint, waiting_since=timezone.now() - timedelta(minutes=5))
    HelpRequestFactory(sprint=sprint, status=HelpStatus.CLAIMED, waiting_since=timezone.now() - timedelta(minutes=50))
    assert helpdesk.help_alert_unclaimed() == 1
    assert helpdesk.help_alert_unclaimed() == 0
    item = InboxItem.objects.get(user=organiser)
    assert item.key == f"mentoring:unclaimed:{late.pk}:{organiser.pk}"
    assert OutboxMessage.objects.filter(user=organiser, kind=NotificationKind.MENTORING).count() == 1
    late.refresh_from_db()
    assert late.alerted_at is not None


@override_settings(HELP_UNCLAIMED_ALERT_MINUTES=15)
def test_the_task_workers_periodic_jobs_send_the_alert(sprint):
    from django.core.management import call_command

    from sprintlab.core.management.commands.task_worker import PERIODIC_COMMANDS, run_maintenance

    assert "mentoring_alerts" in PERIODIC_COMMANDS
    SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER)
    HelpRequestFactory(sprint=sprint, waiting_since=timezone.now() - timedelta(minutes=16))
    run_maintenance()
    assert InboxItem.objects.filter(kind=NotificationKind.MENTORING).count() == 1
    call_command("mentoring_alerts")
    assert InboxItem.objects.filter(kind=NotificationKind.MENTORING).count() == 1
