"""Announcements: audiences, refusals that change nothing, and each person reached at most once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from sprintlab.announcements import delivery, selectors, services
from sprintlab.announcements.models import Announcement, AnnouncementStatus, Audience, Segment
from sprintlab.core.audit import AuditEntry
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.localsites.models import SiteStatus
from sprintlab.notifications import fanout
from sprintlab.notifications.models import (
    InboxItem,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
)
from sprintlab.notifications.services import outbox_requeue_stale
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from sprintlab.teams.models import JoinedVia, Team, TeamMember
from tests.announcements.factories import AnnouncementFactory
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    sprint = SprintFactory()
    berlin, paris = LocalSiteFactory(sprint=sprint), LocalSiteFactory(sprint=sprint)
    people = {
        "berlin_confirmed": RegistrationFactory(sprint=sprint, site=berlin, first_sprint=True),
        "berlin_waitlisted": RegistrationFactory(sprint=sprint, site=berlin, status=RegistrationStatus.WAITLISTED),
        "paris_checked_in": RegistrationFactory(
            sprint=sprint, site=paris, first_sprint=False, checked_in_at=timezone.now()
        ),
        "remote": RegistrationFactory(sprint=sprint, first_sprint=False),
        "cancelled": RegistrationFactory(sprint=sprint, status=RegistrationStatus.CANCELLED),
    }
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    berlin_lead = SiteOrganiserFactory(site=berlin).user
    return sprint, berlin, paris, people, organiser, berlin_lead


def ids(world_people, *names):
    return sorted(world_people[name].user_id for name in names)


def test_audiences_reach_exactly_who_they_say(world):
    sprint, berlin, _paris, people, _organiser, _lead = world
    team = Team.objects.create(sprint=sprint, name="Circuits", lead=people["remote"].user)
    TeamMember.objects.create(team=team, sprint=sprint, user=people["remote"].user, joined_via=JoinedVia.FOUNDED)

    def audience(**kwargs):
        return selectors.announcement_audience(sprint, **kwargs)

    everyone = ids(people, "berlin_confirmed", "berlin_waitlisted", "paris_checked_in", "remote")
    assert audience(audience=Audience.EVERYONE) == everyone
    assert audience(audience=Audience.SITE, site=berlin) == ids(people, "berlin_confirmed", "berlin_waitlisted")
    assert audience(audience=Audience.TEAM, team=team) == ids(people, "remote")
    segment = {"audience": Audience.SEGMENT}
    assert audience(**segment, segments=[Segment.CONFIRMED]) == ids(
        people, "berlin_confirmed", "paris_checked_in", "remote"
    )
    assert audience(**segment, segments=[Segment.CONFIRMED, Segment.WAITLISTED]) == everyone
    assert audience(**segment, segments=[Segment.FIRST_TIMERS], site=berlin) == ids(
        people, "berlin_confirmed", "berlin_waitlisted"
    )
    assert audience(**segment, segments=[Segment.CHECKED_IN]) == ids(people, "paris_checked_in")
    assert audience(**segment, segments=[Segment.WITHOUT_TEAM, Segment.NOT_CHECKED_IN]) == ids(
        people, "berlin_confirmed", "berlin_waitlisted"
    )
    assert selectors.audience_count(sprint, **segment, segments=[Segment.CHECKED_IN]) == 1


def test_the_audience_is_one_query(world, django_assert_num_queries):
    sprint, berlin, *_ = world
    with django_assert_num_queries(1):
        selectors.announcement_audience(
            sprint, audience=Audience.SEGMENT, site=berlin, segments=[Segment.WITHOUT_TEAM, Segment.FIRST_TIMERS]
        )


def test_site_organiser_announces_to_own_site_only(world):
    sprint, berlin, paris, _people, _organiser, lead = world
    mine = services.announcement_create(
        actor=lead, sprint=sprint, audience=Audience.SITE, site=berlin, title="Doors", body="Open at 9."
    )
    assert mine.site == berlin
    for kwargs in (
        {"audience": Audience.SITE, "site": paris},
        {"audience": Audience.EVERYONE},
        {"audience": Audience.SEGMENT, "segments": [Segment.CONFIRMED]},
    ):
        with pytest.raises(PermissionDeniedError, match="your own site"):
            services.announcement_create(actor=lead, sprint=sprint, title="T", body="B", **kwargs)
    assert Announcement.objects.count() == 1


def test_announcing_to_a_sprint_one_does_not_organise_is_refused_and_changes_nothing(world):
    sprint, *_ = world
    other_sprints_organiser = SprintMembershipFactory(role=SprintRole.ORGANISER).user
    audit_before = AuditEntry.objects.count()
    with pytest.raises(PermissionDeniedError, match="organisers"):
        services.announcement_create(
            actor=other_sprints_organiser, sprint=sprint, audience=Audience.EVERYONE, title="Hi", body="Hello"
        )
    announcement = AnnouncementFactory(sprint=sprint)
    with pytest.raises(PermissionDeniedError):
        services.announcement_send_now(actor=other_sprints_organiser, announcement=announcement)
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT
    assert Announcement.objects.count() == 1
    assert AuditEntry.objects.count() == audit_before
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "", "body": "x"}, "title"),
        ({"title": "x" * 201, "body": "x"}, "title"),
        ({"title": "x", "body": ""}, "body"),
        ({"title": "x", "body": "a\x00b"}, "body"),
        ({"title": "x", "body": "y", "audience": Audience.SITE}, "site"),
        ({"title": "x", "body": "y", "audience": Audience.TEAM}, "team"),
        ({"title": "x", "body": "y", "audience": Audience.SEGMENT}, "segments"),
        (
            {"title": "x", "body": "y", "audience": Audience.SEGMENT, "segments": ["checked_in", "not_checked_in"]},
            "segments",
        ),
        ({"title": "x", "body": "y", "mirror_to_chat": True}, "mirror_to_chat"),
    ],
)
def test_bad_input_is_refused_per_field(world, kwargs, field):
    sprint, *_rest, organiser, _lead = world
    arguments = {"audience": Audience.EVERYONE, **kwargs}
    with pytest.raises(ServiceError) as refused:
        services.announcement_create(actor=organiser, sprint=sprint, **arguments)
    assert field in refused.value.message_dict
    assert not Announcement.objects.exists()


def test_a_site_of_another_sprint_or_not_approved_is_refused(world):
    sprint, *_rest, organiser, _lead = world
    for site in (LocalSiteFactory(), LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING)):
        with pytest.raises(ServiceError) as refused:
            services.announcement_create(
                actor=organiser, sprint=sprint, audience=Audience.SITE, site=site, title="x", body="y"
            )
        assert "site" in refused.value.message_dict


def test_send_now_fans_out_once_by_email_and_in_the_app(world, django_capture_on_commit_callbacks):
    sprint, berlin, _paris, people, organiser, _lead = world
    NotificationPreference.objects.create(
        user=people["berlin_waitlisted"].user, kind=NotificationKind.ANNOUNCEMENT, email=False, in_app=True
    )
    announcement = services.announcement_create(
        actor=organiser, sprint=sprint, audience=Audience.SITE, site=berlin, title="Doors", body="Open at **9**."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_send_now(actor=organiser, announcement=announcement)
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT
    assert announcement.recipient_count == 2
    assert [message.to for message in mail.outbox] == [[people["berlin_confirmed"].user.email]]
    assert "Open at **9**." in mail.outbox[0].body
    assert "<strong>9</strong>" in mail.outbox[0].alternatives[0][0]
    assert sorted(InboxItem.objects.values_list("user_id", flat=True)) == ids(
        people, "berlin_confirmed", "berlin_waitlisted"
    )
    with pytest.raises(Conflict):
        services.announcement_send_now(actor=organiser, announcement=announcement)
    # The fan-out task running again (a retried task) writes and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        delivery.announcement_fan_out(announcement_id=announcement.pk)
    assert len(mail.outbox) == 1
    assert InboxItem.objects.count() == 2
    stats = selectors.delivery_stats(announcement)
    assert stats.email[OutboxStatus.SENT] == 1
    assert stats.inbox == 2


def test_cancel_and_schedule_rules(world):
    sprint, *_rest, organiser, _lead = world
    announcement = AnnouncementFactory(sprint=sprint)
    with pytest.raises(ServiceError) as refused:
        services.announcement_schedule(
            actor=organiser, announcement=announcement, when=timezone.now() - timedelta(minutes=1)
        )
    assert "scheduled_for" in refused.value.message_dict
    services.announcement_schedule(actor=organiser, announcement=announcement, when=timezone.now() + timedelta(hours=1))
    services.announcement_cancel(actor=organiser, announcement=announcement)
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.CANCELLED
    with pytest.raises(Conflict):
        services.announcement_cancel(actor=organiser, announcement=announcement)
    with pytest.raises(Conflict):
        services.announcement_update(
            actor=organiser, announcement=announcement, audience=Audience.EVERYONE, title="x", body="y"
        )


def test_the_scheduler_sends_a_due_announcement_exactly_once(world, django_capture_on_commit_callbacks):
    sprint, *_rest, organiser, _lead = world
    announcement = AnnouncementFactory(sprint=sprint)
    services.announcement_schedule(
        actor=organiser, announcement=announcement, when=timezone.now() + timedelta(minutes=5)
    )
    assert delivery.announcements_send_due() == 0
    later = timezone.now() + timedelta(minutes=6)
    with django_capture_on_commit_callbacks(execute=True):
        first = delivery.announcements_send_due(now=later)
        second = delivery.announcements_send_due(now=later)
    assert (first, second) == (1, 0)
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT
    assert len(mail.outbox) == 4
    assert OutboxMessage.objects.count() == 4


def test_a_fan_out_whose_task_was_lost_is_scheduled_again(world, django_capture_on_commit_callbacks):
    sprint, *_ = world
    announcement = AnnouncementFactory(
        sprint=sprint, status=AnnouncementStatus.SENDING, sending_since=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        delivery.announcements_send_due()
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENT
    assert len(mail.outbox) == 4


def test_a_worker_dying_mid_batch_sends_nobody_the_announcement_twice(django_capture_on_commit_callbacks):
    people = UserFactory.create_batch(6)
    with mock.patch.object(fanout, "_schedule_batch"):  # the worker picks the batch up below
        fanout.fan_out(
            kind=NotificationKind.ANNOUNCEMENT,
            key_prefix="test-batch",
            user_ids=[person.pk for person in people],
            subject="Hello",
            body_text="Hello.",
            inbox_title="Hello",
        )
    message_ids = list(OutboxMessage.objects.order_by("pk").values_list("pk", flat=True))
    real_send = __import__("sprintlab.notifications.services", fromlist=["_send_within"])._send_within
    sends = []

    class WorkerKilled(BaseException):
        pass

    def dies_after_the_server_took_the_third(email, *, seconds):
        sends.append(email.to[0])
        real_send(email, seconds=seconds)
        if len(sends) == 3:
            raise WorkerKilled  # the process dies before it records the third as sent

    with mock.patch("sprintlab.notifications.services._send_within", dies_after_the_server_took_the_third):
        with pytest.raises(WorkerKilled):
            fanout.deliver_batch(message_ids=message_ids)
    # Each email is recorded right after its own send: two sent, the third in doubt, three never tried.
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in message_ids] == ["sent"] * 2 + ["sending"] * 4
    assert len(mail.outbox) == 3
    # The task runs again (abandoned-task recovery): the dead claim still holds them, nothing is sent.
    fanout.deliver_batch(message_ids=message_ids)
    assert len(mail.outbox) == 3
    # The lease runs out; the sweep recovers the claim: the third (maybe received, here it was) is
    # failed for staff to look at, the three never tried are sent. Nobody got the announcement twice.
    OutboxMessage.objects.filter(status=OutboxStatus.SENDING).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        outbox_requeue_stale()
    recipients = [message.to[0] for message in mail.outbox]
    assert sorted(recipients) == sorted(person.email for person in people)
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in message_ids] == ["sent", "sent", "failed", "sent", "sent", "sent"]
    assert OutboxMessage.objects.get(pk=message_ids[2]).in_doubt


def test_staff_announce_to_any_audience(world):
    sprint, _berlin, paris, *_ = world
    announcement = services.announcement_create(
        actor=StaffFactory(), sprint=sprint, audience=Audience.SITE, site=paris, title="Paris", body="Hi"
    )
    assert announcement.audience_summary == paris.name
