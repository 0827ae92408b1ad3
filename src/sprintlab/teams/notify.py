"""Team activity for the people it concerns: an inbox item and an email, each as they chose.

Called inside the service's transaction, so a refused or rolled-back change tells nobody. Each
notification has a key naming the event, so writing it twice (a retried transaction) sends it once.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import format_html

from sprintlab.notifications.models import InboxItem, NotificationKind, OutboxMessage
from sprintlab.notifications.selectors import channels_by_user
from sprintlab.notifications.services import outbox_enqueue


def notify_team_activity(*, key: str, users, title: str, body: str, url: str) -> None:
    """Tell ``users`` about a team event: ``title`` with a one-paragraph ``body`` and a link to ``url``.

    Side effects: an ``InboxItem`` for those who want team activity in the app, an outbox email
    (kind TEAM) for those who want it by email, following ``notifications.selectors.channels_by_user``.
    """
    people = {user.pk: user for user in users}
    if not people:
        return
    by_email, in_app = channels_by_user(kind=NotificationKind.TEAM, user_ids=people)
    InboxItem.objects.bulk_create(
        [
            InboxItem(
                key=f"{key}:{user_id}",
                user_id=user_id,
                kind=NotificationKind.TEAM,
                title=title[:300],
                body_html=format_html("<p>{}</p>", body),
                url=url,
            )
            for user_id in sorted(in_app)
        ],
        ignore_conflicts=True,
    )
    for user_id in sorted(by_email):
        user = people[user_id]
        message = outbox_enqueue(
            key=f"{key}:{user_id}",
            to_email=user.email,
            user=user,
            subject=title,
            body_text=f"{body}\n\n{settings.SITE_URL}{url}\n",
        )
        # The outbox stores new messages as transactional; mark this one as team activity.
        if message.kind != NotificationKind.TEAM:
            OutboxMessage.objects.filter(pk=message.pk).update(kind=NotificationKind.TEAM)
