"""Sending announcements: the fan-out task's work and the scheduler of due announcements.

Nobody acts here (these run in tasks and the worker's periodic jobs), so there is no ``actor``.
Each person receives an announcement at most once however often this runs: the messages' keys
are ``announcement:<id>:<user id>`` (see ``notifications.fanout``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.announcements.models import Announcement, AnnouncementStatus
from sprintlab.announcements.selectors import recipients_of
from sprintlab.core.errors import Conflict
from sprintlab.core.markdown import render_markdown
from sprintlab.notifications.fanout import fan_out, webhook_enqueue
from sprintlab.notifications.models import NotificationKind

# An announcement still "sending" this long after it was marked has lost its task: schedule it again.
STUCK_AFTER = timedelta(minutes=10)


def announcement_url(announcement: Announcement) -> str:
    return reverse("announcements:detail", kwargs={"slug": announcement.sprint.slug, "pk": announcement.pk})


def plain_text(announcement: Announcement) -> str:
    """The email's text part: the Markdown as written (it reads well as text) and the link to the page."""
    return (
        f"{announcement.title}\n\n{announcement.body}\n\n"
        f"-- \n{announcement.sprint.title}\n{settings.SITE_URL}{announcement_url(announcement)}\n"
    )


def announcement_fan_out(*, announcement_id: int) -> int:
    """Write and schedule every message of a sending announcement; returns the number of recipients.

    Safe to run again (a retried or duplicated task): rows already written are kept, only what is
    still queued is scheduled again, and the announcement is marked sent once.
    """
    announcement = Announcement.objects.select_related("sprint", "site", "team").filter(pk=announcement_id).first()
    if announcement is None or announcement.status not in (AnnouncementStatus.SENDING, AnnouncementStatus.SENT):
        return 0
    recipients = recipients_of(announcement)
    body_html = render_markdown(announcement.body)
    url = announcement_url(announcement)
    fan_out(
        kind=NotificationKind.ANNOUNCEMENT,
        key_prefix=announcement.key_prefix,
        user_ids=recipients,
        subject=f"[{announcement.sprint.title}] {announcement.title}",
        body_text=plain_text(announcement),
        body_html=body_html,
        inbox_title=announcement.title,
        inbox_body_html=body_html,
        inbox_url=url,
    )
    with transaction.atomic():
        if announcement.mirror_to_chat and announcement.sprint.chat_webhook_url:
            webhook_enqueue(
                key=announcement.chat_key,
                url=announcement.sprint.chat_webhook_url,
                kind=NotificationKind.ANNOUNCEMENT,
                subject=announcement.title,
                text=f"**{announcement.title}**\n\n{announcement.body}\n\n{settings.SITE_URL}{url}",
            )
        Announcement.objects.filter(pk=announcement.pk, status=AnnouncementStatus.SENDING).update(
            status=AnnouncementStatus.SENT, sent_at=timezone.now(), recipient_count=len(recipients)
        )
    return len(recipients)


def announcements_send_due(*, now: datetime | None = None) -> int:
    """Mark every scheduled announcement whose time has come as sending, once; returns how many.

    Two schedulers running at once each try the same conditional update per announcement; only
    one changes the row and schedules the fan-out. Announcements stuck in "sending" (their task
    was lost) get their fan-out scheduled again; the fan-out's keys make that harmless.
    """
    now = now or timezone.now()
    due = list(
        Announcement.objects.filter(status=AnnouncementStatus.SCHEDULED, scheduled_for__lte=now).values_list(
            "pk", flat=True
        )
    )
    started = 0
    for announcement in Announcement.objects.filter(pk__in=due):
        with transaction.atomic():
            try:
                mark_sending(announcement)
            except Conflict:  # another scheduler got there first, or it was cancelled meanwhile
                continue
            started += 1
    stuck = Announcement.objects.filter(status=AnnouncementStatus.SENDING, sending_since__lt=now - STUCK_AFTER)
    for announcement_id in stuck.values_list("pk", flat=True):
        schedule_fan_out(announcement_id)
    return started


def mark_sending(announcement: Announcement) -> None:
    """Move a draft or scheduled announcement to "sending" and schedule its fan-out after commit.

    A conditional update: of two transactions doing this at once, only one changes the row, and
    only that one schedules the fan-out.
    """
    now = timezone.now()
    changed = Announcement.objects.filter(
        pk=announcement.pk, status__in=(AnnouncementStatus.DRAFT, AnnouncementStatus.SCHEDULED)
    ).update(status=AnnouncementStatus.SENDING, sending_since=now, updated_at=now)
    if not changed:
        raise Conflict(_("This announcement is already being sent."))
    announcement.status = AnnouncementStatus.SENDING
    announcement.sending_since = now
    transaction.on_commit(lambda: schedule_fan_out(announcement.pk))


def schedule_fan_out(announcement_id: int) -> None:
    from sprintlab.announcements.tasks import fan_out_announcement

    fan_out_announcement.enqueue(announcement_id)
