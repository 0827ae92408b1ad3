"""Schedulers running at the same moment on PostgreSQL: each reminder and announcement starts once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sprintlab.announcements.delivery import announcements_send_due
from sprintlab.announcements.models import Announcement, AnnouncementStatus, ReminderRun
from sprintlab.announcements.reminders import reminders_send_due
from sprintlab.notifications.models import OutboxMessage
from tests.announcements.factories import AnnouncementFactory
from tests.factories import RegistrationFactory, SprintFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SCHEDULERS = 6


def _all_at_once(job):
    barrier = threading.Barrier(SCHEDULERS)

    def run(_):
        barrier.wait()
        try:
            return job()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SCHEDULERS) as pool:
        return list(pool.map(run, range(SCHEDULERS)))


def test_concurrent_schedulers_start_each_reminder_and_announcement_once(on_postgres):
    sprint = SprintFactory(kickoff_at=timezone.now() + timedelta(hours=20))
    RegistrationFactory.create_batch(3, sprint=sprint)
    announcement = AnnouncementFactory(
        sprint=sprint, status=AnnouncementStatus.SCHEDULED, scheduled_for=timezone.now() - timedelta(minutes=1)
    )
    reminder_claims = _all_at_once(reminders_send_due)
    announcement_starts = _all_at_once(announcements_send_due)
    assert sum(len(claims) for claims in reminder_claims) == 1
    assert sum(announcement_starts) == 1
    assert ReminderRun.objects.count() == 1
    assert Announcement.objects.get(pk=announcement.pk).status == AnnouncementStatus.SENT
    # Three people, each one reminder email and one announcement email.
    assert OutboxMessage.objects.count() == 6
    assert OutboxMessage.objects.filter(status="sent").count() == 6
