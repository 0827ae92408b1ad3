"""Reminders a day and an hour before kickoff and the deadline: each sent once, however often the scheduler runs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from sprintlab.announcements.models import ReminderMoment, ReminderRun
from sprintlab.announcements.reminders import due_moments, reminder_fan_out, reminders_send_due
from sprintlab.notifications.models import InboxItem, NotificationKind, NotificationPreference
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import RegistrationFactory, SprintFactory

pytestmark = pytest.mark.django_db


def test_moments_fall_in_their_windows():
    now = timezone.now()
    sprint = SprintFactory.build(kickoff_at=now + timedelta(hours=20))
    assert due_moments(sprint, now=now) == [ReminderMoment.KICKOFF_DAY]
    sprint.kickoff_at = now + timedelta(minutes=30)
    assert due_moments(sprint, now=now) == [ReminderMoment.KICKOFF_HOUR]
    sprint.kickoff_at = now + timedelta(days=3)
    assert due_moments(sprint, now=now) == []


def test_a_reminder_goes_to_confirmed_people_once_by_their_channels(django_capture_on_commit_callbacks):
    sprint = SprintFactory(kickoff_at=timezone.now() + timedelta(hours=20))
    confirmed = RegistrationFactory(sprint=sprint)
    app_only = RegistrationFactory(sprint=sprint)
    NotificationPreference.objects.create(user=app_only.user, kind=NotificationKind.REMINDER, email=False)
    RegistrationFactory(sprint=sprint, status=RegistrationStatus.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send_due()
        second = reminders_send_due()
        call_command("send_due_reminders", stdout=open("/dev/null", "w"))
    assert [run.moment for run in first] == [ReminderMoment.KICKOFF_DAY]
    assert second == []
    assert [message.to for message in mail.outbox] == [[confirmed.user.email]]
    assert "starts tomorrow" in mail.outbox[0].subject
    assert InboxItem.objects.filter(kind=NotificationKind.REMINDER).count() == 2
    run = ReminderRun.objects.get()
    assert run.recipient_count == 2 and run.finished_at is not None
    # The fan-out running again (a retried task) reaches nobody twice.
    reminder_fan_out(run_id=run.pk)
    assert len(mail.outbox) == 1
    assert InboxItem.objects.count() == 2


def test_the_hour_reminder_follows_the_day_one(django_capture_on_commit_callbacks):
    sprint = SprintFactory(kickoff_at=timezone.now() + timedelta(hours=20))
    RegistrationFactory(sprint=sprint)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send_due()
        reminders_send_due(now=timezone.now() + timedelta(hours=19, minutes=30))
        reminders_send_due(now=timezone.now() + timedelta(hours=19, minutes=45))
    assert sorted(ReminderRun.objects.values_list("moment", flat=True)) == [
        ReminderMoment.KICKOFF_DAY,
        ReminderMoment.KICKOFF_HOUR,
    ]
    assert len(mail.outbox) == 2
